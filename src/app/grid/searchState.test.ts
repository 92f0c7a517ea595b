import { describe, expect, it } from 'vitest';
import { searchPlan } from './searchState';

describe('what the search panel reads of a spec before the worker checks it', () => {
  it('takes the trial count, epoch fraction, retrain and the log-uniform parameters from the spec', () => {
    const plan = searchPlan({
      trials: 12,
      epochFraction: 0.5,
      retrain: false,
      space: {
        lr: { type: 'loguniform', low: 1e-4, high: 0.1 },
        lossAlpha: { type: 'uniform', low: 0.01, high: 0.25 },
      },
    });
    expect(plan).toEqual({ total: 12, epochFraction: 0.5, retrain: false, logScale: ['lr'] });
  });

  it('falls back to the schema’s defaults and the seed’s default space (lr log-uniform)', () => {
    expect(searchPlan({ trials: 3 })).toEqual({
      total: 3,
      epochFraction: 0.25,
      retrain: true,
      logScale: ['lr'],
    });
    expect(searchPlan('not a spec')).toMatchObject({ total: null, epochFraction: 0.25 });
  });
});
