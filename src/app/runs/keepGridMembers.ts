import { findKeptMembers, gridMemberTags } from '../../engine/grid/kept';
import type { GridMemberResult } from '../../engine/grid/runner';
import type { ExpandedGrid } from '../../engine/grid/spec';
import { gridHooks } from '../grid/gridStore';
import type { RunLibrary } from './library';
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

/**
 * The grid's members finished earlier and kept in the library (matched by the grid's identity and
 * each member's exact config; a damaged or incomplete record is passed over and its member runs
 * again).
 */
export async function keptGridMembers(
  library: RunLibrary,
  grid: ExpandedGrid,
): Promise<GridMemberResult[]> {
  const { runs } = await library.list();
  return findKeptMembers(
    grid,
    runs
      .filter((r) => r.source === 'grid')
      .map((r) => ({ tags: r.tags, createdAt: r.createdAt, load: () => library.result(r.id) })),
  );
}
