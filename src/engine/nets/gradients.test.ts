import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import { NetSession } from './session';
import { preparedFromArrays } from '../data/fromArrays';
import { randomSplit } from '../testing/nets';

beforeAll(async () => {
  await initBackend('cpu');
});

/**
 * Central differences in float32 of the full training objective (train-mode BatchNorm, the
 * sepDecay terms) against tfjs's gradients, for the entries with the largest gradients of a few
 * parameter tensors (large entries keep the float32 rounding of the loss, ~1e-7·|f|/ε, small
 * relative to them). The deep BN nets on tiny batches are strongly curved (VGG16's first conv:
 * D(ε) = −4.30, −4.53, −4.89 at ε = 1e-3, 3e-4, 1e-4 against −4.84), so the difference is
 * Richardson-extrapolated from ε and ε/2, which cancels the ε² term.
 */
async function checkGradients(
  config: NetConfig,
  inputShape: number[],
  K: number,
  batch: number,
  names: RegExp[],
  eps = 1e-3,
): Promise<{ name: string; analytic: number; fd: number }[]> {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const data = preparedFromArrays({ inputShape, K, train: randomSplit('fd', batch, size, K) });
  const session = new NetSession({ ...config, batchSize: 0 }, data);
  const rows = Int32Array.from({ length: batch }, (_, i) => i);
  const params = session.model.store.params;
  const vars = params.map((p) => p.variable);
  const objective = () => session.objectiveOn(rows).total;
  const { grads } = tf.variableGrads(objective, vars);
  const loss = async () => {
    const t = tf.tidy(objective);
    const v = (await t.data())[0];
    t.dispose();
    return v;
  };
  const out: { name: string; analytic: number; fd: number }[] = [];
  for (const pattern of names) {
    const p = params.find((q) => pattern.test(q.name));
    if (!p) throw new Error(`no parameter matches ${pattern}`);
    const g = await grads[p.variable.name].data();
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
    const original = Float32Array.from(await p.variable.data());
    for (const i of order.slice(0, 2)) {
      const shifted = async (d: number) => {
        const v = Float32Array.from(original);
        v[i] += d;
        p.variable.assign(tf.tensor(v, p.variable.shape));
        return loss();
      };
      const central = async (e: number) => ((await shifted(e)) - (await shifted(-e))) / (2 * e);
      const fd = (4 * (await central(eps / 2)) - (await central(eps))) / 3;
      p.variable.assign(tf.tensor(original, p.variable.shape));
      out.push({ name: `${p.name}[${i}]`, analytic: g[i], fd });
    }
  }
  tf.dispose(Object.values(grads));
  session.dispose();
  return out;
}

/** Observed: ≤ 0.5 % relative for the MLPs and ResNet18; VGG16's first conv 1.1 % (see below). */
function expectClose(
  results: { name: string; analytic: number; fd: number }[],
  relTol = 1e-2,
): void {
  for (const r of results) {
    expect(Math.abs(r.analytic), r.name).toBeGreaterThan(1e-3);
    const err = Math.abs(r.analytic - r.fd);
    expect(err, `${r.name}: analytic ${r.analytic}, fd ${r.fd}`).toBeLessThan(
      5e-4 + relTol * Math.abs(r.analytic),
    );
  }
}

const base: NetConfig = {
  ...DEFAULT_NET_CONFIG,
  dataset: 'gaussian',
  width: 8,
  depthRelu: 2,
  depthLinear: 2,
  sepDecay: true,
  weightDecay: 0.05,
  featureDecay: 0.05,
};

