// Search strategies over a SearchSpace: random search (seed 002's train_simple_model_ho.py) and
// Bayesian optimisation with a GP surrogate and expected improvement (its train_model_ho.py uses
// SkOpt's GP through Ray Tune). Both are seeded, so a search is reproducible.
import { createRng, type Rng } from '../core/rng';
import { expectedImprovement, fitGp } from './gp';
import { pointFromUnit, pointToUnit, randomUnit, type Params, type SearchSpace } from './space';

export const STRATEGIES = ['random', 'bayes'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Trial {
  index: number;
  params: Params;
  /** The objective as measured (null: the trial failed, and counts as the worst). */
  value: number | null;
  /** Why the trial failed, when it did. */
  error?: string;
}

export interface OptimizeOptions {
  space: SearchSpace;
  /** Evaluate one point; a thrown error or a non-finite value marks the trial failed. */
  objective: (params: Params, index: number) => Promise<number | null> | number | null;
  budget: number;
  strategy: Strategy;
  goal: 'min' | 'max';
  seed: number;
  /** Bayes: random points before the surrogate takes over (default max(5, 2·dims + 1)). */
  initialRandom?: number;
  onTrial?: (trial: Trial, best: Trial | null) => void;
  /** Stop early (cancel): the trials so far are returned. */
  signal?: AbortSignal;
  /**
   * Trials an earlier run of this same search finished (a resume): they are proposed again, in
   * order, from the same random stream, and their recorded values taken instead of evaluating
   * them, so the search goes on exactly as if it had never stopped.
   */
  previous?: readonly Trial[];
}

export interface OptimizeResult {
  trials: Trial[];
  best: Trial | null;
}

/** Random candidates scored by EI each step, plus perturbations of the best points so far. */
const CANDIDATES = 1500;
const LOCAL_CANDIDATES = 300;

function better(goal: 'min' | 'max', a: number, b: number): boolean {
  return goal === 'min' ? a < b : a > b;
}

export function bestTrial(trials: readonly Trial[], goal: 'min' | 'max'): Trial | null {
  let best: Trial | null = null;
  for (const t of trials)
    if (t.value !== null && (best === null || better(goal, t.value, best.value!))) best = t;
  return best;
}

/** The next point of the Bayesian strategy, in the unit cube. */
function proposeBayes(
  space: SearchSpace,
  trials: readonly Trial[],
  goal: 'min' | 'max',
  rng: Rng,
): number[] {
  const done = trials.filter((t) => t.value !== null);
  // Failed trials stay out of the surrogate; the GP works on "lower is better".
  const X = done.map((t) => pointToUnit(space, t.params));
  const y = done.map((t) => (goal === 'min' ? t.value! : -t.value!));
  const gp = fitGp(X, y);
  const best = Math.min(...y);
  const order = y.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const candidates: number[][] = [];
  for (let i = 0; i < CANDIDATES; i++) candidates.push(randomUnit(space, rng));
  for (let i = 0; i < LOCAL_CANDIDATES; i++) {
    const centre = X[order[i % Math.min(3, order.length)][1]];
    candidates.push(centre.map((c) => Math.min(1, Math.max(0, rng.normal(c, 0.05)))));
  }
  let pick = candidates[0];
  let top = -Infinity;
  for (const c of candidates) {
    const { mean, std } = gp.predict(c);
    const ei = expectedImprovement(mean, std, best);
    if (ei > top) {
      top = ei;
      pick = c;
    }
  }
  return pick;
}

/**
 * An earlier run's trial where this run proposes `params` as its `index`-th: the same point, or the
 * earlier trials belong to another search (another space, strategy or seed) and are refused.
 */
function replayed(earlier: Trial, params: Params, index: number): Trial {
  const same =
    earlier.index === index &&
    Object.keys(params).length === Object.keys(earlier.params).length &&
    Object.entries(params).every(([k, v]) => earlier.params[k] === v);
  if (!same)
    throw new Error(
      `search: trial ${index + 1} of the run to resume has other parameters than this search proposes (${JSON.stringify(earlier.params)} there, ${JSON.stringify(params)} here): it was another search`,
    );
  return { ...earlier, params: { ...earlier.params } };
}

/** Run `budget` trials of the objective, one after another; returns them and the best. */
export async function optimize(options: OptimizeOptions): Promise<OptimizeResult> {
  const { space, objective, budget, strategy, goal, seed } = options;
  if (!Number.isInteger(budget) || budget < 1)
    throw new Error(`search: the budget must be a positive whole number of trials, not ${budget}`);
  const dims = Object.keys(space).length;
  const initial = options.initialRandom ?? Math.max(5, 2 * dims + 1);
  const rng = createRng(`search:${seed}`);
  const trials: Trial[] = [];
  for (let index = 0; index < budget; index++) {
    if (options.signal?.aborted) break;
    const enough = trials.filter((t) => t.value !== null).length >= initial;
    const u =
      strategy === 'bayes' && enough
        ? proposeBayes(space, trials, goal, rng)
        : randomUnit(space, rng);
    const params = pointFromUnit(space, u);
    const earlier = options.previous?.[index];
    if (earlier) {
      trials.push(replayed(earlier, params, index));
      continue;
    }
    const trial: Trial = { index, params, value: null };
    try {
      const v = await objective(params, index);
      if (typeof v === 'number' && Number.isFinite(v)) trial.value = v;
      else trial.error = `the objective gave ${String(v)}`;
    } catch (error) {
      trial.error = error instanceof Error ? error.message : String(error);
    }
    trials.push(trial);
    options.onTrial?.(trial, bestTrial(trials, goal));
  }
  return { trials, best: bestTrial(trials, goal) };
}
