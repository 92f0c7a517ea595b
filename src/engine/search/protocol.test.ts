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

  it('a search stopped after 3 of 6 trials and resumed ends with exactly the trials, best and retrain of an uninterrupted run (Bayes, replayed from the same stream)', async () => {
    const spec = {
      base,
      space: {
        lr: { type: 'loguniform', low: 1e-3, high: 0.1 },
        width: { type: 'int', low: 4, high: 16 },
      },
      strategy: 'bayes',
      trials: 6,
      seed: 2,
    };
    const whole = await runSearch(spec, backend, { loadData });
    expect(whole).toMatchObject({ finished: true, resumedTrials: 0 });
    const abort = new AbortController();
    const stopped = await runSearch(spec, backend, {
      loadData,
      signal: abort.signal,
      onTrial: (t) => {
        if (t.index === 2) abort.abort();
      },
    });
    expect(stopped).toMatchObject({ finished: false, retrained: null });
    expect(stopped.trials).toHaveLength(3);
    // through JSON, as a partial result file or the page's storage keeps it
    const resume = JSON.parse(JSON.stringify({ spec: stopped.spec, trials: stopped.trials })) as {
      spec: unknown;
      trials: unknown;
    };
    const ran: number[] = [];
    const resumed = await runSearch(spec, backend, {
      loadData,
      resume,
      onTrial: (t) => ran.push(t.index),
    });
    expect(ran).toEqual([3, 4, 5]);
    expect(resumed).toMatchObject({ finished: true, resumedTrials: 3 });
    expect(resumed.trials).toEqual(whole.trials);
    expect(resumed.best).toEqual(whole.best);
    expect(resumed.retrained!.final!.metrics).toEqual(whole.retrained!.final!.metrics);
  }, 120_000);

  it('refuses to resume another search’s trials, naming what differs', async () => {
    const spec = { base, space: { lr: { type: 'loguniform', low: 1e-3, high: 0.1 } }, trials: 3 };
    const parsed = checkSearchSpec(spec);
    const trial = {
      index: 0,
      params: { lr: 0.01 },
      value: 0.5,
      status: 'completed',
      valAccuracy: 0.5,
      testAccuracy: 0.4,
      epochs: 3,
    };
    const resume = (over: object, trials: unknown[] = [trial]) =>
      runSearch(spec, backend, { loadData, resume: { spec: { ...parsed, ...over }, trials } });
    await expect(resume({ seed: 9 })).rejects.toThrow(
      'cannot resume: it was another search (seed differ)',
    );
    await expect(resume({}, [{ ...trial, epochs: 5 }])).rejects.toThrow(
      'cannot resume: its trial 1 trained 5 epochs, not 3',
    );
    await expect(resume({}, [{ ...trial, value: 'x' }])).rejects.toThrow(
      'cannot resume: trials.0.value: must be a number',
    );
    await expect(resume({}, [trial, trial, trial, trial])).rejects.toThrow(
      /cannot resume: trials: must list at most 3/,
    );
    // the same spec, but a trial this search would not have proposed
    await expect(resume({})).rejects.toThrow(/trial 1 of the run to resume has other parameters/);
  });
});
