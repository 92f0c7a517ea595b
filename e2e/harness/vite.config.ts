import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { wasmThreadsSurviveMinify } from '../../viteWasmThreads.ts';
import { ISOLATION_HEADERS } from '../../isolationHeaders.ts';

// A tiny page that runs src/engine/core/backend.ts inside a module worker, built exactly like the app
// (Vite production build, hashed .wasm asset URLs). e2e/backend.spec.ts drives it. The output
// lives under node_modules/.cache so it is ignored by git and untouched by Playwright's cleanup.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  // the training worker is a separate bundle with its own plugins: tfjs's wasm lives there
  worker: { format: 'es', plugins: () => [wasmThreadsSurviveMinify()] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    outDir: fileURLToPath(
      new URL('../../node_modules/.cache/e2e-backend-harness', import.meta.url),
    ),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
  },
});
