import { wasmThreads } from './backend';

/**
 * The lab's heap kernels (hostGemm.ts, hostConv.ts) run on one thread; XNNPACK spreads a product
 * over tfjs's thread pool. On one thread the heap kernels win on every shape measured, so they
 * always run there. With a pool, which is faster depends on the machine's cores and the shape
 * (on this 2-core machine a 4.9 M multiply–add convolution was faster on the heap, a 49 M one
 * threaded; a machine with 8 cores moves that line). So where tfjs's wasm is threaded, the first
 * calls of each shape alternate between the two, timed, and the faster one runs from then on,
 * as cuDNN's benchmark mode picks an algorithm per shape. Both give the same numbers to the last
 * bit (XNNPACK splits a product's outputs between threads, not its sums; the heap kernels add in
 * XNNPACK's order), so the choice changes the time only.
 */

/** Timed calls of each way before choosing: the least of these is compared. */
export const TUNE_SAMPLES = 3;

interface Tuning {
  heap: number[];
  pool: number[];
  choice: 'heap' | 'pool' | null;
}

const tunings = new Map<string, Tuning>();

/** Shapes kept at most: a long grid of many sizes starts over rather than grow without end. */
export const MAX_TUNED_SHAPES = 4096;

/** The pool's size (1: no pool) and the clock; tests replace them. */
let poolThreads = (): number => wasmThreads() ?? 1;
let now = (): number => performance.now();

/**
 * `heap()` where tfjs's wasm has one thread; with a pool, the faster of `heap()` and `pool()` for
 * this `shape` (a key naming the call site and its operands' shapes, made only with a pool),
 * timed on its first calls. `heap()` returns null where its kernel does not run (then `pool()`
 * runs, untimed, and this shape stays with it).
 */
export function heapOrPool<T>(shape: () => string, heap: () => T | null, pool: () => T): T {
  const threads = poolThreads();
  if (threads <= 1) return heap() ?? pool();
  const key = `${threads}|${shape()}`;
  let t = tunings.get(key);
  if (!t) {
    if (tunings.size >= MAX_TUNED_SHAPES) tunings.clear();
    t = { heap: [], pool: [], choice: null };
    tunings.set(key, t);
  }
  if (t.choice === 'pool') return pool();
  if (t.choice === 'heap') return heap() ?? pool();
  const useHeap = t.heap.length <= t.pool.length;
  const start = now();
  const out = useHeap ? heap() : pool();
  if (out === null) {
    t.choice = 'pool';
    return pool();
  }
  (useHeap ? t.heap : t.pool).push(now() - start);
  if (t.heap.length >= TUNE_SAMPLES && t.pool.length >= TUNE_SAMPLES) {
    t.choice = Math.min(...t.heap) <= Math.min(...t.pool) ? 'heap' : 'pool';
  }
  return out;
}

/** What the tuner chose so far, per pool size and shape (the header's notes count it). */
export interface TunedShape {
  threads: number;
  shape: string;
  choice: 'heap' | 'pool' | null;
  /** the least time of each way's timed calls, ms (null: none yet) */
  heapMs: number | null;
  poolMs: number | null;
}

export function tunedShapes(): TunedShape[] {
  return [...tunings].map(([key, t]) => {
    const bar = key.indexOf('|');
    return {
      threads: Number(key.slice(0, bar)),
      shape: key.slice(bar + 1),
      choice: t.choice,
      heapMs: t.heap.length ? Math.min(...t.heap) : null,
      poolMs: t.pool.length ? Math.min(...t.pool) : null,
    };
  });
}

/** Forgets every choice (tests; a choice is kept per pool size, so a restart needs none). */
export function resetHeapTuner(): void {
  tunings.clear();
}

/** Tests: a pool size and a clock of their own (none: the backend's and performance.now). */
export function setTunerEnvironment(env: { threads?: () => number; now?: () => number }): void {
  poolThreads = env.threads ?? (() => wasmThreads() ?? 1);
  now = env.now ?? (() => performance.now());
}
