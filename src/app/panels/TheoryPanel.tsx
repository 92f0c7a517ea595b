import type { CeUfmTheory, MseUfmTheory } from '../../engine/ufm/theory';
import type { ExperimentConfig, UfmConfig } from '../../engine/config/schema';
import type { Data, Layout } from '../plotly';
import { classColor, fmt } from '../format';
import { useLab, type LabState } from '../store';
import { theoryComparisons } from '../../engine/ufm/comparisons';
import { Panel } from './Panel';
import { logAxis } from './logAxis';
import { PlotFigure, subplotTitle, type Figure } from './PlotFigure';

/** The closed form belongs to UFM runs only. */
function ufmConfig(config: ExperimentConfig | null): UfmConfig | null {
  return config && config.experiment === 'ufm' ? config : null;
}

function buildTheory(s: LabState): Figure | null {
  const config = ufmConfig(s.loadedConfig);
  const g = s.lastReport?.geometry;
  const t = s.theory;
  if (!config || !g || !t) return null;
  const series = theoryComparisons(config, g, t);
  const data: Data[] = [];
  const annotations: NonNullable<Layout['annotations']> = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: 'theory',
    grid: { rows: 2, columns: 2, pattern: 'independent', ygap: 0.45, xgap: 0.12 },
    barmode: 'group',
    legend: { orientation: 'h', y: -0.16, x: 0, font: { size: 10 } },
    margin: { l: 44, r: 10, t: 26, b: 40 },
  };
  series.forEach((sr, i) => {
    const n = i === 0 ? '' : String(i + 1);
    data.push({
      type: 'bar',
      name: 'measured',
      legendgroup: 'measured',
      showlegend: i === 0,
      xaxis: `x${n}`,
      yaxis: `y${n}`,
      x: sr.labels,
      y: sr.measured,
      marker: {
        color: sr.labels.map((_, k) =>
          sr.labels[0]?.startsWith('class') ? classColor(k) : '#4e79a7',
        ),
      },
      hovertemplate: '%{x}: measured %{y:.4g}<extra></extra>',
    });
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'closed form',
      legendgroup: 'theory',
      showlegend: i === 0,
      xaxis: `x${n}`,
      yaxis: `y${n}`,
      x: sr.labels,
      y: sr.predicted,
      marker: {
        symbol: 'line-ew-open',
        size: 26,
        color: '#111',
        line: { width: 2.5, color: '#111' },
      },
      hovertemplate: '%{x}: theory %{y:.4g}<extra></extra>',
    });
    const visible = sr.labels.length > 0;
    // "class 0" over "(n=60)": four one-line labels overlapped under a subplot of a 1366-px screen
    const ticktext = sr.labels.map((l) => l.replace(' (', '<br>('));
    layout[`xaxis${n}`] = {
      visible,
      tickfont: { size: 9 },
      automargin: true,
      tickvals: sr.labels,
      ticktext,
    };
    layout[`yaxis${n}`] = { visible, rangemode: 'tozero', zeroline: true };
    annotations.push(subplotTitle(i, sr.note ? `${sr.title}: ${sr.note}` : sr.title));
  });
  layout.annotations = annotations;
  return { data, layout };
}

function directionLabels(config: UfmConfig, t: MseUfmTheory): string[] {
  return t.a.map((a, i) =>
    config.bias
      ? `dir ${i} (a=${absorbed(t, i) ? '0' : fmt(a, 3)})`
      : `class ${i} (n=${config.classSizes[i]})`,
  );
}

function absorbed(t: MseUfmTheory, i: number): boolean {
  const aMax = Math.max(...t.a);
  return t.bias && t.a[i] <= 1e-9 * aMax;
}

