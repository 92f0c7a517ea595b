import { afterEach, describe, expect, it, vi } from 'vitest';
import { SHARE, waitAfterDraw } from './drawScheduler';

describe('the draw queue’s wait after a draw', () => {
  it('gives one redrawing figure SHARE of the main thread: cost / (cost + wait) = SHARE', () => {
    const took = 40;
    const wait = waitAfterDraw(took, 1);
    expect(took / (took + wait)).toBeCloseTo(SHARE, 12);
  });

  it('splits SHARE evenly between figures, so a cheap chart redraws more often than a costly one', () => {
    const cheap = 20;
    const costly = 200; // its wait stays under the 8 s cap
    const share = (took: number) => took / (took + waitAfterDraw(took, 3));
    expect(share(cheap)).toBeCloseTo(SHARE / 3, 12);
    expect(share(costly)).toBeCloseTo(SHARE / 3, 12);
    // redraws a second: 1000 / (cost + wait)
    expect(1000 / (cheap + waitAfterDraw(cheap, 3))).toBeCloseTo(
      (costly / cheap) * (1000 / (costly + waitAfterDraw(costly, 3))),
      9,
    );
  });

  it('still refreshes a figure that costs seconds within 8 s', () => {
    expect(waitAfterDraw(1500, 4)).toBe(8000);
  });

  it('refuses a negative cost or a count of figures that is not a whole number ≥ 1', () => {
    expect(() => waitAfterDraw(-1, 1)).toThrow(/took must be ≥ 0 ms .* \(got -1, 1\)/);
    expect(() => waitAfterDraw(10, 0)).toThrow(/active a whole number ≥ 1 \(got 10, 0\)/);
  });
});

/**
 * The queue in a simulated page: a clock that only the draws and the event loop move, animation
 * frames every 16 ms, each followed by `renderMs` of rendering when a callback ran, timers, and
 * the MessageChannel the queue waits for the painted frame with.
 */
async function simulatedPage(renderMs = 0) {
  let now = 0;
  let seq = 0;
  const events: { at: number; seq: number; id: number; run: () => void }[] = [];
  const add = (at: number, run: () => void) => {
    const id = ++seq;
    events.push({ at, seq: id, id, run });
    return id;
  };
  const cancel = (id: unknown) => {
    const i = events.findIndex((e) => e.id === id);
    if (i >= 0) events.splice(i, 1);
  };
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  vi.stubGlobal('setTimeout', (f: () => void, ms = 0) => add(now + Math.max(0, ms), f));
  vi.stubGlobal('clearTimeout', cancel);
  vi.stubGlobal('requestAnimationFrame', (f: (t: number) => void) =>
    add(Math.ceil((now + 1e-9) / 16) * 16, () => {
      f(now);
      now += renderMs;
    }),
  );
  vi.stubGlobal(
    'MessageChannel',
    class {
      port1: { onmessage: (() => void) | null } = { onmessage: null };
      port2 = { postMessage: () => add(now, () => this.port1.onmessage?.()) };
    },
  );
  vi.resetModules();
  const queue = await import('./drawScheduler');
  return {
    queue,
    /** A job that costs `ms` of main thread, counting its draws. */
    figure(name: string, ms: number) {
      const f = { name, draws: 0, lastDrawn: -1, job: () => {} };
      f.job = () => {
        now += ms;
        f.draws++;
        f.lastDrawn = now;
      };
      return f;
    },
    at: add,
    /** Runs the event loop until `end` ms. */
    runUntil(end: number) {
      for (;;) {
        events.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const e = events[0];
        if (!e || e.at > end) break;
        events.shift();
        now = Math.max(now, e.at);
        e.run();
      }
      now = end;
    },
  };
}

