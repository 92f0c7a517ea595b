import type { WorkerEvent } from './protocol';

/**
 * How often at most the worker sends reports to the page. A small UFM reports 100+ times a
 * second, and each message was a task on the page's main thread (comlink's call and its reply):
 * batched, the page takes at most 1000 / REPORT_BATCH_MS of them a second. The store shows them
 * to the charts every 100 ms and to the counters every 250 ms anyway (src/app/store.ts).
 */
export const REPORT_BATCH_MS = 50;

/**
 * The worker's events on their way to the page, in order. A report goes at once when nothing
 * was sent for REPORT_BATCH_MS (a network run's reports, seconds apart, are not delayed);
 * otherwise it waits for the batch's timer. Any other event (a status, an error, a checkpoint)
 * goes at once, with the reports queued before it.
 */
export class EventBatch {
  private queued: WorkerEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (events: WorkerEvent[]) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(event: WorkerEvent): void {
    this.queued.push(event);
    const since = this.now() - this.lastSent;
    if (event.type !== 'report' || since >= REPORT_BATCH_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), REPORT_BATCH_MS - since);
  }

  /** Send what is queued now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queued.length === 0) return;
    const events = this.queued;
    this.queued = [];
    this.lastSent = this.now();
    this.send(events);
  }
}
