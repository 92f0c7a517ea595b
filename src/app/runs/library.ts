import type { BackendInfo } from '../../engine/core/backend';
import type { ExperimentConfig } from '../../engine/config/schema';
import { parseCheckpoint, type Checkpoint } from '../../engine/session/checkpoint';
import type { NamedResult } from '../../engine/runs/exchange';
import { autoName } from '../../engine/runs/naming';
import {
  parseHistoryChunk,
  parseRunRecord,
  recordToResult,
  RUN_RECORD_VERSION,
  summarize,
  type KeptStatus,
  type RunEnd,
  type RunRecord,
} from '../../engine/runs/record';
import type { HistoryEntry } from '../../engine/session/types';
import type { RunResult } from '../../engine/run/result';
import { APP_VERSION } from '../../engine/core/version';
import { isQuotaError, type KeyValueStore } from './keyValueStore';

/** Keys: the record, its numbered history chunks, its end (final report…) and its checkpoint. */
const recordKey = (id: string) => `r:${id}`;
const chunkKey = (id: string, i: number) => `h:${id}:${i}`;
const endKey = (id: string) => `e:${id}`;
const checkpointKey = (id: string) => `c:${id}`;

/** A kept run read back in full. */
export interface KeptRun {
  record: RunRecord;
  history: HistoryEntry[];
  end: RunEnd | null;
}

export interface ListResult {
  runs: RunRecord[];
  /** One sentence per record that was dropped (damaged, or of another version). */
  notes: string[];
}

