import { useMemo, useState } from 'react';
import type { ReportKey } from '../../engine/metrics/reportKeys';
import type { RunShape } from '../../engine/session/types';
import type { Data, Layout } from '../plotly';
import { depthColor, fmt, forLog, layerValue, scalar, trailingZerosFrom } from '../format';
import { historySeries } from '../history';
import { OverlayBar } from '../runs/OverlayBar';
import { panelOverlay, useOverlayRevision, type PanelOverlay } from '../runs/panelOverlay';
import { useLab, type LabState } from '../store';
import {
  TARGET_KEYS,
  TARGET_LABEL,
  rightTarget,
  targetReason,
  type TargetKind,
} from '../../engine/metrics/targets';
import { FigureCell, FigureGrid, FigureLegend, type LegendEntry } from './FigureGrid';
import { Panel } from './Panel';
import { logAxis, zeroNote } from './logAxis';
import { PlotFigure, type Figure } from './PlotFigure';
import { MetricTerm } from '../guide/MetricTerm';

interface Metric {
  title: string;
  /** Plain key (depth 1, and the l = 0 value) and per-layer key (depth > 1), if any. */
  key: ReportKey;
  deepKey: ReportKey | null;
  log: boolean;
}

function metricsFor(kind: TargetKind): Metric[] {
  const t = TARGET_KEYS[kind];
  return [
    { title: 'NC1  Tr(Σ_W Σ_B⁺)/K', key: 'nc1_pinv', deepKey: 'deep_nc1_pinv', log: true },
    {
      title: `NC2 classifier → ${TARGET_LABEL[kind]}`,
      key: t.nc2W,
      deepKey: t.deep?.nc2W ?? null,
      log: true,
    },
    {
      title: `NC2 class means → ${TARGET_LABEL[kind]}`,
      key: t.nc2H,
      deepKey: t.deep?.nc2H ?? null,
      log: true,
    },
    { title: 'NC3 W H̄ᵀ vs target', key: t.nc3WH, deepKey: t.deep?.nc3WH ?? null, log: true },
    {
      title: 'NC3 self-duality ‖W/‖W‖ − H̄/‖H̄‖‖',
      key: t.nc3Dual,
      deepKey: t.deep?.nc3Dual ?? null,
      log: true,
    },
  ];
}

const NC4: { key: ReportKey; name: string; color: string }[] = [
  { key: 'nc4_ncc_mismatch_train', name: 'NC4 NCC mismatch', color: '#e15759' },
  { key: 'net_accuracy_train', name: 'net accuracy', color: '#4e79a7' },
  { key: 'ncc_accuracy_train', name: 'NCC accuracy', color: '#59a14f' },
  // Networks also measure a test split (dashed); the UFM has none, so these stay hidden.
  { key: 'nc4_ncc_mismatch_test', name: 'NC4 NCC mismatch (test)', color: '#e15759' },
  { key: 'net_accuracy_test', name: 'net accuracy (test)', color: '#4e79a7' },
];

/** The most y labels a small figure gets (more overlapped, "0.55 0.5", at 1366×768). */
const NC_TICKS = 4;

/** The panel's six small figures: one per metric of `metricsFor`, then NC4 with accuracies. */
const SUBPLOTS = 6;
const NC4_INDEX = 5;

/**
 * One of the panel's figures (`index` < 5: a metric of `metricsFor(kind)`, 5: NC4 and the
 * accuracies). Six small figures instead of one with six subplots: Plotly redraws a whole figure
 * for any new point, and the six-subplot figure cost 100–140 ms a redraw on a loaded 2-core
 * machine (a long task every time); a one-subplot figure costs a sixth of that.
 */
