// seed 002's hyper-parameter search protocol: each trial trains on a fraction of the epochs with
// the first 20 % of the (noisy) training set held out, is scored by its accuracy on that held-out
// split, and the best configuration is then retrained on all the training data for every epoch.
import { z } from 'zod';
import type { BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import {
  ConfigError,
  defaultsFor,
  isConfigField,
  parseConfig,
  type ExperimentConfig,
  issueText,
} from '../config/schema';
import { runExperiment } from '../run/runner';
import type { SessionSources } from '../run/sessions';
import { RUN_STATUS_VALUES, type RunStatus } from '../session/types';
import type { RunResult } from '../run/result';
import { SEED_DEFAULT_SPACE, searchSpaceSchema, type Params } from './space';
import { optimize, STRATEGIES, type Trial } from './strategies';

export const MAX_TRIALS = 200;

export const searchSpecSchema = z.strictObject({
  name: z.string().min(1).max(120).optional(),
  /** A (partial) network config, `{ preset, ...overrides }`, or a share URL. */
  base: z.union([z.record(z.string(), z.unknown()), z.string()]),
  /** Default: seed 002's (lr log-uniform [1e-5, 0.5], lrGamma, lossAlpha uniform [0.01, 0.25]). */
  space: searchSpaceSchema.optional(),
  strategy: z.enum(STRATEGIES).default('bayes'),
  trials: z.number().int().min(1).max(MAX_TRIALS),
  /** Each trial trains round(epochs × this) epochs (at least 1). */
  epochFraction: z.number().gt(0).max(1).default(0.25),
  seed: z.number().int().min(1).default(1),
  /** Retrain the best configuration on all the data for every epoch. */
  retrain: z.boolean().default(true),
});
export type SearchSpecInput = z.input<typeof searchSpecSchema>;
export type SearchSpec = z.output<typeof searchSpecSchema>;

/** The protocol in one sentence, shown beside the search. */
export const SEARCH_PROTOCOL =
  'Each trial trains on a fraction of the epochs with the first 20 % of the noisy training set held out, is scored by its accuracy on that held-out split (never the test set), and the best configuration is retrained on all the training data for every epoch (Nguyen et al. 2023’s protocol).';

export interface SearchTrial extends Trial {
  status: RunStatus | 'invalid';
  /** The trial's held-out (validation) and test accuracy; only the former selects. */
  valAccuracy: number | null;
  testAccuracy: number | null;
  epochs: number;
}

export interface SearchResult {
  name: string;
  spec: SearchSpec;
  protocol: string;
  trials: SearchTrial[];
  best: SearchTrial | null;
  /** The best configuration retrained on all the data (null: no retrain, or no trial succeeded). */
  retrained: RunResult | null;
  /** Every trial ran (and the retrain, if asked for): false for a stopped or partial search. */
  finished: boolean;
  /** Trials taken from the earlier run this one resumed (0: it started afresh). */
  resumedTrials: number;
}

/** A search to continue: its spec and the trials it finished (a partial result file, or the page's). */
export interface SearchResume {
  spec: unknown;
  trials: unknown;
}

/** A trial's run status, or 'invalid': its parameters made no valid config. */
const TRIAL_STATUSES = [...RUN_STATUS_VALUES, 'invalid'] as const;

const searchTrialSchema = z.strictObject({
  index: z.number().int().min(0),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  value: z.number().nullable(),
  error: z.string().optional(),
  status: z.enum(TRIAL_STATUSES),
  valAccuracy: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  epochs: z.number().int().min(1),
});

export interface SearchOptions extends SessionSources {
  onTrial?(trial: SearchTrial, best: SearchTrial | null): void;
  /** The retrained run, as it finishes: the hook a run library keeps it through. */
  onRetrained?(result: RunResult): void | Promise<void>;
  signal?: AbortSignal;
  /** Continue an unfinished run of this same search: its trials are replayed, not run again. */
  resume?: SearchResume;
}

export class SearchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchError';
  }
}

export function parseSearchSpec(raw: unknown): SearchSpec {
  const parsed = searchSpecSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new SearchError(`invalid search: ${issueText(parsed.error, '(search)')}`);
}

/** The search's base config, checked: a network config, and a space over its fields. */
export function searchBaseConfig(spec: SearchSpec): ExperimentConfig & { experiment: 'net' } {
  let base: ExperimentConfig;
  try {
    base = resolveConfig(spec.base);
  } catch (error) {
    throw new SearchError(`search base: ${(error as Error).message}`);
  }
  if (base.experiment !== 'net')
    throw new SearchError(
      'search base: the protocol scores trials on a held-out split, so it needs a network config (experiment=net)',
    );
  const space = spec.space ?? SEED_DEFAULT_SPACE;
  const defaults = defaultsFor('net');
  for (const field of Object.keys(space)) {
    if (!isConfigField(defaults, field))
      throw new SearchError(`space.${field}: not a field of a net config`);
    if (['experiment', 'seed', 'valSplit', 'epochs', 'backend'].includes(field))
      throw new SearchError(`space.${field}: the protocol sets ${field} itself`);
  }
  return base;
}

