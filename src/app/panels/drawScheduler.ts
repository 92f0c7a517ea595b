/**
 * One queue for every Plotly redraw on the page: at most one figure per animation frame, in
 * round-robin order, and after a draw that took d ms the next waits ≥ 1.5·d. Plotting thus
 * stays under ~40 % of the main thread however fast reports arrive, and worker events (status,
 * pause acknowledgements) are never stuck behind a backlog of redraws.
 */
type Job = () => void;

const MIN_GAP_MS = 16;
const queue = new Set<Job>();
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let nextAllowed = 0;

export function requestDraw(job: Job): void {
  queue.add(job);
  pump();
}

export function cancelDraw(job: Job): void {
  queue.delete(job);
}

function pump(): void {
  if (frame || timer !== undefined || queue.size === 0) return;
  const wait = nextAllowed - performance.now();
  if (wait > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      pump();
    }, wait);
  } else {
    frame = requestAnimationFrame(run);
  }
}

function run(): void {
  frame = 0;
  const job = queue.values().next().value;
  if (!job) return;
  queue.delete(job);
  const start = performance.now();
  try {
    job();
  } finally {
    const took = performance.now() - start;
    nextAllowed = performance.now() + Math.max(MIN_GAP_MS, 1.5 * took);
    pump();
  }
}
