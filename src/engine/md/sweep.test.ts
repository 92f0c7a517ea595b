// Noise-sweep aggregation on inputs whose fits and spreads are known by hand.
import { describe, expect, it } from 'vitest';
import type { MdMeasures } from './measures';
import {
  aggregateSweep,
  fitLine,
  spread,
  summariseRun,
  sweepGrid,
  SWEEP_ETAS,
  type SweepRun,
} from './sweep';

describe('fitLine (least squares)', () => {
  it('recovers an exact line y = 2x + 1 with r² = 1', () => {
    const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.n).toBe(4);
  });

  it('x = 0,1,2 and y = 0,2,1: slope 1/2, intercept 1/2, r² = 1/4', () => {
    // x̄ = 1, ȳ = 1, Sxx = 2, Sxy = 1, Syy = 2: SS_res = 2 − 1/2 = 3/2
    const f = fitLine([0, 1, 2], [0, 2, 1]);
    expect(f.slope).toBeCloseTo(0.5, 12);
    expect(f.intercept).toBeCloseTo(0.5, 12);
    expect(f.r2).toBeCloseTo(0.25, 12);
  });

  it('flat data: slope 0 and r² undefined (nothing to explain)', () => {
    const f = fitLine([0, 1, 2], [4, 4, 4]);
    expect(f.slope).toBe(0);
    expect(f.intercept).toBe(4);
    expect(f.r2).toBeNull();
  });

  it('two points: the line fits exactly, so r² is withheld and a caveat says why', () => {
    const f = fitLine([0.1, 0.4], [0.3, 0.9]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.r2).toBeNull();
    expect(f.caveat).toMatch(/only 2 points.*meaningless/);
    expect(fitLine([0, 1, 2], [0, 2, 1]).caveat).toBeNull();
  });

  it('refuses fewer than two points, a vertical set and mismatched lengths', () => {
    expect(() => fitLine([1], [1])).toThrow(/at least 2 points/);
    expect(() => fitLine([1, 1], [0, 2])).toThrow(/every x is the same/);
    expect(() => fitLine([1, 2], [0])).toThrow(/2 x values but 1 y values/);
  });
});

describe('spread over seeds', () => {
  it('mean, sample std (ddof 1), min, max of 0.9, 0.92, 0.94: std 0.02', () => {
    const s = spread([0.9, 0.92, 0.94]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.92, 12);
    expect(s.std).toBeCloseTo(0.02, 12);
    expect(s.min).toBe(0.9);
    expect(s.max).toBe(0.94);
  });
  it('a single seed has no std', () => {
    expect(spread([0.5]).std).toBeNull();
  });
});

describe('sweepGrid', () => {
  it('lists loss × η × seed: 2 × 6 × 2 = 24 runs, η from 0 to 0.5', () => {
    const g = sweepGrid([1, 2]);
    expect(g).toHaveLength(24);
    expect(SWEEP_ETAS).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(g[0]).toEqual({ loss: 'CE', eta: 0, seed: 1 });
    expect(g[23]).toEqual({ loss: 'LS', eta: 0.5, seed: 2 });
  });
});

/** CE on dilation = 0.5·mem + 0.1 exactly; LS on dilation = 0.25·mem + 0.05 exactly. */
function syntheticRuns(): SweepRun[] {
  const runs: SweepRun[] = [];
  for (const eta of SWEEP_ETAS) {
    for (const seed of [1, 2]) {
      const mem = eta === 0 ? null : eta + seed / 100;
      runs.push({
        loss: 'CE',
        eta,
        seed,
        memorization: mem,
        dilation: mem === null ? 0.08 : 0.5 * mem + 0.1,
        testAccuracy: 0.98 - eta / 2 + (seed === 1 ? -0.01 : 0.01),
      });
      runs.push({
        loss: 'LS',
        eta,
        seed,
        memorization: mem === null ? null : mem / 2,
        dilation: mem === null ? 0.04 : 0.25 * (mem / 2) + 0.05,
        testAccuracy: 1 - eta / 4,
      });
    }
  }
  return runs;
}

