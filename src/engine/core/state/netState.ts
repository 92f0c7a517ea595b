import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, decodeFloat32, encodeFloat32, type EncodedArray } from './arrays';

interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

export async function captureNamed(
  items: readonly NamedVariable[],
): Promise<{ name: string; value: EncodedArray }[]> {
  return Promise.all(
    items.map(async ({ name, variable }) => ({
      name,
      value: encodeFloat32(new Float32Array(await variable.data()), variable.shape),
    })),
  );
}

/**
 * Assign saved values by name; throws a CheckpointError naming the first parameter missing,
 * repeated or of another shape. Names and shapes are all checked before any value is assigned.
 */
export function restoreNamed(
  items: readonly NamedVariable[],
  saved: readonly { name: string; value: EncodedArray }[],
  what: string,
): void {
  const byName = new Map<string, EncodedArray>();
  for (const s of saved) {
    if (byName.has(s.name))
      throw new CheckpointError(`the checkpoint has ${what} "${s.name}" twice`);
    byName.set(s.name, s.value);
  }
  if (byName.size !== items.length)
    throw new CheckpointError(
      `the checkpoint has ${byName.size} ${what}s, this network ${items.length}`,
    );
  const checked = items.map(({ name, variable }) => {
    const value = byName.get(name);
    if (!value) throw new CheckpointError(`the checkpoint has no ${what} "${name}"`);
    if (value.shape.join('×') !== variable.shape.join('×'))
      throw new CheckpointError(
        `${what} "${name}" has shape ${value.shape.join('×')} in the checkpoint, ${variable.shape.join('×')} here`,
      );
    return { name, variable, value };
  });
  for (const { name, variable, value } of checked) {
    const values = decodeFloat32(value, `${what} ${name}`);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
  }
}
