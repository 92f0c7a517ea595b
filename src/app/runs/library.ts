import type { BackendInfo } from '../../engine/core/backend';
import type { ExperimentConfig } from '../../engine/config/schema';
import { parseCheckpoint, type Checkpoint } from '../../engine/session/checkpoint';
import { canonicalJson } from '../../engine/core/jsonValues';
import { runIdentity, type NamedResult } from '../../engine/runs/exchange';
import { autoName } from '../../engine/runs/naming';
import {
  parseHistoryChunk,
  parseRunRecord,
  recordToResult,
  resultRecord,
  RUN_RECORD_VERSION,
  summarize,
  type KeptStatus,
  type PinnedCheckpoint,
  type RunEnd,
  type RunRecord,
} from '../../engine/runs/record';
import type { HistoryEntry } from '../../engine/session/types';
import type { RunResult } from '../../engine/run/result';
import { APP_VERSION } from '../../engine/core/version';
import { isQuotaError, type KeyValueStore } from './keyValueStore';
import { heldElsewhereMessage, type HeldRuns } from './runLocks';

/** Keys: the record, its numbered history chunks, its end (final report…) and its checkpoint. */
const recordKey = (id: string) => `r:${id}`;
const chunkKey = (id: string, i: number) => `h:${id}:${i}`;
const endKey = (id: string) => `e:${id}`;
const checkpointKey = (id: string) => `c:${id}`;
const pinnedKey = (id: string, step: number) => `p:${id}:${step}`;

/** A kept run read back in full. */
export interface KeptRun {
  record: RunRecord;
  history: HistoryEntry[];
  end: RunEnd | null;
}

