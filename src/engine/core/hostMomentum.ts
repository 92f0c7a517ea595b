import * as tf from '@tensorflow/tfjs-core';
import { variableNamed } from './packedOptimizer';

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

/** The wasm backend's heap and where each tensor lives in it (`hostRows.ts` reads it too). */
interface WasmHeap {
  wasm?: { HEAPU8?: Uint8Array };
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  dataIdMap?: {
    get(dataId: object): { memoryOffset?: number | null; refCount?: number } | undefined;
  };
}

/**
 * tfjs's momentum update (v ← μv + g, p ← p − lr·v, torch's SGD with dampening 0), with the
 * coupled decay g + λp folded in, computed on the host straight from the wasm heap. tfjs runs
 * four kernels per parameter (six with the decay), each with ~6 µs of bookkeeping whatever its
 * size: at d = 64 a deep UFM step was two thirds optimiser. Here a small parameter costs one
 * loop over its numbers.
 *
 * Every number is tfjs's to the last bit: each float32 operation is done in float64 and rounded
 * once (`Math.fround`, or a store into a Float32Array), exact since float64 carries more than
 * 2·24 + 2 bits. The momentum buffer is updated in place when nothing else shares it (a clone
 * or a captured checkpoint would); the parameter always gets a new buffer (see updateOnHost).
 * Elsewhere (other backends and dtypes, parameters over HOST_LIMIT numbers, Nesterov) tfjs's own
 * kernels run. The state is tfjs's (`${name}/momentum` per parameter).
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

  /** One parameter's update on the host; false (nothing done) where it cannot be done there. */
  private updateOnHost(
    heap: Required<WasmHeap>,
    acc: tf.Variable,
    value: tf.Variable,
    grad: tf.Tensor,
    rate: number | undefined,
  ): boolean {
    if (value.size > HOST_LIMIT) return false;
    if (value.dtype !== 'float32' || grad.dtype !== 'float32') return false;
    if (heap.dataIdMap.get(acc.dataId)?.refCount !== 1) return false;
    // the parameter gets a new buffer: XNNPACK keeps a packed copy of a product's right operand
    // by tensor id, so a weight changed in place would be multiplied by its old values
    const next = tf
      .engine()
      .makeTensorFromTensorInfo(heap.makeOutput(value.shape, 'float32')) as tf.Tensor;
    const p = view(heap, value);
    const out = view(heap, next);
    const v = view(heap, acc);
    const g = view(heap, grad);
    if (!p || !out || !v || !g || g.length !== p.length) {
      next.dispose();
      return false;
    }
    const m = Math.fround(own(this).momentum);
    const c = Math.fround(-this.learningRate);
    if (rate === undefined) {
      for (let k = 0; k < p.length; k++) {
        const nv = Math.fround(Math.fround(m * v[k]) + g[k]);
        v[k] = nv;
        out[k] = Math.fround(c * nv) + p[k];
      }
    } else {
      const l = Math.fround(rate);
      for (let k = 0; k < p.length; k++) {
        const pk = p[k];
        const gk = Math.fround(g[k] + Math.fround(pk * l));
        const nv = Math.fround(Math.fround(m * v[k]) + gk);
        v[k] = nv;
        out[k] = Math.fround(c * nv) + pk;
      }
    }
    value.assign(next);
    next.dispose();
    return true;
  }
}

/**
 * Parameters up to this many numbers are updated on the host: the loop costs ~3.7 ns a number,
 * tfjs's six kernels ~25 µs plus ~0.5 ns a number each (measured on wasm: 256 numbers 2.4
 * against 27 µs, 4 096 17 against 23, 16 384 62 against 29).
 */
export const HOST_LIMIT = 8192;

function wasmHeap(): Required<WasmHeap> | null {
  const backend = tf.backend() as unknown as WasmHeap;
  const usable = backend.wasm?.HEAPU8 && backend.dataIdMap && backend.makeOutput;
  return usable ? (backend as Required<WasmHeap>) : null;
}

/** A tensor's numbers as a view of the heap (valid until tfjs next allocates). */
function view(heap: Required<WasmHeap>, t: tf.Tensor): Float32Array | null {
  const offset = heap.dataIdMap.get(t.dataId)?.memoryOffset;
  const bytes = heap.wasm.HEAPU8;
  return offset == null || !bytes ? null : new Float32Array(bytes.buffer, offset, t.size);
}
