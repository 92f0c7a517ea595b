import { gridHooks, useGrid } from '../grid/gridStore';
import { refreshRuns, runLibrary } from './runsStore';

/**
 * Every grid member is a kept run: as each member finishes in the page, it goes into the run
 * library, named by its grid and member id and tagged `grid:<name>`, so the Runs panel lists,
 * overlays and exports the grid like any other runs (and they survive a reload).
 */
export function keepGridMembers(): void {
  gridHooks.memberDone.push((member) => {
    const name = gridName(useGrid.getState().membersSpec);
    void runLibrary
      .importResults(
        [{ name: `${name} · ${member.id}`, tags: ['grid', `grid:${name}`], result: member.result }],
        'grid',
      )
      .then(() => refreshRuns());
  });
}

function gridName(specJson: string | null): string {
  try {
    const name = (JSON.parse(specJson ?? '{}') as { name?: unknown }).name;
    return typeof name === 'string' && name ? name : 'grid';
  } catch {
    return 'grid';
  }
}
