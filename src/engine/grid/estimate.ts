// How long a grid will take, before it starts: the members' work (UFM steps, network epochs) times
// a speed measured on this backend, per kind of member. The speed comes from a short calibration
// (Node, `npm run grid -- --estimate`) or from kept runs of the same kind (the page).
import type { BackendInfo } from '../core/backend';
import type { ExperimentConfig } from '../config/schema';
import { createSession, type SessionSources } from '../run/sessions';
import { gridWork, type ExpandedGrid, type GridMember } from './spec';

/**
 * Fields that change what a run computes but not what a step costs: members differing only in
 * these share one speed. Everything else (sizes, depth, model, data, batch, report cadence, the
 * backend) makes a member its own kind. Unknown fields count as cost-relevant (one more probe,
 * never a wrong estimate).
 */
const COST_FREE_FIELDS = new Set([
  'seed',
  'steps',
  'epochs',
  'lr',
  'momentum',
  'adamBeta1',
  'adamBeta2',
  'adamEpsilon',
  'lambdaW',
  'lambdaH',
  'initStd',
  'labelSmoothing',
  'labelNoise',
  'lossAlpha',
  'twinAlpha',
  'weightDecay',
  'sepDecay',
  'featureDecay',
  'lrStep',
  'lrGamma',
  'lrMilestones',
  'patience',
]);

