import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import { wasmThreadsSurviveMinify } from './viteWasmThreads.ts';
import react from '@vitejs/plugin-react';
import { ISOLATION_HEADERS } from './isolationHeaders.ts';

/**
 * Everything the page AND the training worker import from node_modules. The dev server's
 * dependency scan starts at index.html and does not follow `new Worker(new URL(…))`, so without
 * this list it found the worker's imports only after the first page load, re-optimised, and kept
 * serving stale chunks ("does not provide an export named …") until restarted. Listing them (and
 * the worker as a scan entry) pre-bundles all of them before the first request.
 */
const DEPENDENCIES = [
  'react',
  'react-dom/client',
  'zustand',
  'zod',
  'comlink',
  'fflate',
  'idb-keyval',
  'ml-matrix',
  'seedrandom',
  'plotly.js-basic-dist-min',
  'plotly.js-cartesian-dist-min',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
  '@tensorflow/tfjs-core/dist/register_all_gradients',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-backend-webgpu',
];

/**
 * The page's entry (src/main.tsx) is small: it starts the training worker and then imports the
 * app chunk (src/app/start.tsx). index.html asks for that chunk, its imports and its CSS up front
 * as well, so they download beside the entry instead of after it has run.
 */
function preloadAppChunk(): Plugin {
  return {
    name: 'nc-lab-preload-app-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.bundle) return html;
        const app = Object.values(ctx.bundle).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/app/start.tsx'),
        );
        if (!app || app.type !== 'chunk')
          throw new Error('preloadAppChunk: no chunk for src/app/start.tsx in the build');
        const link = (rel: string, file: string): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel, crossorigin: true, href: `/${file}` },
          injectTo: 'head',
        });
        const scripts = [app.fileName, ...app.imports].filter((f) => !html.includes(`/${f}"`));
        const styles = [...(app.viteMetadata?.importedCss ?? [])];
        return {
          html,
          tags: [
            ...scripts.map((f) => link('modulepreload', f)),
            ...styles.map((f) => link('stylesheet', f)),
          ],
        };
      },
    },
  };
}

// The tfjs wasm backend's .wasm binaries are imported with `?url` (src/engine/core/wasmUrls.browser.ts),
// so Vite serves and fingerprints them like any asset.
export default defineConfig({
  plugins: [react(), preloadAppChunk()],
  // the training worker is a separate bundle with its own plugins: tfjs's wasm lives there
  worker: { format: 'es', plugins: () => [wasmThreadsSurviveMinify()] },
  optimizeDeps: {
    entries: ['index.html', 'src/worker/lab.worker.ts'],
    include: DEPENDENCIES,
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
  // cross-origin isolated, so wasm may run threaded (isolationHeaders.ts)
  server: { port: 5173, headers: ISOLATION_HEADERS },
  preview: { port: 4173, headers: ISOLATION_HEADERS },
});
