import { canonicalJson } from '../../engine/core/jsonValues';
import type { SearchTrial } from '../../engine/search/protocol';

/**
 * The search this browser left unfinished (a reload, a closed tab, Stop): its spec and the
 * trials it finished, rewritten after every trial, so that the Search panel opens on it and
 * offers to continue it (the engine replays the trials and checks they belong to the spec).
 */
export interface UnfinishedSearch {
  spec: unknown;
  trials: SearchTrial[];
}

const KEY = 'nclab.search.unfinished';

export function readUnfinishedSearch(): UnfinishedSearch | null {
  try {
    const text = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    if (text === null) return null;
    const raw = JSON.parse(text) as Partial<UnfinishedSearch> | null;
    return raw && typeof raw === 'object' && 'spec' in raw && Array.isArray(raw.trials)
      ? { spec: raw.spec, trials: raw.trials }
      : null;
  } catch {
    return null; // unreadable: nothing is offered
  }
}

/** Remember a search's progress (null: forget it, it finished). */
export function rememberSearch(search: UnfinishedSearch | null): void {
  try {
    if (search === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, JSON.stringify(search));
  } catch {
    // no storage here: the search simply cannot be continued after a reload
  }
}

/** The same spec, whatever its key order (a spec re-typed in the editor). */
export function sameSpec(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
