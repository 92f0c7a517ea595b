import * as tf from '@tensorflow/tfjs-core';

/**
 * Inputs one AddN kernel may take. WebGPU's default limit is 8 storage buffers per shader stage
 * (inputs and the output) and tfjs-backend-webgpu asks for no more; an AddN of more inputs makes
 * an invalid pipeline, which WebGPU reports only as an uncaptured validation error while the
 * result silently stays unwritten (seen with Dawn: UFM M = 9's weight decay, 9 inputs).
 */
export const MAX_ADDN_INPUTS = 7;

/** Σ xs (same shapes) as AddN kernels of at most MAX_ADDN_INPUTS inputs each: safe on every backend. */
export function addMany<T extends tf.Tensor>(xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('addMany needs at least one tensor');
  if (xs.length === 1) return xs[0];
  return tf.tidy(() => {
    let level: tf.Tensor[] = [...xs];
    while (level.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < level.length; i += MAX_ADDN_INPUTS) {
        const group = level.slice(i, i + MAX_ADDN_INPUTS);
        next.push(group.length === 1 ? group[0] : tf.addN(group));
      }
      level = next;
    }
    return level[0] as T;
  });
}
