import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { CheckpointError, decodeFloat32, encodeFloat32, encodedArraySchema } from './arrays';

/**
 * Everything an optimiser carries between steps: tfjs's own weights (iteration count, momentum
 * buffers or Adam's two moments, in tfjs's order) and, for Adam, the running β powers, kept as
 * they are because tfjs's setWeights recomputes them as β^(t+1), which differs in the last bits.
 */
export const optimizerStateSchema = z.object({
  /** tfjs keeps the count as an int32 scalar. */
  iterations: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  slots: z.array(z.object({ name: z.string(), value: encodedArraySchema })),
  accBeta: z.tuple([z.number(), z.number()]).nullable(),
});
export type OptimizerState = z.infer<typeof optimizerStateSchema>;

/** What decides an optimiser's slots: Adam's two moments, SGD's momentum buffer, or none. */
export interface OptimizerKind {
  optimizer: 'sgd' | 'adam';
  momentum: number;
}

/** The slot suffixes of one optimiser, a group of one slot per variable each (tfjs's order). */
function slotGroups(kind: OptimizerKind): string[] {
  if (kind.optimizer === 'adam') return ['m', 'v'];
  return kind.momentum > 0 ? ['momentum'] : [];
}

/**
 * Throws a CheckpointError unless `state` is what an optimiser of `kind` captures for
 * `variables` (their shapes, in the order the optimiser updates them): one group of slots per
 * moment (none before the first step), each slot shaped as its variable and named
 * `<variable>/<moment>`, and Adam's running β powers in [0, 1) where kept. tfjs matches slots to variables by position and checks no shape, so a damaged slot
 * would otherwise be adopted as it is and break, or silently change, the steps after a resume.
 */
export function checkOptimizerState(
  state: OptimizerState,
  kind: OptimizerKind,
  variables: readonly { what: string; shape: readonly number[] }[],
  where: string,
): void {
  const groups = slotGroups(kind);
  const expected = groups.length * variables.length;
  const label =
    kind.optimizer === 'adam' ? 'Adam' : groups.length ? 'SGD with momentum' : 'plain SGD';
  // before its first step an optimiser has made no slots yet
  const fresh = state.iterations === 0 && state.slots.length === 0;
  if (!fresh && state.slots.length !== expected)
    throw new CheckpointError(
      `${where}.slots: ${label} over ${variables.length} variables keeps ${expected} slots, the checkpoint has ${state.slots.length}`,
    );
  state.slots.forEach((slot, i) => {
    const variable = variables[i % variables.length];
    const suffix = `/${groups[Math.floor(i / variables.length)]}`;
    if (!slot.name.endsWith(suffix) || slot.name.length === suffix.length)
      throw new CheckpointError(
        `${where}.slots.${i}: named "${slot.name}", expected "<variable>${suffix}"`,
      );
    if (slot.value.shape.join('×') !== variable.shape.join('×'))
      throw new CheckpointError(
        `${where}.slots.${i} (${slot.name}): shape ${slot.value.shape.join('×') || 'scalar'}, but ${variable.what} is ${variable.shape.join('×') || 'scalar'}`,
      );
  });
  // without them tfjs's setWeights recomputes the powers (β^(t+1), equal but for the last bits)
  for (const b of state.accBeta ?? [])
    if (!(b >= 0 && b < 1))
      throw new CheckpointError(`${where}.accBeta: ${b} is not a power of a β in [0, 1)`);
}

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
