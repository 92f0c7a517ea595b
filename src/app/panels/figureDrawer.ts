/**
 * Drawing one Plotly figure (no React): created once with newPlot, then updated with
 * Plotly.react through the page's draw queue (animation frames, time-budgeted), never per worker
 * message. It takes its size from its box, skips drawing while off screen and catches up once
 * when it comes back, and loads the Plotly bundle its traces need.
 */
import {
  bundleFor,
  loadPlotly,
  type Config,
  type Data,
  type Layout,
  type Plotly,
  type PlotlyBundle,
} from '../plotly';
import { decimateTraces } from '../decimate';
import { cancelDraw, requestDraw } from './drawScheduler';

export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
}

/** A store a figure reads (the lab store by default; any zustand store fits). */
export interface FigureSource<S> {
  getState(): S;
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

/** 'waiting': for its turn in the draw queue; 'loading': for a Plotly bundle. */
export type FigureState = 'waiting' | 'loading' | 'ready' | 'empty' | 'error';

export interface DrawerOptions<S> {
  store: FigureSource<S>;
  /** The figure's builder as the component last rendered it. */
  build: () => (s: S) => Figure | null;
  /** Store values whose change means a redraw. */
  watch: (s: S) => unknown;
  label: string;
  /** Height in px while the box has none of its own. */
  height: number;
  onState: (state: FigureState, error?: string) => void;
}

/** "nc-lab-<what the figure shows>-<date>": image files say what they hold. */
export function imageFileName(label: string, date = new Date()): string {
  const what = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `nc-lab-${what}-${date.toISOString().slice(0, 10)}`;
}

/** Whether the page has a pointer that hovers (not a phone's touch screen). */
function canHover(): boolean {
  return typeof window.matchMedia !== 'function' || window.matchMedia('(hover: hover)').matches;
}

/**
 * The modebar's camera saves SVG, an added button PNG, both at the figure's size on screen and
 * named by `imageFileName`; Plotly's "send to cloud" stays off (files stay on this computer).
 */
function plotConfig(plotly: Plotly, label: string, inFigureGrid: boolean): Partial<Config> {
  const filename = imageFileName(label);
  return {
    displaylogo: false,
    // Where nothing can hover Plotly shows the tool bar all the time: on a figure grid's small
    // figures it covered the top of the curves and the y labels, so they have none there.
    displayModeBar: inFigureGrid && !canHover() ? false : 'hover',
    // Sizes come from the figure's box (FigureDrawer's ResizeObserver), not Plotly's window.
    responsive: false,
    showSendToCloud: false,
    toImageButtonOptions: { format: 'svg', scale: 1, filename },
    modeBarButtonsToRemove: ['lasso2d', 'select2d', 'sendDataToCloud'],
    modeBarButtonsToAdd: [
      {
        name: 'download-png',
        title: 'Download as PNG',
        icon: plotly.Icons.camera,
        click: (gd) => {
          void plotly.downloadImage(gd, { format: 'png', width: null, height: null, filename });
        },
      },
    ],
  };
}

const FONT = {
  family: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  size: 11,
  color: '#1f2933',
};

/** The lab's look for every figure, sized to its box; the figure's own layout wins. */
function layoutFor(figure: Partial<Layout>, size: { width: number; height: number }) {
  return withCheapAxes({
    width: size.width > 0 ? size.width : undefined,
    height: size.height,
    autosize: false,
    margin: { l: 48, r: 12, t: 28, b: 36 },
    font: FONT,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: '#fff',
    ...figure,
  });
}

export class FigureDrawer<S> {
  /** The Plotly bundle this figure draws with, chosen from its trace types (bundleFor). */
  private plotly: { bundle: PlotlyBundle; api: Plotly } | null = null;
  private pending: PlotlyBundle | null = null;
  private created = false;
  private disposed = false;
  private visible = true;
  private stale = false;
  private size: { width: number; height: number };
  /** The draw queue's name for this figure, and its panel (whose figures share a budget). */
  private readonly name: string;
  private readonly panel: string;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly el: HTMLDivElement,
    private readonly box: HTMLDivElement,
    private readonly o: DrawerOptions<S>,
  ) {
    this.size = { width: box.clientWidth, height: box.clientHeight || o.height };
    this.panel = box.closest('[data-testid]')?.getAttribute('data-testid') ?? 'figure';
    this.name = `${this.panel} ${o.label}`;
  }

