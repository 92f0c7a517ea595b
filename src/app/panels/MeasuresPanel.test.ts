import { describe, expect, it } from 'vitest';
import { measuresTitle } from './MeasuresPanel';

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
