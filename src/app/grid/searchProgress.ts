import type { SearchResult } from '../../engine/search/protocol';
import { formatTimeLeft } from '../eta';
import { dateStamp, fmt } from '../format';

/** Where a running search is: trials done of how many, and roughly how long the rest takes. */
export interface SearchProgress {
  done: number;
  /** The spec's trial count (null: the spec did not say, it is refused before any trial). */
  total: number | null;
  elapsedMs: number;
  /** The best configuration is retrained on every epoch at the end. */
  retrain: boolean;
  /** Each trial trains this share of the epochs (the retrain costs ~1/epochFraction trials). */
  epochFraction: number;
  /** Of `done`, the trials an earlier run finished (resumed, so not in `elapsedMs`). */
  resumed?: number;
}

/**
 * "3 of 12 trials done · about 40 s left, and about 20 s to retrain the best": the trials left at
 * the mean pace so far; the retrain trains every epoch, 1/epochFraction trials' worth.
 */
export function searchProgressText(p: SearchProgress): string {
  const counted =
    p.total === null ? `${p.done} trials done` : `${p.done} of ${p.total} trials done`;
  const timed = p.done - (p.resumed ?? 0);
  if (timed <= 0 || p.total === null) return counted;
  const perTrial = p.elapsedMs / 1000 / timed;
  const left = Math.max(0, p.total - p.done) * perTrial;
  const retrain = p.retrain
    ? `, and ${formatTimeLeft(perTrial / p.epochFraction)} to retrain the best`
    : '';
  return left > 0 ? `${counted} · ${formatTimeLeft(left)} left${retrain}` : `${counted}${retrain}`;
}

/** The best trial's parameters in a few characters: "lr = 0.0123, lossAlpha = 0.1". */
export function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} = ${typeof v === 'number' ? fmt(v, 4) : String(v)}`)
    .join(', ');
}

/** The download's file name: the search's name made safe, and the day. */
export function searchFileName(result: Pick<SearchResult, 'name'>, day = dateStamp()): string {
  const safe = result.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `nc-lab-${safe || 'search'}-${day}.json`;
}
