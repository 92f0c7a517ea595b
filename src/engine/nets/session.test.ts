import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import { NetSession, type NamedArray, type NetState } from './session';
import { preparedFromArrays, type ArraySplit } from '../data/fromArrays';
import { gaussianClusters, randomSplit } from '../testing/nets';

beforeAll(async () => {
  await initBackend('cpu');
});

const base: NetConfig = { ...DEFAULT_NET_CONFIG, dataset: 'gaussian', measureSamples: 0 };

// ---------------------------------------------------------------------------------------------
// A float64 re-implementation of seed 000's MLP objective, written from the definitions, to
// check one optimiser step against: forward pass, BatchNorm in train mode, MSE or CE, the
// sepDecay terms; its gradient by central differences in float64 (h = 1e-6, error ~1e-9).

type Params = Map<string, Float64Array>;

function toParams(arrays: NamedArray[]): Params {
  return new Map(arrays.map((a) => [a.name, Float64Array.from(a.values)]));
}

interface RefSpec {
  cfg: NetConfig;
  inputSize: number;
  K: number;
}

/** Objective of a batch and the BatchNorm batch statistics (mean, unbiased variance) per layer. */
function refObjective(
  spec: RefSpec,
  p: Params,
  x: number[][],
  y: number[],
): { loss: number; bnStats: Map<string, { mean: number[]; unbiasedVar: number[] }> } {
  const { cfg, inputSize, K } = spec;
  const B = x.length;
  const bnStats = new Map<string, { mean: number[]; unbiasedVar: number[] }>();
  const dense = (h: number[][], name: string, inDim: number, outDim: number, bias: boolean) => {
    const W = p.get(`${name}.weight`) as Float64Array; // in×out
    const b = bias ? (p.get(`${name}.bias`) as Float64Array) : null;
    return h.map((row) =>
      Array.from({ length: outDim }, (_, o) => {
        let s = b ? b[o] : 0;
        for (let i = 0; i < inDim; i++) s += row[i] * W[i * outDim + o];
        return s;
      }),
    );
  };
  const batchNorm = (h: number[][], name: string) => {
    const gamma = p.get(`${name}.weight`) as Float64Array;
    const beta = p.get(`${name}.bias`) as Float64Array;
    const C = h[0].length;
    const mean = Array.from({ length: C }, (_, c) => h.reduce((s, r) => s + r[c], 0) / B);
    const ss = Array.from({ length: C }, (_, c) =>
      h.reduce((s, r) => s + (r[c] - mean[c]) ** 2, 0),
    );
    bnStats.set(name, { mean, unbiasedVar: ss.map((v) => v / (B - 1)) });
    return h.map((r) =>
      r.map((v, c) => ((v - mean[c]) / Math.sqrt(ss[c] / B + 1e-5)) * gamma[c] + beta[c]),
    );
  };
  const relu = (h: number[][]) => h.map((r) => r.map((v) => Math.max(0, v)));
  const per = cfg.batchnorm ? 3 : 2;
  let h = x;
  for (let j = 0; j < cfg.depthRelu; j++) {
    h = relu(dense(h, `layers.${j * per}`, j === 0 ? inputSize : cfg.width, cfg.width, true));
    if (cfg.batchnorm) h = batchNorm(h, `layers.${j * per + 2}`);
  }
  h = cfg.batchnorm
    ? batchNorm(h, 'batch_norm')
    : dense(h, 'intermediate_layer', cfg.width, cfg.width, true);
  const features = h;
  let z = h;
  for (let j = 0; j < cfg.depthLinear; j++) {
    const last = j === cfg.depthLinear - 1;
    z = dense(z, `fc.${j}`, cfg.width, last ? K : cfg.width, last && cfg.bias);
  }
  let data = 0;
  if (cfg.loss === 'mse') {
    z.forEach((r, i) => r.forEach((v, k) => (data += (v - (k === y[i] ? 1 : 0)) ** 2)));
    data /= B * K;
  } else {
    z.forEach((r, i) => {
      const m = Math.max(...r);
      const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
      data += lse - r[y[i]];
    });
    data /= B;
  }
  let loss = data;
  if (cfg.sepDecay) {
    let w2 = 0;
    for (let j = 0; j < cfg.depthLinear; j++)
      for (const v of p.get(`fc.${j}.weight`) as Float64Array) w2 += v * v;
    let h2 = 0;
    features.forEach((r) => r.forEach((v) => (h2 += v * v)));
    loss += (cfg.weightDecay / 2) * w2 + (cfg.featureDecay / 2) * h2;
  }
  return { loss, bnStats };
}

