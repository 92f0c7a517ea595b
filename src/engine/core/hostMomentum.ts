import * as tf from '@tensorflow/tfjs-core';
import { variableNamed } from './packedOptimizer';
import { gradientList, wasmHeap, type Heap } from './hostLoops';

/** Weight decay per parameter name: the gradient used is g + λ·p (torch's coupled L2). */
export type DecayRates = Record<string, number>;

/** Gradients by name, as a map or as tfjs's ordered list (the order places the state slots). */
export type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** An optimiser that adds coupled decay inside its own update (HostMomentum, HostAdam). */
export interface FoldsDecay {
  applyWithDecay(grads: Gradients, decay: DecayRates): void;
}

export function foldsDecay(o: unknown): o is FoldsDecay {
  return typeof (o as Partial<FoldsDecay> | null)?.applyWithDecay === 'function';
}

/** What MomentumOptimizer keeps private (tfjs 4.22): its scalars, settings and buffers. */
interface MomentumInternals {
  m: tf.Scalar;
  c: tf.Scalar;
  momentum: number;
  useNesterov: boolean;
  accumulations: { originalName: string; variable: tf.Variable }[];
}

const own = (o: tf.MomentumOptimizer) => o as unknown as MomentumInternals;

/**
 * tfjs's momentum update (v ← μv + g, p ← p − lr·v, torch's SGD with dampening 0), with the
 * coupled decay g + λp folded in, as one loop over the wasm heap (hostLoops.wat, SIMD).
 * tfjs runs four kernels per parameter (six with the decay), each with ~6 µs of bookkeeping
 * whatever its size and a pass over memory: at d = 64 a deep UFM step was two thirds
 * optimiser. The loop costs ~0.3 ns a number against tfjs's 3–15.
 *
 * Every number is tfjs's to the last bit: the loop does tfjs's float32 operations in its order,
 * without fused multiply-adds. The momentum buffer is updated in place when nothing else shares
 * it (a clone or a captured checkpoint would); the parameter always gets a new buffer: XNNPACK
 * keeps a packed copy of a product's right operand by tensor id, so a weight changed in place
 * would be multiplied by its old values. Elsewhere (other backends and dtypes, Nesterov, a
 * runtime without wasm SIMD) tfjs's own kernels run. The state is tfjs's (`${name}/momentum`).
 */
export class HostMomentum extends tf.MomentumOptimizer implements FoldsDecay {
  /** tfjs's Optimizer answers `instanceof` by duck typing; this class by its prototype chain. */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  /** tfjs's update, with decay folded into the gradients of the parameters `decay` names. */
  applyWithDecay(grads: Gradients, decay: DecayRates): void {
    const heap = own(this).useNesterov ? null : wasmHeap();
    gradientList(grads).forEach(({ name, tensor }, i) => {
      const value = variableNamed(name);
      const acc = this.accumulation(i, name, value);
      if (!heap || !this.updateOnHeap(heap, acc, value, tensor, decay[name])) {
        this.updateOnDevice(acc, value, tensor, decay[name]);
      }
    });
    this.incrementIterations();
  }

  override applyGradients(grads: Gradients): void {
    this.applyWithDecay(grads, {});
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
  private updateOnHeap(
    heap: Heap,
    acc: tf.Variable,
    value: tf.Variable,
    grad: tf.Tensor,
    rate: number | undefined,
  ): boolean {
    if (!heapReady(heap, value, grad, [acc])) return false;
    const next = heap.output(value.shape);
    const [p, out, v, g] = [value, next, acc, grad].map((t) => heap.offset(t) ?? 0);
    const m = own(this).momentum;
    const c = -this.learningRate;
    if (rate === undefined) heap.loops.momentum(p, out, v, g, value.size, m, c);
    else heap.loops.momentumDecay(p, out, v, g, value.size, m, c, rate);
    value.assign(next);
    next.dispose();
    return true;
  }
}

/**
 * Whether a parameter's update can run in the heap loop: float32 throughout, every tensor in the
 * heap, and the state buffers (updated in place) held by nothing else.
 */
export function heapReady(heap: Heap, value: tf.Tensor, grad: tf.Tensor, state: tf.Tensor[]) {
  if (value.dtype !== 'float32' || grad.dtype !== 'float32' || grad.size !== value.size)
    return false;
  if (!state.every((s) => s.dtype === 'float32' && heap.unshared(s))) return false;
  return [value, grad, ...state].every((t) => heap.offset(t) != null);
}
