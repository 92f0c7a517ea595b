import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { decodeFloat32, encodeFloat32, encodedArraySchema } from './arrays';

/**
 * Everything an optimiser carries between steps: tfjs's own weights (iteration count, momentum
 * buffers or Adam's two moments, in tfjs's order) and, for Adam, the running β powers, kept as
 * they are because tfjs's setWeights recomputes them as β^(t+1), which differs in the last bits.
 */
export const optimizerStateSchema = z.object({
  iterations: z.number().int().min(0),
  slots: z.array(z.object({ name: z.string(), value: encodedArraySchema })),
  accBeta: z.tuple([z.number(), z.number()]).nullable(),
});
export type OptimizerState = z.infer<typeof optimizerStateSchema>;

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

export async function captureOptimizer(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const [iter, ...weights] = await optimizer.getWeights();
  const iterations = iter ? (await iter.tensor.data())[0] : 0;
  iter?.tensor.dispose();
  const slots = await Promise.all(
    weights.map(async (w) => ({
      name: w.name,
      value: encodeFloat32(new Float32Array(await w.tensor.data()), w.tensor.shape),
    })),
  );
  // tfjs's optimisers hand out their own variables; a packed one (packedOptimizer.ts), copies
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  const adam = optimizer as unknown as AdamInternals;
  const accBeta =
    adam.accBeta1 && adam.accBeta2
      ? ([(await adam.accBeta1.data())[0], (await adam.accBeta2.data())[0]] as [number, number])
      : null;
  return { iterations, slots, accBeta };
}

/** Put a captured state into a fresh optimiser of the same kind, built for the same variables. */
export async function restoreOptimizer(
  optimizer: tf.Optimizer,
  state: OptimizerState,
): Promise<void> {
  const tensors = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map((s) => ({
      name: s.name,
      tensor: tf.tensor(decodeFloat32(s.value, `optimizer slot ${s.name}`), s.value.shape),
    })),
  ];
  try {
    await optimizer.setWeights(tensors);
  } finally {
    // setWeights makes its own variables (sharing the data, reference-counted).
    tf.dispose(tensors.map((t) => t.tensor));
  }
  const adam = optimizer as unknown as AdamInternals;
  if (state.accBeta && adam.accBeta1 && adam.accBeta2) {
    const [b1, b2] = state.accBeta;
    tf.tidy(() => {
      adam.accBeta1?.assign(tf.scalar(b1));
      adam.accBeta2?.assign(tf.scalar(b2));
    });
  }
}