function refGradient(spec: RefSpec, p: Params, x: number[][], y: number[]): Params {
  const g: Params = new Map();
  const h = 1e-6;
  for (const [name, v] of p) {
    const gv = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const keep = v[i];
      v[i] = keep + h;
      const up = refObjective(spec, p, x, y).loss;
      v[i] = keep - h;
      const down = refObjective(spec, p, x, y).loss;
      v[i] = keep;
      gv[i] = (up - down) / (2 * h);
    }
    g.set(name, gv);
  }
  return g;
}

function rowsOfSplit(split: ArraySplit, size: number, rows: number[]) {
  return {
    x: rows.map((r) => Array.from(split.x.subarray(r * size, (r + 1) * size), Number)),
    y: rows.map((r) => split.labels[r]),
  };
}

function expectState(got: NamedArray[], want: Params, tol: number): void {
  for (const a of got) {
    const w = want.get(a.name);
    if (!w) throw new Error(`reference has no ${a.name}`);
    a.values.forEach((v, i) => expect(Math.abs(v - w[i]), `${a.name}[${i}]`).toBeLessThan(tol));
  }
}

describe('one optimiser step against a float64 reference', () => {
  it('SGD with momentum, MSE, sepDecay, MLP with BatchNorm: two full-batch steps, parameters, loss and running statistics', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 4,
      depthRelu: 2,
      depthLinear: 2,
      batchnorm: true,
      bias: true,
      loss: 'mse',
      optimizer: 'sgd',
      lr: 0.1,
      momentum: 0.9,
      sepDecay: true,
      weightDecay: 0.01,
      featureDecay: 0.02,
      batchSize: 0,
      shuffle: false,
      lrStep: 0,
    };
    const K = 3;
    const train = randomSplit('step', 6, 3, K);
    const session = new NetSession(cfg, preparedFromArrays({ inputShape: [3], K, train }));
    const spec: RefSpec = { cfg, inputSize: 3, K };
    const start: NetState = await session.state();
    const p = toParams(start.params);
    const running = toParams(start.buffers);
    const { x, y } = rowsOfSplit(train, 3, [0, 1, 2, 3, 4, 5]);
    const velocity: Params = new Map([...p].map(([k, v]) => [k, new Float64Array(v.length)]));
    for (let step = 0; step < 2; step++) {
      const { loss, bnStats } = refObjective(spec, p, x, y);
      const g = refGradient(spec, p, x, y);
      for (const [name, v] of p) {
        const vel = velocity.get(name) as Float64Array;
        const gv = g.get(name) as Float64Array;
        for (let i = 0; i < v.length; i++) {
          vel[i] = 0.9 * vel[i] + gv[i]; // torch: v ← μv + g (v₀ = g)
          v[i] -= 0.1 * vel[i];
        }
      }
      for (const [name, s] of bnStats) {
        const rm = running.get(`${name}.running_mean`) as Float64Array;
        const rv = running.get(`${name}.running_var`) as Float64Array;
        s.mean.forEach((m, c) => (rm[c] = 0.9 * rm[c] + 0.1 * m));
        s.unbiasedVar.forEach((u, c) => (rv[c] = 0.9 * rv[c] + 0.1 * u));
      }
      const got = await session.train(1);
      expect(Math.abs(got - loss)).toBeLessThan(1e-5 * Math.max(1, loss));
    }
    const end = await session.state();
    expectState(end.params, p, 2e-5);
    expectState(end.buffers, running, 2e-5);
    session.dispose();
  });

  it('Adam with coupled weight decay, cross-entropy, MLP without BatchNorm: two mini-batches in fixed order', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 4,
      depthRelu: 2,
      depthLinear: 1,
      batchnorm: false,
      bias: true,
      loss: 'ce',
      optimizer: 'adam',
      lr: 0.01,
      adamBeta1: 0.9,
      adamBeta2: 0.999,
      adamEpsilon: 1e-8,
      sepDecay: false,
      weightDecay: 0.05,
      batchSize: 3,
      shuffle: false,
      lrStep: 0,
    };
    const K = 2;
    const train = randomSplit('adam', 6, 3, K);
    const session = new NetSession(cfg, preparedFromArrays({ inputShape: [3], K, train }));
    const spec: RefSpec = { cfg, inputSize: 3, K };
    const p = toParams((await session.state()).params);
    const m1: Params = new Map([...p].map(([k, v]) => [k, new Float64Array(v.length)]));
    const m2: Params = new Map([...p].map(([k, v]) => [k, new Float64Array(v.length)]));
    for (let t = 1; t <= 2; t++) {
      const rows = t === 1 ? [0, 1, 2] : [3, 4, 5];
      const { x, y } = rowsOfSplit(train, 3, rows);
      const { loss } = refObjective(spec, p, x, y);
      const g = refGradient(spec, p, x, y);
      for (const [name, v] of p) {
        const a = m1.get(name) as Float64Array;
        const b = m2.get(name) as Float64Array;
        const gv = g.get(name) as Float64Array;
        for (let i = 0; i < v.length; i++) {
          const gi = gv[i] + 0.05 * v[i]; // coupled L2 on every parameter
          a[i] = 0.9 * a[i] + 0.1 * gi;
          b[i] = 0.999 * b[i] + 0.001 * gi * gi;
          const mh = a[i] / (1 - 0.9 ** t);
          const vh = b[i] / (1 - 0.999 ** t);
          v[i] -= (0.01 * mh) / (Math.sqrt(vh) + 1e-8);
        }
      }
      expect(Math.abs((await session.train(1)) - loss)).toBeLessThan(1e-5 * Math.max(1, loss));
    }
    expectState((await session.state()).params, p, 2e-5);
    expect(session.epoch).toBe(1);
    session.dispose();
  });
});