function buildMinority(s: LabState): Figure | null {
  const config = ufmConfig(s.loadedConfig);
  const t = s.theory;
  if (!config || !t || t.loss !== 'mse') return null;
  const labels = directionLabels(config, t);
  const idx = labels.map((_, i) => i).filter((i) => !absorbed(t, i));
  const zero = new Set(t.zeroDirections);
  const colour = (i: number) =>
    zero.has(i) ? '#e15759' : t.xPositiveButNotGlobal[i] ? '#f28e2b' : '#59a14f';
  const x = idx.map((i) => labels[i]);
  const data: Data[] = [
    {
      type: 'bar',
      name: 'b̃ / a_k',
      x,
      y: idx.map((i) => t.ratios[i]),
      marker: { color: idx.map(colour) },
      text: idx.map((i) => (zero.has(i) ? 'collapses to 0' : '')),
      textposition: 'outside',
      hovertemplate: '%{x}: ratio %{y:.4g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: `global-min threshold ${fmt(t.thresholdRatioGlobalMin, 4)}`,
      x: [x[0], x[x.length - 1]],
      y: [t.thresholdRatioGlobalMin, t.thresholdRatioGlobalMin],
      line: { color: '#e15759', dash: 'dash' },
    },
  ];
  if (t.M > 1) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `positive-root threshold ${fmt(t.thresholdRatioPositiveRoot, 4)}`,
      x: [x[0], x[x.length - 1]],
      y: [t.thresholdRatioPositiveRoot, t.thresholdRatioPositiveRoot],
      line: { color: '#f28e2b', dash: 'dot' },
    });
  }
  return {
    data,
    layout: {
      uirevision: 'minority',
      yaxis: {
        ...logAxis([
          ...idx.map((i) => t.ratios[i]),
          t.thresholdRatioGlobalMin,
          t.thresholdRatioPositiveRoot,
        ]),
        title: { text: 'b̃ / a_k' },
      },
      xaxis: { tickfont: { size: 9 }, automargin: true },
      legend: { orientation: 'h', y: -0.3, x: 0, font: { size: 10 } },
      margin: { l: 52, r: 10, t: 10, b: 60 },
      showlegend: true,
    },
  };
}

export function TheoryPanel() {
  const config = useLab((s) => ufmConfig(s.loadedConfig));
  const theory = useLab((s) => s.theory);
  if (!config) return null;
  return (
    <Panel
      testId="panel-theory"
      title="Theory vs measurement"
      subtitle={
        <>
          Bars: measured now. Black ticks: the closed-form global minimiser (Dang et al. 2023).
          {theory?.loss === 'mse' && (
            <>
              {' '}
              <button type="button" className="link" onClick={showMinority}>
                Minority collapse ↓
              </button>
            </>
          )}
        </>
      }
      below={
        theory?.loss === 'ce' ? (
          <CeNotes config={config} theory={theory} />
        ) : (
          theory?.loss === 'mse' && <Minority config={config} theory={theory} />
        )
      }
    >
      {config.loss === 'ce' && !theory && (
        <p className="panel-sub" data-testid="ce-no-theory">
          Cross-entropy on imbalanced classes has no closed form: nothing to draw here. The NC panel
          still measures the collapse.
        </p>
      )}
      <TheoryFigure />
    </Panel>
  );
}

