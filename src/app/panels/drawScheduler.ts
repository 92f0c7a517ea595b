/**
 * One queue for every Plotly redraw on the page: at most one figure per animation frame, each
 * drawing the latest state (a figure asked to redraw twice is queued once). Drawing gets SHARE of
 * the main thread, split evenly between the figures that are redrawing: after a draw that cost
 * d ms, that figure waits d·(n/SHARE − 1) before its next one (n: the groups redrawing lately).
 * A draw's cost d is its script (Plotly, and the style and layout it forces) plus the rendering
 * of its frame after it (style, layout, paint, compositing), which is timed up to the script's
 * own time: beyond that the wait is other tasks.
 * So a cheap chart (a loss curve) redraws many times while a costly one (a feature scatter of a
 * thousand markers) redraws rarely, instead of every chart waiting on the costliest. The figures
 * of one panel (its `group`, e.g. the NC panel's six small figures) share one part and take turns
 * in it, oldest request first, so splitting a figure in six does not cost the other panels five
 * parts of the share. Worker events (status, pause acknowledgements) are never stuck behind a
 * backlog of redraws.
 */
type Job = () => void;

/**
 * The main thread's share that drawing may take. The rest of the page while a small UFM streams
 * 100+ reports a second (messages, the store, React, painting the counters, garbage collection)
 * took ~12 % here, so with this the page stays under 25 % (docs/speed-log.md, "The page's main
 * thread while training").
 */
export const SHARE = 0.12;
/** A figure that costs seconds (a huge overlay on a slow machine) still refreshes this often. */
const MAX_WAIT_MS = 8000;
/** A figure not drawn for this long no longer counts as redrawing (a hidden panel, a done run). */
const ACTIVE_MS = 10_000;

interface Entry {
  figure: string;
  /** The figures that share one part of SHARE (a panel's figures); the figure by default. */
  group: string;
  /** When it was queued (the oldest due job goes first). */
  since: number;
  /** Someone waits for it (a change the user asked for, or a figure with nothing on screen yet). */
  urgent: boolean;
}
/** Queued jobs and the figure each draws (for the statistics and the share). */
const queue = new Map<Job, Entry>();
/** Per group: when it may draw next, and when it last drew. */
const due = new Map<string, number>();
const lastDrawn = new Map<string, number>();
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** What the page's figures cost so far (`npm run bench` reads it through window.ncLab). */
export interface DrawStats {
  draws: number;
  /** The draws' script time (Plotly's, with the style and layout it forces). */
  totalMs: number;
  maxMs: number;
  /** The rendering of the draws' frames after their script, as charged (see `finish`). */
  renderMs: number;
  /** The same per figure (its panel's test id and label). */
  figures: Record<string, { draws: number; totalMs: number; maxMs: number; lastMs: number }>;
}

const stats: DrawStats = { draws: 0, totalMs: 0, maxMs: 0, renderMs: 0, figures: {} };

export function drawStats(): DrawStats {
  return structuredClone(stats);
}

/**
 * The wait after a figure's draw that cost `took` ms while `active` groups are redrawing: its
 * part of SHARE is SHARE/active, so it idles took·(active/SHARE − 1), at most MAX_WAIT_MS.
 */
export function waitAfterDraw(took: number, active: number): number {
  if (!(took >= 0) || !Number.isInteger(active) || active < 1)
    throw new Error(
      `waitAfterDraw: took must be ≥ 0 ms and active a whole number ≥ 1 (got ${took}, ${active})`,
    );
  return Math.min(MAX_WAIT_MS, took * (active / SHARE - 1));
}

/**
 * Queue a redraw. `urgent`: someone waits for it (the user changed what the figure shows, or the
 * figure has nothing on screen yet): it goes before the other due draws and skips the figure's
 * wait after its last draw, which exists to keep streaming reports from crowding the main thread.
 */
export function requestDraw(job: Job, figure = 'figure', urgent = false, group = figure): void {
  const queued = queue.get(job);
  queue.set(job, {
    figure,
    group,
    since: queued?.since ?? performance.now(),
    urgent: urgent || (queued?.urgent ?? false),
  });
  if (urgent) due.delete(group);
  // The pending timer waits for another figure's turn; this one may be due sooner.
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  pump();
}

