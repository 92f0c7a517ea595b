import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The tfjs wasm backend loads its .wasm binaries at run time; scripts/copy-wasm.ts puts them in
// public/tfjs-wasm/ so both `vite` and `vite build` serve them from the same path.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 6000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
