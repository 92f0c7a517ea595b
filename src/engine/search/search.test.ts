// The search machinery on known functions: the space's unit-cube mapping, the GP against values
// computed by hand, expected improvement's closed form, and Bayes against random search on Branin.
import { describe, expect, it } from 'vitest';
import { expectedImprovement, fitGp, matern52, normalCdf } from './gp';
import { pointFromUnit, pointToUnit, searchSpaceSchema, type SearchSpace } from './space';
import { optimize, type Strategy } from './strategies';

describe('search space', () => {
  const space: SearchSpace = {
    lr: { type: 'loguniform', low: 1e-5, high: 0.5 },
    lrGamma: { type: 'choice', values: [0.01, 0.1, 0.5] },
    lossAlpha: { type: 'uniform', low: 0.01, high: 0.25 },
    width: { type: 'int', low: 4, high: 7 },
  };

  it('maps the unit cube onto each dimension and back (log scale, cells for choice and int)', () => {
    expect(pointFromUnit(space, [0, 0, 0, 0])).toEqual({
      lr: 1e-5,
      lrGamma: 0.01,
      lossAlpha: 0.01,
      width: 4,
    });
    const mid = pointFromUnit(space, [0.5, 0.5, 0.5, 0.5]);
    expect(mid.lr).toBeCloseTo(Math.sqrt(1e-5 * 0.5), 12);
    expect([mid.lrGamma, mid.width]).toEqual([0.1, 6]);
    expect(pointFromUnit(space, [1, 1, 1, 1])).toEqual({
      lr: 0.5,
      lrGamma: 0.5,
      lossAlpha: 0.25,
      width: 7,
    });
    // Every integer is reachable, each over a quarter of [0, 1].
    expect([0.1, 0.3, 0.6, 0.9].map((u) => pointFromUnit(space, [0, 0, 0, u]).width)).toEqual([
      4, 5, 6, 7,
    ]);
    const u = pointToUnit(space, { lr: 1e-3, lrGamma: 0.5, lossAlpha: 0.13, width: 5 });
    expect(u[0]).toBeCloseTo(Math.log(1e-3 / 1e-5) / Math.log(0.5 / 1e-5), 12);
    [5 / 6, 0.5, 0.375].forEach((v, k) => expect(u[k + 1]).toBeCloseTo(v, 12));
  });

  it('names a bad dimension', () => {
    const bad = (s: unknown) => () => searchSpaceSchema.parse(s);
    expect(bad({ lr: { type: 'loguniform', low: 0, high: 1 } })).toThrow(/> 0 on a log scale/);
    expect(bad({ lr: { type: 'uniform', low: 1, high: 1 } })).toThrow(
      /high \(1\) must exceed low \(1\)/,
    );
    expect(bad({ lr: { type: 'normal', low: 0, high: 1 } })).toThrow();
    expect(bad({})).toThrow(/at least one field/);
  });
});

describe('Gaussian process and expected improvement', () => {
  it('Matérn 5/2 is 1 at distance 0 and (1 + √5 + 5/3)e^(−√5) at one length-scale', () => {
    expect(matern52([0.3, 0.3], [0.3, 0.3], 0.2)).toBe(1);
    expect(matern52([0], [0.2], 0.2)).toBeCloseTo(
      (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)),
      12,
    );
  });

  it('interpolates a smooth function at its data and is unsure far from it', () => {
    const X = [0, 0.2, 0.4, 0.6, 0.8, 1].map((x) => [x]);
    const f = (x: number) => Math.sin(4 * x);
    const gp = fitGp(
      X,
      X.map(([x]) => f(x)),
    );
    for (const [x] of X) expect(gp.predict([x]).mean).toBeCloseTo(f(x), 2);
    expect(gp.predict([0.5]).mean).toBeCloseTo(f(0.5), 1);
    expect(gp.predict([0.5]).std).toBeGreaterThan(gp.predict([0.4]).std);
  });

  it('EI: (best − μ − ξ)Φ(z) + σφ(z); no spread means the plain gain', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    // best = μ + ξ: z = 0, EI = σ φ(0) = σ / √(2π)
    expect(expectedImprovement(1, 2, 1.01)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 6);
    expect(expectedImprovement(1, 0, 3, 0)).toBe(2);
    expect(expectedImprovement(3, 0, 1, 0)).toBe(0);
  });
});

/** Branin on [−5, 10] × [0, 15]: global minimum 0.397887 at three points. */
function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const BRANIN_SPACE: SearchSpace = {
  x1: { type: 'uniform', low: -5, high: 10 },
  x2: { type: 'uniform', low: 0, high: 15 },
};

async function bestAfter(strategy: Strategy, seed: number, budget: number): Promise<number> {
  const { best } = await optimize({
    space: BRANIN_SPACE,
    objective: (p) => branin(p.x1 as number, p.x2 as number),
    budget,
    strategy,
    goal: 'min',
    seed,
  });
  return best!.value!;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

describe('Bayes against random search on Branin (budget 25 trials, 9 seeds)', () => {
  it('the Bayesian median best is within 0.2 of the optimum 0.398 and under half random search’s', async () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const bayes: number[] = [];
    const random: number[] = [];
    for (const seed of seeds) {
      bayes.push(await bestAfter('bayes', seed, 25));
      random.push(await bestAfter('random', seed, 25));
    }
    const mb = median(bayes);
    const mr = median(random);
    expect(mb).toBeLessThan(0.397887 + 0.2);
    expect(mb).toBeLessThan(mr / 2);
  }, 60_000);

  it('a failed trial is kept with its reason and never chosen as best', async () => {
    const { trials, best } = await optimize({
      space: BRANIN_SPACE,
      objective: (_p, i) => {
        if (i === 1) throw new Error('out of memory');
        return i === 2 ? NaN : i;
      },
      budget: 4,
      strategy: 'random',
      goal: 'max',
      seed: 1,
    });
    expect(trials.map((t) => t.value)).toEqual([0, null, null, 3]);
    expect(trials[1].error).toBe('out of memory');
    expect(trials[2].error).toMatch(/gave NaN/);
    expect(best!.index).toBe(3);
  });
});
