import * as tf from '@tensorflow/tfjs-core';
import { heapHolding } from './hostLoops';

/**
 * The lab's own product on the wasm heap (hostLoops.wat `gemm`), registered as a tfjs kernel so
 * that `tf.profile` and the efficiency bench see it. On one thread it ran the MLP steps'
 * products at 48–60 GFLOP/s here against XNNPACK's 44–48 at its best (its packing of the right
 * operand already done), and a step's right operands are all new: XNNPACK packs each again
 * (down to 11 GFLOP/s for seed 002's first layer), and the lab transposed operands to keep what
 * it packs small. This one reads b as it lies (docs/speed-log.md, "The networks' products on
 * the heap"). Each number is XNNPACK's to the last bit: the same float32 products added in the
 * same order (hostGemm.wasm.test.ts).
 */
export const HOST_MATMUL_KERNEL = 'NcLabMatMul';

/**
 * a·b on the heap; null where it does not run (another backend, no wasm SIMD, N not a multiple
 * of 8): the caller then phrases the product for tf.matMul. With tfjs's thread pool the
 * callers ask heapTuner.ts which of the two is faster for the shape.
 */
export function hostMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D | null {
  if (b.shape[0] !== a.shape[1] || !canGemmOnHost(a.shape[0], b.shape[1])) return null;
  if (!heapHolding(a, b)) return null;
  if (!tf.getKernel(HOST_MATMUL_KERNEL, 'wasm')) {
    tf.registerKernel({ kernelName: HOST_MATMUL_KERNEL, backendName: 'wasm', kernelFunc });
  }
  return tf.engine().runKernel(HOST_MATMUL_KERNEL, { a, b }) as tf.Tensor2D;
}

/** Whether an M × N product runs on the heap here (see hostMatMul). */
export function canGemmOnHost(M: number, N: number): boolean {
  return enabled && M > 0 && N > 0 && N % 8 === 0;
}

let enabled = true;

/** Off: every product goes to tf.matMul as before (tests of that phrasing, A/B timings). */
export function setHostGemm(on: boolean): void {
  enabled = on;
}

/** Bytes of b's rows a block of k keeps in cache: about what a core's L2 cache holds. */
const BLOCK_BYTES = 512 * 1024;
let blockBytes = BLOCK_BYTES;

/** Another block size (tests of the carried sums); the default without one. */
export function setBlockBytes(n = BLOCK_BYTES): void {
  blockBytes = n;
}

/**
 * Rows of b per block of k (gemm's kc): b's rows are read once for every 4 rows of a, and a
 * b of 3 072 × 512 (6 MB, seed 000's first layer) came from memory each time.
 */
export function blockRows(K: number, N: number): number {
  return Math.max(1, Math.min(K, Math.floor(blockBytes / (4 * N))));
}

const kernelFunc: tf.KernelFunc = ({ inputs }) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const heap = heapHolding(a, b);
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (!heap || b.shape[0] !== K || N % 8 !== 0) {
    throw new Error(
      `${HOST_MATMUL_KERNEL}: needs float32 tensors in the wasm heap and N a multiple of 8 (got [${a.shape.join(', ')}] · [${b.shape.join(', ')}])`,
    );
  }
  const out = heap.outputInfo([M, N]);
  const at = (t: tf.TensorInfo) => heap.offset(t) as number;
  heap.loops.gemm(at(a), at(b), at(out), M, K, N, blockRows(K, N));
  return out;
};
