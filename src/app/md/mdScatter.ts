/**
 * Seed 002's figure, dilation against memorization with one colour and fitted line per loss:
 * drawn by the noise sweep and by a grid's memorization–dilation figure preset alike.
 */
import type { MdSweep } from '../../engine/md/sweep';
import { fmt } from '../format';
import type { Data } from '../plotly';
import { LEGEND_ABOVE, type Figure } from '../panels/PlotFigure';

/** One colour a loss, wherever its runs are drawn. */
export const LOSS_COLORS: Record<string, string> = {
  ce: '#4e79a7',
  ls: '#e15759',
  lr: '#59a14f',
  mse: '#f28e2b',
};

export const lossColor = (loss: string) => LOSS_COLORS[loss] ?? '#1f2933';

export function mdScatterFigure(sweep: MdSweep, uirevision: string): Figure {
  const data: Data[] = [];
  for (const series of sweep.scatter) {
    const color = lossColor(series.loss);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: series.loss,
      x: series.points.map((p) => p.memorization),
      y: series.points.map((p) => p.dilation),
      text: series.points.map((p) => `η = ${p.eta}, seed ${p.seed}`),
      marker: { color, size: 8 },
      hovertemplate: `${series.loss}: %{text}<br>memorization %{x:.4g}, dilation %{y:.4g}<extra></extra>`,
    });
    if (series.line && series.fit) {
      const r2 = series.fit.r2 === null ? '—' : fmt(series.fit.r2, 3);
      const caveat = series.fit.caveat ? ` (${series.fit.caveat})` : '';
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${series.loss} fit: slope ${fmt(series.fit.slope, 3)}, r² ${r2}${caveat}`,
        x: series.line.map((p) => p.x),
        y: series.line.map((p) => p.y),
        line: { color, dash: 'dash', width: 1.5 },
        hoverinfo: 'name',
      });
    }
  }
  return {
    data,
    layout: {
      uirevision,
      xaxis: { title: { text: 'memorization (relative)' }, zeroline: false },
      yaxis: { title: { text: 'dilation (relative)' }, zeroline: false },
      legend: LEGEND_ABOVE,
      margin: { l: 56, r: 10, t: 12, b: 40 },
    },
  };
}
