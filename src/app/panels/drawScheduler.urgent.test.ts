import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The draw queue on a clock of our own: performance.now() reads `clock`, a draw "costs" what it
 * adds to it, animation frames come from the real timers, and every wait the queue asks of
 * setTimeout is recorded and then passes at once (the clock jumps ahead by it).
 */
let clock = 0;
let waits: number[] = [];
const realSetTimeout = globalThis.setTimeout;

beforeEach(() => {
  // The clock only moves forward, across tests too, as a page's does: the previous test's queue
  // (its module instance outlives it) may still finish a frame after this test began, and a
  // clock set back to 0 made that frame's paint time negative (an uncaught error in CI).
  clock += 10_000;
  waits = [];
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) =>
    realSetTimeout(() => cb(clock), 0),
  );
  vi.stubGlobal('setTimeout', (fn: () => void, ms = 0) => {
    // the queue's waits (≤ 1.5 s) pass at once on its clock; others (the test runner's) as asked
    if (ms > 1500) return realSetTimeout(fn, ms);
    waits.push(ms);
    const due = clock + ms;
    return realSetTimeout(() => {
      clock = Math.max(clock, due);
      fn();
    }, 0);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** A fresh queue (its state is module-level). */
async function freshScheduler() {
  vi.resetModules();
  return import('./drawScheduler');
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => realSetTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('urgent draws (a first curve, a change the user asked for)', () => {
  it('draws an urgent figure before the figures queued ahead of it, then the rest in order', async () => {
    const { requestDraw } = await freshScheduler();
    const drawn: string[] = [];
    requestDraw(() => drawn.push('nc'), 'nc');
    requestDraw(() => drawn.push('theory'), 'theory');
    requestDraw(() => drawn.push('loss'), 'loss', true);
    await until(() => drawn.length === 3);
    expect(drawn).toEqual(['loss', 'nc', 'theory']);
  });

  it('an urgent draw queued behind a 250 ms draw skips the idle gap that draw sets (two first charts appear together)', async () => {
    const { requestDraw } = await freshScheduler();
    const drawn: string[] = [];
    requestDraw(
      () => {
        clock += 250;
        drawn.push('nc');
      },
      'nc',
      true,
    );
    requestDraw(() => drawn.push('loss'), 'loss', true);
    await until(() => drawn.length === 2);
    expect(drawn).toEqual(['nc', 'loss']);
    expect(waits.filter((ms) => ms > 0)).toEqual([]);
  });

  it('a figure asked for urgently and then again in passing stays urgent, and is drawn once', async () => {
    const { requestDraw } = await freshScheduler();
    let draws = 0;
    const loss = () => draws++;
    requestDraw(
      () => {
        clock += 250;
      },
      'nc',
      true,
    );
    requestDraw(loss, 'loss', true);
    requestDraw(loss, 'loss');
    await until(() => draws === 1);
    await new Promise((r) => realSetTimeout(r, 50));
    expect(draws).toBe(1);
    expect(waits).not.toContain(1500);
  });
});