let counter = 0;
function newId(now: number): string {
  return `${now.toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Every run, kept as it goes: a small record (what the list shows), its history appended in
 * numbered chunks (never the whole history rewritten), its end and its latest checkpoint. Each
 * write is one transaction, so a write the browser refuses (quota) leaves what was stored
 * whole; the refusal is reported through `onWriteError` and the run is no longer written.
 */
export class RunLibrary {
  /** Runs whose writes were refused: kept as far as they got, not written further. */
  private readonly refused = new Set<string>();
  private readonly records = new Map<string, RunRecord>();
  /** Writes are chained per library, so chunks and records land in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: KeyValueStore,
    private readonly onWriteError: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Start keeping a run; returns its record (status idle, no history yet). */
  async begin(
    config: ExperimentConfig,
    backend: BackendInfo | null,
    source: RunRecord['source'],
    totalSteps: number,
  ): Promise<RunRecord> {
    const t = this.now();
    const name = autoName(config);
    const record: RunRecord = {
      v: RUN_RECORD_VERSION,
      id: newId(t),
      name,
      autoName: name,
      tags: [],
      source,
      config,
      backend,
      status: 'idle',
      message: null,
      createdAt: t,
      updatedAt: t,
      step: 0,
      totalSteps,
      chunks: 0,
      summary: null,
      timing: null,
      checkpointStep: null,
    };
    this.records.set(record.id, record);
    await this.write(record.id, [[recordKey(record.id), record]]);
    return record;
  }

  /** Append reports (one new chunk) and the step they reached. */
  appendHistory(id: string, entries: HistoryEntry[]): Promise<void> {
    const record = this.records.get(id);
    if (!record || entries.length === 0) return Promise.resolve();
    const last = entries[entries.length - 1];
    const next: RunRecord = {
      ...record,
      chunks: record.chunks + 1,
      step: Math.max(record.step, last.step),
      summary: summarize(last.metrics) ?? record.summary,
      updatedAt: this.now(),
    };
    this.records.set(id, next);
    return this.write(id, [
      [chunkKey(id, record.chunks), entries],
      [recordKey(id), next],
    ]);
  }

  setStatus(id: string, status: KeptStatus, message: string | null, step?: number): Promise<void> {
    return this.update(id, (r) => ({ ...r, status, message, step: Math.max(r.step, step ?? 0) }));
  }

  /** The run ended: keep its final report, theory, breakdown, timing and status. */
  finish(id: string, result: RunResult): Promise<void> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve();
    const end: RunEnd = { final: result.final, theory: result.theory, breakdown: result.breakdown };
    const next: RunRecord = {
      ...record,
      status: result.status,
      message: result.message,
      step: Math.max(record.step, result.final?.step ?? 0),
      // A record begun from a status event before any report may not know the total yet.
      totalSteps: result.final?.totalSteps || record.totalSteps,
      summary: summarize(result.final?.metrics) ?? record.summary,
      timing: result.timing,
      backend: result.backend,
      updatedAt: this.now(),
    };
    this.records.set(id, next);
    return this.write(id, [
      [endKey(id), end],
      [recordKey(id), next],
    ]);
  }

  /** Keep `checkpoint` as the run's latest (replacing the one before). */
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<void> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve();
    const next = { ...record, checkpointStep: checkpoint.step, updatedAt: this.now() };
    this.records.set(id, next);
    return this.write(id, [
      [checkpointKey(id), { ...checkpoint, runId: id }],
      [recordKey(id), next],
    ]);
  }

  rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    return this.update(id, (r) => ({ ...r, name: trimmed || r.autoName }));
  }

  setTags(id: string, tags: string[]): Promise<void> {
    const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
    return this.update(id, (r) => ({ ...r, tags: clean }));
  }

  /**
   * Every kept run, newest first. Records that fail validation (damaged, or written by another
   * version of the lab) are deleted with their chunks, and a note says which and why.
   */
  async list(): Promise<ListResult> {
    await this.queue;
    const keys = (await this.store.keys()).filter((k) => k.startsWith('r:'));
    const raws = await this.store.getMany(keys);
    const runs: RunRecord[] = [];
    const notes: string[] = [];
    const drop: string[] = [];
    raws.forEach((raw, i) => {
      const id = keys[i].slice(2);
      try {
        const record = parseRunRecord(raw);
        runs.push(record);
        // The copy in memory is newer (writes may be queued behind this read): keep it.
        if (!this.refused.has(id) && !this.records.has(id)) this.records.set(id, record);
      } catch (error) {
        const name = (raw as { name?: unknown } | null)?.name;
        notes.push(
          `A kept run${typeof name === 'string' ? ` ("${name}")` : ''} could not be read and was removed: ${(error as Error).message}.`,
        );
        drop.push(id);
      }
    });
    for (const id of drop) await this.remove(id);
    runs.sort((a, b) => b.createdAt - a.createdAt);
    return { runs, notes };
  }

  /** A run with its history (re-measured steps replace earlier ones) and its end. */
  async get(id: string): Promise<KeptRun | null> {
    await this.queue;
    const [raw] = await this.store.getMany([recordKey(id)]);
    if (raw === undefined) return null;
    const record = parseRunRecord(raw);
    const chunkKeys = Array.from({ length: record.chunks }, (_, i) => chunkKey(id, i));
    const [end, ...chunks] = await this.store.getMany([endKey(id), ...chunkKeys]);
    const history: HistoryEntry[] = [];
    for (const chunk of chunks) {
      if (chunk === undefined) continue; // a chunk lost to a refused write: the rest stands
      for (const entry of parseHistoryChunk(chunk)) {
        while (history.length && history[history.length - 1].step >= entry.step) history.pop();
        history.push(entry);
      }
    }
    return { record, history, end: (end as RunEnd | undefined) ?? null };
  }

  async checkpoint(id: string): Promise<Checkpoint | null> {
    await this.queue;
    const [raw] = await this.store.getMany([checkpointKey(id)]);
    return raw === undefined ? null : parseCheckpoint(raw);
  }

  /** The RunResult of a kept run (the download format). */
  async result(id: string): Promise<RunResult | null> {
    const run = await this.get(id);
    return run && recordToResult(run.record, run.history, run.end, APP_VERSION);
  }

  /**
   * Keep finished results: imported files, or (source 'grid') grid members as they finish in the
   * page. Returns their records.
   */
  async importResults(
    runs: NamedResult[],
    source: 'import' | 'grid' = 'import',
  ): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const { name, tags, result } of runs) {
      const t = this.now();
      const auto = autoName(result.config);
      const last = result.final ?? result.history[result.history.length - 1] ?? null;
      const record: RunRecord = {
        v: RUN_RECORD_VERSION,
        id: newId(t),
        name: name || auto,
        autoName: auto,
        tags: [...new Set([...(source === 'import' ? ['imported'] : []), ...tags])],
        source,
        config: result.config,
        backend: result.backend,
        status: result.status,
        message: result.message,
        createdAt: t,
        updatedAt: t,
        step: last?.step ?? 0,
        totalSteps: result.final?.totalSteps ?? last?.step ?? 0,
        chunks: 1,
        summary: summarize(last?.metrics),
        timing: result.timing,
        checkpointStep: null,
      };
      const end: RunEnd = {
        final: result.final,
        theory: result.theory,
        breakdown: result.breakdown,
      };
      this.records.set(record.id, record);
      await this.write(record.id, [
        [chunkKey(record.id, 0), result.history],
        [endKey(record.id), end],
        [recordKey(record.id), record],
      ]);
      if (this.refused.has(record.id)) break;
      out.push(record);
    }
    return out;
  }

  /**
   * At page start: runs left running or paused by a page that went away are interrupted (their
   * history is kept; those with a checkpoint can be resumed).
   */
  async markInterrupted(): Promise<RunRecord[]> {
    const { runs } = await this.list();
    const live = runs.filter((r) => r.status === 'running' || r.status === 'paused');
    for (const r of live)
      await this.setStatus(r.id, 'interrupted', 'The page was closed or reloaded during the run.');
    return live;
  }

  async delete(id: string): Promise<void> {
    await this.queue;
    await this.remove(id);
  }

  async clear(): Promise<void> {
    await this.queue;
    this.records.clear();
    this.refused.clear();
    await this.store.clear();
  }

  private async remove(id: string): Promise<void> {
    this.records.delete(id);
    const keys = (await this.store.keys()).filter(
      (k) =>
        k === recordKey(id) ||
        k === endKey(id) ||
        k === checkpointKey(id) ||
        k.startsWith(`h:${id}:`),
    );
    await this.store.delMany(keys);
  }

  private update(id: string, change: (r: RunRecord) => RunRecord): Promise<void> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve();
    const next = { ...change(record), updatedAt: this.now() };
    this.records.set(id, next);
    return this.write(id, [[recordKey(id), next]]);
  }

  /** One transaction, in order after the writes before it; a refusal stops the run's writes. */
  private write(id: string, entries: [string, unknown][]): Promise<void> {
    const task = this.queue.then(async () => {
      if (this.refused.has(id)) return;
      try {
        await this.store.setMany(entries);
      } catch (error) {
        this.refused.add(id);
        const name = this.records.get(id)?.name ?? id;
        this.onWriteError(
          isQuotaError(error)
            ? `The browser refused to store more (storage quota reached): run "${name}" is kept only up to what was already stored. Delete old runs in the Runs panel to make room.`
            : `Could not store run "${name}": ${(error as Error).message}. What was stored before is unchanged.`,
        );
      }
    });
    this.queue = task.catch(() => undefined);
    return task;
  }
}
