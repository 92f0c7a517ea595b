import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { InterruptedMember } from '../engine/grid/runner';
import type { ExpandedGrid } from '../engine/grid/spec';
import { parseCheckpoint } from '../engine/session/checkpoint';
import { checkResumable } from '../engine/runs/resume';

/**
 * The running grid member's latest checkpoint and history, kept in this browser (the worker's own
 * IndexedDB database) so that after a reload the same grid continues that member from there
 * instead of from its seed. One entry per grid spec: members run one at a time.
 */
const store: UseStore | null =
  typeof indexedDB === 'undefined' ? null : createStore('nc-lab-grid-partial', 'kv');

const keyOf = (grid: ExpandedGrid) => `grid:${JSON.stringify(grid.spec)}`;

/** Writes and deletes in the order they were asked for (a member's last save before its clear). */
let queue: Promise<unknown> = Promise.resolve();
const inOrder = (op: () => Promise<unknown>) => {
  queue = queue.then(op, op).catch(() => undefined);
  return queue;
};

/**
 * The member this grid left mid-run, if any. An entry that no longer fits (damaged, or its
 * member's config changed with a new version of the lab) is dropped: that member starts afresh.
 */
export async function readPartial(grid: ExpandedGrid): Promise<InterruptedMember[]> {
  if (!store) return [];
  await queue;
  const raw = (await get(keyOf(grid), store)) as Partial<InterruptedMember> | undefined;
  if (!raw) return [];
  try {
    const member = grid.members.find((m) => m.id === raw.id);
    if (!member || !Array.isArray(raw.history)) throw new Error('not a member of this grid');
    const checkpoint = parseCheckpoint(raw.checkpoint);
    checkResumable(checkpoint, member.config);
    return [{ id: member.id, checkpoint, history: raw.history }];
  } catch {
    await del(keyOf(grid), store);
    return [];
  }
}

export function savePartial(grid: ExpandedGrid, state: InterruptedMember): Promise<unknown> {
  const s = store;
  return s ? inOrder(() => set(keyOf(grid), state, s)) : Promise.resolve();
}

/** A member finished: its partial state is of no more use. */
export function clearPartial(grid: ExpandedGrid, id: string): Promise<unknown> {
  const s = store;
  if (!s) return Promise.resolve();
  return inOrder(async () => {
    const raw = (await get(keyOf(grid), s)) as { id?: unknown } | undefined;
    if (raw?.id === id) await del(keyOf(grid), s);
  });
}
