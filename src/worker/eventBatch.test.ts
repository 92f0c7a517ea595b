import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Report } from '../engine/session/types';
import { EventBatch, REPORT_BATCH_MS } from './eventBatch';
import type { WorkerEvent } from './protocol';

const report = (step: number): WorkerEvent => ({
  type: 'report',
  runId: 1,
  report: { step } as unknown as Report,
});
const status: WorkerEvent = {
  type: 'status',
  runId: 1,
  status: 'completed',
  message: null,
  step: 9,
};
const steps = (batch: WorkerEvent[]) =>
  batch.map((e) => (e.type === 'report' ? e.report.step : e.type));

describe('EventBatch: the worker’s events to the page', () => {
  let sent: WorkerEvent[][];
  let batch: EventBatch;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    batch = new EventBatch(
      (events) => sent.push(events),
      () => Date.now(),
    );
  });
  afterEach(() => vi.useRealTimers());

  it('sends a lone report at once, and reports within REPORT_BATCH_MS of a send together when the timer fires', () => {
    batch.push(report(1));
    expect(sent.map(steps)).toEqual([[1]]);
    vi.advanceTimersByTime(10);
    batch.push(report(2));
    vi.advanceTimersByTime(10);
    batch.push(report(3));
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(REPORT_BATCH_MS - 20 - 1);
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(sent.map(steps)).toEqual([[1], [2, 3]]);
  });

  it('sends any other event at once, after the reports queued before it, in order', () => {
    batch.push(report(1));
    batch.push(report(2));
    batch.push(status);
    expect(sent.map(steps)).toEqual([[1], [2, 'status']]);
    // the timer of the flushed batch sends nothing more
    vi.advanceTimersByTime(2 * REPORT_BATCH_MS);
    expect(sent.length).toBe(2);
  });

  it('at 200 reports a second sends at most one message per REPORT_BATCH_MS, every report once, in order', () => {
    for (let i = 0; i < 200; i++) {
      batch.push(report(i));
      vi.advanceTimersByTime(5);
    }
    batch.flush();
    expect(sent.flatMap(steps)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(1000 / REPORT_BATCH_MS) + 1);
  });
});
