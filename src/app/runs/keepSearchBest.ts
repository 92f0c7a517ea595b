import { gridHooks } from '../grid/gridStore';
import { paramsText } from '../grid/searchProgress';
import { refreshRuns, runLibrary } from './runsStore';

/**
 * A search's retrained best is a kept run, like a grid member: when the search ends it goes into
 * the run library, named by the search and the parameters it chose and tagged `search` and
 * `search:<name>`, so the Runs panel lists, overlays and exports it and it survives a reload.
 */
export function keepSearchBest(): void {
  gridHooks.searchDone.push((result) => {
    if (!result.retrained || !result.best) return;
    void runLibrary
      .importResults(
        [
          {
            name: `${result.name} · best: ${paramsText(result.best.params)}`,
            tags: ['search', `search:${result.name}`],
            result: result.retrained,
          },
        ],
        'grid',
      )
      .then(() => refreshRuns());
  });
}