describe('the draw queue in a page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('keeps a cheap chart current beside a costly one, within its share of the main thread', async () => {
    const page = await simulatedPage();
    const cheap = page.figure('loss', 10);
    const costly = page.figure('3-D view', 300);
    // a report every 100 ms for 30 s: both figures want to redraw
    let staleMax = 0;
    for (let t = 0; t < 30_000; t += 100) {
      page.at(t, () => {
        if (t > 10_000) staleMax = Math.max(staleMax, t - cheap.lastDrawn);
        page.queue.requestDraw(cheap.job, cheap.name);
        page.queue.requestDraw(costly.job, costly.name);
      });
    }
    page.runUntil(30_000);
    // the loss chart is behind by at most the 3-D view's own draw (300 ms that block the page)
    // and a report or two, not by the 3-D view's wait (300 · (2 / SHARE − 1) ms, seconds)
    expect(staleMax).toBeLessThanOrEqual(800);
    expect(cheap.draws).toBeGreaterThan(20 * costly.draws);
    expect(costly.draws).toBeGreaterThanOrEqual(3);
    const busy = cheap.draws * 10 + costly.draws * 300;
    expect(busy / 30_000).toBeLessThanOrEqual(page.queue.SHARE * 1.1);
  });

  it('lets the figures of one panel take turns within one part of the share, beside another panel', async () => {
    const page = await simulatedPage();
    const loss = page.figure('loss', 30);
    const nc = Array.from({ length: 6 }, (_, i) => page.figure(`nc ${i}`, 30));
    for (let t = 0; t < 30_000; t += 100) {
      page.at(t, () => {
        page.queue.requestDraw(loss.job, loss.name);
        for (const f of nc) page.queue.requestDraw(f.job, f.name, false, 'panel-nc');
      });
    }
    page.runUntil(30_000);
    const ncDraws = nc.map((f) => f.draws);
    // the six together get the part one figure would: as many draws as the loss chart …
    const all = ncDraws.reduce((a, b) => a + b, 0);
    expect(Math.abs(all - loss.draws)).toBeLessThanOrEqual(2);
    // … taken in turn, so each of them is redrawn, none twice before the others
    expect(Math.max(...ncDraws) - Math.min(...ncDraws)).toBeLessThanOrEqual(1);
    const busy = (loss.draws + all) * 30;
    expect(busy / 30_000).toBeLessThanOrEqual(page.queue.SHARE * 1.1);
    expect(busy / 30_000).toBeGreaterThanOrEqual(page.queue.SHARE * 0.8);
  });

  it('draws the due figures of one panel in one frame while their last costs fit in 50 ms, then waits for the group', async () => {
    const page = await simulatedPage();
    const nc = Array.from({ length: 6 }, (_, i) => page.figure(`nc ${i}`, 15));
    const other = page.figure('loss', 15);
    const ask = () => {
      for (const f of nc) page.queue.requestDraw(f.job, f.name, false, 'panel-nc');
      page.queue.requestDraw(other.job, other.name);
    };
    // never drawn yet: one figure a frame (their cost is not guessed)
    page.at(0, ask);
    page.runUntil(5_000);
    expect(nc.map((f) => f.draws)).toEqual([1, 1, 1, 1, 1, 1]);
    // now 15 ms each: three to a frame (45 ms; a fourth would pass 50), and nothing else
    page.at(5_000, ask);
    page.runUntil(5_054); // the frame at 5 008 ms, 45 ms of drawing
    expect(nc.map((f) => f.draws)).toEqual([2, 2, 2, 1, 1, 1]);
    expect(other.draws).toBe(1);
    // the loss chart at the next frame; the NC panel again after 45 ms · (2 / SHARE − 1)
    page.runUntil(5_100);
    expect(other.draws).toBe(2);
    const groupWait = 45 * (2 / SHARE - 1);
    page.runUntil(5_053 + groupWait - 5);
    expect(nc.map((f) => f.draws)).toEqual([2, 2, 2, 1, 1, 1]);
    page.runUntil(5_053 + groupWait + 35);
    expect(nc.map((f) => f.draws)).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('draws a change the user asked for at the next frame, even right after a costly draw', async () => {
    const page = await simulatedPage();
    const fig = page.figure('runs', 400);
    page.at(0, () => page.queue.requestDraw(fig.job, fig.name));
    page.runUntil(1000);
    expect(fig.draws).toBe(1);
    page.at(1000, () => page.queue.requestDraw(fig.job, fig.name, true));
    page.runUntil(1020);
    expect(fig.draws).toBe(2);
    // a streaming redraw waits its turn: 400 · (1 / SHARE − 1) ms after the 400 ms draw
    const wait = 400 * (1 / SHARE - 1);
    page.at(1500, () => page.queue.requestDraw(fig.job, fig.name));
    page.runUntil(1400 + wait - 100);
    expect(fig.draws).toBe(2);
    page.runUntil(1400 + wait + 100);
    expect(fig.draws).toBe(3);
  });

  it('counts the rendering of a draw’s frame in its cost, so script and paint together keep to SHARE', async () => {
    const page = await simulatedPage(15);
    const fig = page.figure('md scatter', 30);
    for (let t = 0; t < 30_000; t += 100)
      page.at(t, () => page.queue.requestDraw(fig.job, fig.name));
    page.runUntil(30_000);
    const busy = fig.draws * (30 + 15);
    expect(busy / 30_000).toBeLessThanOrEqual(page.queue.SHARE * 1.1);
    expect(busy / 30_000).toBeGreaterThanOrEqual(page.queue.SHARE * 0.8);
    expect(page.queue.drawStats().renderMs).toBeCloseTo(15 * fig.draws, 6);
  });

  it('charges the wait until the frame is painted only up to the draw’s own time (the rest is other tasks)', async () => {
    // 10 ms of script, then 200 ms before the frame's task ends (other work): charged 20 ms, so
    // the figure waits 20 · (1 / SHARE − 1) ms after the paint, not 210 · (1 / SHARE − 1)
    const page = await simulatedPage(200);
    const fig = page.figure('loss', 10);
    for (let t = 0; t < 3_000; t += 50) page.at(t, () => page.queue.requestDraw(fig.job, fig.name));
    page.runUntil(3_000);
    expect(page.queue.drawStats().renderMs).toBeCloseTo(10 * fig.draws, 6);
    // each cycle: the frame boundary (≤ 16 ms), 10 + 200 ms, then the wait
    const cycle = 10 + 200 + 20 * (1 / SHARE - 1);
    expect(fig.draws).toBeGreaterThanOrEqual(Math.floor(3_000 / (cycle + 16)));
    expect(fig.draws).toBeLessThanOrEqual(Math.ceil(3_000 / cycle) + 1);
  });

  it('draws a change asked for while the figure’s last frame is still being painted at the next frame', async () => {
    // the frame at 16 ms draws for 30 ms (until 46), then paints for 15; the click comes at 46,
    // before the queue learns the frame is painted and sets the figure's wait (225 ms)
    const page = await simulatedPage(15);
    const fig = page.figure('runs overlay', 30);
    page.at(46, () => page.queue.requestDraw(fig.job, fig.name, true));
    page.at(0, () => page.queue.requestDraw(fig.job, fig.name, true));
    page.runUntil(100);
    expect(fig.draws).toBe(2);
  });
});