export function buildNcFigure(s: LabState, kind: TargetKind, index: number): Figure | null {
  const entries = s.history.entries;
  const report = s.lastReport;
  if (!entries.length || !report) return null;
  const { depth: M, unit } = report.shape;
  // Kept runs ticked in the Runs tab share the axes: the live run goes onto their x axis.
  const overlay = panelOverlay(s);
  const stepsPerUnit = overlay?.livePer ?? report.shape.stepsPerUnit;
  const total = Math.max(
    report.totalSteps / stepsPerUnit,
    entries[entries.length - 1].step / stepsPerUnit,
  );
  const mode = entries.length > 1 ? 'lines' : 'markers';
  const bottom = index >= 4;
  // The live run's colours are named in the panel's legend, the kept runs' in the overlay bar.
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: `nc-${kind}-${index}`,
    showlegend: false,
    margin: { l: 50, r: 16, t: 4, b: bottom ? 34 : 20 },
    xaxis: xAxis(overlay, bottom ? unit : null, total),
  };
  const data: Data[] = [];
  if (index === NC4_INDEX) {
    for (const t of NC4) {
      if (!entries.some((e) => scalar(e.metrics, t.key) !== null)) continue;
      data.push({
        type: 'scatter',
        mode,
        name: t.name,
        showlegend: false,
        ...historySeries(entries, stepsPerUnit, (metrics) => scalar(metrics, t.key)),
        line: { color: t.color, width: 1.4, dash: nc4Dash(t.key) },
        hovertemplate: `${t.name}: %{y:.3f}<extra>${unit} %{x}</extra>`,
      });
    }
    if (overlay) data.push(...overlay.traces('net_accuracy_train', null, { showlegend: false }));
    layout.yaxis = { range: [-0.05, 1.05] };
    return { data, layout };
  }
  const m = metricsFor(kind)[index];
  const deepKey = M > 1 ? m.deepKey : null;
  const ys: (number | null)[] = [];
  const zeros: string[] = [];
  for (let l = 0; l < (deepKey ? M : 1); l++) {
    const raw = historySeries(entries, stepsPerUnit, (metrics) =>
      deepKey ? layerValue(metrics, deepKey, l) : scalar(metrics, m.key),
    );
    const { x } = raw;
    const y = raw.y.map(forLog);
    ys.push(...y);
    const from = trailingZerosFrom(raw.y);
    if (from !== null) zeros.push(`${M > 1 ? `l = ${l}: ` : '= '}0 from ${unit} ${fmt(x[from])}`);
    const name = layerName(l, M);
    data.push({
      type: 'scatter',
      mode,
      name,
      legendgroup: name,
      showlegend: false,
      x,
      y,
      line: { color: depthColor(l, M), width: 1.4 },
      marker: { color: depthColor(l, M), size: 4 },
      hovertemplate: `${name}: %{y:.3g}<extra>${unit} %{x}</extra>`,
    });
  }
  if (overlay) data.push(...overlay.traces(m.key, m.deepKey, { positive: overlay.logY }));
  const linear = overlay !== null && !overlay.logY;
  // Some 70 px of plot on a 1366×768 screen: four labels at most.
  layout.yaxis = linear ? { type: 'linear', nticks: NC_TICKS } : logAxis(ys, NC_TICKS);
  if (zeros.length > 0 && !linear) layout.annotations = [zeroNote(zeros)];
  return { data, layout };
}

function layerName(l: number, M: number): string {
  return M > 1 ? `l = ${l}${l === 0 ? ' (H)' : ''}` : 'last layer';
}

function nc4Dash(key: ReportKey): 'dash' | 'solid' | 'dot' {
  return key.endsWith('_test') ? 'dash' : key === 'nc4_ncc_mismatch_train' ? 'solid' : 'dot';
}

/** A figure's x axis: the live run's unit from 0 to its end, or the overlay's axis. */
function xAxis(
  overlay: PanelOverlay | null,
  title: string | null,
  total: number,
): Partial<Layout['xaxis']> {
  if (!overlay)
    return { title: title ? { text: title } : undefined, zeroline: false, range: [0, total] };
  return {
    title: title ? { text: overlay.xTitle } : undefined,
    type: overlay.logX ? ('log' as const) : ('linear' as const),
    zeroline: false,
  };
}

/** A figure's title: the metric, and "(l = 0 only)" where a deep run has no per-layer key. */
function figureTitle(kind: TargetKind, index: number, M: number): string {
  if (index === NC4_INDEX) return 'NC4 and accuracy (train; test dashed)';
  const m = metricsFor(kind)[index];
  return M > 1 && m.deepKey === null ? `${m.title} (l = 0 only)` : m.title;
}

