import type { Checkpoint } from '../../engine/session/checkpoint';
import type { RunRecord } from '../../engine/runs/record';
import type { RunResult } from '../../engine/run/result';
import { labClient } from '../labClient';
import { runRecorder } from './recorder';
import { refreshRuns, runLibrary, useRuns } from './runsStore';
import { exportRuns, importRunsText } from './transfer';

/** `window.ncLab.runs`: the run library for scripts and tests. */
export interface NcLabRunsApi {
  /** Kept runs, newest first (damaged records are dropped; `notes()` says which). */
  list(): Promise<RunRecord[]>;
  notes(): string[];
  /** A kept run as a RunResult (null when not kept). */
  get(id: string): Promise<RunResult | null>;
  /** The id of the kept run the page holds (null before it first trains or when not kept). */
  currentId(): string | null;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
  /** The runs `ids` (default: all) as one JSON bundle or a long-format CSV. */
  export(ids?: string[], format?: 'json' | 'csv'): Promise<string>;
  /** Keep the runs of a JSON text (a RunResult, a list of them, or an export bundle). */
  import(text: string, fileName?: string): Promise<RunRecord[]>;
  /** A kept run's latest checkpoint (null when it has none). */
  checkpoint(id: string): Promise<Checkpoint | null>;
  /** Continue a kept run from its latest checkpoint; resolves with its RunResult at the end. */
  resume(id: string): Promise<RunResult>;
}

export function createRunsApi(): NcLabRunsApi {
  return {
    async list() {
      await refreshRuns();
      return useRuns.getState().runs;
    },
    notes: () => useRuns.getState().notes.slice(),
    get: (id) => runLibrary.result(id),
    currentId: () => runRecorder.currentId,
    async delete(id) {
      await runLibrary.delete(id);
      await refreshRuns();
    },
    async clear() {
      await runLibrary.clear();
      await refreshRuns();
    },
    async export(ids, format = 'json') {
      const all = ids ?? (await runLibrary.list()).runs.map((r) => r.id);
      return exportRuns(all, format);
    },
    import: (text, fileName = 'import.json') => importRunsText(text, fileName),
    checkpoint: (id) => runLibrary.checkpoint(id),
    resume: (id) => labClient.resumeKeptToEnd(id),
  };
}
