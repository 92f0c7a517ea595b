/**
 * The Grids panel's figures (no React): a line per finished member of one metric, or the
 * noise-sweep figure of dilation against memorization, built from the grid store's state.
 */
import { gridFigure } from '../../engine/grid/figure';
import { mdSweepOfMembers, type FigureMetric } from '../../engine/grid/figures';
import { fmt } from '../format';
import type { Data } from '../plotly';
import { logAxis, zeroLines, zeroNote } from '../panels/logAxis';
import { mdScatterFigure } from '../md/mdScatter';
import { LEGEND_ABOVE, type Figure } from '../panels/PlotFigure';
import type { GridState } from './gridStore';

/** What a grid not made from a figure preset offers to draw. */
export const DEFAULT_METRICS: FigureMetric[] = [
  { key: 'loss', title: 'loss', log: true },
  { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', log: true },
  { key: 'nc2_etf_error_weights', title: 'NC2  classifier vs simplex ETF', log: true },
  { key: 'nc3_w_sub_h_centred', title: 'NC3  self-duality', log: true },
  { key: 'test_acc', title: 'test accuracy', log: false },
];

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];

/** One line per finished member of `metric` against step or epoch; dashed f* where known. */
export function buildCurves(s: GridState, metric: FigureMetric): Figure | null {
  if (!s.members.length) return null;
  const members = [...s.members].sort((a, b) => a.index - b.index);
  const fig = gridFigure(members, metric.key);
  const data: Data[] = fig.lines.map((line, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: line.label,
    x: line.x,
    y: line.y,
    line: { color: PALETTE[i % PALETTE.length], width: 1.5 },
    hovertemplate: `${line.label}: %{y:.4g}<extra></extra>`,
  }));
  for (const ref of fig.reference) {
    const i = fig.lines.findIndex((l) => l.id === ref.id);
    const x = fig.lines[i].x;
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `f* (${fig.lines[i].label})`,
      x: [x[0], x[x.length - 1]],
      y: [ref.value, ref.value],
      line: { color: PALETTE[i % PALETTE.length], dash: 'dash', width: 1 },
      showlegend: false,
      hoverinfo: 'name',
    });
  }
  const ys = fig.lines.flatMap((l) => l.y);
  const zeros = metric.log ? zeroLines(fig.lines, (x) => `${fig.xUnit} ${fmt(x)}`) : [];
  return {
    data,
    layout: {
      uirevision: `grid-${metric.key}`,
      ...(zeros.length > 0 ? { annotations: [zeroNote(zeros)] } : {}),
      xaxis: { title: { text: fig.xUnit } },
      yaxis: {
        title: { text: metric.title },
        ...(metric.log ? logAxis([...ys, ...fig.reference.map((r) => r.value)]) : {}),
      },
      legend: LEGEND_ABOVE,
      margin: { l: 60, r: 10, t: 12, b: 40 },
    },
  };
}

/** Dilation against memorization, a line per loss (the noise-sweep figure of a grid). */
export function buildMd(s: GridState): Figure | null {
  return s.members.length ? mdScatterFigure(mdSweepOfMembers(s.members), 'grid-md') : null;
}
