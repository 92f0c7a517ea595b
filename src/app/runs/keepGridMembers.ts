import { gridMemberTags } from '../../engine/grid/kept';
import { gridHooks } from '../grid/gridStore';
import { keptGridMembers } from './keptGridMembers';
import { libraryReady, refreshRuns, runLibrary } from './runsStore';

/**
 * Every grid member is a kept run: as each member finishes in the page, it goes into the run
 * library, named by its grid and member id and tagged `grid:<name>` and with the grid's identity,
 * so the Runs panel lists, overlays and exports the grid like any other runs, and a Resume after a
 * reload finds the members already finished and does not run them again.
 */
export function keepGridMembers(): void {
  gridHooks.memberDone.push((member, grid) => {
    void runLibrary
      .importResults(
        [
          {
            name: `${grid.name} · ${member.id}`,
            tags: gridMemberTags(grid),
            result: member.result,
          },
        ],
        'grid',
      )
      .then(() => refreshRuns());
  });
  gridHooks.keptMembers = async (grid) => {
    await libraryReady;
    return keptGridMembers(runLibrary, grid);
  };
}
