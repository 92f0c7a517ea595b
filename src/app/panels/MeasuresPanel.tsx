import { twinKey, type NetworkKey } from '../../engine/metrics/reportKeys';
import type { Data, Layout } from '../plotly';
import { fmt, forLog, scalar, trailingZerosFrom } from '../format';
import { historySeries } from '../history';
import type { LabState } from '../store';
import type { RunStatus } from '../../engine/session/types';
import { Panel } from './Panel';
import { logAxis, zeroNote } from './logAxis';
import { PlotFigure, subplotTitle, type Figure } from './PlotFigure';

/**
 * Measures the engine reports that the other panels do not draw (Nguyen et al. 2023 plot them):
 * the within- and between-class scatter traces, NC1 on the logits, the calibration error, and
 * Zhu et al.'s NC4 ‖Wμ_G + b‖. A subplot whose keys this run does not report says so.
 */
interface Series {
  key: NetworkKey;
  name: string;
  color: string;
  dash?: 'dash';
}

interface Subplot {
  title: string;
  log: boolean;
  series: Series[];
}

const SUBPLOTS: Subplot[] = [
  {
    title: 'tr Σ_W and tr Σ_B (train)',
    log: true,
    series: [
      { key: 'trace_sigma_w', name: 'tr Σ_W', color: '#4e79a7' },
      { key: 'trace_sigma_b', name: 'tr Σ_B', color: '#f28e2b' },
    ],
  },
  {
    title: 'NC1 on the logits (train)',
    log: true,
    series: [{ key: 'md_nc1_logits_pinv', name: 'NC1 logits', color: '#59a14f' }],
  },
  {
    title: 'ECE, 15 bins (train; test dashed)',
    log: false,
    series: [
      { key: 'md_ece15_train', name: 'ECE train', color: '#e15759' },
      { key: 'md_test_ece15', name: 'ECE test', color: '#e15759', dash: 'dash' },
    ],
  },
  {
    title: 'NC4 of Zhu et al.: ‖W μ_G + b‖',
    log: true,
    series: [{ key: 'nc_bias_wmug_plus_b', name: '‖Wμ_G + b‖', color: '#76b7b2' }],
  },
];

export function buildMeasures(s: LabState): Figure | null {
  const entries = s.history.entries;
  if (!entries.length) return null;
  const shape = s.lastReport?.shape;
  const per = shape?.stepsPerUnit ?? 1;
  const unit = shape?.unit ?? 'step';
  const paired = entries.some((e) => scalar(e.metrics, 'twin.loss') !== null);
  const data: Data[] = [];
  const annotations: NonNullable<Layout['annotations']> = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: 'measures',
    grid: { rows: 2, columns: 2, pattern: 'independent', ygap: 0.4, xgap: 0.14 },
    legend: { orientation: 'h', y: -0.18, x: 0, font: { size: 10 } },
    margin: { l: 52, r: 12, t: 26, b: 60 },
  };
  SUBPLOTS.forEach((sub, i) => {
    const n = i === 0 ? '' : String(i + 1);
    const ys: (number | null)[] = [];
    const zeros: string[] = [];
    const measuredAt = new Set<number>();
    for (const sr of sub.series) {
      for (const twin of paired ? [false, true] : [false]) {
        const key = twin ? twinKey(sr.key) : sr.key;
        const { x, y } = historySeries(entries, per, (m) => scalar(m, key));
        if (y.every((v) => v === null)) continue;
        ys.push(...y);
        y.forEach((v, j) => v !== null && measuredAt.add(x[j]));
        const from = sub.log ? trailingZerosFrom(y) : null;
        if (from !== null)
          zeros.push(`${sr.name}${twin ? ' (twin)' : ''} = 0 from ${unit} ${fmt(x[from])}`);
        data.push({
          type: 'scatter',
          // Markers too: some keys arrive only with the end-of-run (full) report.
          mode: 'lines+markers',
          marker: { size: 4, color: sr.color },
          name: twin ? `${sr.name} (twin)` : sr.name,
          xaxis: `x${n}`,
          yaxis: `y${n}`,
          x,
          y: sub.log ? y.map(forLog) : y,
          line: {
            color: sr.color,
            width: 1.5,
            dash: sr.dash ?? (twin ? 'dot' : 'solid'),
          },
          hovertemplate: `${sr.name}${twin ? ' (twin)' : ''}: %{y:.4g}<extra>${unit} %{x}</extra>`,
        });
      }
    }
    layout[`xaxis${n}`] = { title: { text: unit }, zeroline: false };
    layout[`yaxis${n}`] = sub.log ? logAxis(ys) : { rangemode: 'tozero' };
    annotations.push(subplotTitle(i, measuresTitle(sub.title, [...measuredAt], s.status, unit)));
    if (zeros.length > 0) annotations.push(zeroNote(zeros, n));
  });
  layout.annotations = annotations;
  return { data, layout };
}

/**
 * A subplot's title, saying when its keys are measured if the curve alone would not: keys
 * outside the run's streaming reports come only with the full report at its last step, which
 * a stopped run never gets, and one dot at the right edge reads as a glitch unless named.
 */
export function measuresTitle(
  title: string,
  measuredAt: readonly number[],
  status: RunStatus,
  unit: string,
): string {
  if (measuredAt.length === 1) return `${title}: measured once, at ${unit} ${measuredAt[0]}`;
  if (measuredAt.length > 1) return title;
  if (status === 'running' || status === 'paused')
    return `${title}: measured when the run completes`;
  if (status === 'completed') return `${title}: not measured for this run`;
  return `${title}: measured only when a run completes`;
}

export function MeasuresPanel() {
  return (
    <Panel
      testId="panel-measures"
      title="More measures"
      subtitle="Within- and between-class scatter, NC1 on the logits and calibration (label-noise runs, as Nguyen et al. 2023 plot them), and Zhu et al.'s NC4 bias term; the twin of a paired run dotted."
    >
      <PlotFigure
        build={buildMeasures}
        watch={(s) => [s.historyVersion]}
        height={380}
        label="Scatter traces, NC1 on the logits, ECE and the NC4 bias term against training time"
      />
    </Panel>
  );
}
