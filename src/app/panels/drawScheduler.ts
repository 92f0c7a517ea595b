/**
 * One queue for every Plotly redraw on the page: at most one figure per animation frame, in
 * round-robin order, each drawing the latest state (a figure asked to redraw twice is queued
 * once), and after a draw that cost d ms the next waits ≥ 6·d (at most MAX_GAP_MS). d counts
 * the browser's style, layout and paint of the frame too, not only Plotly's script: plotting
 * thus stays under ~15 % of the main thread however fast reports arrive, and worker events
 * (status, pause acknowledgements) are never stuck behind a backlog of redraws.
 */
type Job = () => void;

const MIN_GAP_MS = 16;
/** A figure that costs seconds (WebGL on a software adapter) still refreshes this often. */
const MAX_GAP_MS = 1500;
/** Idle time after a draw, in units of its cost: 6 → plotting ≤ 1/(1 + 6) ≈ 14 %. */
const IDLE_FACTOR = 6;
/** Queued jobs: the figure each draws (for the statistics), and whether someone waits for it. */
const queue = new Map<Job, { figure: string; urgent: boolean }>();
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let nextAllowed = 0;

/** What the page's figures cost so far (`npm run bench` reads it through window.ncLab). */
export interface DrawStats {
  draws: number;
  totalMs: number;
  maxMs: number;
  /** The same per figure (its panel's test id and index). */
  figures: Record<string, { draws: number; totalMs: number; maxMs: number }>;
}

const stats: DrawStats = { draws: 0, totalMs: 0, maxMs: 0, figures: {} };

export function drawStats(): DrawStats {
  return structuredClone(stats);
}

/**
 * Queue a redraw. `urgent`: someone waits for it (the user changed what the figure shows, or the
 * figure has nothing on screen yet): it goes before the other queued draws and skips the idle gap
 * after the last draw, including a gap that a draw ahead of it sets; that gap exists to keep
 * streaming reports from crowding the main thread (a 300 ms draw would otherwise wait 1.5 s).
 */
export function requestDraw(job: Job, figure = 'figure', urgent = false): void {
  queue.set(job, { figure, urgent: urgent || (queue.get(job)?.urgent ?? false) });
  if (urgent && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  pump();
}

export function cancelDraw(job: Job): void {
  queue.delete(job);
}

function urgentJob(): Job | undefined {
  for (const [job, { urgent }] of queue) if (urgent) return job;
  return undefined;
}

function pump(): void {
  if (frame || timer !== undefined || queue.size === 0) return;
  const wait = urgentJob() ? 0 : nextAllowed - performance.now();
  if (wait > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, wait);
  } else {
    frame = requestAnimationFrame(run);
  }
}

/** Runs `then` once the current frame has been rendered (a task queued behind it). */
const afterFrame = (() => {
  const channel = new MessageChannel();
  let pending: (() => void) | null = null;
  channel.port1.onmessage = () => {
    const f = pending;
    pending = null;
    f?.();
  };
  return (then: () => void) => {
    pending = then;
    channel.port2.postMessage(null);
  };
})();

function run(): void {
  const job = urgentJob() ?? queue.keys().next().value;
  const queued = job && queue.get(job);
  if (!job || !queued) {
    frame = 0;
    return;
  }
  const { figure } = queued;
  queue.delete(job);
  const start = performance.now();
  try {
    job();
  } finally {
    // `frame` stays set until the frame is painted, so no other draw starts in between.
    afterFrame(() => finish(figure, performance.now() - start));
  }
}

/** `took`: from the start of the draw to the end of the frame that shows it. */
function finish(figure: string, took: number): void {
  frame = 0;
  stats.draws++;
  stats.totalMs += took;
  stats.maxMs = Math.max(stats.maxMs, took);
  const f = (stats.figures[figure] ??= { draws: 0, totalMs: 0, maxMs: 0 });
  f.draws++;
  f.totalMs += took;
  f.maxMs = Math.max(f.maxMs, took);
  const gap = Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, IDLE_FACTOR * took));
  nextAllowed = performance.now() + gap;
  pump();
}
