import { create } from 'zustand';
import { labActions } from '../store';
import type { RunRecord } from '../../engine/runs/record';
import { indexedDbStore, MemoryStore } from './keyValueStore';
import { RunLibrary } from './library';
import { heldRuns, holdsRun, locksAvailable } from './runLocks';

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
  /** Ids of the kept runs another tab of the lab is training (read-only here). */
  elsewhere: string[];
  /** Set when the page cannot keep runs at all (no IndexedDB). */
  unavailable: string | null;
}

export const useRuns = create<RunsState>()(() => ({
  runs: [],
  notes: [],
  usage: null,
  selected: [],
  elsewhere: [],
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

/**
 * The lab's other tabs hear of each change to the kept runs (at once, then at most every
 * CHANGE_NOTE_MS) and re-read their list: a run trained in one tab moves on in the Runs panel
 * of the others.
 */
const channel =
  // only pages share a store (IndexedDB); Node has BroadcastChannel too (between its threads)
  typeof indexedDB === 'undefined' || typeof BroadcastChannel === 'undefined'
    ? null
    : new BroadcastChannel('nc-lab-runs');
const CHANGE_NOTE_MS = 1000;
let noteTimer: ReturnType<typeof setTimeout> | undefined;
let changedSinceNote = false;

function tellOtherTabs(): void {
  if (noteTimer !== undefined) {
    changedSinceNote = true;
    return;
  }
  channel?.postMessage('changed');
  noteTimer = setTimeout(() => {
    noteTimer = undefined;
    if (changedSinceNote) {
      changedSinceNote = false;
      tellOtherTabs();
    }
  }, CHANGE_NOTE_MS);
}

function makeLibrary(): RunLibrary {
  if (typeof indexedDB === 'undefined') {
    useRuns.setState({
      unavailable:
        'This browser offers no IndexedDB here: runs are kept only until the page closes.',
    });
    return new RunLibrary(new MemoryStore(), writeError);
  }
  return new RunLibrary(indexedDbStore(), writeError, Date.now, {
    held: heldRuns,
    onChange: tellOtherTabs,
    isMine: holdsRun,
  });
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
      let { runs, notes } = await runLibrary.list();
      for (const n of notes) note(n);
      // With Web Locks a run whose page went away is known as soon as it is gone (a closed or
      // crashed tab): mark it now, not at the next page start. One look at the locks decides
      // both what is marked and what is watched: with two, a tab closing between them (its
      // last reports broadcast as it goes) left its run 'running', neither marked nor watched.
      const held = await heldRuns();
      if (locksAvailable() && (await runLibrary.markInterrupted(runs, held)).length > 0)
        ({ runs, notes } = await runLibrary.list());
      const elsewhere = [...(held?.elsewhere ?? [])];
      if (elsewhere.length > 0) watchOtherTabs();
      const known = new Set(runs.map((r) => r.id));
      useRuns.setState((s) => ({
        runs,
        elsewhere,
        selected: s.selected.filter((id) => known.has(id)),
      }));
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

/**
 * A tab that closes or crashes sends nothing: while other tabs hold runs, look every
 * HELD_CHECK_MS for one that is no longer held (its run is then marked interrupted).
 */
const HELD_CHECK_MS = 3000;
let heldTimer: ReturnType<typeof setTimeout> | undefined;

function watchOtherTabs(): void {
  heldTimer ??= setTimeout(() => {
    heldTimer = undefined;
    void heldRuns().then((held) => {
      const now = held?.elsewhere ?? new Set<string>();
      const before = useRuns.getState().elsewhere;
      if (before.some((id) => !now.has(id)) || now.size !== before.length) void refreshRuns();
      else if (now.size > 0) watchOtherTabs();
    });
  }, HELD_CHECK_MS);
}

// Another tab changed the kept runs: read them again, now if this tab is in view, else when it
// comes back (a hidden tab, maybe training itself, spends nothing on others' reports).
let missed = false;
if (channel)
  channel.onmessage = () => {
    if (globalThis.document?.visibilityState === 'hidden') missed = true;
    else void refreshRuns();
  };
globalThis.document?.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && missed) {
    missed = false;
    void refreshRuns();
  }
});

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
  /** A sentence for the Runs panel's notes (an import's runs skipped as already kept…). */
  note(text: string): void {
    note(text);
  },
  dismissNotes(): void {
    useRuns.setState({ notes: [] });
  },
  async remove(ids: string[]): Promise<void> {
    try {
      for (const id of ids) await runLibrary.delete(id);
    } finally {
      await refreshRuns();
    }
  },
  async clear(): Promise<void> {
    const spared = await runLibrary.clear();
    if (spared > 0)
      note(
        `${spared === 1 ? 'One run' : `${spared} runs`} training in another tab of the lab ${spared === 1 ? 'was' : 'were'} kept.`,
      );
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
