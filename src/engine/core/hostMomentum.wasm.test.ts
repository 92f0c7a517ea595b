import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { createRng } from './rng';
import { HostMomentum } from './hostMomentum';

afterAll(async () => {
  await initBackend('cpu');
});

/** Seeded float32 numbers. */
function numbers(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

/**
 * Steps of a tiny model whose weights are the right operand of a product (as a UFM's layers
 * are): y = x·W, gradient xᵀ·(y − t). Decay on W and H, not b; H's 4 099 numbers end with a
 * partial group of four (the loop's scalar tail); the learning rate changed halfway.
 */
const H_SIZE = 4099;

function train(useHost: boolean, steps: number): Float32Array[] {
  const W = tf.variable(tf.tensor2d(numbers(64 * 16, 1), [64, 16]));
  const H = tf.variable(tf.tensor2d(numbers(H_SIZE, 2), [H_SIZE, 1]));
  const b = tf.variable(tf.tensor1d(numbers(16, 3)));
  const x = tf.tensor2d(numbers(8 * 64, 4), [8, 64]);
  const t = tf.tensor2d(numbers(8 * 16, 5), [8, 16]);
  const hGrad = tf.tensor2d(numbers(H_SIZE, 6), [H_SIZE, 1]);
  const opt = useHost ? new HostMomentum(0.05, 0.9) : tf.train.momentum(0.05, 0.9);
  for (let s = 0; s < steps; s++) {
    if (s === steps >> 1) opt.setLearningRate(0.02);
    tf.tidy(() => {
      const r = tf.sub(tf.add(tf.matMul(x, W), b), t);
      const gW = tf.matMul(tf.transpose(x), r);
      const grads: tf.NamedTensorMap = {
        [W.name]: gW,
        [H.name]: tf.mul(hGrad, s + 1),
        [b.name]: tf.sum(r, 0),
      };
      const decay = { [W.name]: 5e-3, [H.name]: 1e-2 };
      if (opt instanceof HostMomentum) opt.applyWithDecay(grads, decay);
      else
        (opt as tf.Optimizer).applyGradients({
          ...grads,
          [W.name]: tf.add(gW, tf.mul(W, decay[W.name])),
          [H.name]: tf.add(grads[H.name], tf.mul(H, decay[H.name])),
        });
    });
  }
  const out = [W, H, b].map((v) => v.dataSync() as Float32Array);
  tf.dispose([W, H, b, x, t, hGrad]);
  opt.dispose();
  return out;
}

describe('HostMomentum on wasm', () => {
  it("gives tfjs's momentum-with-decay values to the last bit, weights used as a product's right operand", async () => {
    await initBackend('wasm');
    const tfjs = train(false, 6);
    const host = train(true, 6);
    host.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(tfjs[i])));
    // the run moved the weights (a test that compares two frozen models proves nothing)
    expect(Array.from(host[0].slice(0, 4))).not.toEqual(Array.from(numbers(4, 1)));
  });

  it('updates every float32 parameter in its loop, with no tfjs kernel', async () => {
    await initBackend('wasm');
    const p = tf.variable(tf.tensor2d(numbers(4099, 7), [4099, 1]));
    const q = tf.variable(tf.tensor1d(numbers(5, 8)));
    const opt = new HostMomentum(0.1, 0.9);
    const grads = { [p.name]: tf.onesLike(p), [q.name]: tf.onesLike(q) };
    const profile = await tf.profile(() => opt.applyWithDecay(grads, { [p.name]: 0.01 }));
    // the momentum buffers' first zeros are tfjs's (ZerosLike); the updates themselves run no kernel
    expect(profile.kernels.map((k) => k.name).filter((n) => n !== 'ZerosLike')).toEqual([]);
    expect((await q.data())[0]).toBeCloseTo(numbers(5, 8)[0] - 0.1, 6);
    tf.dispose([p, q, ...Object.values(grads)]);
    opt.dispose();
  });

  it('leaves a clone of its momentum buffer untouched, and names its state as tfjs does', async () => {
    await initBackend('wasm');
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = new HostMomentum(0.1, 0.9);
    opt.applyGradients({ [p.name]: tf.tensor1d([1, 1, 1]) });
    const [, slot] = await opt.getWeights();
    expect(slot.name).toBe(`${p.name}/momentum`);
    const snapshot = tf.clone(slot.tensor);
    opt.applyGradients({ [p.name]: tf.tensor1d([1, 1, 1]) });
    expect(Array.from(await snapshot.data())).toEqual([1, 1, 1]);
    // v = 0.9·1 + 1 after the second step, p = 1 − 0.1·1 − 0.1·1.9
    expect(Array.from(await slot.tensor.data())).toEqual(
      Array.from(new Float32Array([1.9, 1.9, 1.9])),
    );
    expect((await p.data())[0]).toBeCloseTo(0.71, 6);
    tf.dispose([p, snapshot]);
    opt.dispose();
  });
});
