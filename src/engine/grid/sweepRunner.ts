// The noise sweep of seed 002 (docs/memorization-dilation.md §6; the dilation-against-memorization
// figure): one run per (loss, η, seed) from a base network config, each measured once at its end,
// reduced to memorization, dilation and test accuracy, and aggregated by sweep.ts. It is one kind
// of grid (loss × η × seeds, noiseSweepGrid); its own plots stay those of sweep.ts.
import type { BackendInfo } from '../core/backend';
import { LOSSES, twinConfig, type NetConfig } from '../config/schema';
import type { ReportKey } from '../metrics/reportKeys';
import type { PreparedData } from '../data/types';
import { runExperiment } from '../run/runner';
import type { MetricsRecord } from '../session/types';
import type { RunResult } from '../run/result';
import { expandGrid, type ExpandedGrid } from './spec';
import { aggregateSweep, type MdSweep, type SweepRun } from '../md/sweep';

export interface SweepRequest {
  etas: number[];
  seeds: number[];
  /** Default: the base config's loss and its twin's (pairWith), else CE and LS. */
  losses?: NetConfig['loss'][];
}

export interface SweepResult {
  request: Required<SweepRequest>;
  runs: (SweepRun & { status: string; message: string | null })[];
  sweep: MdSweep;
}

/** One finished run of a sweep, named by its grid member id (`loss=ce,labelNoise=0.2,seed=1`). */
export interface SweepMemberRun {
  id: string;
  result: RunResult;
}

export interface SweepProgress {
  done: number;
  total: number;
  current: { loss: string; eta: number; seed: number } | null;
}

/** Runs of at most this many are accepted (a sweep is sequential; each run trains fully). */
export const MAX_SWEEP_RUNS = 120;

export function sweepLosses(base: NetConfig, request: SweepRequest): NetConfig['loss'][] {
  if (request.losses?.length) return request.losses;
  return base.pairWith !== 'none' ? [base.loss, base.pairWith] : ['ce', 'ls'];
}

/** Check the grid and name what is wrong (η in [0, 1), seeds positive integers, a bounded size). */
export function checkSweepRequest(base: NetConfig, request: SweepRequest): Required<SweepRequest> {
  const losses = sweepLosses(base, request);
  const { etas, seeds } = request;
  if (!etas.length) throw new Error('sweep: no η values');
  if (!seeds.length) throw new Error('sweep: no seeds');
  const badEta = etas.find((e) => !(e >= 0 && e < 1));
  if (badEta !== undefined) throw new Error(`sweep: η = ${badEta} is outside [0, 1)`);
  const badSeed = seeds.find((s) => !Number.isInteger(s) || s < 1);
  if (badSeed !== undefined) throw new Error(`sweep: seed ${badSeed} is not a positive integer`);
  const badLoss = losses.find((l) => !(LOSSES as readonly string[]).includes(l));
  if (badLoss !== undefined) throw new Error(`sweep: unknown loss "${badLoss}"`);
  const total = losses.length * etas.length * seeds.length;
  if (total > MAX_SWEEP_RUNS)
    throw new Error(`sweep: ${total} runs exceed the limit of ${MAX_SWEEP_RUNS}`);
  if (base.fourClass) throw new Error('sweep: the four-class problem has no resample-noise sweep');
  return { etas, seeds, losses };
}

/**
 * The sweep as a grid: loss × η (labelNoise) × seeds over the base config, each run alone (no
 * twin) and measured once at its end, since the sweep plots final states only.
 */
export function noiseSweepGrid(base: NetConfig, request: SweepRequest): ExpandedGrid {
  const checked = checkSweepRequest(base, request);
  return expandGrid({
    name: 'noise sweep',
    base: { ...base, pairWith: 'none', measureEvery: base.epochs },
    axes: [
      { field: 'loss', values: checked.losses },
      { field: 'labelNoise', values: checked.etas },
    ],
    seeds: checked.seeds,
    maxMembers: MAX_SWEEP_RUNS,
  });
}

/** The twin's loss keeps the twin's α (twinAlpha), as in the paired run. */
function withOwnAlpha(base: NetConfig, config: NetConfig): NetConfig {
  const twinLoss = base.pairWith !== 'none' && config.loss === base.pairWith;
  return {
    ...config,
    lossAlpha: twinLoss ? twinConfig(base).lossAlpha : base.lossAlpha,
    twinAlpha: 0,
  };
}

const num = (m: MetricsRecord, key: ReportKey): number | null => {
  const v = m[key];
  return typeof v === 'number' ? v : null;
};

export async function runNoiseSweep(
  base: NetConfig,
  request: SweepRequest,
  backend: BackendInfo,
  loadData: (config: NetConfig) => Promise<PreparedData>,
  onProgress?: (p: SweepProgress) => void,
  signal?: AbortSignal,
  /** Each run as it finishes (the page keeps it in the run library). */
  onRunDone?: (run: SweepMemberRun) => void,
): Promise<SweepResult> {
  const checked = checkSweepRequest(base, request);
  const grid = noiseSweepGrid(base, checked).members;
  const runs: SweepResult['runs'] = [];
  for (const [i, member] of grid.entries()) {
    const config = withOwnAlpha(base, member.config as NetConfig);
    const cell = { loss: config.loss, eta: config.labelNoise, seed: config.seed };
    if (signal?.aborted) throw new Error(`sweep stopped after ${i} of ${grid.length} runs`);
    onProgress?.({ done: i, total: grid.length, current: cell });
    const result = await runExperiment(config, backend, { loadData, signal });
    onRunDone?.({ id: member.id, result });
    const m = result.final?.metrics ?? {};
    runs.push({
      ...cell,
      memorization: num(m, 'md_memorization_rel_avg'),
      dilation: num(m, 'md_dilation_rel_avg'),
      testAccuracy: num(m, 'net_accuracy_test'),
      status: result.status,
      message: result.message,
    });
  }
  onProgress?.({ done: grid.length, total: grid.length, current: null });
  return { request: checked, runs, sweep: aggregateSweep(runs) };
}
