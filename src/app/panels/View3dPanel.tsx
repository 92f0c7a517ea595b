import type { Data } from '../plotly';
import { classColor } from '../format';
import { useLab, type LabState } from '../store';
import { Panel } from './Panel';
import { PlotFigure, type Figure } from './PlotFigure';

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

function build3d(s: LabState): Figure | null {
  const view = s.lastReport?.geometry.view3d;
  const config = s.lastReport?.shape;
  if (!view || !config) return null;
  const means = unitMax(view.means);
  const rows = unitMax(view.classifier);
  const names = config.classSizes.map((n, k) => `class ${k} (n=${n})`);
  const colors = names.map((_, k) => classColor(k));
  const data: Data[] = [
    {
      type: 'scatter3d',
      mode: 'lines',
      name: 'means (spokes)',
      showlegend: false,
      hoverinfo: 'skip',
      ...spokes(means),
      line: { color: '#4e79a7', width: 4 },
    },
    {
      type: 'scatter3d',
      mode: 'lines',
      name: 'classifier (spokes)',
      showlegend: false,
      hoverinfo: 'skip',
      ...spokes(rows),
      line: { color: '#e15759', width: 3, dash: 'dash' },
    },
    {
      type: 'scatter3d',
      mode: 'markers',
      name: s.lastReport?.geometry.centred ? 'class means (centred)' : 'class means',
      x: means.map((p) => p[0]),
      y: means.map((p) => p[1]),
      z: means.map((p) => p[2]),
      text: names,
      marker: { size: 6, color: colors, symbol: 'circle', line: { color: '#1f2933', width: 1 } },
      hovertemplate: '%{text} mean<extra></extra>',
    },
    {
      type: 'scatter3d',
      mode: 'markers',
      name: 'classifier rows w_k',
      x: rows.map((p) => p[0]),
      y: rows.map((p) => p[1]),
      z: rows.map((p) => p[2]),
      text: names,
      marker: { size: 5, color: colors, symbol: 'diamond-open', line: { color: colors, width: 2 } },
      hovertemplate: '%{text} classifier<extra></extra>',
    },
  ];
  const axis = {
    range: [-1.1, 1.1],
    zeroline: true,
    showspikes: false,
    tickfont: { size: 9 },
    dtick: 0.5,
  };
  return {
    data,
    layout: {
      uirevision: 'view3d',
      scene: {
        xaxis: { ...axis, title: { text: view.basis === 'pca' ? 'PC1' : 'x' } },
        yaxis: { ...axis, title: { text: view.basis === 'pca' ? 'PC2' : 'y' } },
        zaxis: { ...axis, title: { text: view.basis === 'pca' ? 'PC3' : 'z' } },
        aspectmode: 'cube',
        camera: { eye: { x: 1.5, y: 1.3, z: 0.9 } },
      },
      legend: { orientation: 'h', y: 0, x: 0, font: { size: 10 } },
      margin: { l: 0, r: 0, t: 0, b: 0 },
    },
  };
}

export function View3dPanel() {
  const view = useLab((s) => s.lastReport?.geometry.view3d);
  const basis = view
    ? view.basis === 'raw'
      ? 'raw coordinates'
      : `PCA of the class means (${(100 * view.explained).toFixed(1)} % of energy)`
    : '—';
  return (
    <Panel
      testId="panel-3d"
      title="3-D view"
      subtitle={
        <>
          <span data-testid="view3d-basis">{basis}</span> · means ● and classifier rows ◇, each set
          scaled to unit max norm; drag to rotate (the camera stays while training runs).
        </>
      }
    >
      <PlotFigure
        build={build3d}
        watch={(s) => s.lastReport}
        height={400}
        label="Class means and classifier rows in three dimensions"
      />
    </Panel>
  );
}
