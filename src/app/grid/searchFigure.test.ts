import { describe, expect, it } from 'vitest';
import type { SearchTrial } from '../../engine/search/protocol';
import { IDLE_SEARCH } from './searchState';
import { buildTrials } from './searchFigure';

function trial(index: number, lr: number, lossAlpha: number, value: number | null): SearchTrial {
  return {
    index,
    params: { lr, lossAlpha },
    value,
    status: value === null ? 'failed' : 'completed',
    valAccuracy: value,
    testAccuracy: null,
    epochs: 10,
  };
}

function figureOf(trials: SearchTrial[], logScale: string[] = []) {
  const search = { ...IDLE_SEARCH, trials, plan: { ...IDLE_SEARCH.plan, logScale } };
  const figure = buildTrials({ search });
  if (!figure) throw new Error('no figure');
  return { data: figure.data, axes: figure.layout as Record<string, Record<string, unknown>> };
}

describe('the search figure', () => {
  const trials = [
    trial(0, 2e-4, 0.02, 0.7),
    trial(1, 3e-3, 0.2, 0.75),
    trial(2, 0.08, 0.05, null),
    trial(3, 0.05, 0.11, 0.66),
  ];

  it('draws the finished trials, and the best so far over every trial', () => {
    const { data } = figureOf(trials);
    expect((data[0] as { x: number[] }).x).toEqual([1, 2, 4]);
    expect((data[1] as { y: number[] }).y).toEqual([0.7, 0.75, 0.75, 0.75]);
  });

  it("gives a parameter spanning decades the lab's log axis: decade ticks beyond two decades", () => {
    // lr over the finished trials: 2e-4 … 0.05, 2.4 decades
    expect(figureOf(trials).axes.xaxis2).toMatchObject({ type: 'log', dtick: 1 });
  });

  it('gives one to two decades 1-2-5 ticks, and under a decade a linear axis', () => {
    // lossAlpha 0.02 … 0.2: exactly one decade is not "more than a decade"
    expect(figureOf(trials).axes.xaxis3.type).toBeUndefined();
    const wider = [...trials, trial(4, 1e-3, 0.25, 0.7)];
    expect(figureOf(wider).axes.xaxis3).toMatchObject({ type: 'log', dtick: 'D2' });
  });

  it('draws a log-uniform parameter on a log axis even when its trials so far span under a decade, and the trial axis in whole trials', () => {
    const close = [trial(0, 0.02, 0.1, 0.7), trial(1, 0.05, 0.12, 0.72), trial(2, 0.08, 0.2, 0.6)];
    expect(figureOf(close).axes.xaxis2.type).toBeUndefined();
    expect(figureOf(close, ['lr']).axes.xaxis2).toMatchObject({ type: 'log' });
    expect(figureOf(close).axes.xaxis).toMatchObject({ tick0: 1, dtick: 1 });
    const many = Array.from({ length: 40 }, (_, i) => trial(i, 0.01, 0.1, 0.5));
    expect(figureOf(many).axes.xaxis).toMatchObject({ dtick: 5 });
  });
});
