import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat32, encodeFloat32, type EncodedArray } from './arrays';

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

/** Assign saved values by name; throws naming the first parameter missing or of another shape. */
export function restoreNamed(
  items: readonly NamedVariable[],
  saved: readonly { name: string; value: EncodedArray }[],
  what: string,
): void {
  const byName = new Map(saved.map((s) => [s.name, s.value]));
  if (byName.size !== items.length)
    throw new Error(`the checkpoint has ${byName.size} ${what}s, this network ${items.length}`);
  for (const { name, variable } of items) {
    const value = byName.get(name);
    if (!value) throw new Error(`the checkpoint has no ${what} "${name}"`);
    if (value.shape.join('×') !== variable.shape.join('×'))
      throw new Error(
        `${what} "${name}" has shape ${value.shape.join('×')} in the checkpoint, ${variable.shape.join('×')} here`,
      );
    tf.tidy(() => variable.assign(tf.tensor(decodeFloat32(value, `${what} ${name}`), value.shape)));
  }
}
