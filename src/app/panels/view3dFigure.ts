import type { View3d } from '../../engine/session/types';
import { classColor } from '../format';
import type { Data } from '../plotly';
import type { Figure } from './PlotFigure';

/** Display scaling: each set of vectors to unit maximum norm, so means and classifiers overlay. */
export function unitMax(vectors: number[][]): number[][] {
  const max = Math.max(0, ...vectors.map((v) => Math.hypot(...v)));
  return max > 0 ? vectors.map((v) => v.map((x) => x / max)) : vectors;
}

/** Segments from the origin to every point, as one trace with gaps. */
export function spokes(points: number[][]): {
  x: (number | null)[];
  y: (number | null)[];
  z: (number | null)[];
} {
  const out = {
    x: [] as (number | null)[],
    y: [] as (number | null)[],
    z: [] as (number | null)[],
  };
  for (const p of points) {
    out.x.push(0, p[0], null);
    out.y.push(0, p[1], null);
    out.z.push(0, p[2], null);
  }
  return out;
}

/**
 * The 3-D view of class means (●) and classifier rows (◇) from the engine's View3d, for a run
 * and for a feature file alike: spokes from the origin, one colour per class.
 */
export function view3dFigure(
  view: View3d,
  names: string[],
  classes: number[],
  meansName: string,
): Figure {
  const means = unitMax(view.means);
  const rows = unitMax(view.classifier);
  const colors = classes.map((c) => classColor(c));
  const points = (name: string, pts: number[][], marker: Record<string, unknown>, what: string) =>
    ({
      type: 'scatter3d',
      mode: 'markers',
      name,
      x: pts.map((p) => p[0]),
      y: pts.map((p) => p[1]),
      z: pts.map((p) => p[2]),
      text: names,
      marker,
      hovertemplate: `%{text} ${what}<extra></extra>`,
    }) as Data;
  const data: Data[] = [
    {
      type: 'scatter3d',
      mode: 'lines',
      showlegend: false,
      hoverinfo: 'skip',
      ...spokes(means),
      line: { color: '#4e79a7', width: 4 },
    },
    points(
      meansName,
      means,
      { size: 6, color: colors, line: { color: '#1f2933', width: 1 } },
      'mean',
    ),
  ];
  if (rows.length > 0) {
    data.push(
      {
        type: 'scatter3d',
        mode: 'lines',
        showlegend: false,
        hoverinfo: 'skip',
        ...spokes(rows),
        line: { color: '#e15759', width: 3, dash: 'dash' },
      },
      points(
        'classifier rows w_k',
        rows,
        { size: 5, color: colors, symbol: 'diamond-open', line: { color: colors, width: 2 } },
        'classifier',
      ),
    );
  }
  const axis = {
    range: [-1.1, 1.1],
    zeroline: true,
    showspikes: false,
    tickfont: { size: 9 },
    dtick: 0.5,
  };
  const title = (pc: string, raw: string) => ({ text: view.basis === 'pca' ? pc : raw });
  return {
    data,
    layout: {
      uirevision: 'view3d',
      scene: {
        xaxis: { ...axis, title: title('PC1', 'x') },
        yaxis: { ...axis, title: title('PC2', 'y') },
        zaxis: { ...axis, title: title('PC3', 'z') },
        aspectmode: 'cube',
        camera: { eye: { x: 1.5, y: 1.3, z: 0.9 } },
      },
      legend: { orientation: 'h', y: 0, x: 0, font: { size: 10 } },
      margin: { l: 0, r: 0, t: 0, b: 0 },
    },
  };
}
