import * as tf from '@tensorflow/tfjs-core';
import { variableNamed } from './packedOptimizer';
import { gradientList, wasmHeap, type Heap } from './hostLoops';
import { heapReady, type DecayRates, type FoldsDecay, type Gradients } from './hostMomentum';

/** What AdamOptimizer keeps private (tfjs 4.22): its settings, β powers and moment buffers. */
interface AdamInternals {
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

type Slot = { originalName: string; variable: tf.Variable };

const own = (o: tf.AdamOptimizer) => o as unknown as AdamInternals;

/**
 * tfjs's Adam (m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², p ← p − lr·m̂/(√v̂ + ε), with
 * m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)), with torch's coupled decay g + λp folded in, as one loop over
 * the wasm heap (hostLoops.wat, SIMD) instead of tfjs's 14 kernels a parameter (16 with
 * the decay), each a pass over memory. Every number is tfjs's to the last bit (the same float32
 * operations in the same order); the moment buffers are updated in place when nothing else
 * shares them, the parameter gets a new buffer (see HostMomentum). On other backends, for
 * other dtypes or shared buffers, tfjs's own kernels run. The state is tfjs's (`${name}/m`,
 * `${name}/v`, the β powers), and the learning rate can be changed between steps (schedules).
 */
export class HostAdam extends tf.AdamOptimizer implements FoldsDecay {
  /** tfjs's Optimizer answers `instanceof` by duck typing; this class by its prototype chain. */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /** tfjs's update, with decay folded into the gradients of the parameters `decay` names. */
  applyWithDecay(grads: Gradients, decay: DecayRates): void {
    const heap = wasmHeap();
    const a = own(this);
    const [accBeta1, accBeta2] = heap
      ? [a.accBeta1.dataSync()[0], a.accBeta2.dataSync()[0]]
      : [0, 0];
    gradientList(grads).forEach(({ name, tensor }, i) => {
      const value = variableNamed(name);
      const m = slot(a.accumulatedFirstMoment, i, `${name}/m`, value);
      const v = slot(a.accumulatedSecondMoment, i, `${name}/v`, value);
      if (tensor == null) return;
      const bc: [number, number] = [1 - accBeta1, 1 - accBeta2];
      if (!heap || !this.updateOnHeap(heap, value, m, v, tensor, bc, decay[name])) {
        this.updateOnDevice(value, m, v, tensor, decay[name]);
      }
    });
    tf.tidy(() => {
      a.accBeta1.assign(tf.mul(a.accBeta1, a.beta1));
      a.accBeta2.assign(tf.mul(a.accBeta2, a.beta2));
    });
    this.incrementIterations();
  }

  override applyGradients(grads: Gradients): void {
    this.applyWithDecay(grads, {});
  }

  /** tfjs's own kernels for one parameter (AdamOptimizer.applyGradients' body). */
  private updateOnDevice(
    value: tf.Variable,
    m: tf.Variable,
    v: tf.Variable,
    grad: tf.Tensor,
    rate: number | undefined,
  ): void {
    const { beta1, beta2, epsilon, accBeta1, accBeta2 } = own(this);
    tf.tidy(() => {
      const g = rate === undefined ? grad : tf.add(grad, tf.mul(value, rate));
      const newM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const mHat = tf.div(newM, tf.sub(1, accBeta1));
      const vHat = tf.div(newV, tf.sub(1, accBeta2));
      m.assign(newM);
      v.assign(newV);
      const step = tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon));
      value.assign(tf.add(tf.mul(step, -this.learningRate), value));
    });
  }

  /** One parameter's update in the heap loop; false (nothing done) where it cannot run there. */
  private updateOnHeap(
    heap: Heap,
    value: tf.Variable,
    m: tf.Variable,
    v: tf.Variable,
    grad: tf.Tensor,
    [bc1, bc2]: [number, number],
    rate: number | undefined,
  ): boolean {
    if (!heapReady(heap, value, grad, [m, v])) return false;
    const { beta1, beta2, epsilon } = own(this);
    const next = heap.output(value.shape);
    const [p, out, mo, vo, g] = [value, next, m, v, grad].map((t) => heap.offset(t) ?? 0);
    const n = value.size;
    const args = [p, out, mo, vo, g, n, beta1, 1 - beta1, beta2, 1 - beta2] as const;
    const tail = [bc1, bc2, epsilon, -this.learningRate] as const;
    if (rate === undefined) heap.loops.adam(...args, ...tail);
    else heap.loops.adamDecay(...args, ...tail, rate);
    value.assign(next);
    next.dispose();
    return true;
  }
}

/** The i-th moment buffer, created as tfjs creates it (zeros, not trainable). */
function slot(slots: Slot[], i: number, originalName: string, value: tf.Variable): tf.Variable {
  if (slots[i] == null) {
    slots[i] = { originalName, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  }
  return slots[i].variable;
}
