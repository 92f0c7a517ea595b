import type { Data, Layout } from '../plotly';
import type { Figure } from './PlotFigure';

export interface GramCell {
  title: string;
  /** null: undefined (a zero matrix has no direction); the cell says so. */
  z: number[][] | null;
}

/**
 * Gram heatmaps on one diverging colour scale, a grid of `columns` per row, each titled above;
 * the Gram panels of a run and of a feature file draw through this.
 */
export function gramFigure(cells: GramCell[], labels: string[], columns: number): Figure {
  const K = labels.length;
  const rows = Math.ceil(cells.length / columns);
  const absMax = Math.max(1e-12, ...cells.flatMap((c) => (c.z ?? []).flat().map(Math.abs)));
  const axis = (i: number) => (i === 0 ? '' : String(i + 1));
  const data: Data[] = cells.map(
    (c, i) =>
      ({
        type: 'heatmap',
        x: labels,
        y: labels,
        z: c.z ?? [[null]],
        xaxis: `x${axis(i)}`,
        yaxis: `y${axis(i)}`,
        zmin: -absMax,
        zmax: absMax,
        zmid: 0,
        colorscale: 'RdBu',
        reversescale: true,
        showscale: i === 0,
        colorbar: { thickness: 10, len: 0.9, x: 1.02 },
        texttemplate: K <= 8 ? '%{z:.2f}' : undefined,
        textfont: { size: 9 },
        hovertemplate: `${c.title}<br>[%{y}, %{x}] = %{z:.3f}<extra></extra>`,
      }) as Data,
  );
  const layout: Partial<Layout> & Record<string, unknown> = {
    grid: { rows, columns, pattern: 'independent', ygap: 0.25, xgap: 0.15 },
    margin: { l: 28, r: 40, t: 26, b: 16 },
    annotations: cells.map((c, i) => ({
      text: c.z ? c.title : `${c.title}: undefined (a zero matrix has no direction)`,
      xref: `x${axis(i)} domain` as 'paper',
      yref: `y${axis(i)} domain` as 'paper',
      x: 0.5,
      y: 1.02,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 11 },
    })),
  };
  cells.forEach((c, i) => {
    const n = axis(i);
    const common = { visible: c.z !== null, showticklabels: K <= 16, tickfont: { size: 9 } };
    layout[`xaxis${n}`] = { ...common, constrain: 'domain' };
    layout[`yaxis${n}`] = {
      ...common,
      autorange: 'reversed',
      scaleanchor: `x${n}`,
      constrain: 'domain',
    };
  });
  return { data, layout };
}
