// Noise-sweep aggregation (seed 002): runs over η × loss × seed → the dilation-against-memorization
// scatter with a least-squares line per loss, and test accuracy against η (mean and spread over
// seeds). Pure functions over plain numbers.
import type { MdMeasures } from './measures';

/** The seed's grid: η ∈ {0, 0.1, …, 0.5} × {CE, LS}. */
export const SWEEP_ETAS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5];
export const SWEEP_LOSSES: readonly string[] = ['CE', 'LS'];

/** One finished run reduced to the three numbers the sweep plots. */
export interface SweepRun {
  loss: string;
  /** label-noise parameter η (resample noise: flip rate η(K−1)/K) */
  eta: number;
  seed: number;
  /** scalar memorization (e.g. md_memorization_rel_avg); null when there is no corrupted sample */
  memorization: number | null;
  /** scalar dilation (e.g. md_dilation_rel_avg) */
  dilation: number | null;
  /** test accuracy as a fraction */
  testAccuracy: number | null;
}

export interface LineFit {
  slope: number;
  intercept: number;
  /** coefficient of determination; null when every y is the same (no variance to explain) */
  r2: number | null;
  n: number;
  /** Why the fit says little although it exists (too few points or η values); null when none. */
  caveat: string | null;
}

export interface Spread {
  n: number;
  mean: number;
  /** sample standard deviation (ddof 1); null for a single value */
  std: number | null;
  min: number;
  max: number;
}

export interface MdPoint {
  eta: number;
  seed: number;
  memorization: number;
  dilation: number;
}

export interface MdScatterSeries {
  loss: string;
  points: MdPoint[];
  /** runs left out of the scatter (memorization or dilation undefined, e.g. η = 0) */
  excluded: { eta: number; seed: number; reason: string }[];
  fit: LineFit | null;
  fitReason?: string;
  /** the fitted line across the memorization range of the points, for drawing */
  line: [{ x: number; y: number }, { x: number; y: number }] | null;
}

export interface AccuracyCurve {
  loss: string;
  points: ({ eta: number; seeds: number[] } & Spread)[];
}

export interface MdSweep {
  losses: string[];
  etas: number[];
  scatter: MdScatterSeries[];
  accuracy: AccuracyCurve[];
}

