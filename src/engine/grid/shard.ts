// Sharding a grid over n processes (e.g. a Slurm job array) and merging the shares back: member i
// goes to shard i mod n, so the assignment depends only on the spec and n.
import type { GridMemberResult } from './runner';
import { GridError, type ExpandedGrid, type GridMember } from './spec';

export interface Shard {
  /** 0-based, as Slurm's SLURM_ARRAY_TASK_ID. */
  index: number;
  count: number;
}

/** Parse `i/n` (0 ≤ i < n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new GridError(`--shard "${text}": expected i/n, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new GridError(`--shard "${text}": n must be at least 1`);
  if (index >= count)
    throw new GridError(`--shard "${text}": i counts from 0, so it must be below n = ${count}`);
  return { index, count };
}

/** The members shard `index` of `count` runs: every count-th one, starting at index. */
export function shardMembers(grid: ExpandedGrid, shard: Shard): GridMember[] {
  return grid.members.filter((m) => m.index % shard.count === shard.index);
}

/**
 * Every member of the grid exactly once, in grid order: refuses a missing member, one present
 * twice, or one the grid does not have (naming them).
 */
export function mergeMembers(
  grid: ExpandedGrid,
  found: readonly GridMemberResult[],
): GridMemberResult[] {
  const byId = new Map<string, GridMemberResult>();
  const twice: string[] = [];
  const foreign: string[] = [];
  const ids = new Set(grid.members.map((m) => m.id));
  for (const r of found) {
    if (!ids.has(r.id)) foreign.push(r.id);
    else if (byId.has(r.id)) twice.push(r.id);
    else byId.set(r.id, r);
  }
  const missing = grid.members.filter((m) => !byId.has(m.id)).map((m) => m.id);
  const problems = [
    missing.length ? `${missing.length} missing (${list(missing)})` : '',
    twice.length ? `${twice.length} present twice (${list(twice)})` : '',
    foreign.length ? `${foreign.length} not in this grid (${list(foreign)})` : '',
  ].filter(Boolean);
  if (problems.length)
    throw new GridError(
      `merge: the grid has ${grid.members.length} members; ${problems.join('; ')}`,
    );
  return grid.members.map((m) => byId.get(m.id)!);
}

const list = (ids: string[]) => (ids.length > 5 ? [...ids.slice(0, 5), '…'] : ids).join('; ');
