import { create } from 'zustand';
import { labActions } from '../store';
import type { RunRecord } from '../../engine/runs/record';
import { indexedDbStore, MemoryStore } from './keyValueStore';
import { RunLibrary } from './library';

export interface StorageUse {
  usage: number;
  quota: number;
}

export interface RunsState {
  runs: RunRecord[];
  /** Damaged or old records dropped at the last listing, and storage refusals. */
  notes: string[];
  usage: StorageUse | null;
  /** Ids of the runs overlaid in the comparison figure. */
  selected: string[];
  /** Set when the page cannot keep runs at all (no IndexedDB). */
  unavailable: string | null;
}

export const useRuns = create<RunsState>()(() => ({
  runs: [],
  notes: [],
  usage: null,
  selected: [],
  unavailable: null,
}));

function note(text: string): void {
  const notes = useRuns.getState().notes;
  if (!notes.includes(text)) useRuns.setState({ notes: [...notes, text].slice(-6) });
}

/** A refused write also shows as a banner: the run the user watches is no longer kept. */
function writeError(text: string): void {
  note(text);
  labActions.addError(text);
}

function makeLibrary(): RunLibrary {
  if (typeof indexedDB === 'undefined') {
    useRuns.setState({
      unavailable:
        'This browser offers no IndexedDB here: runs are kept only until the page closes.',
    });
    return new RunLibrary(new MemoryStore(), writeError);
  }
  return new RunLibrary(indexedDbStore(), writeError);
}

/** The page's one run library. */
export const runLibrary = makeLibrary();

/**
 * At page start, runs that a closed or reloaded page left running are marked interrupted; new
 * runs are written only after that, so they are never mistaken for one.
 */
export const libraryReady: Promise<unknown> = runLibrary
  .list()
  .then(({ notes }) => {
    // Damaged records are dropped by the first listing: say so in the panel.
    for (const n of notes) note(n);
    return runLibrary.markInterrupted();
  })
  .catch((error: unknown) => note(`Could not read the kept runs: ${(error as Error).message}`));

let refreshing: Promise<void> | null = null;
let again = false;

/** Re-read the list and the storage estimate (coalesced: at most one read in flight). */
export function refreshRuns(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const { runs, notes } = await runLibrary.list();
      for (const n of notes) note(n);
      const known = new Set(runs.map((r) => r.id));
      useRuns.setState((s) => ({ runs, selected: s.selected.filter((id) => known.has(id)) }));
      const estimate = await navigator.storage?.estimate?.().catch(() => null);
      if (estimate?.quota)
        useRuns.setState({ usage: { usage: estimate.usage ?? 0, quota: estimate.quota } });
    } catch (error) {
      note(`Could not read the kept runs: ${(error as Error).message}`);
    } finally {
      refreshing = null;
      if (again) {
        again = false;
        void refreshRuns();
      }
    }
  })();
  return refreshing;
}

export const runsActions = {
  toggleSelected(id: string): void {
    const { selected } = useRuns.getState();
    useRuns.setState({
      selected: selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id],
    });
  },
  setSelected(ids: string[]): void {
    useRuns.setState({ selected: ids });
  },
  dismissNotes(): void {
    useRuns.setState({ notes: [] });
  },
  async remove(ids: string[]): Promise<void> {
    for (const id of ids) await runLibrary.delete(id);
    await refreshRuns();
  },
  async clear(): Promise<void> {
    await runLibrary.clear();
    useRuns.setState({ selected: [] });
    await refreshRuns();
  },
  async setTags(id: string, text: string): Promise<void> {
    await runLibrary.setTags(id, text.split(','));
    await refreshRuns();
  },
  async rename(id: string, name: string): Promise<void> {
    await runLibrary.rename(id, name);
    await refreshRuns();
  },
};