export function cancelDraw(job: Job): void {
  queue.delete(job);
}

/**
 * The queued job that may draw now (an urgent one first, else the longest waiting), or the time
 * the first one may; only among `group`'s jobs when given.
 */
function nextJob(now: number, group?: string): { job: Job; entry: Entry } | { at: number } | null {
  let best: { job: Job; entry: Entry } | null = null;
  let at = Infinity;
  for (const [job, entry] of queue) {
    if (group !== undefined && entry.group !== group) continue;
    // An urgent job skips its group's wait, even one set by a draw that finished after it was asked.
    const t = entry.urgent ? 0 : (due.get(entry.group) ?? 0);
    if (t <= now) {
      const before =
        best &&
        (entry.urgent === best.entry.urgent ? entry.since < best.entry.since : entry.urgent);
      if (!best || before) best = { job, entry };
    } else at = Math.min(at, t);
  }
  return best ?? (at < Infinity ? { at } : null);
}

function pump(): void {
  if (frame || timer !== undefined || queue.size === 0) return;
  const next = nextJob(performance.now());
  if (!next) return;
  if ('at' in next) {
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, next.at - performance.now());
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

/**
 * The due figures of one group are drawn in the same frame while their last costs fit in this
 * much of it: each frame after a draw also costs the page's paint (10–30 ms here), so six small
 * figures drawn in six frames cost more than in two; the frame stays under the 100 ms of a long
 * task.
 */
const FRAME_BUDGET_MS = 50;

function run(): void {
  const frameStart = performance.now();
  const drawn: Drawn[] = [];
  try {
    let next = nextJob(frameStart);
    while (next && !('at' in next)) {
      const { job, entry } = next;
      queue.delete(job);
      const start = performance.now();
      try {
        job();
      } finally {
        drawn.push({ entry, took: performance.now() - start });
      }
      const now = performance.now();
      next = nextJob(now, entry.group);
      // Another draw only if its last cost still fits (a figure never drawn is not guessed).
      if (next && !('at' in next)) {
        const cost = stats.figures[next.entry.figure]?.lastMs ?? FRAME_BUDGET_MS;
        if (now - frameStart + cost > FRAME_BUDGET_MS) break;
      }
    }
  } finally {
    // `frame` stays set until the frame is painted, so no other draw starts in between.
    const drawEnd = performance.now();
    if (drawn.length) afterFrame(() => finish(drawn, performance.now() - drawEnd));
    else {
      frame = 0;
      pump();
    }
  }
}

interface Drawn {
  entry: Entry;
  took: number;
}

/**
 * `drawn`: the frame's draws, all of one group, each timed by itself: Plotly's script and the
 * style and layout it forces. `rendered`: the time from their end until the frame was painted
 * (its style, layout, paint and compositing: on md-mnist-quick ~0.4 of the script's time, which
 * kept the page at 29 % busy with drawing at its 20 %). It is charged up to the script's own
 * time: on a loaded machine the wait is mostly other tasks (worker messages, a training step's
 * postMessage), and charging all of it to the figure starved the charts.
 */
function finish(drawn: Drawn[], rendered: number): void {
  frame = 0;
  let took = 0;
  for (const { entry, took: ms } of drawn) {
    took += ms;
    stats.draws++;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    const f = (stats.figures[entry.figure] ??= { draws: 0, totalMs: 0, maxMs: 0, lastMs: 0 });
    f.lastMs = ms;
    f.draws++;
    f.totalMs += ms;
    f.maxMs = Math.max(f.maxMs, ms);
  }
  const render = Math.min(rendered, took);
  stats.renderMs += render;
  const { group } = drawn[0].entry;
  const now = performance.now();
  lastDrawn.set(group, now);
  let active = 0;
  for (const [name, t] of lastDrawn) {
    if (now - t <= ACTIVE_MS) active++;
    else lastDrawn.delete(name);
  }
  due.set(group, now + waitAfterDraw(took + render, Math.max(1, active)));
  pump();
}
