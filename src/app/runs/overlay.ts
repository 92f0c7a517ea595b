import type { Data, Layout } from 'plotly.js';
import type { ExperimentConfig } from '../../engine/config/schema';
import type { ReportKey } from '../../engine/metrics/reportKeys';
import { distinguishingLabels } from '../../engine/runs/naming';
import { fmt } from '../format';
import { logAxis, zeroLines, zeroNote } from '../panels/logAxis';
import { LEGEND_ABOVE } from '../panels/PlotFigure';
import type { HistoryEntry } from '../../engine/session/types';

/**
 * One colour per run, in selection order, the same in every figure. The first ones keep clear of
 * the live panels' own colours (Tableau blue, orange, red and green for loss terms and NC4;
 * viridis for layers), since kept runs are drawn inside those panels too.
 */
export const RUN_COLORS = [
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
];
/** Per-layer lines of one run: same colour, a dash per layer. */
const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'] as const;

/** Up to this many runs, every layer of a run has its own legend entry. */
const LEGEND_LAYERS_UP_TO = 8;

/** The runs a merged trace draws (Plotly keeps `meta` as given): tests and benches read it. */
export interface MergedMeta {
  runs: string[];
}

export const OVERLAY_METRICS = [
  { key: 'loss', title: 'Loss', deep: null },
  { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', deep: 'deep_nc1_pinv' },
  {
    key: 'nc2_etf_error_means',
    title: 'NC2 class means vs simplex ETF',
    deep: 'deep_nc2_etf_error_means',
  },
  { key: 'nc3_wh_etf_error', title: 'NC3 W H̄ᵀ vs simplex ETF', deep: 'deep_nc3_wh_etf_error' },
  { key: 'net_accuracy_train', title: 'Train accuracy', deep: null },
  { key: 'test_acc', title: 'Test accuracy (networks)', deep: null },
  {
    key: 'md_noisy_fitted_train',
    title: 'Memorization: corrupted samples fitted to their noisy label',
    deep: null,
  },
] as const satisfies readonly { key: ReportKey; title: string; deep: ReportKey | null }[];

export type XAxisKind = 'step' | 'epoch' | 'time';

export interface OverlayRun {
  id: string;
  config: ExperimentConfig;
  history: readonly HistoryEntry[];
  /** Optimiser steps per second over the run (for an estimated wall-time axis). */
  stepsPerSecond: number | null;
  totalSteps: number;
  /** Its colour (default: by its place in the list). */
  color?: string;
}

export interface OverlayOptions {
  metric: ReportKey;
  /** Per-layer key drawn (one dashed line per layer) when the runs have it. */
  deepMetric: ReportKey | null;
  x: XAxisKind;
  /** TensorBoard's smoothing weight in [0, 1). */
  smoothing: number;
  logX: boolean;
  logY: boolean;
  title: string;
}

/**
 * Exponential moving average as TensorBoard draws it: debiased, so the first points are not
 * pulled towards zero; gaps (null) are carried over.
 */
export function ema(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight > 0)) return values.slice();
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - weight ** n);
  });
}

/** x of a run's step on an axis of `kind` (epoch: networks only; time: from the mean speed). */
export function xOf(run: OverlayRun, step: number, kind: XAxisKind): number {
  if (kind === 'epoch' && run.config.experiment === 'net')
    return step / Math.max(1, run.totalSteps / run.config.epochs);
  if (kind === 'time' && run.stepsPerSecond) return step / run.stepsPerSecond;
  return step;
}

export const X_TITLES: Record<XAxisKind, string> = {
  step: 'optimiser step',
  epoch: 'epoch',
  time: 'training time, s (estimated from the mean speed)',
};

/** What the traces of the runs show and where they go. */
export interface TraceOptions {
  metric: ReportKey;
  /** Per-layer key drawn (one dashed line per layer) when the runs have it. */
  deepMetric: ReportKey | null;
  x: XAxisKind;
  smoothing: number;
  /** Subplot axes (a panel's grid); default the figure's only ones. */
  xaxis?: string;
  yaxis?: string;
  /** False: the traces stay out of the legend (a panel's second subplot onwards). */
  showlegend?: boolean;
  /** Values that a log axis cannot draw (≤ 0) become gaps. */
  positive?: boolean;
}

/**
 * One trace per run (or per layer of a run, dashed by layer) in the run's colour, named by what
 * differs between `runs`; grouped by run, so a legend click hides a run in every subplot.
 * With more runs than colours, colours repeat and a legend could not tell two runs apart: then
 * the lines of one colour and dash become one trace (runs separated by a gap, each point's
 * hover naming its run) and no legend entry. A Plotly redraw costs per trace, so 50 runs per
 * layer draw as 30 traces instead of 150.
 */
export function overlayTraces(runs: readonly OverlayRun[], options: TraceOptions): Data[] {
  return tracesOf(runCurves(runs, options), runs.length, options);
}

/** The traces of curves of `runCount` runs (merged by style past the colours, see above). */
function tracesOf(curves: readonly RunCurve[], runCount: number, options: TraceOptions): Data[] {
  const data = runTraces(curves, runCount, options);
  return runCount > RUN_COLORS.length ? mergeByStyle(data) : data;
}

