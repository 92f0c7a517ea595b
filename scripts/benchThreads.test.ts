import { describe, expect, it } from 'vitest';
import { threadSpeedups, threadedRows } from './benchThreads';

describe('threadSpeedups: n threads against one, per workload', () => {
  it('pairs each threaded row with the one-thread row before it (interleaved rounds stay apart)', () => {
    const rows = [
      { id: 'seed-balanced-bias-m1', threads: 1, stepsPerSecond: 100 },
      { id: 'net-mlp-seed000', threads: 1, stepsPerSecond: 8 },
      { id: 'seed-balanced-bias-m1', threads: 2, stepsPerSecond: 25 },
      { id: 'net-mlp-seed000', threads: 2, stepsPerSecond: 10 },
      { id: 'seed-balanced-bias-m1', threads: 1, stepsPerSecond: 50 },
      { id: 'seed-balanced-bias-m1', threads: 2, stepsPerSecond: 40 },
    ];
    expect(threadSpeedups(rows)).toEqual([
      { id: 'seed-balanced-bias-m1', threads: 2, speedup: 0.25, auto: 1 },
      { id: 'net-mlp-seed000', threads: 2, speedup: 1.25, auto: 2 },
      { id: 'seed-balanced-bias-m1', threads: 2, speedup: 0.8, auto: 1 },
    ]);
  });

  it('leaves out a threaded row with no one-thread row to compare', () => {
    expect(threadSpeedups([{ id: 'net-mlp-md', threads: 4, stepsPerSecond: 3 }])).toEqual([]);
  });
});

describe('threadedRows: the rows the thread table compares', () => {
  it('keeps the rows with a thread count (browser wasm), named by preset or case id', () => {
    const ufm = [
      { label: 'seed-balanced-bias-m1', threads: 2, labStepsPerSecond: 9 },
      { label: 'seed-balanced-bias-m1', threads: undefined, labStepsPerSecond: 7 },
    ];
    const nets = [
      { id: 'net-mlp-md', threads: 1, stepsPerSecond: 3 },
      { id: 'net-mlp-md', threads: null, stepsPerSecond: 4 },
    ];
    expect(threadedRows(ufm, nets)).toEqual([
      { id: 'seed-balanced-bias-m1', threads: 2, stepsPerSecond: 9 },
      { id: 'net-mlp-md', threads: 1, stepsPerSecond: 3 },
    ]);
  });
});
