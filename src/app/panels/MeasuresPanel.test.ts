import { describe, expect, it } from 'vitest';
import { ReportHistory } from '../history';
import { useLab } from '../store';
import { buildMeasures, measuresTitle } from './MeasuresPanel';

describe('a More measures subplot title', () => {
  it('names the one step of a key that only the final report carries', () => {
    expect(measuresTitle('ECE', [3000], 'completed', 'step')).toBe(
      'ECE: measured once, at step 3000',
    );
    expect(measuresTitle('ECE', [0, 100, 200], 'running', 'epoch')).toBe('ECE');
  });

  it('says a key still to come is measured when the run completes, not that it is missing', () => {
    expect(measuresTitle('ECE', [], 'running', 'step')).toBe(
      'ECE: measured when the run completes',
    );
    expect(measuresTitle('ECE', [], 'paused', 'step')).toBe('ECE: measured when the run completes');
    expect(measuresTitle('ECE', [], 'stopped', 'step')).toBe(
      'ECE: measured only when a run completes',
    );
    expect(measuresTitle('ECE', [], 'completed', 'step')).toBe('ECE: not measured for this run');
  });
});

describe('the More measures figure', () => {
  it('says in its subplot where tr Σ_W ends in exact zeros, which its log axis cannot draw', () => {
    const history = new ReportHistory();
    for (const [step, w] of [
      [0, 1],
      [10, 0.01],
      [20, 0],
      [30, 0],
    ])
      history.push({ step, metrics: { trace_sigma_w: w, trace_sigma_b: 2 } });
    const figure = buildMeasures({ ...useLab.getState(), history });
    const notes = (figure?.layout.annotations ?? []).filter((a) => a.hovertext);
    expect(notes).toEqual([
      expect.objectContaining({ text: 'tr Σ_W = 0 from step 20', xref: 'x domain', y: 0 }),
    ]);
  });
});
