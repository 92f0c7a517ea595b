import { create } from 'zustand';
import type { HistoryEntry } from '../../engine/session/types';
import type { XAxisKind } from './overlay';
import { runLibrary, useRuns } from './runsStore';

export interface CompareState {
  /** Histories of the selected runs, by id, read once per record update. */
  histories: Record<string, { updatedAt: number; history: HistoryEntry[] }>;
  metric: string;
  perLayer: boolean;
  x: XAxisKind;
  smoothing: number;
  logX: boolean;
  logY: boolean;
}

export const useCompare = create<CompareState>()(() => ({
  histories: {},
  metric: 'nc1_pinv',
  perLayer: false,
  x: 'step',
  smoothing: 0,
  logX: false,
  logY: true,
}));

/** Read the histories the selection needs (only those not read since their record changed). */
async function loadSelected(): Promise<void> {
  const { runs, selected } = useRuns.getState();
  const have = useCompare.getState().histories;
  const next: CompareState['histories'] = {};
  for (const id of selected) {
    const record = runs.find((r) => r.id === id);
    if (!record) continue;
    const cached = have[id];
    if (cached && cached.updatedAt === record.updatedAt) {
      next[id] = cached;
      continue;
    }
    const kept = await runLibrary.get(id).catch(() => null);
    if (kept) next[id] = { updatedAt: record.updatedAt, history: kept.history };
  }
  useCompare.setState({ histories: next });
}

let started = false;
/** Keep the histories in step with the selection and the list (called once by the panel). */
export function watchSelection(): void {
  if (started) return;
  started = true;
  useRuns.subscribe((s, prev) => {
    if (s.selected !== prev.selected || s.runs !== prev.runs) void loadSelected();
  });
  void loadSelected();
}