  /** Draw now (at the queue's next turn), and again whenever the store, size or view asks. */
  start(): void {
    // fetch the small bundle most figures need while the first report is computed
    void loadPlotly('basic').catch(() => undefined);
    this.schedule();
    this.stops.push(
      this.o.store.subscribe((s, prev) => {
        const redraw = redrawFor(s, prev, this.o.watch);
        if (redraw) this.schedule(redraw === 'urgent');
      }),
    );
    const resized = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      const next = { width: Math.floor(width), height: Math.floor(height) || this.o.height };
      if (next.width === this.size.width && next.height === this.size.height) return;
      this.size = next;
      this.schedule();
    });
    resized.observe(this.box);
    // Half a screen of margin: a figure scrolled just out of view is still kept up to date.
    const seen = new IntersectionObserver(
      ([entry]) => {
        this.visible = entry.isIntersecting;
        if (this.visible && this.stale) this.schedule();
      },
      { rootMargin: '50% 0px' },
    );
    seen.observe(this.box);
    this.stops.push(
      () => resized.disconnect(),
      () => seen.disconnect(),
    );
  }

  stop(): void {
    this.disposed = true;
    for (const stop of this.stops) stop();
    cancelDraw(this.draw);
    if (this.plotly && this.created) this.plotly.api.purge(this.el);
  }

  /** Until its first curves are drawn a figure shows nothing: nobody should wait for the gap. */
  schedule = (urgent = false): void => {
    if (!this.disposed) requestDraw(this.draw, this.name, urgent || !this.created, this.panel);
  };

  private fail(message: string): void {
    this.o.onState('error', message);
  }

  /** The draw queue's job (one function per figure: the queue keys on it). */
  private readonly draw = (): void => {
    if (this.disposed) return;
    if (!this.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    const built = this.o.build()(this.o.store.getState());
    if (!built) {
      if (!this.pending) this.o.onState('empty');
      return;
    }
    // No more points than the plot has pixel columns (min/max pairs keep each column's extent).
    const columns = Math.max(2, Math.floor(this.size.width || 800));
    const data = decimateTraces(built.data, columns);
    let bundle: PlotlyBundle;
    try {
      bundle = bundleFor(data);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    if (!this.plotly || this.plotly.bundle !== bundle) this.load(bundle);
    else this.render(this.plotly.api, data, layoutFor(built.layout, this.size));
  };

  private render(api: Plotly, data: Data[], layout: Partial<Layout>): void {
    try {
      if (!this.created) {
        const inGrid = this.box.closest('.figure-grid') !== null;
        void api.newPlot(this.el, data, layout, plotConfig(api, this.o.label, inGrid));
        this.created = true;
      } else {
        // The config is the newPlot's (`label` is fixed per mount). Given one, Plotly.react
        // rebuilds its context and, the download button's handler being a new function,
        // plotted the figure afresh (newPlot, then react) on every draw.
        void api.react(this.el, data, layout);
      }
      this.o.onState('ready');
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  /** Loads the bundle a figure needs, then draws again. */
  private load(bundle: PlotlyBundle): void {
    if (this.pending === bundle) return;
    this.pending = bundle;
    this.o.onState('loading');
    loadPlotly(bundle).then(
      (api) => {
        if (this.disposed || this.pending !== bundle) return;
        this.pending = null;
        if (this.plotly && this.created) this.plotly.api.purge(this.el);
        this.created = false;
        this.plotly = { bundle, api };
        // loaded: a figure scrolled out of view meanwhile waits to be drawn, not for the library
        this.o.onState('waiting');
        this.schedule();
      },
      (e: unknown) => {
        this.pending = null;
        this.fail(`Could not load plotly.js: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }
}

/**
 * Every 2-D axis of the figure with the two settings that spare Plotly measuring each tick label
 * on every redraw (a forced page layout per label; a third of a redraw's script time in a trace
 * of the NC panel): labels may run past the figure's edge instead of being hidden one by one
 * (`ticklabeloverflow: 'allow'`), and x labels stay horizontal instead of being measured for
 * overlap (`tickangle: 0`). A figure's own settings win.
 */
export function withCheapAxes(layout: Partial<Layout>): Partial<Layout> {
  const out: Record<string, unknown> = { ...layout };
  out.xaxis ??= {};
  out.yaxis ??= {};
  for (const key of Object.keys(out)) {
    const axis = /^([xy])axis\d*$/.exec(key);
    if (!axis) continue;
    out[key] = {
      ticklabeloverflow: 'allow',
      ...(axis[1] === 'x' ? { tickangle: 0 } : {}),
      ...(out[key] as object),
    };
  }
  return out as Partial<Layout>;
}

/**
 * Whether a store change redraws a figure, and how soon. While a run streams reports into the
 * store, a change waits for the figure's turn in the draw queue ('normal'); otherwise it is
 * someone's action (a box ticked, a view option, a drag), drawn at the next frame ('urgent'), as
 * is the last state of a run that has just ended, even with nothing new to watch, so it is on
 * screen when the run stops instead of a report or two behind.
 */
export function redrawFor<S>(s: S, prev: S, watch: (s: S) => unknown): 'urgent' | 'normal' | null {
  if (streaming(prev) && !streaming(s)) return 'urgent';
  if (shallowEqual(watch(s), watch(prev))) return null;
  return streaming(s) ? 'normal' : 'urgent';
}

/** A run is sending reports into the store: the lab's run, a grid, a search or a sweep. */
function streaming(s: unknown): boolean {
  const x = s as {
    status?: unknown;
    running?: unknown;
    search?: { running?: unknown };
  } | null;
  return x?.status === 'running' || x?.running === true || x?.search?.running === true;
}

function shallowEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return Object.is(a, b);
}