export function NcPanel() {
  const config = useLab((s) => s.lastReport?.shape ?? null);
  const [choice, setChoice] = useState<'auto' | TargetKind>('auto');
  const auto = config ? rightTarget(config) : 'etf';
  const kind = choice === 'auto' ? auto : choice;
  const overlay = useOverlayRevision();
  const revision = useMemo(() => [kind, overlay], [kind, overlay]);
  return (
    <Panel
      testId="panel-nc"
      title="Neural-collapse metrics"
      wide
      subtitle={
        <>
          <span className="target-badge" data-testid="nc-target">
            target: {TARGET_LABEL[kind]}
          </span>{' '}
          {choice === 'auto' || choice === auto ? (
            config && <>({targetReason(config)})</>
          ) : (
            <span className="warn-text">
              not the optimum of this config ({TARGET_LABEL[auto]} is)
            </span>
          )}
          {config && config.depth > 1 && kind === 'gof' && (
            // short: the panel's head takes the height its three rows of figures need
            <> · GOF curves: l = 0 (H) only, no per-layer GOF keys</>
          )}
        </>
      }
      below={<CurrentValues kind={kind} config={config} />}
      actions={
        <label className="inline-field">
          Compare with{' '}
          <select value={choice} onChange={(e) => setChoice(e.target.value as 'auto' | TargetKind)}>
            <option value="auto">the right target ({TARGET_LABEL[auto]})</option>
            <option value="etf">simplex ETF (*_etf_*)</option>
            <option value="identity">orthogonal frame (*_identity_*)</option>
            <option value="gof">general orthogonal frame (gof_*)</option>
          </select>
        </label>
      }
    >
      {overlay && <OverlayBar />}
      <NcLegend kind={kind} config={config} />
      <FigureGrid cols={2} rows={3} height={560}>
        {Array.from({ length: SUBPLOTS }, (_, i) => {
          const title = figureTitle(kind, i, config?.depth ?? 1);
          return (
            <FigureCell key={i} title={title}>
              <PlotFigure
                build={(s) => buildNcFigure(s, kind, i)}
                watch={(s) => s.historyVersion}
                revision={revision}
                height={150}
                label={`${title} against ${config?.unit ?? 'step'}${i < NC4_INDEX ? ', log scale' : ''}, measured against the ${TARGET_LABEL[kind]}`}
              />
            </FigureCell>
          );
        })}
      </FigureGrid>
    </Panel>
  );
}

/** The plotted metrics at the last report, as text (null shows its reason, never 0). */
function CurrentValues({ kind, config }: { kind: TargetKind; config: RunShape | null }) {
  const report = useLab((s) => s.lastReport);
  if (!report || !config) return null;
  const rows = [
    ...metricsFor(kind).map((m) => ({ title: m.title, key: m.key })),
    ...NC4.filter((t) => t.key in report.metrics).map((t) => ({ title: t.name, key: t.key })),
  ];
  return (
    <table className="values" aria-label={`Metric values at step ${report.step}`}>
      <caption>
        At step {report.step}
        {config.depth > 1 && (
          <> (plain keys: l = 0, the features H and the whole product W_M⋯W_1)</>
        )}
      </caption>
      <tbody>
        {rows.map((r) => {
          const v = scalar(report.metrics, r.key);
          const reason = report.undefinedReasons[r.key];
          return (
            <tr key={r.key}>
              <th scope="row">
                <MetricTerm metric={r.key}>
                  {r.title} <code>{r.key}</code>
                </MetricTerm>
              </th>
              <td data-testid={`value-${r.key}`}>
                {v !== null ? (
                  fmt(v, 4)
                ) : (
                  <span className="undefined">undefined: {reason ?? 'not reported'}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The live run's line styles, once for the six figures (a legend in each would crowd them). */
function NcLegend({ kind, config }: { kind: TargetKind; config: RunShape | null }) {
  const report = useLab((s) => s.lastReport);
  if (!config || !report) return null;
  const M = config.depth;
  const layers = M > 1 && metricsFor(kind).some((m) => m.deepKey !== null) ? M : 0;
  const entries: LegendEntry[] = [
    ...Array.from({ length: layers }, (_, l) => ({
      key: `l${l}`,
      label: layerName(l, M),
      color: depthColor(l, M),
    })),
    ...NC4.filter((t) => scalar(report.metrics, t.key) !== null).map((t) => ({
      key: t.key,
      label: t.name,
      color: t.color,
      line: nc4Dash(t.key),
    })),
  ];
  return <FigureLegend entries={entries} label="Line styles of the live run" />;
}
