import type { Data, Layout } from '../plotly';
import { Panel } from '../panels/Panel';
import { PlotFigure, type Figure } from '../panels/PlotFigure';
import { currentCase, useFeatures, type FeaturesState } from './featuresStore';

/** Heatmaps side by side on one colour scale: measured Grams beside the simplex-ETF target. */
function buildGram(s: FeaturesState): Figure | null {
  const g = currentCase(s)?.geometry;
  if (!g) return null;
  const cells: { title: string; z: number[][] | null }[] = [
    { title: 'M̃ M̃ᵀ (centred class means)', z: g.gramMeans },
    ...(g.hasClassifier ? [{ title: 'W Wᵀ (classifier)', z: g.gramW }] : []),
    { title: 'simplex ETF target', z: g.etf },
  ];
  const labels = g.classes.map(String);
  const K = labels.length;
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
        showscale: i === cells.length - 1,
        colorbar: { thickness: 10, len: 0.9, x: 1.02 },
        texttemplate: K <= 8 ? '%{z:.2f}' : undefined,
        textfont: { size: 9 },
        hovertemplate: `${c.title}<br>[%{y}, %{x}] = %{z:.3f}<extra></extra>`,
      }) as Data,
  );
  const layout: Partial<Layout> & Record<string, unknown> = {
    grid: { rows: 1, columns: cells.length, pattern: 'independent', xgap: 0.12 },
    margin: { l: 28, r: 40, t: 30, b: 16 },
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

export function FeatureGramPanel() {
  return (
    <Panel
      testId="features-panel-gram"
      title="Gram matrices"
      subtitle="Each divided by its Frobenius norm, as in nc2_etf_error_means / _weights (their distance to the target); rows are the non-empty classes."
      wide
    >
      <PlotFigure
        source={useFeatures}
        build={buildGram}
        watch={(s) => [s.measurement, s.caseIndex]}
        height={300}
        label="Heatmaps of the class-mean and classifier Gram matrices beside the simplex-ETF target"
      />
    </Panel>
  );
}
