import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { createRng } from './rng';
import { HostAdam } from './hostAdam';

afterAll(async () => {
  await initBackend('cpu');
});

/** Seeded float32 numbers. */
function numbers(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

/**
 * Steps of y = x·W (W a product's right operand, as a network's weights are), with H's 4 099
 * numbers ending in a partial group of four, decay on W and H but not b, gradients given as an
 * ordered list (as PackedOptimizer gives them), and the learning rate changed halfway.
 */
function train(useHost: boolean, steps: number): Float32Array[] {
  const W = tf.variable(tf.tensor2d(numbers(64 * 16, 1), [64, 16]));
  const H = tf.variable(tf.tensor2d(numbers(4099, 2), [4099, 1]));
  const b = tf.variable(tf.tensor1d(numbers(16, 3)));
  const x = tf.tensor2d(numbers(8 * 64, 4), [8, 64]);
  const t = tf.tensor2d(numbers(8 * 16, 5), [8, 16]);
  const hGrad = tf.tensor2d(numbers(4099, 6), [4099, 1]);
  const opt = useHost
    ? new HostAdam(0.01, 0.9, 0.999, 1e-8)
    : tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  const decay = { [W.name]: 5e-3, [H.name]: 1e-2 };
  for (let s = 0; s < steps; s++) {
    if (s === steps >> 1) {
      if (opt instanceof HostAdam) opt.setLearningRate(0.003);
      else (opt as unknown as { learningRate: number }).learningRate = 0.003;
    }
    tf.tidy(() => {
      const r = tf.sub(tf.add(tf.matMul(x, W), b), t);
      const grads = [
        { name: W.name, tensor: tf.matMul(tf.transpose(x), r) },
        { name: H.name, tensor: tf.mul(hGrad, Math.sin(s + 1)) },
        { name: b.name, tensor: tf.sum(r, 0) },
      ];
      if (opt instanceof HostAdam) return opt.applyWithDecay(grads, decay);
      const withDecay = grads.map(({ name, tensor }) => {
        const p = tf.engine().registeredVariables[name];
        const rate = decay[name];
        return { name, tensor: rate === undefined ? tensor : tf.add(tensor, tf.mul(p, rate)) };
      });
      opt.applyGradients(withDecay);
    });
  }
  const out = [W, H, b].map((v) => v.dataSync() as Float32Array);
  tf.dispose([W, H, b, x, t, hGrad]);
  opt.dispose();
  return out;
}

describe('HostAdam on wasm', () => {
  it("gives tfjs's Adam-with-decay values to the last bit, with a learning-rate change", async () => {
    await initBackend('wasm');
    const tfjs = train(false, 8);
    const host = train(true, 8);
    host.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(tfjs[i])));
    // the run moved the weights (a test that compares two frozen models proves nothing)
    expect(Array.from(host[1].slice(0, 4))).not.toEqual(Array.from(numbers(4, 2)));
  });

  it('updates every parameter in its loop: no tfjs kernel but the β powers', async () => {
    await initBackend('wasm');
    const p = tf.variable(tf.tensor2d(numbers(4099, 7), [4099, 1]));
    const q = tf.variable(tf.tensor1d(numbers(5, 8)));
    const opt = new HostAdam(0.1, 0.9, 0.999, 1e-8);
    const grads = { [p.name]: tf.onesLike(p), [q.name]: tf.onesLike(q) };
    const profile = await tf.profile(() => opt.applyWithDecay(grads, { [p.name]: 0.01 }));
    // the moments' first zeros are tfjs's (ZerosLike), the β powers two scalar products
    const kernels = profile.kernels.map((k) => k.name).filter((n) => n !== 'ZerosLike');
    expect(kernels).toEqual(['Multiply', 'Multiply']);
    // Adam's first step moves each number by lr·g/(|g| + ε): 0.1 for g = 1
    expect((await q.data())[0]).toBeCloseTo(numbers(5, 8)[0] - 0.1, 5);
    tf.dispose([p, q, ...Object.values(grads)]);
    opt.dispose();
  });

  it("keeps tfjs's state: moments named /m and /v in its order, a clone of them untouched", async () => {
    await initBackend('wasm');
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = new HostAdam(0.1, 0.9, 0.999, 1e-8);
    opt.applyGradients({ [p.name]: tf.tensor1d([1, 1, 1]) });
    const [, m, v] = await opt.getWeights();
    expect([m.name, v.name]).toEqual([`${p.name}/m`, `${p.name}/v`]);
    const snapshot = tf.clone(m.tensor);
    opt.applyGradients({ [p.name]: tf.tensor1d([1, 1, 1]) });
    expect(Array.from(await snapshot.data())).toEqual(
      Array.from(new Float32Array([0.1, 0.1, 0.1])),
    );
    // m = 0.9·0.1 + 0.1·1 after the second step
    expect(Array.from(await m.tensor.data())).toEqual(
      Array.from(new Float32Array([0.19, 0.19, 0.19]).map((x) => Math.fround(x))),
    );
    tf.dispose([p, snapshot]);
    opt.dispose();
  });
});
