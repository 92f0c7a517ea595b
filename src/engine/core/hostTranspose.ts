import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from './hostLoops';

/**
 * tᵀ on the wasm backend by the tiled loop of hostLoops.wat (an exact copy, no gradient),
 * or null where that loop cannot run (another backend, no wasm SIMD): the caller then uses
 * tf.transpose. tfjs's wasm Transpose costs 1.3–7 ns a number (7 on rows that are a multiple of
 * 256, where its reads alias in cache: 3 072 × 256 took 5.0 ms); the tiled loop 0.3–1.
 */
export function hostTranspose(t: tf.Tensor2D): tf.Tensor2D | null {
  if (t.dtype !== 'float32') return null;
  const heap = wasmHeap();
  const src = heap?.offset(t) ?? null;
  if (!heap || src === null) return null;
  const [rows, cols] = t.shape;
  // Byte offsets stay valid when allocating `out` grows the heap (only the buffer changes).
  const out = heap.output([cols, rows]) as tf.Tensor2D;
  const dst = heap.offset(out);
  if (dst === null) {
    out.dispose();
    return null;
  }
  heap.loops.transpose(src, dst, rows, cols);
  return out;
}

/** Whether hostTranspose runs here (the wasm backend, with wasm SIMD); asked once a backend. */
export function canTransposeOnHost(): boolean {
  const backend = tf.backend();
  let can = available.get(backend);
  if (can === undefined) {
    can = wasmHeap() !== null;
    available.set(backend, can);
  }
  return can;
}

const available = new WeakMap<object, boolean>();
