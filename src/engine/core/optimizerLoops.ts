import { LOOPS_WASM, LOOPS_WASM_SHARED } from './optimizerLoops.wasm';

/**
 * The optimiser loops of optimizerLoops.wat, instantiated on tfjs's own wasm memory: arguments
 * are byte offsets into that heap and counts of float32 numbers. See the .wat for the formulas.
 */
export interface OptimizerLoops {
  momentum(p: number, out: number, v: number, g: number, n: number, m: number, c: number): void;
  momentumDecay(
    p: number,
    out: number,
    v: number,
    g: number,
    n: number,
    m: number,
    c: number,
    l: number,
  ): void;
}

const instances = new WeakMap<WebAssembly.Memory, OptimizerLoops | null>();

/**
 * The loops on `memory` (one instance per memory), or null where this runtime cannot run them
 * (no wasm SIMD): the caller then keeps tfjs's kernels. The module is 0.5 kB: compiling it
 * synchronously is allowed everywhere.
 */
export function optimizerLoops(memory: WebAssembly.Memory): OptimizerLoops | null {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  let loops: OptimizerLoops | null;
  try {
    // an imported memory must match the module's declaration: tfjs's threaded build shares it
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(bytes(shared ? LOOPS_WASM_SHARED : LOOPS_WASM));
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    loops = instance.exports as unknown as OptimizerLoops;
  } catch {
    loops = null;
  }
  instances.set(memory, loops);
  return loops;
}

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
