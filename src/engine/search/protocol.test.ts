// The seed's protocol on a tiny noisy problem: trials on a fraction of the epochs scored by the
// held-out split, the best retrained on all the data.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import type { NetConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { checkSearchSpec, runSearch, type SearchTrial } from './protocol';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

const loadData = (c: NetConfig) => loadNetData(c, () => Promise.reject(new Error('unused')));

const base = {
  experiment: 'net',
  dataset: 'gaussian',
  gaussClasses: 3,
  gaussDim: 6,
  gaussSeparation: 3,
  perClass: [40],
  labelNoise: 0.2,
  model: 'mlp',
  width: 12,
  depthRelu: 1,
  batchnorm: false,
  loss: 'ce',
  optimizer: 'adam',
  batchSize: 0,
  lrStep: 0,
  epochs: 12,
  measureSamples: 0,
};

describe('search protocol', () => {
  it('trials train a quarter of the epochs on the split, are scored by held-out accuracy, and the best is retrained on all data', async () => {
    const seen: SearchTrial[] = [];
    const result = await runSearch(
      {
        base,
        space: { lr: { type: 'loguniform', low: 1e-4, high: 0.1 } },
        strategy: 'random',
        trials: 4,
        epochFraction: 0.25,
        seed: 3,
      },
      backend,
      { loadData, onTrial: (t) => seen.push({ ...t }) },
    );
    expect(seen.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(result.trials.every((t) => t.epochs === 3 && t.status === 'completed')).toBe(true);
    for (const t of result.trials) {
      // The objective is the held-out accuracy, a fraction of 24 held-out samples (20 % of 120).
      expect(t.value).toBe(t.valAccuracy);
      expect(Math.abs(t.valAccuracy! * 24 - Math.round(t.valAccuracy! * 24))).toBeLessThan(1e-6);
    }
    const top = Math.max(...result.trials.map((t) => t.valAccuracy!));
    expect(result.best!.valAccuracy).toBe(top);
    expect(result.best).toBe(result.trials.find((t) => t.valAccuracy === top));
    // Each trial drew its own learning rate.
    expect(new Set(result.trials.map((t) => t.params.lr)).size).toBe(4);

    const retrained = result.retrained!;
    expect(retrained.status).toBe('completed');
    const config = retrained.config as NetConfig;
    expect([config.lr, config.valSplit, config.epochs]).toEqual([
      result.best!.params.lr,
      false,
      12,
    ]);
    expect(retrained.final!.metrics).not.toHaveProperty('val_acc');
    expect(result.protocol).toMatch(/held-out split .*never the test set/);
  }, 120_000);

  it('names what is wrong with a search spec', () => {
    expect(() => checkSearchSpec({ base, trials: 0 })).toThrow(/trials:/);
    expect(() => checkSearchSpec({ base: { preset: 'tiny-check' }, trials: 2 })).toThrow(
      /needs a network config/,
    );
    expect(() =>
      checkSearchSpec({ base, trials: 2, space: { lr2: { type: 'uniform', low: 0, high: 1 } } }),
    ).toThrow(/space.lr2: not a field of a net config/);
    expect(() =>
      checkSearchSpec({ base, trials: 2, space: { epochs: { type: 'int', low: 1, high: 9 } } }),
    ).toThrow(/space.epochs: the protocol sets epochs itself/);
    expect(() =>
      checkSearchSpec({ base, trials: 2, space: { lr: { low: 0.1, high: 1 } } }),
    ).toThrow('space.lr.type: must be one of "uniform", "loguniform", "int", "choice"');
    expect(() => checkSearchSpec({ base })).toThrow('trials: is missing');
    expect(checkSearchSpec({ base, trials: 2 })).toMatchObject({
      strategy: 'bayes',
      epochFraction: 0.25,
    });
  });
});
