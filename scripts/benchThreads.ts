import { benchConfig } from '../src/engine/bench/cases';
import { findNetBenchCase } from '../src/engine/bench/netBench';
import { threadsFor } from '../src/engine/run/wasmThreads';

/** A browser wasm row: which workload, at how many threads, how fast. */
export interface ThreadedRow {
  /** A preset id (UFM) or a network case id. */
  id: string;
  threads: number;
  stepsPerSecond: number;
}

export interface ThreadSpeedup {
  id: string;
  threads: number;
  /** steps/s at `threads` ÷ steps/s at one thread. */
  speedup: number;
  /** What 'auto' runs this workload with on a machine of `threads` cores. */
  auto: number;
}

/**
 * The browser's wasm rows (the only ones with a thread count) of `npm run bench`: UFM rows are
 * named by their preset, network rows by their case id.
 */
export function threadedRows(
  ufmRows: readonly { label: string; threads?: number | null; labStepsPerSecond: number }[],
  netRows: readonly { id: string; threads?: number | null; stepsPerSecond: number }[],
): ThreadedRow[] {
  return [
    ...ufmRows.map((r) => ({
      id: r.label,
      threads: r.threads,
      stepsPerSecond: r.labStepsPerSecond,
    })),
    ...netRows.map((r) => ({ id: r.id, threads: r.threads, stepsPerSecond: r.stepsPerSecond })),
  ].flatMap((r) => (r.threads ? [{ ...r, threads: r.threads }] : []));
}

/** The config (and synthetic input size) a bench id times. */
function workload(id: string) {
  if (id.startsWith('net-')) {
    const c = findNetBenchCase(id);
    return { config: c.config, inputSize: c.inputShape.reduce((a, b) => a * b, 1) };
  }
  return { config: benchConfig(id), inputSize: undefined };
}

/**
 * Each workload's speed at n threads against its last one-thread row before it (so interleaved
 * rounds pair within a round), beside the count auto picks for it on an n-core machine.
 */
export function threadSpeedups(rows: ThreadedRow[]): ThreadSpeedup[] {
  const single = new Map<string, ThreadedRow>();
  const out: ThreadSpeedup[] = [];
  for (const r of rows) {
    const one = single.get(r.id);
    if (r.threads === 1) single.set(r.id, r);
    else if (one) {
      const { config, inputSize } = workload(r.id);
      out.push({
        id: r.id,
        threads: r.threads,
        speedup: r.stepsPerSecond / one.stepsPerSecond,
        auto: threadsFor(config, r.threads, 'auto', inputSize).threads,
      });
    }
  }
  return out;
}

/** The table `npm run bench` prints: a wrong auto choice is marked. */
export function printThreadSpeedups(speedups: ThreadSpeedup[]): void {
  if (speedups.length === 0) return;
  console.log('\nchromium wasm: n threads ÷ 1 thread (auto: the count the lab picks by step size)');
  for (const s of speedups) {
    const best = s.speedup > 1 ? s.threads : 1;
    const mark = s.auto === best ? '' : `  ← auto picks ${s.auto}, ${best} was faster`;
    console.log(
      `${s.id.padEnd(24)}${s.threads} threads ${s.speedup.toFixed(2).padStart(5)}×  auto ${s.auto}${mark}`,
    );
  }
}
