import { useEffect, useRef, useState, type CSSProperties, type HTMLAttributes } from 'react';
import type { Layout } from '../plotly';
import { useLab, type LabState } from '../store';
import { FigureDrawer, type Figure, type FigureSource, type FigureState } from './figureDrawer';

export type { Figure, FigureSource } from './figureDrawer';

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

/**
 * One Plotly figure (drawn by FigureDrawer: once per animation frame at most, only on screen,
 * never through React re-renders). It takes its size from its box: CSS decides, a fixed height
 * when the page scrolls, a share of the panel in the dashboard.
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
  const ref = useRef<HTMLDivElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const buildRef = useRef(build);
  const drawerRef = useRef<FigureDrawer<S> | null>(null);
  // Plain values, so that a draw reporting 'ready' again re-renders nothing.
  const [state, setState] = useState<FigureState>('waiting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    buildRef.current = build;
  });

  useEffect(() => {
    const el = ref.current;
    const box = boxRef.current;
    if (!el || !box) return;
    const drawer = new FigureDrawer(el, box, {
      store: (source ?? useLab) as FigureSource<S>,
      build: () => buildRef.current,
      watch,
      label,
      height,
      onState: (next, message) => {
        if (message !== undefined) setError(message);
        setState(next);
      },
    });
    drawerRef.current = drawer;
    drawer.start();
    return () => drawer.stop();
    // The figure is created once per mount; `source`, `watch`, `label` and `height` are fixed
    // per panel.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A panel-local input changed: the user is waiting for it.
  useEffect(() => {
    drawerRef.current?.schedule(true);
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
