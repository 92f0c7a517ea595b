import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUfm, parseConfig } from '../config/schema';
import { randomInit } from './initState';
import { UfmModel } from './model';
import { HOST_MATMUL_KERNEL, setHostGemm } from '../core/hostGemm';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const CASES = [
  { name: 'MSE with bias, M = 3', loss: 'mse', depth: 3, bias: true, labelSmoothing: 0 },
  { name: 'MSE without bias, M = 1', loss: 'mse', depth: 1, bias: false, labelSmoothing: 0 },
  {
    name: 'cross-entropy with label smoothing, M = 2',
    loss: 'ce',
    depth: 2,
    bias: true,
    labelSmoothing: 0.1,
  },
] as const;

describe.each(['cpu', 'wasm'])('UfmModel.gradients on %s', (backend) => {
  for (const c of CASES) {
    it(`${c.name}: the written-out gradients plus their decay terms, and the loss, are autodiff's of loss() (to float32 rounding)`, async () => {
      await tf.setBackend(backend);
      const config = expectUfm(
        parseConfig({
          experiment: 'ufm',
          classSizes: [7, 5, 4],
          hidden: 12,
          depth: c.depth,
          bias: c.bias,
          loss: c.loss,
          labelSmoothing: c.labelSmoothing,
          lambdaW: 5e-3,
          lambdaH: 1e-2,
          initStd: 0.3,
          seed: 4,
        }),
      );
      const model = new UfmModel(config, randomInit(config));
      const auto = tf.variableGrads(() => model.loss(), model.variables);
      const written = tf.tidy(() => {
        const { grads, decay, loss } = model.gradients(true);
        // the decay λ·p the optimiser folds in (every parameter but the bias)
        const full: tf.NamedTensorMap = {};
        for (const v of model.variables) {
          const rate = decay[v.name];
          full[v.name] =
            rate === undefined ? grads[v.name] : tf.add(grads[v.name], tf.mul(v, rate));
        }
        expect(Object.keys(decay).length).toBe(model.variables.length - (c.bias ? 1 : 0));
        return { grads: full, loss: loss! };
      });
      expect(Object.keys(written.grads).sort()).toEqual(Object.keys(auto.grads).sort());
      const gaps = Object.keys(auto.grads).map((name) => {
        const [a, w] = [auto.grads[name].dataSync(), written.grads[name].dataSync()];
        const scale = Math.max(...Array.from(a, Math.abs));
        expect(scale).toBeGreaterThan(0);
        return Math.max(...Array.from(a, (v, i) => Math.abs(v - w[i]))) / scale;
      });
      expect(Math.max(...gaps)).toBeLessThan(1e-6);
      const [la, lw] = [(await auto.value.data())[0], (await written.loss.data())[0]];
      expect(lw).toBe(la);
      tf.dispose([
        auto.value,
        written.loss,
        ...Object.values(auto.grads),
        ...Object.values(written.grads),
      ]);
      model.dispose();
    });
  }
});

describe('UfmModel.product on wasm: on the heap, or flipped where XNNPACK runs a wide layer', () => {
  it('equals the plain chain W_M ⋯ W_1 to the last bit (d = 128, M = 3)', async () => {
    await tf.setBackend('wasm');
    const config = expectUfm(
      parseConfig({
        experiment: 'ufm',
        classSizes: [7, 5, 4],
        hidden: 128,
        depth: 3,
        bias: false,
        initStd: 0.3,
        seed: 5,
      }),
    );
    const model = new UfmModel(config, randomInit(config));
    const [W1, W2, W3] = model.layers;
    const plain = tf.matMul(tf.matMul(W3, W2), W1);
    const productShapes = async (kernel: string) => {
      const profile = await tf.profile(() => model.product());
      tf.dispose(profile.result as tf.Tensor);
      return profile.kernels
        .filter((k) => k.name === kernel)
        .map((k) => k.outputShapes[0].slice(-2).join('×'));
    };
    // XNNPACK (the heap product off, as where the tuner picks the pool): flipped, the products
    // come out d × K (then transposed), not K × d
    setHostGemm(false);
    let flipped: tf.Tensor;
    try {
      expect(await productShapes('BatchMatMul')).toEqual(['128×3', '128×3']);
      flipped = model.product();
    } finally {
      // switched back even when the assertion fails, or every later wasm test runs off the heap
      setHostGemm(true);
    }
    // the heap product takes K = 3 rows as they are
    expect(await productShapes(HOST_MATMUL_KERNEL)).toEqual(['3×128', '3×128']);
    const heap = model.product();
    for (const mine of [flipped, heap]) {
      expect(mine.shape).toEqual([3, 128]);
      expect(mine.dataSync()).toEqual(plain.dataSync());
    }
    tf.dispose([flipped, heap, plain]);
    model.dispose();
  });
});
