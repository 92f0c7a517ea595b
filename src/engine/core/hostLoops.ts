import * as tf from '@tensorflow/tfjs-core';
import { LOOPS_WASM, LOOPS_WASM_SHARED } from './hostLoops.wasm';

/**
 * The loops of hostLoops.wat (optimiser updates, a transpose), instantiated on tfjs's own wasm
 * memory: pointers are byte offsets into that heap, n counts float32 numbers. See the .wat for
 * the formulas.
 */
export interface HostLoops {
  momentum(...args: MomentumArgs): void;
  momentumDecay(...args: [...MomentumArgs, l: number]): void;
  adam(...args: AdamArgs): void;
  adamDecay(...args: [...AdamArgs, l: number]): void;
  /** dst (cols × rows) = srcᵀ, in tiles of `tileRows` rows (a multiple of 4) by 8 columns */
  transpose(src: number, dst: number, rows: number, cols: number, tileRows: number): void;
  // BatchNorm's passes over an n × C matrix x (its rows the samples); per-channel vectors of C
  /** out = Σ_r x[r, ·] */
  channelSums(x: number, n: number, C: number, out: number): void;
  /** out = Σ_r (x[r, ·] − mean)² */
  channelCentredSquares(x: number, mean: number, n: number, C: number, out: number): void;
  /** sumDy = Σ_r dy[r, ·];  sumDyCentred = Σ_r dy[r, ·]·(x[r, ·] − mean) */
  channelGradSums(
    dy: number,
    x: number,
    mean: number,
    n: number,
    C: number,
    sumDy: number,
    sumDyCentred: number,
  ): void;
  /** out[r, ·] = (x[r, ·] − mean)·a + b */
  channelAffineCentred(
    x: number,
    mean: number,
    a: number,
    b: number,
    n: number,
    C: number,
    out: number,
  ): void;
  /** out[r, ·] = dy[r, ·]·a + (x[r, ·] − mean)·s + b */
  channelInputGrad(
    dy: number,
    x: number,
    mean: number,
    a: number,
    s: number,
    b: number,
    n: number,
    C: number,
    out: number,
  ): void;
  /**
   * dst[i0][i1][i2][i3] = src[i0·s0 + i1·s1 + i2·s2 + i3·s3]: dst row-major d0 × d1 × d2 × d3,
   * strides in numbers (a transpose of up to four axes, or of a slice)
   */
  permute4(
    src: number,
    dst: number,
    d0: number,
    d1: number,
    d2: number,
    d3: number,
    s0: number,
    s1: number,
    s2: number,
    s3: number,
  ): void;
  /** MaxPool 2 × 2 / stride 2's input gradient: x, out N × H × W × C, dy N × H/2 × W/2 × C */
  maxPool2x2Grad(
    x: number,
    dy: number,
    N: number,
    H: number,
    W: number,
    C: number,
    out: number,
  ): void;
  /** dst[c][m][r] = src[r][m][c] for a rows × mid × cols src: the first and last axes swapped */
  batchedTranspose(src: number, dst: number, rows: number, mid: number, cols: number): void;
  /** out[r, c] = x[r, c] + b[c] for an n × C x */
  addChannels(x: number, b: number, n: number, C: number, out: number): void;
  /** stage = float32(row − m) for the rows at off[k0 … k1) of `rows`, columns below d4 */
  stageSegment(
    rows: number,
    off: number,
    k0: number,
    k1: number,
    m: number,
    d4: number,
    stage: number,
  ): void;
  /** s = Σ (x − r), q = Σ (x − r)² in float64 over the rows at off[k0 … k1), columns below d4 */
  segmentMoments(
    rows: number,
    off: number,
    k0: number,
    k1: number,
    r: number,
    d4: number,
    s: number,
    q: number,
  ): void;
  /** c (M × N) = a·b, all row-major, b K × N; k in blocks of kc; N % 8 = 0 */
  gemm(a: number, b: number, c: number, M: number, K: number, N: number, kc: number): void;
  /**
   * out (B·Ho·Wo × O) = x (B × H × W × C) convolved with w (kh × kw × C × O), stride s,
   * dilation d, padded by padTop / padLeft, + bias (0: none); taps outside the image read
   * `zeros` (C numbers). O % 8 = 0
   */
  conv(
    x: number,
    w: number,
    bias: number,
    zeros: number,
    out: number,
    B: number,
    H: number,
    W: number,
    C: number,
    Ho: number,
    Wo: number,
    O: number,
    kh: number,
    kw: number,
    s: number,
    d: number,
    padTop: number,
    padLeft: number,
  ): void;
  /** ReLU's input gradient: out = dy where x > 0, else 0 (n numbers) */
  reluGrad(x: number, dy: number, n: number, out: number): void;
}

