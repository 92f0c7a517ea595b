/**
 * Browser-only: tells the wasm backend where Vite put its .wasm binaries (hashed asset URLs).
 * The training worker imports this once, before initBackend. Node needs nothing: the Node build
 * of tfjs-backend-wasm reads the binaries from node_modules itself.
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { setWasmBinaryUrls } from './backend';

setWasmBinaryUrls({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  // the threaded build, fetched when a run asks for more than one thread (backend.ts)
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});
