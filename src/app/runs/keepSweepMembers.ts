import { sweepHooks } from '../labClient';
import { refreshRuns, runLibrary } from './runsStore';

/**
 * Every noise-sweep run is a kept run, like a grid member (the sweep is a loss × η × seed grid):
 * as each finishes it goes into the run library, named `noise sweep · <member id>` and tagged
 * `sweep`, so the Runs panel lists, overlays and exports it.
 */
export function keepSweepMembers(): void {
  sweepHooks.runDone.push((run) => {
    void runLibrary
      .importResults(
        [
          {
            name: `noise sweep · ${run.id}`,
            tags: ['sweep', 'grid:noise sweep'],
            result: run.result,
          },
        ],
        'grid',
      )
      .then(() => refreshRuns());
  });
}