type MomentumArgs = [p: number, out: number, v: number, g: number, n: number, m: number, c: number];

type AdamArgs = [
  p: number,
  out: number,
  m: number,
  v: number,
  g: number,
  n: number,
  beta1: number,
  oneMinusBeta1: number,
  beta2: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  c: number,
];

/** The wasm backend's memory (threaded builds name it wasmMemory) and its tensors' places. */
interface WasmBackend {
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  dataIdMap?: {
    get(dataId: object): { memoryOffset?: number | null; refCount?: number } | undefined;
  };
}

/** What an optimiser's heap path needs: the loops and the backend's bookkeeping. */
export interface Heap {
  loops: HostLoops;
  /** A tensor's byte offset in the heap (null if it has none). */
  offset(t: tf.TensorInfo): number | null;
  /** Whether nothing but `t` holds its buffer (a clone or a captured checkpoint would). */
  unshared(t: tf.Tensor): boolean;
  /** A new float32 tensor whose numbers the caller writes. */
  output(shape: number[]): tf.Tensor;
  /** The same as a kernel's output: the backend's record, not yet a tensor of the engine. */
  outputInfo(shape: number[]): tf.TensorInfo;
  /**
   * A float32 tensor's numbers where they lie in the heap. Allocating a tensor may grow the
   * heap and detach the view: take views after the outputs are made.
   */
  view(t: tf.TensorInfo): Float32Array;
}

/**
 * The heap of the active backend if it is wasm and can run the loops, else null. Made once per
 * backend instance (a restarted wasm backend is a new one): a network step asks for it at every
 * product, bias and BatchNorm, and building its closures each time showed in a step's profile.
 */
export function wasmHeap(): Heap | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend();
  let heap = heaps.get(backend);
  if (heap === undefined) {
    heap = heapOf(backend as unknown as WasmBackend);
    heaps.set(backend, heap);
  }
  return heap;
}

const heaps = new WeakMap<object, Heap | null>();

function heapOf(backend: WasmBackend): Heap | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  const { dataIdMap } = backend;
  const makeOutput = backend.makeOutput?.bind(backend);
  if (!memory || !makeOutput || !dataIdMap) return null;
  const loops = hostLoops(memory);
  if (!loops) return null;
  return {
    loops,
    offset: (t) => dataIdMap.get(t.dataId)?.memoryOffset ?? null,
    unshared: (t) => dataIdMap.get(t.dataId)?.refCount === 1,
    output: (shape) =>
      tf.engine().makeTensorFromTensorInfo(makeOutput(shape, 'float32')) as tf.Tensor,
    outputInfo: (shape) => makeOutput(shape, 'float32'),
    view: (t) => {
      const at = dataIdMap.get(t.dataId)?.memoryOffset;
      if (t.dtype !== 'float32' || at == null) throw new Error('view: not a float32 heap tensor');
      return new Float32Array(memory.buffer, at, tf.util.sizeFromShape(t.shape));
    },
  };
}

/**
 * The heap when every tensor given is float32 and lies in it, so a loop can read them where
 * they are; else null (another backend, no wasm SIMD, another dtype).
 */
export function heapHolding(...tensors: tf.TensorInfo[]): Heap | null {
  const heap = wasmHeap();
  if (!heap) return null;
  return tensors.every((t) => t.dtype === 'float32' && heap.offset(t) !== null) ? heap : null;
}

const instances = new WeakMap<WebAssembly.Memory, HostLoops | null>();

/**
 * The loops on `memory` (one instance per memory), or null where this runtime cannot run them
 * (no wasm SIMD): the caller then keeps tfjs's kernels. The module is about 2 kB: compiling it
 * synchronously is allowed everywhere.
 */
export function hostLoops(memory: WebAssembly.Memory): HostLoops | null {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  let loops: HostLoops | null;
  try {
    // an imported memory must match the module's declaration: tfjs's threaded build shares it
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(bytes(shared ? LOOPS_WASM_SHARED : LOOPS_WASM));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    loops = instance.exports as unknown as HostLoops;
  } catch {
    loops = null;
  }
  instances.set(memory, loops);
  return loops;
}

/** Gradients as an ordered list: a map in its key order, as tfjs's optimisers read it. */
export function gradientList(
  grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[],
): { name: string; tensor: tf.Tensor }[] {
  return Array.isArray(grads)
    ? grads
    : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
}

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