describe('gradients match central differences of the objective', () => {
  it('seed 000 MLP with BatchNorm, MSE, sepDecay (weight and feature terms)', async () => {
    const cfg = { ...base, model: 'mlp', batchnorm: true, loss: 'mse' } as const;
    expectClose(
      await checkGradients(cfg, [6], 3, 6, [
        /^layers\.0\.weight$/,
        /^layers\.2\.weight$/,
        /^layers\.3\.bias$/,
        /^batch_norm\.bias$/,
        /^fc\.0\.weight$/,
        /^fc\.1\.bias$/,
      ]),
    );
  });

  it('seed 000 MLP without BatchNorm (intermediate layer), cross-entropy', async () => {
    const cfg = { ...base, model: 'mlp', batchnorm: false, loss: 'ce', depthLinear: 3 } as const;
    expectClose(
      await checkGradients(cfg, [6], 3, 5, [
        /^layers\.0\.weight$/,
        /^intermediate_layer\.weight$/,
        /^fc\.1\.weight$/,
        /^fc\.2\.weight$/,
      ]),
    );
  });

  it('seed 002 MLP (Linear → BN → ReLU, K-dim features), label smoothing, coupled decay', async () => {
    const cfg = {
      ...base,
      model: 'mlp-md',
      batchnorm: true,
      loss: 'ls',
      depthRelu: 3,
      depthLinear: 1,
      sepDecay: false,
    } as const;
    expectClose(
      await checkGradients(cfg, [6], 3, 6, [
        /^layers\.0\.weight$/,
        /^layers\.4\.weight$/,
        /^layers\.7\.bias$/, // BN β (the Linear bias before a BN has no gradient)
        /^fc\.0\.weight$/,
      ]),
    );
  });

  // p = 3: a LayerNorm over two features outputs ±(1, −1) whatever its input (gradient ≈ 0).
  it('seed 002 MLP with sigmoid and LayerNorm (Linear → BN → LN → sigmoid), p = 3 for K = 4, CE', async () => {
    const cfg = {
      ...base,
      model: 'mlp-md',
      batchnorm: true,
      layerNorm: true,
      mlpActivation: 'sigmoid',
      penultimateDim: 3,
      width: 8,
      loss: 'ce',
      depthRelu: 2,
      depthLinear: 1,
      sepDecay: false,
    } as const;
    // Modules: 0 Linear, 1 BN, 2 LN, 3 sigmoid, 4 Linear, 5 BN, 6 LN, 7 sigmoid.
    expectClose(
      await checkGradients(cfg, [6], 4, 8, [
        /^layers\.0\.weight$/,
        /^layers\.4\.weight$/,
        /^layers\.6\.weight$/,
        /^fc\.0\.weight$/,
      ]),
    );
  });

  it('ResNet18 (widthMult 1/16) on 8×8 inputs, cross-entropy', async () => {
    const cfg = { ...base, model: 'resnet18', widthMult: 1 / 16, loss: 'ce' } as const;
    expectClose(
      await checkGradients(cfg, [8, 8, 3], 3, 4, [
        /^conv1\.weight$/,
        /^layer2\.0\.shortcut\.0\.weight$/,
        /^layer4\.1\.conv2\.weight$/,
        /^bn_features\.weight$/,
        /^fc\.0\.weight$/,
      ]),
    );
  });

  // Kaiming fan-out weights and the max-pool's argmax make the stem strongly curved: its central
  // differences sit ~1 % from the gradient (on 16×16 inputs with batch 4, where layer4 normalises
  // 4 values, they swing by 3×), hence 32×32, batch 8 and 2 %.
  it("seed 002's torchvision ResNet18 (widthMult 1/16, 7×7 stem, max-pool) on 32×32 inputs, cross-entropy", async () => {
    const cfg = { ...base, model: 'resnet18-tv', widthMult: 1 / 16, loss: 'ce' } as const;
    expectClose(
      await checkGradients(cfg, [32, 32, 3], 3, 8, [
        /^conv1\.weight$/,
        /^layer2\.0\.downsample\.0\.weight$/,
        /^layer4\.1\.conv2\.weight$/,
        /^fc\.0\.weight$/,
      ]),
      2e-2,
    );
  });

  // Thirteen BatchNorms over 8 samples (the last ones over 8 values per channel) and five
  // max-pools make the first conv's loss strongly curved, with argmax switches: its central
  // differences move by several % between ε = 1e-3 and 1e-4. 3 % still catches any wiring
  // error (a wrong gradient is off by O(1)).
  it('VGG16 (widthMult 1/16) on 32×32 inputs, MSE', async () => {
    const cfg = { ...base, model: 'vgg16', widthMult: 1 / 16, loss: 'mse' } as const;
    expectClose(
      await checkGradients(cfg, [32, 32, 3], 3, 8, [
        /^features\.0\.weight$/,
        /^features\.1\.weight$/, // BN γ (the conv bias before a BN has no gradient)
        /^features\.20\.weight$/,
        /^features\.40\.weight$/, // the last conv
        /^fc\.1\.weight$/,
      ]),
      3e-2,
    );
  });
});

describe('the convolution paths without Conv2DBackpropFilter train the same network', () => {
  it('ResNet18: every parameter gradient and the loss agree between tf.conv2d, im2col and forward-grads', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'resnet18',
      widthMult: 1 / 16,
      loss: 'ce',
      batchSize: 0,
    };
    const data = preparedFromArrays({
      inputShape: [8, 8, 3],
      K: 3,
      train: randomSplit('conv', 4, 8 * 8 * 3, 3),
    });
    const rows = Int32Array.from([0, 1, 2, 3]);
    const gradsOf = async (conv: 'native' | 'im2col' | 'forward-grads') => {
      const session = new NetSession(cfg, data, { conv });
      const vars = session.model.store.trainable;
      const { value, grads } = tf.variableGrads(() => session.objectiveOn(rows).total, vars);
      const out = {
        loss: (await value.data())[0],
        grads: await Promise.all(vars.map((v) => grads[v.name].data())),
      };
      tf.dispose([value, ...Object.values(grads)]);
      session.dispose();
      return out;
    };
    const a = await gradsOf('native');
    for (const mode of ['im2col', 'forward-grads'] as const) {
      const b = await gradsOf(mode);
      expect(b.loss).toBeCloseTo(a.loss, 5);
      a.grads.forEach((g, i) => {
        const scale = Math.max(...Array.from(g, Math.abs));
        for (let j = 0; j < g.length; j++)
          expect(Math.abs(b.grads[i][j] - g[j])).toBeLessThan(1e-4 * scale + 1e-6);
      });
    }
  });
});
