import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { createRng } from './rng';
import { HOST_LIMIT, HostMomentum } from './hostMomentum';

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
 * are): y = x·W, gradient xᵀ·(y − t). Parameters on the host path (≤ HOST_LIMIT numbers) and on
 * tfjs's kernels (one larger), decay on W only, the learning rate changed halfway.
 */
function train(useHost: boolean, steps: number): Float32Array[] {
  const W = tf.variable(tf.tensor2d(numbers(64 * 16, 1), [64, 16]));
  const H = tf.variable(tf.tensor2d(numbers(HOST_LIMIT + 40, 2), [HOST_LIMIT + 40, 1]));
  const b = tf.variable(tf.tensor1d(numbers(16, 3)));
  const x = tf.tensor2d(numbers(8 * 64, 4), [8, 64]);
  const t = tf.tensor2d(numbers(8 * 16, 5), [8, 16]);
  const hGrad = tf.tensor2d(numbers(HOST_LIMIT + 40, 6), [HOST_LIMIT + 40, 1]);
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