describe('aggregateSweep', () => {
  it('fits the dilation-against-memorization line per loss and leaves out η = 0 (no corrupted sample)', () => {
    const s = aggregateSweep(syntheticRuns());
    expect(s.losses).toEqual(['CE', 'LS']);
    expect(s.etas).toEqual(SWEEP_ETAS);
    const [ce, ls] = s.scatter;
    expect(ce.points).toHaveLength(10);
    expect(ce.excluded).toEqual([
      { eta: 0, seed: 1, reason: 'memorization undefined' },
      { eta: 0, seed: 2, reason: 'memorization undefined' },
    ]);
    expect(ce.fit!.slope).toBeCloseTo(0.5, 12);
    expect(ce.fit!.intercept).toBeCloseTo(0.1, 12);
    expect(ce.fit!.r2).toBeCloseTo(1, 12);
    expect(ls.fit!.slope).toBeCloseTo(0.25, 12);
    expect(ls.fit!.intercept).toBeCloseTo(0.05, 12);
    // the drawn segment spans the memorization range: CE from 0.11 to 0.52
    expect(ce.line![0].x).toBeCloseTo(0.11, 12);
    expect(ce.line![0].y).toBeCloseTo(0.5 * 0.11 + 0.1, 12);
    expect(ce.line![1].x).toBeCloseTo(0.52, 12);
  });

  it('test accuracy against η: mean and spread over seeds, η = 0 included', () => {
    const s = aggregateSweep(syntheticRuns());
    const ce = s.accuracy[0];
    expect(ce.points.map((p) => p.eta)).toEqual(SWEEP_ETAS);
    const at02 = ce.points[2];
    expect(at02.seeds).toEqual([1, 2]);
    expect(at02.mean).toBeCloseTo(0.88, 12);
    expect(at02.std).toBeCloseTo(Math.SQRT2 * 0.01, 12); // values 0.87, 0.89
    expect(at02.min).toBeCloseTo(0.87, 12);
    expect(at02.max).toBeCloseTo(0.89, 12);
    const ls = s.accuracy[1];
    expect(ls.points[4].mean).toBeCloseTo(0.9, 12);
    expect(ls.points[4].std).toBe(0);
  });

  it('groups η values that differ by rounding and reports a loss with too few points instead of fitting', () => {
    const s = aggregateSweep([
      { loss: 'CE', eta: 0.1 + 0.2, seed: 1, memorization: 1, dilation: 2, testAccuracy: 0.9 },
      { loss: 'CE', eta: 0.3, seed: 2, memorization: null, dilation: 2, testAccuracy: 0.7 },
    ]);
    expect(s.etas).toHaveLength(1);
    expect(s.accuracy[0].points[0].mean).toBeCloseTo(0.8, 12);
    expect(s.scatter[0].fit).toBeNull();
    expect(s.scatter[0].fitReason).toMatch(/1 point/);
  });

  it('a sweep fitted through two η values says it has too few, even with several seeds', () => {
    const run = (eta: number, seed: number, m: number): SweepRun => ({
      loss: 'CE',
      eta,
      seed,
      memorization: m,
      dilation: 2 * m + 0.01 * seed,
      testAccuracy: 0.9,
    });
    const s = aggregateSweep([
      run(0.1, 1, 0.1),
      run(0.1, 2, 0.12),
      run(0.3, 1, 0.3),
      run(0.3, 2, 0.33),
    ]);
    expect(s.scatter[0].fit!.n).toBe(4);
    expect(s.scatter[0].fit!.caveat).toMatch(/2 η values: too few/);
    const three = aggregateSweep([run(0.1, 1, 0.1), run(0.2, 1, 0.2), run(0.3, 1, 0.3)]);
    expect(three.scatter[0].fit!.caveat).toBeNull();
    // η = 0 has no corrupted sample: asked for three η values, the user is told which one dropped
    const withClean = aggregateSweep([
      { ...run(0, 1, 0), memorization: null },
      run(0.2, 1, 0.2),
      run(0.2, 2, 0.21),
      run(0.4, 1, 0.4),
    ]);
    expect(withClean.scatter[0].fit!.caveat).toBe(
      'fitted through 2 η values (η = 0 left out: memorization undefined): too few for the line or r² to mean much (use 3 or more)',
    );
  });

  it('refuses duplicates, η outside [0, 1], non-integer seeds, NaN measures and percentages, naming the run', () => {
    const ok: SweepRun = {
      loss: 'CE',
      eta: 0.1,
      seed: 1,
      memorization: 1,
      dilation: 1,
      testAccuracy: 0.9,
    };
    expect(() => aggregateSweep([ok, { ...ok }])).toThrow(/runs\[1\]: duplicate run/);
    expect(() => aggregateSweep([{ ...ok, eta: 1.5 }])).toThrow(/runs\[0\]: eta = 1.5/);
    expect(() => aggregateSweep([{ ...ok, seed: 1.5 }])).toThrow(/seed = 1.5 is not an integer/);
    expect(() => aggregateSweep([{ ...ok, dilation: NaN }])).toThrow(/dilation = NaN/);
    expect(() => aggregateSweep([{ ...ok, testAccuracy: 99.5 }])).toThrow(/not a fraction/);
    expect(() => aggregateSweep([{ ...ok, loss: '' }])).toThrow(/loss must be a non-empty/);
  });
});

describe('summariseRun', () => {
  const block = (rel: number, abs: number) => ({
    n_samples: 10,
    n_corrupted: 1,
    values: {
      md_memorization_rel_avg: rel,
      md_memorization_avg: abs,
      md_dilation_rel_avg: rel / 2,
      md_dilation_avg: abs / 2,
    },
    undefinedReasons: {},
  });
  const m = {
    md_train_all: block(0.2, 0.4),
    md_train_fit: block(0.3, 0.6),
    test: { n_samples: 4, accuracy: 0.75 },
  } as unknown as MdMeasures;
  const run = { loss: 'LS', eta: 0.2, seed: 7 };

  it('takes the class-averaged relative measures of train_all by default and the test accuracy', () => {
    expect(summariseRun(run, m)).toEqual({
      ...run,
      memorization: 0.2,
      dilation: 0.1,
      testAccuracy: 0.75,
    });
  });
  it('or the absolute measures of the fitted samples', () => {
    expect(summariseRun(run, m, { block: 'md_train_fit', form: 'absolute' })).toMatchObject({
      memorization: 0.6,
      dilation: 0.3,
    });
  });
});
