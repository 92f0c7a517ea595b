import * as tf from '@tensorflow/tfjs-core';
import { variableNamed } from './packedOptimizer';
import { optimizerLoops, type OptimizerLoops } from './optimizerLoops';

/** Weight decay per parameter name: the gradient used is g + λ·p (torch's coupled L2). */
export type DecayRates = Record<string, number>;

/** What MomentumOptimizer keeps private (tfjs 4.22): its scalars, settings and buffers. */
interface MomentumInternals {
  m: tf.Scalar;
  c: tf.Scalar;
  momentum: number;
  useNesterov: boolean;
  accumulations: { originalName: string; variable: tf.Variable }[];
}

const own = (o: tf.MomentumOptimizer) => o as unknown as MomentumInternals;

/** The wasm backend's memory (threaded builds name it wasmMemory) and its tensors' places. */
interface WasmBackend {
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  dataIdMap?: {
    get(dataId: object): { memoryOffset?: number | null; refCount?: number } | undefined;
  };
}

/** What the host path needs: the backend's bookkeeping and the loops on its memory. */
interface Heap {
  backend: Required<Pick<WasmBackend, 'makeOutput' | 'dataIdMap'>>;
  loops: OptimizerLoops;
}

/**
 * tfjs's momentum update (v ← μv + g, p ← p − lr·v, torch's SGD with dampening 0), with the
 * coupled decay g + λp folded in, as one loop over the wasm heap (optimizerLoops.wat, SIMD).
 * tfjs runs four kernels per parameter (six with the decay), each with ~6 µs of bookkeeping
 * whatever its size and a pass over memory: at d = 64 a deep UFM step was two thirds
 * optimiser. The loop costs ~0.3 ns a number against tfjs's 3–15.
 *
 * Every number is tfjs's to the last bit: the loop does tfjs's float32 operations in its order,
 * without fused multiply-adds. The momentum buffer is updated in place when nothing else shares
 * it (a clone or a captured checkpoint would); the parameter always gets a new buffer (see
 * updateOnHost). Elsewhere (other backends and dtypes, Nesterov, a runtime without wasm SIMD)
 * tfjs's own kernels run. The state is tfjs's (`${name}/momentum` per parameter).
 */
export class HostMomentum extends tf.MomentumOptimizer {
  /** tfjs's Optimizer answers `instanceof` by duck typing; this class by its prototype chain. */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  /** tfjs's update, with decay folded into the gradients of the parameters `decay` names. */
  applyWithDecay(grads: tf.NamedTensorMap, decay: DecayRates): void {
    const heap = !own(this).useNesterov && tf.getBackend() === 'wasm' ? wasmHeap() : null;
    Object.keys(grads).forEach((name, i) => {
      const value = variableNamed(name);
      const acc = this.accumulation(i, name, value);
      const grad = grads[name];
      if (!heap || !this.updateOnHost(heap, acc, value, grad, decay[name])) {
        this.updateOnDevice(acc, value, grad, decay[name]);
      }
    });
    this.incrementIterations();
  }

  override applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const map: tf.NamedTensorMap = Array.isArray(grads)
      ? Object.fromEntries(grads.map((g) => [g.name, g.tensor]))
      : grads;
    this.applyWithDecay(map, {});
  }

  /** tfjs's own kernels for one parameter (MomentumOptimizer.applyGradients' body). */
  private updateOnDevice(
    acc: tf.Variable,
    value: tf.Variable,
    grad: tf.Tensor,
    rate: number | undefined,
  ): void {
    const { m, c, useNesterov } = own(this);
    tf.tidy(() => {
      const g = rate === undefined ? grad : tf.add(grad, tf.mul(value, rate));
      const newAcc = tf.add(tf.mul(m, acc), g);
      const step = useNesterov ? tf.add(g, tf.mul(newAcc, m)) : newAcc;
      const newValue = tf.add(tf.mul(c, step), value);
      acc.assign(newAcc);
      value.assign(newValue);
    });
  }

  /** The i-th momentum buffer, created as tfjs creates it (zeros, named `${name}/momentum`). */
  private accumulation(i: number, name: string, value: tf.Variable): tf.Variable {
    const slots = own(this).accumulations;
    if (slots[i] == null) {
      slots[i] = {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
    }
    return slots[i].variable;
  }

  /** One parameter's update in the heap loop; false (nothing done) where it cannot run there. */
  private updateOnHost(
    heap: Heap,
    acc: tf.Variable,
    value: tf.Variable,
    grad: tf.Tensor,
    rate: number | undefined,
  ): boolean {
    const { backend, loops } = heap;
    if (value.dtype !== 'float32' || grad.dtype !== 'float32' || grad.size !== value.size)
      return false;
    if (backend.dataIdMap.get(acc.dataId)?.refCount !== 1) return false;
    // the parameter gets a new buffer: XNNPACK keeps a packed copy of a product's right operand
    // by tensor id, so a weight changed in place would be multiplied by its old values
    const next = tf
      .engine()
      .makeTensorFromTensorInfo(backend.makeOutput(value.shape, 'float32')) as tf.Tensor;
    const [p, out, v, g] = [value, next, acc, grad].map((t) => offset(backend, t));
    if (p == null || out == null || v == null || g == null) {
      next.dispose();
      return false;
    }
    const m = own(this).momentum;
    if (rate === undefined) loops.momentum(p, out, v, g, value.size, m, -this.learningRate);
    else loops.momentumDecay(p, out, v, g, value.size, m, -this.learningRate, rate);
    value.assign(next);
    next.dispose();
    return true;
  }
}

function wasmHeap(): Heap | null {
  const backend = tf.backend() as unknown as WasmBackend;
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  const { makeOutput, dataIdMap } = backend;
  if (!memory || !makeOutput || !dataIdMap) return null;
  const loops = optimizerLoops(memory);
  return loops ? { backend: { makeOutput: makeOutput.bind(backend), dataIdMap }, loops } : null;
}

/** A tensor's byte offset in the heap (null if it has none). */
function offset(backend: Heap['backend'], t: tf.Tensor): number | null {
  return backend.dataIdMap.get(t.dataId)?.memoryOffset ?? null;
}
