// Which kept runs are finished members of a grid: what a resume after a reload skips. A run
// library keeps each member as a run tagged with its grid's name and identity; a kept run counts
// only if it is whole and was run with exactly the member's config (a damaged or incomplete one is
// run again).
import type { RunResult } from '../run/result';
import type { GridMemberResult } from './runner';
import type { ExpandedGrid, GridMember } from './spec';

/** The tag naming a grid in the run library (what the Runs panel filters by). */
export const gridNameTag = (grid: Pick<ExpandedGrid, 'name'>): string => `grid:${grid.name}`;

/**
 * The tag carrying a grid's identity: a hash of its name, resolved base config, expanded axes and
 * seeds. Two specs spelled differently (a preset id or its fields, a range or its values) that
 * expand to the same grid share it; limits and checkpoint intervals, which change no result, are
 * left out.
 */
export function gridIdentityTag(grid: ExpandedGrid): string {
  const what = JSON.stringify([grid.name, grid.base, grid.axes, grid.seeds]);
  return `grid-id:${hash64(what)}`;
}

/** The tags a grid member is kept with. */
export const gridMemberTags = (grid: ExpandedGrid): string[] => [
  'grid',
  gridNameTag(grid),
  gridIdentityTag(grid),
];

/** Statuses of a member that ran to its end (a diverged run is as final as a completed one). */
const FINISHED = new Set(['completed', 'diverged']);

/**
 * Why a kept result cannot stand for a finished member of the grid, or null when it can: its
 * config must be the member's exactly (seed included), and its record whole: finished, with its
 * final report and a history from step 0 to that report.
 */
export function keptMemberProblem(member: GridMember, result: RunResult): string | null {
  // The runner compares configs the same way; anything it would refuse is not a match.
  if (JSON.stringify(result.config) !== JSON.stringify(member.config))
    return 'run with another config';
  if (!FINISHED.has(result.status)) return `its status is ${result.status}`;
  const { final, history } = result;
  if (!final) return 'it has no final report';
  if (!history.length || history[0].step !== 0) return 'its history does not start at step 0';
  if (history[history.length - 1].step !== final.step)
    return `its history ends at step ${history[history.length - 1].step}, its final report at ${final.step}`;
  for (let i = 1; i < history.length; i++)
    if (history[i].step <= history[i - 1].step) return 'its history is out of order';
  return null;
}

/** A kept run as the matcher needs it: its tags and a way to read its whole result. */
export interface KeptCandidate {
  tags: readonly string[];
  /** Newer runs win when a member was kept more than once. */
  createdAt: number;
  load(): Promise<RunResult | null>;
}

/**
 * The grid's finished members found among kept runs, in grid order: for each member, the newest
 * kept run tagged with this grid's identity whose result is whole and of the member's config. A
 * run that cannot be read, or fails the checks, is passed over (its member runs again).
 */
export async function findKeptMembers(
  grid: ExpandedGrid,
  candidates: readonly KeptCandidate[],
): Promise<GridMemberResult[]> {
  const identity = gridIdentityTag(grid);
  const mine = candidates
    .filter((c) => c.tags.includes(identity))
    .sort((a, b) => b.createdAt - a.createdAt);
  const byConfig = new Map(grid.members.map((m) => [JSON.stringify(m.config), m]));
  const found = new Map<string, GridMemberResult>();
  for (const candidate of mine) {
    let result: RunResult | null;
    try {
      result = await candidate.load();
    } catch {
      continue; // damaged beyond reading: the member runs again
    }
    if (!result) continue;
    const member = byConfig.get(JSON.stringify(result.config));
    if (!member || found.has(member.id) || keptMemberProblem(member, result) !== null) continue;
    found.set(member.id, {
      index: member.index,
      id: member.id,
      overrides: member.overrides,
      result,
    });
    if (found.size === grid.members.length) break;
  }
  return grid.members.flatMap((m) => found.get(m.id) ?? []);
}

/**
 * The members that kept records (as listed, before their histories are read) say are finished:
 * what a Resume button can promise. The full check happens when the grid starts.
 */
export function listedKeptMembers(
  grid: ExpandedGrid,
  records: readonly { tags: readonly string[]; status: string; config: unknown }[],
): Set<string> {
  const identity = gridIdentityTag(grid);
  const byConfig = new Map(grid.members.map((m) => [JSON.stringify(m.config), m.id]));
  const ids = new Set<string>();
  for (const r of records) {
    if (!r.tags.includes(identity) || !FINISHED.has(r.status)) continue;
    const id = byConfig.get(JSON.stringify(r.config));
    if (id) ids.add(id);
  }
  return ids;
}

/** A 64-bit FNV-1a hash of a string's UTF-16 code units, as 16 hex digits. */
function hash64(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * prime) & mask;
  return h.toString(16).padStart(16, '0');
}