/** What a library learns from, and tells, the other pages of the lab. */
export interface LibraryHooks {
  /** The runs live pages hold now (runLocks.ts); null or absent: unknown, as in Node. */
  held?: () => Promise<HeldRuns | null>;
  /** Called after each write that landed (the page tells its other tabs). */
  onChange?: () => void;
  /**
   * Whether this page trains run `id` (holds it): its newest state is then the copy in memory;
   * any other run's is the store's, which another tab may have written since. Absent: every
   * run's copy in memory is taken as the newest (one page, as in Node).
   */
  isMine?: (id: string) => boolean;
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
  /** The writes (of known entries) begun and not yet settled, oldest first (see writeNow). */
  private readonly unsettled = new Set<{ id: string; entries: [string, unknown][] }>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly onWriteError: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
    private readonly hooks: LibraryHooks = {},
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
      pinned: [],
    };
    this.records.set(record.id, record);
    await this.write(record.id, [[recordKey(record.id), record]]);
    return record;
  }

  /** Append reports (one new chunk) and the step they reached. */
  appendHistory(id: string, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.writeOwn(id, entries, (r) => r);
  }

  /**
   * Set the run's status; `history`, the reports not yet appended, goes into the same
   * transaction (a run's end is written whole or not at all).
   */
  setStatus(
    id: string,
    status: KeptStatus,
    message: string | null,
    step?: number,
    history: HistoryEntry[] = [],
  ): Promise<void> {
    const change = (r: RunRecord): RunRecord => ({
      ...r,
      status,
      message,
      step: Math.max(r.step, step ?? 0),
    });
    return history.length > 0 ? this.writeOwn(id, history, change) : this.update(id, change);
  }

  /**
   * The run ended: keep its final report, theory, breakdown, timing and status, with `history`
   * (the reports not yet appended) in the same transaction.
   */
  finish(id: string, result: RunResult, history: HistoryEntry[] = []): Promise<void> {
    const end: RunEnd = { final: result.final, theory: result.theory, breakdown: result.breakdown };
    return this.writeOwn(
      id,
      history,
      (record) => ({
        ...record,
        status: result.status,
        message: result.message,
        step: Math.max(record.step, result.final?.step ?? 0),
        // A record begun from a status event before any report may not know the total yet.
        totalSteps: result.final?.totalSteps || record.totalSteps,
        summary: summarize(result.final?.metrics) ?? record.summary,
        timing: result.timing,
        backend: result.backend,
      }),
      [[endKey(id), end]],
    );
  }

  /**
   * The page is going away (or may be, unseen): start every write of it not yet settled now, in
   * one transaction committed at once (`KeyValueStore.setManyNow`), the newest value of each
   * key. A write still queued behind another, or waiting for its transaction to commit, would
   * otherwise be lost with the page: a run just completed was then found interrupted. The
   * queued writes still run if the page stays (they write the same values).
   */
  writeNow(): void {
    const latest = new Map<string, unknown>();
    for (const { id, entries } of this.unsettled)
      if (!this.refused.has(id)) for (const [key, value] of entries) latest.set(key, value);
    if (latest.size > 0) this.store.setManyNow?.([...latest]);
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

  /**
   * Pin `checkpoint` (of run `id`): kept beside the rolling latest, which goes on being replaced,
   * until unpinned. A pin at a step already pinned replaces it. Returns the pin.
   */
  async pinCheckpoint(id: string, checkpoint: Checkpoint): Promise<PinnedCheckpoint> {
    const record = await this.known(id);
    if (!record) throw new Error('that run is no longer kept');
    await this.refuseIfHeldElsewhere(id);
    const stored = { ...checkpoint, runId: id };
    const pin: PinnedCheckpoint = {
      step: checkpoint.step,
      createdAt: this.now(),
      bytes: JSON.stringify(stored).length,
    };
    const pinned = [...record.pinned.filter((p) => p.step !== pin.step), pin].sort(
      (a, b) => a.step - b.step,
    );
    const next = { ...record, pinned, updatedAt: this.now() };
    this.records.set(id, next);
    await this.write(id, [
      [pinnedKey(id, pin.step), stored],
      [recordKey(id), next],
    ]);
    if (this.refused.has(id)) throw new Error('the browser refused to store the pinned checkpoint');
    return pin;
  }

  /** Pin the run's latest kept checkpoint (null when it has none). */
  async pinLatest(id: string): Promise<PinnedCheckpoint | null> {
    const latest = await this.checkpoint(id);
    return latest && this.pinCheckpoint(id, latest);
  }

  async pinnedCheckpoint(id: string, step: number): Promise<Checkpoint | null> {
    await this.queue;
    const [raw] = await this.store.getMany([pinnedKey(id, step)]);
    return raw === undefined ? null : parseCheckpoint(raw);
  }

  async unpin(id: string, step: number): Promise<void> {
    const record = await this.known(id);
    if (!record) return;
    await this.refuseIfHeldElsewhere(id);
    const next = { ...record, pinned: record.pinned.filter((p) => p.step !== step) };
    this.records.set(id, next);
    await this.write(id, [[recordKey(id), next]]);
    await this.store.delMany([pinnedKey(id, step)]);
  }

  /**
   * Make the pinned checkpoint at `step` the run's latest, so that resuming the run continues
   * from it (its later reports are replaced as the resumed run re-measures those steps).
   */
  async rewindTo(id: string, step: number): Promise<Checkpoint> {
    const pinned = await this.pinnedCheckpoint(id, step);
    if (!pinned) throw new Error(`the run has no checkpoint pinned at step ${step}`);
    await this.known(id);
    await this.refuseIfHeldElsewhere(id);
    await this.saveCheckpoint(id, pinned);
    await this.update(id, (r) => ({ ...r, step }));
    return pinned;
  }

  async rename(id: string, name: string): Promise<void> {
    await this.refuseIfHeldElsewhere(id);
    const trimmed = name.trim();
    return this.update(id, (r) => ({ ...r, name: trimmed || r.autoName }));
  }

  async setTags(id: string, tags: string[]): Promise<void> {
    await this.refuseIfHeldElsewhere(id);
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
        // The copy in memory of a run this page writes is newer (writes may be queued behind
        // this read): keep it. Another tab's run is as stored.
        if (!this.refused.has(id) && !(this.records.has(id) && this.isMine(id)))
          this.records.set(id, record);
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
    for (const run of runs) {
      const record = await this.keepResult(run, source);
      if (!record) break;
      out.push(record);
    }
    return out;
  }

  /**
   * Keep imported results, skipping each that is the same run as one already kept (runIdentity:
   * config, status, final step and metrics, history), or as one kept earlier in this import:
   * importing an export twice keeps its runs once. Returns the records kept, how many runs were
   * skipped, and the notes of the listing it compared with (damaged records dropped).
   */
  async importNew(
    runs: NamedResult[],
  ): Promise<{ kept: RunRecord[]; skipped: number; notes: string[] }> {
    const byConfig = new Map<string, { id: string; identity: string | null }[]>();
    const listed = await this.list();
    for (const r of listed.runs) {
      const key = canonicalJson(r.config);
      byConfig.set(key, [...(byConfig.get(key) ?? []), { id: r.id, identity: null }]);
    }
    const kept: RunRecord[] = [];
    let skipped = 0;
    for (const run of runs) {
      const key = canonicalJson(run.result.config);
      const identity = runIdentity(run.result);
      const same = byConfig.get(key) ?? [];
      if (await this.anyIdentical(same, identity)) {
        skipped++;
        continue;
      }
      const record = await this.keepResult(run, 'import');
      if (!record) break;
      kept.push(record);
      byConfig.set(key, [...same, { id: record.id, identity }]);
    }
    return { kept, skipped, notes: listed.notes };
  }

  /** Whether one of `candidates` (read and fingerprinted as needed) has `identity`. */
  private async anyIdentical(
    candidates: { id: string; identity: string | null }[],
    identity: string,
  ): Promise<boolean> {
    for (const c of candidates) {
      if (c.identity === null) {
        const result = await this.result(c.id);
        c.identity = result ? runIdentity(result) : '';
      }
      if (c.identity === identity) return true;
    }
    return false;
  }

  /** Keep one finished result under a new id (resultRecord); null when the store refused it. */
  private async keepResult(run: NamedResult, source: 'import' | 'grid'): Promise<RunRecord | null> {
    const t = this.now();
    const { result } = run;
    const record = resultRecord(run, source, newId(t), t);
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
    return this.refused.has(record.id) ? null : record;
  }

  /**
   * Runs left running or paused by a page that went away are interrupted (their history is
   * kept; those with a checkpoint can be resumed). A run that a live page holds (this one or
   * another tab's, `hooks.held`) is left alone. Without that knowledge every running or paused
   * run is taken for orphaned: call it then only at page start, before this page trains.
   * Returns the runs marked (`runs`: a listing just read, to save reading it again; `held`: the
   * locks as the caller saw them, so that what it shows of other tabs agrees with what is marked).
   */
  async markInterrupted(runs?: RunRecord[], seen?: HeldRuns | null): Promise<RunRecord[]> {
    const all = runs ?? (await this.list()).runs;
    const held = seen !== undefined ? seen : await this.held();
    const orphans = all.filter(
      (r) => (r.status === 'running' || r.status === 'paused') && !held?.all.has(r.id),
    );
    const message = 'Its page was closed or reloaded, or loaded another run, before it ended.';
    // Only as still stored when the write's turn comes: the page that went away may have
    // written the run's end since it was listed (see writeNow), and that end stands.
    for (const r of orphans)
      await this.update(r.id, (stored) =>
        stored.status === 'running' || stored.status === 'paused'
          ? { ...stored, status: 'interrupted', message }
          : stored,
      );
    return orphans;
  }

  /** Delete a kept run; refused while another page trains it. */
  async delete(id: string): Promise<void> {
    await this.queue;
    await this.refuseIfHeldElsewhere(id);
    await this.remove(id);
    this.hooks.onChange?.();
  }

  /** Delete every kept run but those other pages are training; returns how many were spared. */
  async clear(): Promise<number> {
    await this.queue;
    const spared = (await this.held())?.elsewhere ?? new Set<string>();
    this.refused.clear();
    if (spared.size === 0) {
      this.records.clear();
      await this.store.clear();
      this.hooks.onChange?.();
      return 0;
    }
    for (const id of [...this.records.keys()]) if (!spared.has(id)) this.records.delete(id);
    // keys are `kind:id` or `kind:id:n`, and ids hold no colon
    const keys = (await this.store.keys()).filter((k) => !spared.has(k.split(':')[1]));
    await this.store.delMany(keys);
    this.hooks.onChange?.();
    return spared.size;
  }

  private async remove(id: string): Promise<void> {
    this.records.delete(id);
    const keys = (await this.store.keys()).filter(
      (k) =>
        k === recordKey(id) ||
        k === endKey(id) ||
        k === checkpointKey(id) ||
        k.startsWith(`h:${id}:`) ||
        k.startsWith(`p:${id}:`),
    );
    await this.store.delMany(keys);
  }

  private async held(): Promise<HeldRuns | null> {
    return (await this.hooks.held?.()) ?? null;
  }

  /** Changes a user asks for (rename, pin, delete…) wait until no other page trains the run. */
  private async refuseIfHeldElsewhere(id: string): Promise<void> {
    if (!(await this.held())?.elsewhere.has(id)) return;
    const name = (await this.known(id))?.name ?? id;
    throw new Error(heldElsewhereMessage(name));
  }

  /** The run's record, read from the store when this page has not listed it yet. */
  private async known(id: string): Promise<RunRecord | null> {
    const inMemory = this.records.get(id);
    if (inMemory && this.isMine(id)) return inMemory;
    const record = (await this.get(id))?.record ?? null;
    if (record) this.records.set(id, record);
    return record;
  }

  private isMine(id: string): boolean {
    return this.hooks.isMine?.(id) ?? true;
  }

  /**
   * Write this page's run: `history` as its next chunk (none when empty) and the record that
   * chunk and then `change` make, with `extra` entries, in one transaction.
   */
  private writeOwn(
    id: string,
    history: HistoryEntry[],
    change: (r: RunRecord) => RunRecord,
    extra: [string, unknown][] = [],
  ): Promise<void> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve();
    const entries = [...extra];
    let next = record;
    if (history.length > 0) {
      const last = history[history.length - 1];
      entries.push([chunkKey(id, record.chunks), history]);
      next = {
        ...record,
        chunks: record.chunks + 1,
        step: Math.max(record.step, last.step),
        summary: summarize(last.metrics) ?? record.summary,
      };
    }
    next = { ...change(next), updatedAt: this.now() };
    this.records.set(id, next);
    entries.push([recordKey(id), next]);
    return this.write(id, entries);
  }

  /**
   * Change a run's record (a change that returns the record it was given writes nothing):
   * this page's copy of its own run, else the stored record read just
   * before the write (another tab may have written it since this page listed it: writing the
   * copy in memory would set its step, history chunks and status back).
   */
  private update(id: string, change: (r: RunRecord) => RunRecord): Promise<void> {
    const record = this.records.get(id);
    if (!record) return Promise.resolve();
    if (this.isMine(id)) {
      // at once: the next append builds on this copy
      const changed = change(record);
      if (changed === record) return Promise.resolve();
      const next = { ...changed, updatedAt: this.now() };
      this.records.set(id, next);
      return this.write(id, [[recordKey(id), next]]);
    }
    return this.write(id, async () => {
      const [raw] = await this.store.getMany([recordKey(id)]);
      if (raw === undefined) return [];
      const stored = parseRunRecord(raw);
      const changed = change(stored);
      if (changed === stored) return [];
      const next = { ...changed, updatedAt: this.now() };
      this.records.set(id, next);
      return [[recordKey(id), next]];
    });
  }

  /**
   * One transaction, in order after the writes before it; a refusal stops the run's writes.
   * `entries` may be computed when the write's turn comes (from what is stored then).
   */
  private write(
    id: string,
    entries: [string, unknown][] | (() => Promise<[string, unknown][]>),
  ): Promise<void> {
    const pending = typeof entries === 'function' ? null : { id, entries };
    if (pending) this.unsettled.add(pending);
    let landed: Promise<void> = Promise.resolve();
    // Begun in order after the writes before it, without waiting to hear that they landed
    // (IndexedDB runs a store's read-write transactions, and reads after them, in the order
    // they were begun): on a busy page that took ~0.4 s a write, and a run's end queued
    // behind three of them was lost when the page went away.
    const issued = this.queue.then(async () => {
      if (this.refused.has(id)) return;
      try {
        const list = typeof entries === 'function' ? await entries() : entries;
        if (list.length === 0) return;
        landed = this.store.setMany(list).then(
          () => this.hooks.onChange?.(),
          (error: unknown) => this.refuse(id, error),
        );
      } catch (error) {
        this.refuse(id, error);
      }
    });
    this.queue = issued.catch(() => undefined);
    return issued
      .then(() => landed)
      .finally(() => {
        if (pending) this.unsettled.delete(pending);
      });
  }

  /** A write of run `id` was refused: say so, and write the run no further. */
  private refuse(id: string, error: unknown): void {
    if (this.refused.has(id)) return;
    this.refused.add(id);
    const name = this.records.get(id)?.name ?? id;
    this.onWriteError(
      isQuotaError(error)
        ? `The browser refused to store more (storage quota reached): run "${name}" is kept only up to what was already stored. Delete old runs in the Runs panel to make room.`
        : `Could not store run "${name}": ${(error as Error).message}. What was stored before is unchanged.`,
    );
  }
}
