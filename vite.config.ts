import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The tfjs wasm backend's .wasm binaries are imported with `?url` (src/engine/wasmUrls.browser.ts),
// so Vite serves and fingerprints them like any asset.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