/** Validate the spec and its base before anything runs (the CLI and the page call this first). */
export function checkSearchSpec(raw: unknown): SearchSpec {
  const spec = parseSearchSpec(raw);
  searchBaseConfig(spec);
  return spec;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function runSearch(
  raw: unknown,
  backend: BackendInfo,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const spec = parseSearchSpec(raw);
  const base = searchBaseConfig(spec);
  const space = spec.space ?? SEED_DEFAULT_SPACE;
  const epochs = Math.max(1, Math.round(base.epochs * spec.epochFraction));
  const previous = options.resume ? resumedTrials(spec, epochs, options.resume) : [];
  const trials: SearchTrial[] = previous.map((t) => ({ ...t, params: { ...t.params } }));
  await optimize({
    previous,
    space,
    budget: spec.trials,
    strategy: spec.strategy,
    goal: 'max',
    seed: spec.seed,
    signal: options.signal,
    objective: async (params: Params, index) => {
      const trial: SearchTrial = {
        index,
        params,
        value: null,
        status: 'invalid',
        valAccuracy: null,
        testAccuracy: null,
        epochs,
      };
      trials.push(trial);
      let config: ExperimentConfig;
      try {
        // Measured once, at the end: only the final held-out accuracy counts.
        config = parseConfig({ ...base, ...params, valSplit: true, epochs, measureEvery: epochs });
      } catch (error) {
        if (error instanceof ConfigError)
          throw new Error(`invalid trial: ${error.message}`, { cause: error });
        throw error;
      }
      const result = await runExperiment(config, backend, { ...options });
      const m = result.final?.metrics ?? {};
      trial.status = result.status;
      trial.valAccuracy = num(m.val_acc);
      trial.testAccuracy = num(m.test_acc);
      if (result.status !== 'completed')
        throw new Error(result.message ?? `the trial ${result.status}`);
      return trial.valAccuracy;
    },
    onTrial: (t) => {
      const trial = trials[t.index];
      trial.value = t.value;
      if (t.error) trial.error = t.error;
      options.onTrial?.(trial, bestOf(trials));
    },
  });
  const best = bestOf(trials);
  let retrained: RunResult | null = null;
  if (spec.retrain && best && !options.signal?.aborted) {
    const config = parseConfig({ ...base, ...best.params, valSplit: false });
    retrained = await runExperiment(config, backend, { ...options });
    await options.onRetrained?.(retrained);
  }
  return searchResultOf(spec, trials, retrained, previous.length);
}

/**
 * A search's result as it stands: the trials done so far and the retrained best once there is
 * one (a CLI writes it after every trial, so that a stop loses nothing and --resume continues).
 */
export function searchResultOf(
  spec: SearchSpec,
  trials: SearchTrial[],
  retrained: RunResult | null,
  resumedTrials: number,
): SearchResult {
  const best = bestOf(trials);
  return {
    name: spec.name ?? `search (${spec.strategy}, ${spec.trials} trials)`,
    spec,
    protocol: SEARCH_PROTOCOL,
    trials,
    best,
    retrained,
    finished: trials.length === spec.trials && (retrained !== null || !spec.retrain || !best),
    resumedTrials,
  };
}

/**
 * The trials of an unfinished run to continue, checked: the same search (every spec field
 * alike), at most its trial count, in order, trained for this search's epochs. (That each one
 * is the point this search proposes is checked as they are replayed.)
 */
export function resumedTrials(
  spec: SearchSpec,
  epochs: number,
  resume: SearchResume,
): SearchTrial[] {
  const fail = (why: string): never => {
    throw new SearchError(`cannot resume: ${why}`);
  };
  const earlier = parseSearchSpec(resume.spec);
  const differ = (Object.keys({ ...spec, ...earlier }) as (keyof SearchSpec)[]).filter(
    (k) => JSON.stringify(spec[k]) !== JSON.stringify(earlier[k]),
  );
  if (differ.length) fail(`it was another search (${differ.join(', ')} differ)`);
  const parsed = z
    .object({ trials: z.array(searchTrialSchema).max(spec.trials) })
    .safeParse({ trials: resume.trials });
  if (!parsed.success) return fail(issueText(parsed.error, 'trials', true));
  parsed.data.trials.forEach((t, i) => {
    if (t.index !== i) fail(`its trial ${i + 1} has index ${t.index}`);
    if (t.epochs !== epochs) fail(`its trial ${i + 1} trained ${t.epochs} epochs, not ${epochs}`);
  });
  return parsed.data.trials;
}

/** The best trial: the first of the highest held-out accuracy (failed trials never). */
export function bestOf(trials: readonly SearchTrial[]): SearchTrial | null {
  let best: SearchTrial | null = null;
  for (const t of trials) if (t.value !== null && (!best || t.value > best.value!)) best = t;
  return best;
}