/** The kind of a member as far as speed goes: its config without the cost-free fields. */
export function speedKind(config: ExperimentConfig): string {
  const rest = Object.entries(config)
    .filter(([k]) => !COST_FREE_FIELDS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(rest);
}

/** A measured speed: milliseconds per unit of work (a UFM step, a network epoch). */
export interface MeasuredSpeed {
  msPerUnit: number;
  /** Where it comes from, in words ("calibration: 412 steps in 1.5 s", "kept run tiny-check"). */
  source: string;
}

export interface GridEstimate {
  members: number;
  /** Members' work in the unit gridWork counts (UFM steps, network epochs). */
  work: number;
  /** Estimated wall time of all members (null when no speed is known for any kind). */
  totalMs: number | null;
  /** The range from the slowest and fastest measured speed for kinds that were not measured. */
  lowMs: number | null;
  highMs: number | null;
  /** Members whose own kind was measured (the others take the range of the measured ones). */
  measuredMembers: number;
  /** How it was estimated, in one sentence for the page and the CLI. */
  basis: string;
}

/**
 * The estimate from speeds per kind (`speedKind`): a member of a measured kind takes its speed;
 * one of an unmeasured kind takes the mean of the measured speeds, and the range their slowest
 * and fastest. Per-member setup (building the model, loading data) is not counted.
 */
export function estimateGrid(
  grid: ExpandedGrid,
  speeds: ReadonlyMap<string, MeasuredSpeed>,
  how: string,
): GridEstimate {
  const members = grid.members;
  const work = gridWork(members);
  // Only this grid's kinds: a kept run of another kind may count another unit (a UFM's ms a
  // step is not a network's ms an epoch) and says nothing of these members' cost.
  const gridKinds = new Set(members.map((m) => speedKind(m.config)));
  const rates = [...speeds]
    .filter(([kind]) => gridKinds.has(kind))
    .map(([, speed]) => speed.msPerUnit);
  if (!rates.length)
    return {
      members: members.length,
      work,
      totalMs: null,
      lowMs: null,
      highMs: null,
      measuredMembers: 0,
      basis: `no speed known for these members (${how}): the time left appears once the first member has run`,
    };
  const mean = rates.reduce((a, r) => a + r, 0) / rates.length;
  const [min, max] = [Math.min(...rates), Math.max(...rates)];
  let total = 0;
  let low = 0;
  let high = 0;
  let measured = 0;
  for (const m of members) {
    const units = gridWork([m]);
    const own = speeds.get(speedKind(m.config));
    if (own) measured++;
    total += units * (own?.msPerUnit ?? mean);
    low += units * (own?.msPerUnit ?? min);
    high += units * (own?.msPerUnit ?? max);
  }
  const kinds = gridKinds.size;
  const coverage =
    measured === members.length
      ? `every kind of member measured (${kinds})`
      : `${rates.length} of ${kinds} kinds of member measured; ${others(members.length - measured)} their mean, the range their slowest and fastest`;
  return {
    members: members.length,
    work,
    totalMs: total,
    lowMs: low,
    highMs: high,
    measuredMembers: measured,
    basis: `${how}; ${coverage}; per-member setup not counted`,
  };
}

/** "the other member takes", "the other 8 members take". */
function others(n: number): string {
  return n === 1 ? 'the other member takes' : `the other ${n} members take`;
}

/** The runner's slice length (ms): calibration chunks grow until a step chunk takes this long. */
const SLICE_MS = 60;

/** One member of each kind, in grid order, at most `limit` of them (the members to calibrate). */
export function probeMembers(grid: ExpandedGrid, limit: number): GridMember[] {
  const seen = new Set<string>();
  const out: GridMember[] = [];
  for (const m of grid.members) {
    const kind = speedKind(m.config);
    if (seen.has(kind)) continue;
    seen.add(kind);
    if (out.length < limit) out.push(m);
  }
  return out;
}

export interface CalibrateOptions extends SessionSources {
  /** Training time per probe (default 1 500 ms). */
  probeMs?: number;
  /** Kinds of member probed at most (default 4). */
  maxProbes?: number;
}

/**
 * Measure the speed of up to `maxProbes` kinds of member on this backend, the way a grid runs
 * them: after an untimed warm-up as long as the probe, steps in chunks that grow to the runner's
 * slice size for about `probeMs`, plus one report's measurement spread over the report interval.
 * The runner's pauses between slices (a page stays responsive) are not counted.
 */
export async function calibrateGrid(
  grid: ExpandedGrid,
  backend: BackendInfo,
  options: CalibrateOptions = {},
): Promise<Map<string, MeasuredSpeed>> {
  const probeMs = options.probeMs ?? 1500;
  const speeds = new Map<string, MeasuredSpeed>();
  for (const member of probeMembers(grid, options.maxProbes ?? 4)) {
    const session = await createSession(member.config, options);
    try {
      const { stepsPerUnit } = (await session.measure('core')).shape;
      const total = session.totalSteps;
      // Warm-up, untimed: the first steps of a process run several times slower (kernels
      // compiled, the JavaScript engine optimising tfjs's dispatch).
      let chunk = 1;
      const step = async (): Promise<{ n: number; ms: number }> => {
        const n = Math.min(chunk, total - session.step);
        const t = performance.now();
        await session.train(n);
        const ms = performance.now() - t;
        if (ms < SLICE_MS) chunk *= 2;
        return { n, ms };
      };
      // (A short member warms up on its first half at most, so some steps are left to time.)
      for (let warm = 0; warm < probeMs && session.step < total / 2;) warm += (await step()).ms;
      let steps = 0;
      let trainMs = 0;
      while (trainMs < probeMs && session.step < total) {
        const { n, ms } = await step();
        steps += n;
        trainMs += ms;
      }
      if (!steps) continue;
      const t = performance.now();
      await session.measure('core');
      const measureMs = performance.now() - t;
      const every = Math.min(session.reportEvery, total);
      const msPerStep = trainMs / steps + measureMs / every;
      const unit = member.config.experiment === 'ufm' ? 'steps' : 'epochs';
      speeds.set(speedKind(member.config), {
        msPerUnit: msPerStep * stepsPerUnit,
        source: `calibration of ${member.id}: ${+(steps / stepsPerUnit).toFixed(2)} ${unit} in ${(trainMs / 1000).toFixed(1)} s, a report in ${Math.round(measureMs)} ms`,
      });
    } finally {
      session.dispose();
    }
  }
  return speeds;
}

/** What the page knows of a kept run (a run library record): enough to read its speed. */
export interface KeptRunSpeed {
  config: ExperimentConfig;
  backend: { backend: string } | null;
  step: number;
  totalSteps: number;
  timing: { trainMs: number; measureMs: number } | null;
}

/**
 * Speeds per kind from kept runs on `backend` (training and measuring time over the steps done;
 * a network's steps per epoch from its total steps and epochs), the median where several agree.
 */
export function speedsFromKeptRuns(
  runs: readonly KeptRunSpeed[],
  backend: string,
): Map<string, MeasuredSpeed> {
  const byKind = new Map<string, number[]>();
  for (const r of runs) {
    if (r.backend?.backend !== backend || !r.timing || r.step <= 0) continue;
    const ms = r.timing.trainMs + r.timing.measureMs;
    if (!(ms > 0)) continue;
    const stepsPerUnit = r.config.experiment === 'ufm' ? 1 : r.totalSteps / r.config.epochs;
    if (!(stepsPerUnit > 0)) continue;
    const kind = speedKind(r.config);
    byKind.set(kind, [...(byKind.get(kind) ?? []), (ms / r.step) * stepsPerUnit]);
  }
  const speeds = new Map<string, MeasuredSpeed>();
  for (const [kind, rates] of byKind) {
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    speeds.set(kind, {
      msPerUnit: median,
      source: `${rates.length} kept run${rates.length === 1 ? '' : 's'} on ${backend}`,
    });
  }
  return speeds;
}

/** "1 h 05 min", "4 min 10 s", "12 s": an estimate, rounded as one. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(s, 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The estimate in one line: "8 members, ≈ 2 min 10 s (1 min 50 s to 2 min 40 s): basis". */
export function estimateText(e: GridEstimate): string {
  const count = `${e.members} member${e.members === 1 ? '' : 's'}`;
  if (e.totalMs === null) return `${count}; ${e.basis}`;
  const range =
    e.lowMs !== null && e.highMs !== null && e.highMs - e.lowMs > 0.05 * e.totalMs
      ? ` (${formatDuration(e.lowMs)} to ${formatDuration(e.highMs)})`
      : '';
  return `${count}, ≈ ${formatDuration(e.totalMs)}${range}: ${e.basis}`;
}
