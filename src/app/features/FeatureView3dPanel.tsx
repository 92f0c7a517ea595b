import { classColor } from '../format';
import type { Data } from '../plotly';
import { Panel } from '../panels/Panel';
import { PlotFigure, type Figure } from '../panels/PlotFigure';
import { spokes, unitMax } from '../panels/View3dPanel';
import { currentCase, useFeatures, type FeaturesState } from './featuresStore';

function build3d(s: FeaturesState): Figure | null {
  const g = currentCase(s)?.geometry;
  if (!g) return null;
  const view = g.view3d;
  const means = unitMax(view.means);
  const rows = unitMax(view.classifier);
  const names = g.classes.map((c, k) => `class ${c} (n=${g.counts[k]})`);
  const colors = g.classes.map((c) => classColor(c));
  const data: Data[] = [
    {
      type: 'scatter3d',
      mode: 'lines',
      showlegend: false,
      hoverinfo: 'skip',
      ...spokes(means),
      line: { color: '#4e79a7', width: 4 },
    },
    {
      type: 'scatter3d',
      mode: 'markers',
      name: 'class means (centred)',
      x: means.map((p) => p[0]),
      y: means.map((p) => p[1]),
      z: means.map((p) => p[2]),
      text: names,
      marker: { size: 6, color: colors, line: { color: '#1f2933', width: 1 } },
      hovertemplate: '%{text} mean<extra></extra>',
    },
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
      {
        type: 'scatter3d',
        mode: 'markers',
        name: 'classifier rows w_k',
        x: rows.map((p) => p[0]),
        y: rows.map((p) => p[1]),
        z: rows.map((p) => p[2]),
        text: names,
        marker: {
          size: 5,
          color: colors,
          symbol: 'diamond-open',
          line: { color: colors, width: 2 },
        },
        hovertemplate: '%{text} classifier<extra></extra>',
      },
    );
  }
  const axis = { range: [-1.1, 1.1], zeroline: true, tickfont: { size: 9 }, dtick: 0.5 };
  const title = (pc: string, raw: string) => ({ text: view.basis === 'pca' ? pc : raw });
  return {
    data,
    layout: {
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

export function FeatureView3dPanel() {
  const view = useFeatures((s) => currentCase(s)?.geometry?.view3d);
  const basis = !view
    ? '—'
    : view.basis === 'raw'
      ? 'raw coordinates (d ≤ 3)'
      : `PCA of the centred class means (${(100 * view.explained).toFixed(1)} % of their energy)`;
  return (
    <Panel
      testId="features-panel-3d"
      title="3-D view of the class means"
      subtitle={
        <>
          <span data-testid="features-view3d-basis">{basis}</span> · means ● and classifier rows ◇
          on the same axes, each set scaled to unit max norm; drag to rotate.
        </>
      }
    >
      <PlotFigure
        source={useFeatures}
        build={build3d}
        watch={(s) => [s.measurement, s.caseIndex]}
        height={380}
        label="Centred class means and classifier rows in three dimensions"
      />
    </Panel>
  );
}