/** Scrolls the panel to its minority-collapse chart (below the four comparisons). */
function showMinority(): void {
  document
    .querySelector('[data-testid="minority-section"]')
    ?.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

function TheoryFigure() {
  return (
    <PlotFigure
      build={buildTheory}
      watch={(s) => [s.lastReport, s.theory]}
      height={380}
      // four subplots with two-line labels: under 250 px their titles ran into the labels
      minHeight={250}
      label="Per-class measured values against closed-form predictions"
    />
  );
}

function CeNotes({ config, theory: t }: { config: UfmConfig; theory: CeUfmTheory }) {
  const K = config.classSizes.length;
  return (
    <>
      <h3 className="sub-head">Cross-entropy closed form</h3>
      <p className="panel-sub">
        Balanced cross-entropy{t.labelSmoothing > 0 && ' with label smoothing'}: a simplex ETF at
        every layer, with or without a bias (Dang et al. 2023; Zhu et al. 2021 for one layer). The
        margin z minimises φ(z) = log(1 + (K−1)e^(−z)) + α(K−1)/K·z + c·z^(2/(M+1)).
      </p>
      {!t.etfGuaranteedGlobal && (
        <p className="panel-sub" data-testid="ce-low-rank-note">
          With {t.M} layers the ETF is the best configuration of its shape, not always the global
          minimum: at larger λ a lower-rank configuration (fewer than K − 1 non-zero singular
          values) can reach a lower loss, and training may end there, below the dashed f* of the
          Loss panel.
        </p>
      )}
      <table className="values compact" data-testid="ce-theory-table">
        <tbody>
          <tr>
            <th scope="row">c = (M+1)(K−1)/2 · (nλ_H)^(1/(M+1)) λ_W^(M/(M+1))</th>
            <td>{fmt(t.coefficient, 4)}</td>
          </tr>
          <tr>
            <th scope="row">margin z (logit of own class minus the others)</th>
            <td>{fmt(t.margin, 5)}</td>
          </tr>
          <tr>
            <th scope="row">layer singular values s (×{K - 1})</th>
            <td>{fmt(t.layerScale, 5)}</td>
          </tr>
          <tr>
            <th scope="row">class-mean norm ‖h̄_k‖ = τ√((K−1)/K)</th>
            <td>{fmt(t.classMeanNorms[0], 5)}</td>
          </tr>
          <tr>
            <th scope="row">minimum f* (data + weight decay + feature decay)</th>
            <td>
              {fmt(t.lossMin, 6)} = {fmt(t.lossTerms.data, 4)} + {fmt(t.lossTerms.weightDecay, 4)} +{' '}
              {fmt(t.lossTerms.featureDecay, 4)}
            </td>
          </tr>
          <tr>
            <th scope="row">closed form</th>
            <td>
              {t.margin === 0
                ? t.localMargin > 0
                  ? 'collapses to 0 (a positive margin is only a local minimum)'
                  : 'collapses to 0 (the decays are too strong)'
                : 'survives'}
            </td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

/**
 * The minority-collapse chart and its table, one scroll of the panel below the four comparisons:
 * both figures in the panel's height left each too short on a 1366×768 screen (the chart ran
 * past the panel's bottom).
 */
function Minority({ config, theory }: { config: UfmConfig; theory: MseUfmTheory }) {
  return (
    <section data-testid="minority-section" aria-labelledby="minority-title">
      <h3 className="sub-head" id="minority-title">
        Minority collapse
      </h3>
      <p className="panel-sub">
        A class (bias-free) or direction (with bias) survives when b̃/a_k is below the global-minimum
        threshold; above it the global minimiser sends it to 0.
      </p>
      <PlotFigure
        build={buildMinority}
        watch={(s) => s.theory}
        height={220}
        // below the panel's figures: its own height, not a share
        share={0}
        minHeight={220}
        label="Ratio b over a_k per class against the collapse thresholds"
      />
      <MinorityTable config={config} theory={theory} />
    </section>
  );
}

function MinorityTable({ config, theory: t }: { config: UfmConfig; theory: MseUfmTheory }) {
  const labels = directionLabels(config, t);
  const zero = new Set(t.zeroDirections);
  return (
    <table className="values compact" data-testid="minority-table">
      <caption>
        b̃ = M N λ_W (N λ_H)^(1/M) = {fmt(t.b, 4)}; thresholds on b̃/a_k: global min{' '}
        {fmt(t.thresholdRatioGlobalMin, 4)}
        {t.M > 1 && <>, positive root {fmt(t.thresholdRatioPositiveRoot, 4)}</>}
      </caption>
      <thead>
        <tr>
          <th scope="col">{config.bias ? 'direction' : 'class'}</th>
          <th scope="col">b̃/a_k</th>
          <th scope="col">x_k</th>
          <th scope="col">t_k = σ_k²</th>
          <th scope="col">critical λ_W</th>
          <th scope="col">closed form</th>
        </tr>
      </thead>
      <tbody>
        {labels.map((label, i) => (
          <tr key={label} className={zero.has(i) ? 'row-zero' : undefined}>
            <th scope="row">{label}</th>
            <td>{absorbed(t, i) ? '—' : fmt(t.ratios[i], 4)}</td>
            <td>{fmt(t.x[i], 4)}</td>
            <td>{fmt(t.t[i], 4)}</td>
            <td>{absorbed(t, i) ? '—' : fmt(t.criticalLambdaW[i], 3)}</td>
            <td>
              {absorbed(t, i)
                ? 'the 1-direction, absorbed by the bias'
                : zero.has(i)
                  ? t.xPositiveButNotGlobal[i]
                    ? 'collapses to 0 (a positive root exists but is only a local minimum)'
                    : 'collapses to 0'
                  : 'survives'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
