import type { SearchResult, SearchTrial } from '../../engine/search/protocol';
import { SEED_DEFAULT_SPACE } from '../../engine/search/space';
import { readUnfinishedSearch } from './unfinishedSearch';

/** The page's search, as the Search panel shows it (in the grid store's `search`). */
export interface SearchState {
  running: boolean;
  trials: SearchTrial[];
  best: SearchTrial | null;
  result: SearchResult | null;
  error: string | null;
  /** The spec's trial count, its epoch fraction and retrain (read before the worker checks it). */
  plan: {
    total: number | null;
    epochFraction: number;
    retrain: boolean;
    /** Parameters searched log-uniformly: drawn on log axes. */
    logScale: string[];
  };
  /** When the search started (Date.now()). */
  startedAt: number | null;
  /** From the start to the end of the latest trial (ms): the pace the time left assumes. */
  trialsMs: number;
  /** Trials taken from the earlier run this one continues (not timed here). */
  resumed: number;
  /** This browser's unfinished run of a search (its spec and trials done): Resume continues it. */
  unfinished: { spec: unknown; done: number } | null;
}

export const IDLE_SEARCH: SearchState = {
  running: false,
  trials: [],
  best: null,
  result: null,
  error: null,
  plan: { total: null, epochFraction: 0.25, retrain: true, logScale: [] },
  startedAt: null,
  trialsMs: 0,
  resumed: 0,
  unfinished: null,
};

/** The unfinished search this browser kept, if it finished any trial (offered to Resume). */
export function unfinishedSearchOffer(): SearchState['unfinished'] {
  const kept = readUnfinishedSearch();
  return kept && kept.trials.length > 0 ? { spec: kept.spec, done: kept.trials.length } : null;
}

/** What the progress line needs of a spec the worker has not checked yet (defaults as its schema). */
export function searchPlan(spec: unknown): SearchState['plan'] {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
  const total = typeof s.trials === 'number' && s.trials >= 1 ? Math.floor(s.trials) : null;
  const fraction =
    typeof s.epochFraction === 'number' && s.epochFraction > 0 ? s.epochFraction : 0.25;
  const space = (
    typeof s.space === 'object' && s.space !== null ? s.space : SEED_DEFAULT_SPACE
  ) as Record<string, { type?: unknown } | null>;
  const logScale = Object.keys(space).filter((k) => space[k]?.type === 'loguniform');
  return { total, epochFraction: Math.min(1, fraction), retrain: s.retrain !== false, logScale };
}
