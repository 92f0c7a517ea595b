import * as tf from '@tensorflow/tfjs-core';

/** Which part of the network a parameter belongs to (sepDecay decays head weights only). */
export type ParamGroup = 'backbone' | 'head';

export interface Param {
  /** PyTorch-style name, e.g. `layers.0.weight`, `fc.1.weight` (for snapshots and messages). */
  name: string;
  variable: tf.Variable;
  group: ParamGroup;
  /** A weight matrix of the deep linear head: the only thing `sepDecay` regularises. */
  headWeight: boolean;
}

export interface Buffer {
  name: string;
  variable: tf.Variable;
}

/**
 * Every trainable parameter and buffer (BatchNorm running statistics) of one network, in
 * construction order. The order is fixed: tfjs's optimisers key their slots by position.
 * tfjs names the variables itself (names must be unique per process); ours live beside them.
 */
export class ParamStore {
  readonly params: Param[] = [];
  readonly buffers: Buffer[] = [];

  param(
    name: string,
    shape: number[],
    values: Float32Array | tf.Tensor,
    group: ParamGroup,
    headWeight = false,
  ): tf.Variable {
    // A tensor given here is consumed (the variable copies it).
    const variable = tf.tidy(() => {
      const init = values instanceof Float32Array ? tf.tensor(values, shape) : values;
      if (init.shape.join() !== shape.join()) {
        throw new Error(`${name}: initial value of shape [${init.shape}] for [${shape}]`);
      }
      const v = tf.variable(init, true);
      if (!(values instanceof Float32Array)) values.dispose();
      return v;
    });
    this.params.push({ name, variable, group, headWeight });
    return variable;
  }

  buffer(name: string, shape: number[], values: Float32Array): tf.Variable {
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), false));
    this.buffers.push({ name, variable });
    return variable;
  }

  get trainable(): tf.Variable[] {
    return this.params.map((p) => p.variable);
  }

  /** sepDecay's decay: `rate` on every head weight (the gradient of rate/2·‖W‖²), by variable name. */
  headWeightDecay(rate: number): Record<string, number> {
    const rates: Record<string, number> = {};
    for (const p of this.params) if (p.headWeight) rates[p.variable.name] = rate;
    return rates;
  }

  /** Number of trainable scalars (what PyTorch's `sum(p.numel() for p in parameters())` counts). */
  count(): number {
    return this.params.reduce((s, p) => s + p.variable.size, 0);
  }

  dispose(): void {
    tf.dispose([...this.params.map((p) => p.variable), ...this.buffers.map((b) => b.variable)]);
  }
}
