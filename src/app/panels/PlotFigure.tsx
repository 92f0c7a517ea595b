import { useEffect, useRef, useState, type CSSProperties, type HTMLAttributes } from 'react';
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
import { useLab, type LabState } from '../store';
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

interface Props<S> {
  /** Builds the figure from the store (null: nothing to draw yet). Pure; may be a new function each render. */
  build: (s: S) => Figure | null;
  /** Store values whose change means a redraw (a value or an array of values). */
  watch: (s: S) => unknown;
  /** The store to read (default: the lab store); fixed per mount. */
  source?: FigureSource<S>;
  /** Panel-local inputs (selected target…): a change redraws. */
  revision?: unknown;
  /** Height in px when the page scrolls; in the one-screen dashboard the panel's height decides. */
  height: number;
  /** In the dashboard, its share of the height its panel's other content leaves (default: all). */
  share?: number;
  /** In the dashboard, the height it keeps however little room is left (px, default 180). */
  minHeight?: number;
  label: string;
  /** Extra attributes and handlers of the figure's box (the 3-D view's drag to rotate). */
  boxProps?: HTMLAttributes<HTMLDivElement>;
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
 * The modebar's camera saves SVG, an added button PNG at twice the size, both named by
 * `imageFileName`; Plotly's "send to cloud" stays off (files stay on this computer).
 */
function plotConfig(plotly: Plotly, label: string, inFigureGrid: boolean): Partial<Config> {
  const filename = imageFileName(label);
  return {
    displaylogo: false,
    // Where nothing can hover Plotly shows the tool bar all the time: on a figure grid's small
    // figures it covered the top of the curves and the y labels, so they have none there.
    displayModeBar: inFigureGrid && !canHover() ? false : 'hover',
    // Sizes come from the figure's box (ResizeObserver below), not from Plotly's window listener.
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

/**
 * One Plotly figure, created once with newPlot and then updated with Plotly.react through the
 * page's draw queue (animation frames, time-budgeted), never per worker message and never
 * through React re-renders. It takes its size from its box (CSS decides: a fixed height when the
 * page scrolls, a share of the panel in the dashboard) and skips drawing while off screen,
 * catching up once when it comes back.
 */
export function PlotFigure<S = LabState>({
  build,
  watch,
  revision,
  height,
  share = 1,
  minHeight = 180,
  label,
  source,
  boxProps,
}: Props<S>) {
  const store = (source ?? useLab) as FigureSource<S>;
  const ref = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const buildRef = useRef(build);
  const scheduleRef = useRef<(urgent?: boolean) => void>(() => {});
  // 'waiting': for its first turn in the draw queue; 'loading': for a plotly bundle
  const [state, setState] = useState<'waiting' | 'loading' | 'ready' | 'empty' | 'error'>(
    'waiting',
  );
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    buildRef.current = build;
  });

  useEffect(() => {
    const el = ref.current;
    const box = boxRef.current;
    if (!el || !box) return;
    // the plotly bundle this figure draws with, chosen from its trace types (bundleFor)
    let plotly: { bundle: PlotlyBundle; api: Plotly } | null = null;
    let pending: PlotlyBundle | null = null;
    let created = false;
    let disposed = false;
    let visible = true;
    let stale = false;
    let size = { width: box.clientWidth, height: box.clientHeight || height };

    const fail = (message: string) => {
      setError(message);
      setState('error');
    };

    /** Loads the bundle a figure needs, then draws again. */
    const load = (bundle: PlotlyBundle) => {
      if (pending === bundle) return;
      pending = bundle;
      setState('loading');
      loadPlotly(bundle).then(
        (api) => {
          if (disposed || pending !== bundle) return;
          pending = null;
          if (plotly && created) plotly.api.purge(el);
          created = false;
          plotly = { bundle, api };
          // loaded: a figure scrolled out of view meanwhile waits to be drawn, not for the library
          setState('waiting');
          schedule();
        },
        (e: unknown) => {
          pending = null;
          fail(`Could not load plotly.js: ${e instanceof Error ? e.message : String(e)}`);
        },
      );
    };

    const draw = () => {
      if (disposed) return;
      if (!visible) {
        stale = true;
        return;
      }
      stale = false;
      const built = buildRef.current(store.getState());
      if (!built) {
        if (!pending) setState('empty');
        return;
      }
      // No more points than the plot has pixel columns (min/max pairs keep each column's extent).
      const columns = Math.max(2, Math.floor(size.width || 800));
      const figure = { ...built, data: decimateTraces(built.data, columns) };
      let bundle: PlotlyBundle;
      try {
        bundle = bundleFor(figure.data);
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
        return;
      }
      if (!plotly || plotly.bundle !== bundle) {
        load(bundle);
        return;
      }
      const layout: Partial<Layout> = withCheapAxes({
        width: size.width > 0 ? size.width : undefined,
        height: size.height,
        autosize: false,
        margin: { l: 48, r: 12, t: 28, b: 36 },
        font: {
          family: 'system-ui, -apple-system, "Segoe UI", sans-serif',
          size: 11,
          color: '#1f2933',
        },
        paper_bgcolor: 'rgba(0,0,0,0)',
        plot_bgcolor: '#fff',
        ...figure.layout,
      });
      try {
        if (!created) {
          const config = plotConfig(plotly.api, label, box.closest('.figure-grid') !== null);
          void plotly.api.newPlot(el, figure.data, layout, config);
          created = true;
        } else {
          // The config is the newPlot's (`label` is fixed per mount). Given one, Plotly.react
          // rebuilds its context and, the download button's handler being a new function,
          // plotted the figure afresh (newPlot, then react) on every draw.
          void plotly.api.react(el, figure.data, layout);
        }
        setState('ready');
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
      }
    };
    // The figures of one panel share its part of the draw queue's share of the main thread.
    const panel = box.closest('[data-testid]')?.getAttribute('data-testid') ?? 'figure';
    const name = `${panel} ${label}`;
    // Until its first curves are drawn a figure shows nothing: nobody should wait for the gap.
    const schedule = (urgent = false) => {
      if (!disposed) requestDraw(draw, name, urgent || !created, panel);
    };
    scheduleRef.current = schedule;

    // fetch the small bundle most figures need while the first report is computed
    void loadPlotly('basic').catch(() => undefined);
    schedule();
    const unsubscribe = store.subscribe((s, prev) => {
      const redraw = redrawFor(s, prev, watch);
      if (redraw) schedule(redraw === 'urgent');
    });
    const resized = new ResizeObserver(([entry]) => {
      const { width, height: h } = entry.contentRect;
      const next = { width: Math.floor(width), height: Math.floor(h) || height };
      if (next.width === size.width && next.height === size.height) return;
      size = next;
      schedule();
    });
    resized.observe(box);
    // Half a screen of margin: a figure scrolled just out of view is still kept up to date.
    const seen = new IntersectionObserver(
      ([entry]) => {
        visible = entry.isIntersecting;
        if (visible && stale) schedule();
      },
      { rootMargin: '50% 0px' },
    );
    seen.observe(box);
    return () => {
      disposed = true;
      unsubscribe();
      resized.disconnect();
      seen.disconnect();
      cancelDraw(draw);
      if (plotly && created) plotly.api.purge(el);
    };
    // The figure is created once per mount; `watch` and `height` are fixed per panel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A panel-local input changed: the user is waiting for it.
  useEffect(() => {
    scheduleRef.current(true);
  }, [revision]);

  return (
    <div
      {...boxProps}
      ref={boxRef}
      className="figure"
      style={
        {
          ...boxProps?.style,
          '--plot-h': `${height}px`,
          '--plot-share': share,
          '--plot-min': `${minHeight}px`,
        } as CSSProperties
      }
    >
      <div ref={ref} className="plot" role="figure" aria-label={label} />
      {state === 'waiting' && <p className="plot-note loading">Drawing…</p>}
      {state === 'loading' && <p className="plot-note loading">Loading the plotting library…</p>}
      {state === 'empty' && <p className="plot-note">Waiting for the first report…</p>}
      {state === 'error' && <p className="plot-note error-text">{error}</p>}
    </div>
  );
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

/**
 * A one-line legend above the plot. Below it (y = −0.25 of the plot) it ran into the x axis's title
 * once the dashboard made a figure short: the gap is a share of the plot, the title's offset is not.
 */
export const LEGEND_ABOVE = {
  orientation: 'h',
  x: 0,
  y: 1.02,
  xanchor: 'left',
  yanchor: 'bottom',
  font: { size: 10 },
} as const;

/** The title of subplot i of a grid, left-aligned above it. */
export function subplotTitle(i: number, text: string): Partial<Layout['annotations'][number]> {
  const n = i === 0 ? '' : String(i + 1);
  return {
    text,
    xref: `x${n} domain` as 'paper',
    yref: `y${n} domain` as 'paper',
    x: 0,
    y: 1.02,
    xanchor: 'left',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 11 },
  };
}