/** The lines of one colour and dash as one trace (see overlayTraces). */
function mergeByStyle(data: readonly Data[]): Data[] {
  interface Line {
    name: string;
    legendgroup: string;
    x: number[];
    y: (number | null)[];
    line: { color: string; dash?: string };
  }
  interface Merged extends Record<string, unknown> {
    x: number[];
    y: (number | null)[];
    text: string[];
    // Plotly's types allow a string or number; any value is kept as given
    meta: MergedMeta;
  }
  const merged = new Map<string, Merged>();
  for (const d of data) {
    const t = d as unknown as Line;
    const key = `${t.line.color}|${t.line.dash ?? 'solid'}`;
    let m = merged.get(key);
    if (m) {
      // a gap between two runs' lines
      m.x.push(t.x[t.x.length - 1]);
      m.y.push(null);
      m.text.push('');
    } else {
      const { name: _name, legendgroup: _group, x: _x, y: _y, ...style } = t;
      m = {
        ...style,
        showlegend: false,
        x: [],
        y: [],
        text: [],
        meta: { runs: [] },
        hovertemplate: '%{text}: %{y:.4g}<extra>%{x}</extra>',
      };
      merged.set(key, m);
    }
    m.x.push(...t.x);
    m.y.push(...t.y);
    for (let i = 0; i < t.x.length; i++) m.text.push(t.name);
    if (!m.meta.runs.includes(t.legendgroup)) m.meta.runs.push(t.legendgroup);
  }
  return [...merged.values()] as unknown as Data[];
}

/** One line of the overlay before smoothing: a run's values of the metric, or of one layer. */
interface RunCurve {
  /** The run's place in the list (its colour). */
  index: number;
  run: OverlayRun;
  /** The layer drawn (0-based), null for a metric without layers. */
  layer: number | null;
  /** The legend's name: what differs between the runs, and the layer. */
  label: string;
  x: number[];
  /** The reported values (a value that is not a number: null). */
  y: (number | null)[];
}

/** The layers a run reports of a per-layer key (0 when it has none). */
function layersOf(run: OverlayRun, key: ReportKey): number {
  let n = 0;
  for (const h of run.history) {
    const v = h.metrics[key];
    if (Array.isArray(v)) n = Math.max(n, v.length);
  }
  return n;
}

/** Every line of the overlay, unsmoothed; a run with no value of the metric has none. */
function runCurves(runs: readonly OverlayRun[], options: TraceOptions): RunCurve[] {
  const labels = distinguishingLabels(runs.map((r) => r.config));
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return runs.flatMap((run, index): RunCurve[] => {
    const x = run.history.map((h) => xOf(run, h.step, options.x));
    const deep = options.deepMetric;
    const layers = deep ? layersOf(run, deep) : 0;
    if (deep && layers > 1) {
      return Array.from({ length: layers }, (_, layer) => ({
        index,
        run,
        layer,
        label: `${labels[index]} · layer ${layer + 1}`,
        x,
        y: run.history.map((h) => num((h.metrics[deep] as unknown[] | undefined)?.[layer])),
      }));
    }
    const y = run.history.map((h) => num(h.metrics[options.metric]));
    return y.every((v) => v === null)
      ? []
      : [{ index, run, layer: null, label: labels[index], x, y }];
  });
}

function runTraces(curves: readonly RunCurve[], runCount: number, options: TraceOptions): Data[] {
  const axes = {
    ...(options.xaxis ? { xaxis: options.xaxis } : {}),
    ...(options.yaxis ? { yaxis: options.yaxis } : {}),
    showlegend: options.showlegend ?? true,
  };
  return curves.map(({ index, run, layer, label, x, y }): Data => {
    const color = run.color ?? RUN_COLORS[index % RUN_COLORS.length];
    const shown = options.positive ? y.map((v) => (v !== null && v > 0 ? v : null)) : y;
    return {
      type: 'scatter',
      mode: 'lines',
      name: label,
      legendgroup: run.id,
      ...axes,
      // Beyond a few runs, one legend entry a run (its layer 1): a long legend is unreadable
      // and slow to draw (Plotly lays out every entry on each redraw).
      ...(layer !== null && runCount > LEGEND_LAYERS_UP_TO && layer > 0
        ? { showlegend: false }
        : {}),
      x,
      y: ema(shown, options.smoothing),
      line:
        layer === null
          ? { color, width: 1.5 }
          : { color, dash: DASHES[layer % DASHES.length], width: 1.5 },
    };
  });
}

/** How a zero note writes the x where a curve's zeros start. */
const ZEROS_FROM: Record<XAxisKind, (x: number) => string> = {
  step: (x) => `step ${fmt(x)}`,
  epoch: (x) => `epoch ${fmt(x)}`,
  time: (x) => `${fmt(x)} s`,
};

/**
 * The overlay of several runs on one metric: legend entries say what differs between runs, the
 * metric names the y axis (the legend sits above the plot: below, it ran into the x axis's title
 * in a short figure). On a log axis, runs whose values end in exact zeros are named in a note.
 */
export function overlayFigure(
  runs: readonly OverlayRun[],
  options: OverlayOptions,
): { data: Data[]; layout: Partial<Layout> } | null {
  if (runs.length === 0) return null;
  const curves = runCurves(runs, options);
  const data = tracesOf(curves, runs.length, options);
  // the lab's log axis: short labels (10⁻⁶, not ".000001" clipped at the margin), few ticks
  const ys = data.flatMap((d) => (d as { y?: readonly (number | null)[] }).y ?? []);
  const zeros = options.logY ? zeroLines(curves, ZEROS_FROM[options.x]) : [];
  return {
    data,
    layout: {
      showlegend: true,
      legend: LEGEND_ABOVE,
      margin: { l: 60, r: 10, t: 12, b: 40 },
      ...(zeros.length > 0 ? { annotations: [zeroNote(zeros)] } : {}),
      xaxis: { title: { text: X_TITLES[options.x] }, type: options.logX ? 'log' : 'linear' },
      yaxis: {
        title: { text: options.title, font: { size: 11 } },
        ...(options.logY ? logAxis(ys) : { type: 'linear', tickformat: '~g' }),
      },
    },
  };
}