/** Ordinary least squares y ≈ slope·x + intercept (centred sums, float64). */
export function fitLine(x: readonly number[], y: readonly number[]): LineFit {
  if (x.length !== y.length)
    throw new Error(`fitLine: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 2) throw new Error(`fitLine needs at least 2 points, got ${n}`);
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) throw new Error('fitLine: every x is the same, the slope is undefined');
  const slope = sxy / sxx;
  const ssRes = Math.max(0, syy - slope * sxy);
  // Any line passes through two points exactly: r² = 1 there says nothing about the data.
  const two = n === 2;
  return {
    slope,
    intercept: my - slope * mx,
    r2: syy > 0 && !two ? 1 - ssRes / syy : null,
    n,
    caveat: two ? 'only 2 points: a line through two points always fits, r² is meaningless' : null,
  };
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) throw new Error('spread of no values');
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return {
    n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Every (loss, η, seed) of the grid, in loss → η → seed order: the runs a sweep launches. */
export function sweepGrid(
  seeds: readonly number[],
  etas: readonly number[] = SWEEP_ETAS,
  losses: readonly string[] = SWEEP_LOSSES,
): { loss: string; eta: number; seed: number }[] {
  return losses.flatMap((loss) =>
    etas.flatMap((eta) => seeds.map((seed) => ({ loss, eta, seed }))),
  );
}

/** Which scalar a run contributes: averaged over classes, relative (default) or absolute. */
export interface SummaryOptions {
  block?: 'md_train_all' | 'md_train_fit';
  form?: 'relative' | 'absolute';
}

/** Reduces one run's final measures to a SweepRun. */
export function summariseRun(
  run: { loss: string; eta: number; seed: number },
  m: MdMeasures,
  opts: SummaryOptions = {},
): SweepRun {
  const block = m[opts.block ?? 'md_train_all'];
  if (!block) throw new Error(`summariseRun: the measures have no ${opts.block} block`);
  const rel = (opts.form ?? 'relative') === 'relative';
  const v = block.values;
  const num = (x: unknown) => (typeof x === 'number' ? x : null);
  return {
    ...run,
    memorization: num(rel ? v.md_memorization_rel_avg : v.md_memorization_avg),
    dilation: num(rel ? v.md_dilation_rel_avg : v.md_dilation_avg),
    testAccuracy: m.test ? m.test.accuracy : null,
  };
}

/** Groups eta values that differ only by rounding (0.1 + 0.2 vs 0.3). */
const etaKey = (eta: number) => eta.toFixed(9);

function checkRuns(runs: readonly SweepRun[]): void {
  const seen = new Set<string>();
  runs.forEach((r, i) => {
    const bad = (what: string) => new Error(`runs[${i}]: ${what}`);
    if (typeof r.loss !== 'string' || r.loss === '') throw bad('loss must be a non-empty name');
    if (!(Number.isFinite(r.eta) && r.eta >= 0 && r.eta <= 1))
      throw bad(`eta = ${r.eta} is not in [0, 1]`);
    if (!Number.isInteger(r.seed)) throw bad(`seed = ${r.seed} is not an integer`);
    for (const k of ['memorization', 'dilation', 'testAccuracy'] as const) {
      const v = r[k];
      if (v !== null && !Number.isFinite(v))
        throw bad(`${k} = ${v} is not a finite number or null`);
    }
    if (r.testAccuracy !== null && (r.testAccuracy < 0 || r.testAccuracy > 1))
      throw bad(`testAccuracy = ${r.testAccuracy} is not a fraction in [0, 1]`);
    const key = `${r.loss}|${etaKey(r.eta)}|${r.seed}`;
    if (seen.has(key)) throw bad(`duplicate run (loss ${r.loss}, eta ${r.eta}, seed ${r.seed})`);
    seen.add(key);
  });
}

/** " (η = 0 left out: memorization undefined)": the η values no point of the fit comes from. */
function leftOut(excluded: MdScatterSeries['excluded'], points: readonly MdPoint[]): string {
  const used = new Set(points.map((p) => etaKey(p.eta)));
  const gone = excluded.filter((e) => !used.has(etaKey(e.eta)));
  if (!gone.length) return '';
  const etas = [...new Set(gone.map((e) => e.eta))].join(', ');
  const reasons = [...new Set(gone.map((e) => e.reason))].join('; ');
  return ` (η = ${etas} left out: ${reasons})`;
}

function scatterOf(loss: string, runs: SweepRun[]): MdScatterSeries {
  const points: MdPoint[] = [];
  const excluded: MdScatterSeries['excluded'] = [];
  for (const r of runs) {
    if (r.memorization === null || r.dilation === null) {
      const what = r.memorization === null ? 'memorization' : 'dilation';
      excluded.push({ eta: r.eta, seed: r.seed, reason: `${what} undefined` });
    } else
      points.push({ eta: r.eta, seed: r.seed, memorization: r.memorization, dilation: r.dilation });
  }
  const x = points.map((p) => p.memorization);
  const series: MdScatterSeries = { loss, points, excluded, fit: null, line: null };
  if (points.length < 2) series.fitReason = `${points.length} point(s): a line needs 2`;
  else if (x.every((v) => v === x[0])) series.fitReason = 'every memorization is the same';
  else {
    const fit = fitLine(
      x,
      points.map((p) => p.dilation),
    );
    const etas = new Set(points.map((p) => etaKey(p.eta))).size;
    if (!fit.caveat && etas < 3)
      fit.caveat = `fitted through ${etas} η value${etas === 1 ? '' : 's'}${leftOut(excluded, points)}: too few for the line or r² to mean much (use 3 or more)`;
    const lo = Math.min(...x);
    const hi = Math.max(...x);
    series.fit = fit;
    series.line = [
      { x: lo, y: fit.intercept + fit.slope * lo },
      { x: hi, y: fit.intercept + fit.slope * hi },
    ];
  }
  return series;
}

function accuracyOf(loss: string, runs: SweepRun[], etas: number[]): AccuracyCurve {
  const points: AccuracyCurve['points'] = [];
  for (const eta of etas) {
    const here = runs.filter((r) => etaKey(r.eta) === etaKey(eta) && r.testAccuracy !== null);
    if (here.length === 0) continue;
    points.push({
      eta,
      seeds: here.map((r) => r.seed),
      ...spread(here.map((r) => r.testAccuracy!)),
    });
  }
  return { loss, points };
}

/** The sweep's plot data; losses in order of first appearance, η ascending. */
export function aggregateSweep(runs: readonly SweepRun[]): MdSweep {
  checkRuns(runs);
  const losses = [...new Set(runs.map((r) => r.loss))];
  const byKey = new Map<string, number>();
  for (const r of runs) if (!byKey.has(etaKey(r.eta))) byKey.set(etaKey(r.eta), r.eta);
  const etas = [...byKey.values()].sort((a, b) => a - b);
  const sorted = [...runs].sort((a, b) => a.eta - b.eta || a.seed - b.seed);
  return {
    losses,
    etas,
    scatter: losses.map((l) =>
      scatterOf(
        l,
        sorted.filter((r) => r.loss === l),
      ),
    ),
    accuracy: losses.map((l) =>
      accuracyOf(
        l,
        sorted.filter((r) => r.loss === l),
        etas,
      ),
    ),
  };
}
