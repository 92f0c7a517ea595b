import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_TUNED_SHAPES,
  TUNE_SAMPLES,
  heapOrPool,
  resetHeapTuner,
  setTunerEnvironment,
  tunedShapes,
} from './heapTuner';

/** A clock that each way advances by its own cost, and a record of which way ran. */
function fakeWays(heapMs: number, poolMs: number) {
  let t = 0;
  const ran: string[] = [];
  setTunerEnvironment({ threads: () => threads, now: () => t });
  return {
    ran,
    heap: () => {
      ran.push('heap');
      t += heapMs;
      return 'H';
    },
    pool: () => {
      ran.push('pool');
      t += poolMs;
      return 'P';
    },
  };
}
let threads = 1;

afterEach(() => {
  setTunerEnvironment({});
  resetHeapTuner();
  threads = 1;
});

describe('heapOrPool', () => {
  it('on one thread always runs the heap kernel, names no shape and times nothing', () => {
    const w = fakeWays(5, 1);
    let named = 0;
    for (let i = 0; i < 10; i++) {
      expect(heapOrPool(() => `s${named++}`, w.heap, w.pool)).toBe('H');
    }
    expect(w.ran).toEqual(Array(10).fill('heap'));
    expect(named).toBe(0);
    expect(tunedShapes()).toEqual([]);
  });

  it('on one thread falls back to the pool where the heap kernel does not run', () => {
    const w = fakeWays(5, 1);
    expect(
      heapOrPool(
        () => 's',
        () => null,
        w.pool,
      ),
    ).toBe('P');
  });

  it('with a pool alternates the two ways on a shape’s first calls, then keeps the faster', () => {
    threads = 4;
    const w = fakeWays(5, 2);
    const out = Array.from({ length: 2 * TUNE_SAMPLES + 4 }, () =>
      heapOrPool(() => 'a·b 4,8·8,8', w.heap, w.pool),
    );
    const tuning = Array.from({ length: TUNE_SAMPLES }, () => ['heap', 'pool']).flat();
    expect(w.ran).toEqual([...tuning, 'pool', 'pool', 'pool', 'pool']);
    expect(out.slice(-4)).toEqual(['P', 'P', 'P', 'P']);
    expect(tunedShapes()).toEqual([
      { threads: 4, shape: 'a·b 4,8·8,8', choice: 'pool', heapMs: 5, poolMs: 2 },
    ]);
  });

  it('keeps the heap kernel where it is the faster, and compares each way’s least time', () => {
    threads = 2;
    let t = 0;
    const heapCosts = [9, 3, 3];
    const poolCosts = [4, 4, 4];
    setTunerEnvironment({ threads: () => threads, now: () => t });
    const ran: string[] = [];
    const heap = () => {
      t += heapCosts.shift() ?? 3;
      ran.push('heap');
      return 1;
    };
    const pool = () => {
      t += poolCosts.shift() ?? 4;
      ran.push('pool');
      return 2;
    };
    for (let i = 0; i < 2 * TUNE_SAMPLES + 2; i++) heapOrPool(() => 'conv', heap, pool);
    expect(ran.slice(-2)).toEqual(['heap', 'heap']);
    expect(tunedShapes()[0]).toMatchObject({ choice: 'heap', heapMs: 3, poolMs: 4 });
  });

  it('tunes each shape and each pool size on its own', () => {
    const w = fakeWays(1, 2);
    threads = 2;
    for (let i = 0; i < 2 * TUNE_SAMPLES; i++) heapOrPool(() => 'x', w.heap, w.pool);
    heapOrPool(() => 'y', w.heap, w.pool);
    threads = 8;
    heapOrPool(() => 'x', w.heap, w.pool);
    const shapes = tunedShapes().map((s) => [s.threads, s.shape, s.choice]);
    expect(shapes).toEqual([
      [2, 'x', 'heap'],
      [2, 'y', null],
      [8, 'x', null],
    ]);
  });

  it('settles on the pool for a shape whose heap kernel declines it, without asking it again', () => {
    threads = 2;
    const w = fakeWays(1, 1);
    let asked = 0;
    const declines = () => {
      asked++;
      return null;
    };
    for (let i = 0; i < 5; i++) expect(heapOrPool(() => 'odd', declines, w.pool)).toBe('P');
    expect(asked).toBe(1);
    expect(tunedShapes()[0]).toMatchObject({ choice: 'pool', heapMs: null, poolMs: null });
  });

  it('keeps at most MAX_TUNED_SHAPES shapes, starting over when a new one would pass it', () => {
    threads = 2;
    const w = fakeWays(1, 2);
    for (let i = 0; i < MAX_TUNED_SHAPES; i++) heapOrPool(() => `s${i}`, w.heap, w.pool);
    expect(tunedShapes().length).toBe(MAX_TUNED_SHAPES);
    heapOrPool(() => 'one more', w.heap, w.pool);
    expect(tunedShapes().map((t) => t.shape)).toEqual(['one more']);
  });
});