// ---------------------------------------------------------------------------------------------

function clusters(K: number, perClass: number, dim: number) {
  const { train, test } = gaussianClusters('sep', {
    K,
    dim,
    separation: 6,
    trainPerClass: perClass,
    testPerClass: 10,
  });
  return preparedFromArrays({ inputShape: [dim], K, train, test });
}

describe('NetSession', () => {
  it('a tiny MLP on separable clusters reaches 100 % train accuracy while NC1 falls', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 32,
      depthRelu: 2,
      depthLinear: 1,
      optimizer: 'adam',
      lr: 1e-2,
      batchSize: 32,
      epochs: 60,
      lrStep: 0,
      // sepDecay 1e-3: NC1 0.17 → 8e-3 in 60 epochs (1e-4: only → 3e-2).
      weightDecay: 1e-3,
      featureDecay: 1e-3,
    };
    const session = new NetSession(cfg, clusters(4, 40, 10));
    const first = await session.measure('cheap');
    await session.train(session.totalSteps);
    const last = await session.measure('cheap');
    expect(session.epoch).toBe(60);
    expect(last.metrics.train_acc).toBe(1);
    expect(last.metrics.net_accuracy_train).toBe(1);
    expect(last.metrics.test_acc).toBeGreaterThan(0.9);
    expect(Number(last.metrics.nc1_pinv)).toBeLessThan(0.1 * Number(first.metrics.nc1_pinv));
    session.dispose();
  });

  it('measureSamples=1 measures one sample of every class and gives finite NC metrics (no crash)', async () => {
    const cfg: NetConfig = { ...base, model: 'mlp', width: 16, depthRelu: 1, measureSamples: 1 };
    const session = new NetSession(cfg, clusters(4, 10, 6));
    await session.train(2);
    const report = await session.measure('core');
    expect(report.metrics.counts).toEqual([1, 1, 1, 1]);
    expect(Number.isFinite(Number(report.metrics.nc2_etf_error_weights))).toBe(true);
    expect(report.geometry.classMeanNorms).toHaveLength(4);
    session.dispose();
  });

  it('a huge learning rate diverges: train returns a non-finite loss', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 16,
      depthRelu: 3,
      batchnorm: false,
      loss: 'mse',
      optimizer: 'sgd',
      lr: 10,
      batchSize: 0,
    };
    const session = new NetSession(cfg, clusters(3, 10, 6));
    const loss = await session.train(50);
    expect(Number.isFinite(loss)).toBe(false);
    session.dispose();
  });

  it('no tensor leaks: the count is flat across steps, epochs and measurements', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 2,
      depthLinear: 3,
      batchSize: 7,
      lrStep: 1,
      patience: 100,
    };
    const before = tf.memory().numTensors;
    const session = new NetSession(cfg, clusters(3, 10, 5));
    await session.train(2); // the optimiser creates its slots at the first step
    await session.measure('full');
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await session.train(5);
      await session.currentLoss();
      const r = await session.measure('core');
      expect(r.numTensors).toBe(count);
      expect(tf.memory().numTensors).toBe(count);
    }
    session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('epochs: steps per epoch, StepLR per epoch, seeded reshuffling, the last partial batch', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 1,
      batchSize: 8,
      epochs: 3,
      lr: 0.1,
      lrStep: 2,
      lrGamma: 0.5,
      measureEvery: 2,
    };
    const data = clusters(3, 10, 5); // N = 30: batches 8, 8, 8, 6
    const a = new NetSession(cfg, data);
    expect(a.stepsPerEpoch).toBe(4);
    expect(a.totalSteps).toBe(12);
    expect(a.reportEvery).toBe(8);
    expect(a.plan.batchSizes()).toEqual([8, 8, 8, 6]);
    const epoch0 = Array.from(a.plan.rows(0, 0));
    const seen = new Set<number>();
    for (let b = 0; b < 4; b++) for (const r of a.plan.rows(0, b)) seen.add(r);
    expect(seen.size).toBe(30);
    expect(a.lr).toBe(0.1);
    await a.train(8);
    expect(a.epoch).toBe(2);
    expect(a.lr).toBe(0.05);
    expect(Array.from(a.plan.rows(2, 0))).not.toEqual(epoch0);
    const r = await a.measure('cheap');
    expect(r.epoch).toBe(2);
    expect(r.metrics.lr).toBe(0.05);
    expect(r.shape).toMatchObject({
      K: 3,
      depth: 1,
      unit: 'epoch',
      stepsPerUnit: 4,
      classSizes: [10, 10, 10],
    });
    // The same seed gives the same run.
    const b = new NetSession(cfg, data);
    const la = await a.train(2);
    await b.train(8);
    expect(await b.train(2)).toBe(la);
    // Fixed order: every epoch visits 0…N−1.
    const c = new NetSession({ ...cfg, shuffle: false }, data);
    expect(Array.from(c.plan.rows(1, 1))).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    [a, b, c].forEach((s) => s.dispose());
  });

  it('MultiStepLR: the session learning rate drops by γ at each milestone epoch and is reported', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 1,
      batchSize: 10,
      epochs: 4,
      lr: 0.2,
      lrStep: 0,
      lrGamma: 0.5,
      lrMilestones: [1, 3],
      measureEvery: 1,
    };
    const s = new NetSession(cfg, clusters(3, 10, 5)); // 3 steps per epoch
    const seen: number[] = [];
    for (let e = 0; e < 4; e++) {
      seen.push(s.lr);
      await s.train(3);
    }
    expect(seen).toEqual([0.2, 0.1, 0.1, 0.05]);
    expect((await s.measure('cheap')).metrics.lr).toBe(0.05);
    s.dispose();
  });

  it('top-5 accuracy: the share of samples whose label is among the 5 largest logits, for K ≥ 5 only', async () => {
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 1,
      batchSize: 16,
      epochs: 1,
    };
    const K = 7;
    const { train, test } = gaussianClusters('top5', {
      K,
      dim: 4,
      separation: 0.5,
      trainPerClass: 6,
      testPerClass: 4,
    });
    const data = preparedFromArrays({ inputShape: [4], K, train, test });
    const s = new NetSession(cfg, data);
    const report = await s.measure('cheap');
    // The same count on the host from the eval-mode logits.
    const logits = tf.tidy(
      () =>
        s.model.forward(tf.tensor2d(train.x, [K * 6, 4]), {
          training: false,
          updateStats: false,
          conv: 'native',
        }).logits,
    );
    const z = (await logits.array()) as number[][];
    logits.dispose();
    const top5 = z.filter((row, i) => row.filter((v) => v > row[train.labels[i]]).length < 5);
    expect(report.metrics.train_acc5).toBeCloseTo(top5.length / z.length, 12);
    expect(Number(report.metrics.train_acc5)).toBeLessThan(1);
    expect(Number(report.metrics.train_acc5)).toBeGreaterThanOrEqual(
      Number(report.metrics.train_acc),
    );
    expect(report.metrics.test_acc5).toBeTypeOf('number');
    s.dispose();
    const small = new NetSession(cfg, clusters(3, 6, 4));
    const r3 = await small.measure('cheap');
    expect('train_acc5' in r3.metrics).toBe(false);
    small.dispose();
  });

  it('currentLoss is the loss the next step reports, and changes nothing', async () => {
    const cfg: NetConfig = { ...base, model: 'mlp', width: 8, depthRelu: 2, batchSize: 10 };
    const session = new NetSession(cfg, clusters(3, 10, 5));
    await session.train(3);
    const before = await session.state();
    const predicted = await session.currentLoss();
    expect(await session.state()).toEqual(before);
    expect(await session.train(1)).toBe(predicted);
    session.dispose();
  });

  it('patience stops a run whose epoch loss no longer improves', async () => {
    // lr 1e-20 leaves every float32 weight unchanged: the first epoch sets the best loss, the
    // next `patience` epochs do not beat it.
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 1,
      batchSize: 0,
      optimizer: 'sgd',
      lr: 1e-20,
      patience: 3,
    };
    const session = new NetSession(cfg, clusters(2, 5, 4));
    await session.train(10);
    expect(session.step).toBe(4);
    expect(session.finishedEarly()).toBe(true);
    session.dispose();
  });

  it('reports §6.1 keys with the per-depth, GOF and label-noise metrics where they apply', async () => {
    const { train, test } = gaussianClusters('keys', {
      K: 3,
      dim: 6,
      separation: 5,
      trainPerClass: 8,
      testPerClass: 4,
    });
    const noisy = Array.from(train.labels, (y, i) => (i % 8 === 0 ? (y + 1) % 3 : y));
    const data = preparedFromArrays({
      inputShape: [6],
      K: 3,
      train: { x: train.x, labels: noisy, originalLabels: train.labels },
      test,
    });
    const cfg: NetConfig = {
      ...base,
      model: 'mlp',
      width: 8,
      depthRelu: 1,
      depthLinear: 3,
      bias: false,
      loss: 'mse',
      sepDecay: true,
      batchSize: 12,
    };
    const session = new NetSession(cfg, data);
    await session.train(2);
    const r = await session.measure('core');
    const m = r.metrics;
    expect(m.train_acc).toBe(m.net_accuracy_train);
    expect(m.test_acc).toBe(m.net_accuracy_test);
    expect((m.deep_nc1_pinv as number[]).length).toBe(3);
    expect((m.deep_nc1_pinv as number[])[0]).toBeCloseTo(Number(m.nc1_pinv), 6);
    expect(typeof m.gof_nc2_w).toBe('number');
    expect(m.md_uncorrupted_means).not.toBeNull();
    expect(m.loss).toBeCloseTo(
      Number(m.loss_data) + Number(m.loss_weight_decay) + Number(m.loss_feature_decay),
      6,
    );
    expect(r.geometry.gramW).not.toBeNull();
    expect(r.step).toBe(2);
    // With a bias, or another loss, the GOF targets do not apply.
    const ce = new NetSession({ ...cfg, loss: 'ce' }, data);
    expect((await ce.measure('core')).metrics.gof_nc2_w).toBeUndefined();
    [session, ce].forEach((s) => s.dispose());
  });

  it('refuses what it cannot train, naming the problem', () => {
    const data = clusters(3, 5, 4); // N = 15
    expect(() => new NetSession({ ...base, model: 'mlp', width: 4, batchSize: 7 }, data)).toThrow(
      /leaves a batch of 1/,
    );
    expect(() => new NetSession({ ...base, model: 'resnet18', width: 4 }, data)).toThrow(
      /needs image inputs/,
    );
  });
});
