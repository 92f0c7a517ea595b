import * as tf from '@tensorflow/tfjs-core';
import type { KernelCall } from './kernelShapes';

/** A backend timer's reading: a time in ms, or (some GPU timers) an error. */
export function timerMs(t: number | { error: string }, what: string): number {
  if (typeof t === 'number') return t;
  throw new Error(`${what}: the ${tf.getBackend()} timer failed (${t.error})`);
}

/**
 * The best time of a kernel on its shapes: the kernel called on the same fresh inputs, once
 * untimed, then at least `repeats` times and for at least `minMs`, the minimum taken (on a
 * shared machine a few calls can all be slowed). The same input tensors every call let XNNPACK
 * reuse its packing of the right operand / filter: its best case, which a training step (new
 * tensors every step) never gets. Timed by the backend's timer, as `tf.profile` times a step's
 * kernels (`tf.time` is async, so the inputs are disposed by hand rather than by tidy).
 *
 * `fresh`: new input tensors for every call (made outside the timer), as in a training step,
 * where every operand is a tensor of this step: the best a step can get, packing included.
 */
export async function peakKernelMs(
  call: KernelCall,
  repeats = 5,
  minMs = 25,
  fresh = false,
): Promise<number> {
  const names = Object.keys(call.inputs);
  const make = (seed: number): tf.NamedTensorMap =>
    tf.tidy(() =>
      Object.fromEntries(
        names.map((n, i) => [n, tf.randomUniform(call.inputs[n], -1, 1, 'float32', seed + i)]),
      ),
    );
  let inputs = make(17);
  let best = Infinity;
  let spent = 0;
  try {
    for (let i = 0; i <= repeats || (spent < minMs && i <= 10 * repeats); i++) {
      if (fresh && i > 0) {
        tf.dispose(Object.values(inputs));
        inputs = make(17 + 31 * i);
      }
      let out: tf.Tensor | tf.Tensor[] = [];
      const t = await tf.time(() => {
        out = tf.engine().runKernel(call.name, inputs, call.attrs);
      });
      tf.dispose(out);
      const ms = timerMs(t.kernelMs, call.name);
      if (i > 0) {
        best = Math.min(best, ms);
        spent += ms;
      }
    }
  } finally {
    tf.dispose(Object.values(inputs));
  }
  return best;
}
