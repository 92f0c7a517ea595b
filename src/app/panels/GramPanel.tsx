import { frameGram } from '../../engine/ufm/geometry';
import type { Data, Layout } from '../plotly';
import { useLab, type LabState } from '../store';
import { TARGET_LABEL, rightTarget } from '../targets';
import { Panel } from './Panel';
import { PlotFigure, type Figure } from './PlotFigure';

/** Display scaling only: divide by the Frobenius norm so measured and predicted share a scale. */
function frobeniusNormalised(A: number[][]): number[][] {
  const norm = Math.sqrt(A.reduce((s, row) => s + row.reduce((r, v) => r + v * v, 0), 0));
  return norm > 0 ? A.map((row) => row.map((v) => v / norm)) : A;
}

function buildGram(s: LabState): Figure | null {
  const config = s.lastReport?.shape;
  const g = s.lastReport?.geometry;
  const t = s.theory;
  if (!config || !g) return null;
  const K = config.K;
  const mean = config.bias ? 'M̃ M̃ᵀ (centred means)' : 'H̄ H̄ᵀ (class means)';
  // Without a closed form (networks), compare with the ideal frame's shape where one exists.
  const target = rightTarget(config);
  const ideal = target === 'gof' ? null : frameGram(target, K);
  const name = t ? 'closed form' : `${TARGET_LABEL[target]} target`;
  const cells: { title: string; z: number[][] | null }[] = [
    { title: 'W Wᵀ measured', z: g.gramW },
    { title: `W Wᵀ ${name}`, z: t ? frobeniusNormalised(t.WWt) : ideal },
    { title: `${mean} measured`, z: g.gramH },
    { title: `${mean} ${name}`, z: t ? frobeniusNormalised(t.classMeanGram) : ideal },
  ];
  const absMax = Math.max(1e-12, ...cells.flatMap((c) => (c.z ?? []).flat().map(Math.abs)));
  const labels = Array.from({ length: K }, (_, k) => `${k}`);
  const showText = K <= 8;
  const data: Data[] = cells.map((c, i) => {
    const n = i === 0 ? '' : String(i + 1);
    return {
      type: 'heatmap',
      x: labels,
      y: labels,
      z: c.z ?? [[null]],
      xaxis: `x${n}`,
      yaxis: `y${n}`,
      zmin: -absMax,
      zmax: absMax,
      zmid: 0,
      colorscale: 'RdBu',
      reversescale: true,
      showscale: i === 0,
      colorbar: { thickness: 10, len: 0.9, x: 1.02 },
      texttemplate: showText ? '%{z:.2f}' : undefined,
      textfont: { size: 9 },
      hovertemplate: `${c.title}<br>[%{y}, %{x}] = %{z:.3f}<extra></extra>`,
    } as Data;
  });
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: 'gram',
    grid: { rows: 2, columns: 2, pattern: 'independent', ygap: 0.25, xgap: 0.15 },
    margin: { l: 28, r: 40, t: 26, b: 16 },
    annotations: cells.map((c, i) => {
      const n = i === 0 ? '' : String(i + 1);
      return {
        text: c.z ? c.title : `${c.title}: undefined (a zero matrix has no direction)`,
        xref: `x${n} domain` as 'paper',
        yref: `y${n} domain` as 'paper',
        x: 0.5,
        y: 1.02,
        xanchor: 'center',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 11 },
      };
    }),
  };
  cells.forEach((c, i) => {
    const n = i === 0 ? '' : String(i + 1);
    const visible = c.z !== null;
    layout[`xaxis${n}`] = {
      visible,
      showticklabels: K <= 16,
      tickfont: { size: 9 },
      constrain: 'domain',
    };
    layout[`yaxis${n}`] = {
      visible,
      autorange: 'reversed',
      showticklabels: K <= 16,
      tickfont: { size: 9 },
      scaleanchor: `x${n}`,
      constrain: 'domain',
    };
  });
  return { data, layout };
}

export function GramPanel() {
  const config = useLab((s) => s.lastReport?.shape ?? null);
  return (
    <Panel
      testId="panel-gram"
      title="Gram matrices"
      subtitle={
        <>
          Each matrix divided by its Frobenius norm (display scaling). Target:{' '}
          {config ? TARGET_LABEL[rightTarget(config)] : '—'}.
        </>
      }
    >
      <PlotFigure
        build={buildGram}
        watch={(s) => [s.lastReport, s.theory]}
        height={420}
        label="Heatmaps of the classifier and class-mean Gram matrices beside their closed-form targets"
      />
    </Panel>
  );
}
