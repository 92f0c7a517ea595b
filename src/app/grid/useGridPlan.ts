/**
 * What the Grids panel knows of the spec being typed: whether it expands (its member count and
 * estimated time, or what is wrong), which of its members are finished and kept (a Resume skips
 * them), and whether another tab of the lab runs it.
 */
import { useEffect, useMemo, useState } from 'react';
import { gridIdentityTag, listedKeptMembers } from '../../engine/grid/kept';
import { expandGrid } from '../../engine/grid/spec';
import type { RunRecord } from '../../engine/runs/record';
import { gridHeldElsewhere } from '../runs/runLocks';
import { refreshRuns, useRuns } from '../runs/runsStore';
import { useLab } from '../store';
import { estimateFromKept } from './gridEstimate';
import { specFromText, type GridState } from './gridStore';

export interface SpecCheck {
  ok: boolean;
  /** The member count and shape, or the spec's error. */
  text: string;
  estimate: string | null;
  total: number;
  identity: string | null;
  /** Finished members kept in the library (after a reload too). */
  kept: Set<string> | null;
}

export interface GridPlan {
  check: SpecCheck;
  /** Members a Resume would skip: kept in the library, or finished in this page. */
  keptCount: number;
  resumable: boolean;
  /** Another tab of the lab runs this grid. */
  elsewhere: boolean;
}

function checkSpec(
  specText: string,
  kept: readonly RunRecord[],
  labBackend: string | null,
): SpecCheck {
  try {
    const grid = expandGrid(specFromText(specText));
    const shape = [...grid.axes.map((a) => a.values.length), grid.seeds.length].join(' × ');
    return {
      ok: true,
      text: `${grid.members.length} members (${shape} seeds)`,
      estimate: estimateFromKept(grid, kept, labBackend).text,
      total: grid.members.length,
      identity: gridIdentityTag(grid),
      kept: listedKeptMembers(grid, kept),
    };
  } catch (error) {
    const text = (error as Error).message;
    return { ok: false, text, estimate: null, total: 0, identity: null, kept: null };
  }
}

/** The spec text as the store keys it (whitespace aside), or null when it is not JSON. */
function canonicalText(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

/** How often the panel looks whether another tab runs its grid. */
const ELSEWHERE_LOOK_MS = 2000;

/** Whether another tab of the lab runs the grid of this identity (looked at every 2 s). */
function useGridElsewhere(identity: string | null): boolean {
  const [seen, setSeen] = useState<{ identity: string; held: boolean } | null>(null);
  useEffect(() => {
    if (!identity) return;
    let live = true;
    const look = () =>
      void gridHeldElsewhere(identity).then((held) => live && setSeen({ identity, held }));
    look();
    const timer = setInterval(look, ELSEWHERE_LOOK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [identity]);
  return identity !== null && seen?.identity === identity && seen.held;
}

export function useGridPlan(s: GridState): GridPlan {
  const kept = useRuns((r) => r.runs);
  // The kept runs (a grid's finished members among them) as this page opens, for Resume.
  useEffect(() => void refreshRuns(), []);
  const labBackend = useLab((l) => l.backend?.backend ?? null);
  const check = useMemo(
    () => checkSpec(s.specText, kept, labBackend),
    [s.specText, kept, labBackend],
  );
  const sameSpec = s.membersSpec !== null && canonicalText(s.specText) === s.membersSpec;
  const keptIds = new Set([...(check.kept ?? []), ...(sameSpec ? s.members.map((m) => m.id) : [])]);
  const elsewhere = useGridElsewhere(s.running ? null : check.identity);
  return { check, keptCount: keptIds.size, resumable: !s.running && keptIds.size > 0, elsewhere };
}
