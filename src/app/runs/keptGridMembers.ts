import { findKeptMembers } from '../../engine/grid/kept';
import type { GridMemberResult } from '../../engine/grid/runner';
import type { ExpandedGrid } from '../../engine/grid/spec';
import type { RunLibrary } from './library';

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
