import type { BackendInfo } from '../../engine/core/backend';
import type { ExperimentConfig } from '../../engine/config/schema';
import type { Checkpoint } from '../../engine/session/checkpoint';
import type { RunRecord } from '../../engine/runs/record';
import { scalarMetrics } from '../../engine/run/runner';
import type { HistoryEntry, Report, RunStatus } from '../../engine/session/types';
import type { RunResult } from '../../engine/run/result';
import { claimRun, releaseRun } from './runLocks';
import { libraryReady, refreshRuns, runLibrary } from './runsStore';

export { DEFAULT_CHECKPOINT_EVERY } from '../../engine/runs/defaults';

interface Current {
  config: ExperimentConfig;
  backend: BackendInfo | null;
  source: RunRecord['source'];
  /** The kept run this load continues (a resume), or the one begun at its first step. */
  id: string | null;
  beginning: Promise<string | null> | null;
  pending: HistoryEntry[];
  /** The pending history's write, when one is waiting (see HISTORY_WRITE_MS). */
  writeTimer?: ReturnType<typeof setTimeout>;
  keep: boolean;
}

/**
 * The reports' history is written at most this often: each write is an IndexedDB transaction,
 * and one a report (a small UFM sends 100+ a second) put ~160 ms of every 6 s of the page's main
 * thread into IndexedDB calls alone (a CPU profile). A checkpoint, a status change and the run's
 * end write what is pending first, so a resumed run's history has no gap; a tab closed mid-run
 * loses at most this much of it.
 */
export const HISTORY_WRITE_MS = 1000;

/**
 * Writes the worker's run into the run library as it goes. A loaded run is kept from the moment
 * it first trains (loading a preset to look at it keeps nothing); its step-0 report is held
 * until then. All writes go through the library's queue, so they land in order.
 */
class RunRecorder {
  private current: Current | null = null;

  constructor() {
    // A page that goes away runs none of its later tasks: write what is pending, and every
    // write still queued, in one transaction committed at once. `pagehide` is a closed,
    // reloaded or navigated tab; a hidden one may be discarded without another event.
    globalThis.addEventListener?.('pagehide', () => this.writeNow());
    globalThis.document?.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.writeNow();
    });
  }

  /** Hand the pending reports to the library, then have it start all it has not written. */
  private writeNow(): void {
    const c = this.current;
    if (c?.id && c.pending.length > 0) void this.flush(c, 0);
    runLibrary.writeNow();
  }

  /** A run was loaded (`continues`: the kept run a resume picks up). */
  loaded(
    config: ExperimentConfig,
    backend: BackendInfo | null,
    options: { source?: RunRecord['source']; continues?: string; keep?: boolean } = {},
  ): void {
    // The run loaded before is no longer this page's to train (a resume keeps its claim).
    const before = this.current?.id;
    if (before && before !== options.continues) releaseRun(before);
    this.current = {
      config,
      backend,
      source: options.source ?? 'page',
      id: options.continues ?? null,
      beginning: null,
      pending: [],
      keep: options.keep ?? true,
    };
  }

  /** The id of the kept run the worker holds (null before it first trains). */
  get currentId(): string | null {
    return this.current?.id ?? null;
  }

  report(report: Report, totalSteps: number): void {
    const c = this.current;
    if (!c?.keep) return;
    c.pending.push({ step: report.step, metrics: scalarMetrics(report.metrics) });
    // The step-0 report waits until the run first trains (a preset looked at is not kept).
    if (!c.id && report.step === 0) return;
    void this.ensure(c, totalSteps);
    c.writeTimer ??= setTimeout(() => void this.flush(c, totalSteps), HISTORY_WRITE_MS);
  }

  status(status: RunStatus, message: string | null, step: number, totalSteps: number): void {
    const c = this.current;
    if (!c?.keep) return;
    // (a run that ends while its record is being begun is written once it is)
    if (!c.id && !c.beginning && status !== 'running') return;
    // The status and the reports before it in one write, queued now (the run may have just
    // ended, and the page may go away at once: see writeNow).
    const write = (id: string | null): void => {
      if (!id) return;
      void runLibrary
        .setStatus(id, status, message, step, this.takePending(c))
        .then(() => refreshRuns());
    };
    if (c.id) write(c.id);
    else void this.ensure(c, totalSteps).then(write);
  }

  checkpoint(checkpoint: Checkpoint): void {
    const c = this.current;
    if (!c?.keep) return;
    void (async () => {
      const id = await this.ensure(c, checkpoint.step);
      if (!id) return;
      void this.flush(c, checkpoint.step);
      await runLibrary.saveCheckpoint(id, checkpoint);
    })();
  }

  /** The run ended: keep its final report and timing. */
  async finish(result: RunResult): Promise<string | null> {
    const c = this.current;
    if (!c?.keep) return c?.id ?? null;
    // A short run may end while its record is still being begun: wait for it, not skip it.
    const id = c.id ?? (await c.beginning);
    if (!id) return null;
    // The end and the reports not yet written, in one write.
    await runLibrary.finish(id, result, this.takePending(c));
    // Ended: other tabs may resume (a stopped run), rename or delete it now.
    releaseRun(id);
    void refreshRuns();
    return id;
  }

  /**
   * Writes the pending history now (and drops a waiting write). With the record begun, the
   * write joins the library's queue at once, ahead of whatever the caller writes next.
   */
  private flush(c: Current, totalSteps: number): Promise<void> {
    clearTimeout(c.writeTimer);
    c.writeTimer = undefined;
    const append = (id: string | null): Promise<void> =>
      id ? runLibrary.appendHistory(id, this.takePending(c)) : Promise.resolve();
    return c.id ? append(c.id) : this.ensure(c, totalSteps).then(append);
  }

  /** The pending reports, now the caller's to write (a waiting write is dropped). */
  private takePending(c: Current): HistoryEntry[] {
    clearTimeout(c.writeTimer);
    c.writeTimer = undefined;
    const entries = c.pending;
    c.pending = [];
    return entries;
  }

  private ensure(c: Current, totalSteps: number): Promise<string | null> {
    if (c.id) return Promise.resolve(c.id);
    c.beginning ??= libraryReady
      .then(() => runLibrary.begin(c.config, c.backend, c.source, totalSteps))
      .then(async (record) => {
        // Held before the record says "running", so no tab takes it for an orphan.
        await claimRun(record.id);
        c.id = record.id;
        void refreshRuns();
        return record.id;
      })
      .catch(() => null);
    return c.beginning;
  }
}

export const runRecorder = new RunRecorder();
