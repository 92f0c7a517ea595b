import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { twinConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { ExperimentRunner, runExperiment } from '../run/runner';
import { twinKey } from '../metrics/reportKeys';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

/** A noisy Gaussian mixture (2 classes, p = 2), CE with a label-smoothing twin. */
const pairConfig = (over: Record<string, unknown> = {}) =>
  resolveConfig({
    experiment: 'net',
    dataset: 'gaussian',
    gaussClasses: 2,
    gaussDim: 8,
    gaussSeparation: 4,
    perClass: [60],
    model: 'mlp-md',
    width: 16,
    depthRelu: 2,
    depthLinear: 1,
    loss: 'ce',
    pairWith: 'ls',
    labelNoise: 0.3,
    optimizer: 'sgd',
    lr: 0.05,
    weightDecay: 1e-3,
    sepDecay: false,
    batchSize: 20,
    epochs: 6,
    measureEvery: 3,
    measureSamples: 0,
    lrStep: 0,
    ...over,
  });

const loadData = (config: Parameters<typeof loadNetData>[0]) =>
  loadNetData(config, () => Promise.reject(new Error('only the mixture is used here')));

describe('paired CE / LS runs (seed 002)', () => {
  it('the twin starts from the same weights and labels: identical features at step 0, then apart', async () => {
    const r = await runExperiment(pairConfig(), backend, { loadData });
    expect(r.status).toBe('completed');
    const [first, last] = [r.history[0].metrics, r.final!.metrics];
    // Same weights, same data: every feature statistic agrees before training; only the loss differs.
    for (const key of ['nc1_pinv', 'md_memorization_rel_avg', 'md_dilation_rel_avg'] as const) {
      expect(first[twinKey(key)], key).toEqual(first[key]);
    }
    expect(first['twin.loss']).not.toEqual(first.loss);
    expect(last['twin.nc1_pinv']).not.toEqual(last.nc1_pinv);
    expect(r.final!.twin?.loss).toBe('ls');
    // Both sets of curves: memorization and dilation for each loss at every report.
    for (const h of r.history) {
      for (const key of [
        'md_memorization_rel_avg',
        'md_dilation_rel_avg',
        'md_noisy_fitted_train',
      ] as const)
        for (const k of [key, twinKey(key)]) expect(typeof h.metrics[k], k).toBe('number');
    }
    expect(r.final!.samples?.points[0]).toHaveLength(2);
    expect(r.final!.twin?.samples?.points.length).toBe(r.final!.samples?.points.length);
  });

  it('frees both networks (no tensor left after the run)', async () => {
    const before = tf.memory().numTensors;
    await runExperiment(pairConfig({ epochs: 2, measureEvery: 1 }), backend, { loadData });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a twin with the same loss is refused by name', () => {
    expect(() => pairConfig({ pairWith: 'ce' })).toThrow(
      /pairWith: the twin must use another loss/,
    );
  });

  it('an explicit corrupted list reaches the session: exactly those labels flip', async () => {
    const config = pairConfig({ labelNoise: 0, pairWith: 'none', valSplit: false });
    const corrupted = { indices: [0, 3, 7] };
    const runner = await ExperimentRunner.create(config, backend, {
      loadData: (c) => loadNetData(c, () => Promise.reject(new Error('unused')), corrupted),
    });
    const { data } = runner.sessionHandle as unknown as {
      data: { train: { labels: Int32Array; originalLabels: Int32Array } };
    };
    const flipped = [...data.train.labels.keys()].filter(
      (i) => data.train.labels[i] !== data.train.originalLabels[i],
    );
    expect(flipped).toEqual(corrupted.indices);
    runner.dispose();
  });

  it('twinAlpha gives the twin its own α (seed 002: --ls_alpha, --lr_alpha); 0 keeps lossAlpha', async () => {
    const twinLoss = async (over: Record<string, unknown>) => {
      const r = await runExperiment(pairConfig({ epochs: 1, measureEvery: 1, ...over }), backend, {
        loadData,
      });
      return Number(r.history[0].metrics['twin.loss']);
    };
    const own = await twinLoss({ lossAlpha: 0.1, twinAlpha: 0.3 });
    expect(await twinLoss({ lossAlpha: 0.3, twinAlpha: 0 })).toBe(own);
    expect(await twinLoss({ lossAlpha: 0.1, twinAlpha: 0 })).not.toBe(own);
    const c = pairConfig({ loss: 'ls', pairWith: 'lr', lossAlpha: 0.05, twinAlpha: 0.2 });
    if (c.experiment !== 'net') throw new Error('expected a network config');
    expect(twinConfig(c)).toMatchObject({ loss: 'lr', lossAlpha: 0.2, pairWith: 'none' });
    expect(twinConfig({ ...c, twinAlpha: 0 }).lossAlpha).toBe(0.05);
  });
});
