import { bestOf, type SearchResult, type SearchTrial } from '../../engine/search/protocol';
import { errorText, labClient } from '../labClient';
import { gridHooks, useGrid } from './gridStore';
import { IDLE_SEARCH, searchPlan, unfinishedSearchOffer, type SearchState } from './searchState';
import { readUnfinishedSearch, rememberSearch, sameSpec } from './unfinishedSearch';

/** The trials of this browser's unfinished run of `spec`; throws when there is none. */
function resumableTrials(spec: unknown): SearchTrial[] {
  const kept = readUnfinishedSearch();
  if (!kept || !sameSpec(kept.spec, spec))
    throw new Error('there is no unfinished run of this search in this browser to resume');
  return kept.trials;
}

function setSearch(change: (s: SearchState) => Partial<SearchState>): void {
  useGrid.setState((st) => ({ search: { ...st.search, ...change(st.search) } }));
}

/** A trial finished: shown, and kept in this browser so that a reload can continue after it. */
function trialDone(spec: unknown, trial: SearchTrial, best: SearchTrial | null): void {
  setSearch((s) => {
    const trials = [...s.trials, trial];
    rememberSearch({ spec, trials });
    return {
      trials,
      best,
      trialsMs: Date.now() - (s.startedAt ?? Date.now()),
      unfinished: { spec, done: trials.length },
    };
  });
}

/** The page's hyper-parameter search (the worker runs it; the Search panel and ncLab drive it). */
export const searchActions = {
  /**
   * Run a search afresh, or continue this browser's unfinished run of the same spec (`resume`):
   * its trials are replayed by the engine and only the rest run.
   */
  async run(spec: unknown, resume = false): Promise<SearchResult> {
    useGrid.setState({ search: { ...IDLE_SEARCH, running: true, startedAt: Date.now() } });
    try {
      const earlier = resume ? resumableTrials(spec) : [];
      // kept from its first trial on: a spec the worker refuses leaves an earlier search's
      // progress as it was
      setSearch(() => ({
        trials: earlier,
        best: bestOf(earlier),
        resumed: earlier.length,
        plan: searchPlan(spec),
        unfinished: earlier.length ? { spec, done: earlier.length } : null,
      }));
      const result = await labClient.runSearch(
        spec,
        (trial, best) => trialDone(spec, trial, best),
        resume ? { spec, trials: earlier } : undefined,
      );
      if (result.finished) rememberSearch(null);
      else if (result.trials.length) rememberSearch({ spec, trials: result.trials });
      setSearch(() => ({ result, best: result.best, unfinished: unfinishedSearchOffer() }));
      for (const hook of gridHooks.searchDone) hook(result);
      return result;
    } catch (error) {
      // what this browser still holds (an earlier search's progress) stays on offer
      setSearch(() => ({ error: errorText(error), unfinished: unfinishedSearchOffer() }));
      throw error;
    } finally {
      setSearch(() => ({ running: false }));
    }
  },

  /** Stop after the current trial: the trials so far stay (and can be continued). */
  stop(): void {
    void labClient.stopSearch();
  },
};
