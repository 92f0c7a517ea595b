import type { HistoryEntry, MetricsRecord } from '../engine/session/types';
import { DRAW_POINTS, decimateSeries } from './decimate';

/**
 * Bounded report history for the live panels. It keeps memory flat however long a run is: when
 * full it drops every other entry (never the first), so the whole run stays covered at a coarser
 * resolution, unlike a plain ring buffer that would forget how the run began. The worker keeps
 * the full-resolution history for "Download results".
 */
export class ReportHistory {
  private items: HistoryEntry[] = [];
  /** Bumped on every change, so plots know when to redraw. */
  version = 0;

  constructor(readonly capacity = 4000) {}

  get entries(): readonly HistoryEntry[] {
    return this.items;
  }

  get length(): number {
    return this.items.length;
  }

  get first(): HistoryEntry | undefined {
    return this.items[0];
  }

  get last(): HistoryEntry | undefined {
    return this.items[this.items.length - 1];
  }

  push(entry: HistoryEntry): void {
    const last = this.last;
    // A re-measured step (e.g. the initial report after a reload) replaces the old one.
    if (last && entry.step <= last.step) {
      this.items = this.items.filter((e) => e.step < entry.step);
    }
    this.items.push(entry);
    if (this.items.length > this.capacity) {
      this.items = this.items.filter(
        (_, i) => i === 0 || i % 2 === 1 || i === this.items.length - 1,
      );
    }
    this.version++;
  }

  clear(): void {
    this.items = [];
    this.version++;
  }
}

/**
 * One trace of a live chart: x = step / stepsPerUnit and y = value(metrics) for every entry,
 * min/max-decimated to `maxPoints` for drawing.
 */
export function historySeries(
  entries: readonly HistoryEntry[],
  stepsPerUnit: number,
  value: (m: MetricsRecord) => number | null,
  maxPoints = DRAW_POINTS,
): { x: number[]; y: (number | null)[] } {
  return decimateSeries(
    entries.map((e) => e.step / stepsPerUnit),
    entries.map((e) => value(e.metrics)),
    maxPoints,
  );
}
