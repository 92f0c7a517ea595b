import { useMemo, useState } from 'react';
import type { ReportKey } from '../../engine/metrics/reportKeys';
import type { RunShape } from '../../engine/session/types';
import type { Data, Layout } from '../plotly';
import { depthColor, fmt, forLog, layerValue, scalar } from '../format';
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
import { Panel } from './Panel';
import { PlotFigure, logAxis, subplotTitle, type Figure } from './PlotFigure';
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

function axisNames(i: number): { x: string; y: string; xa: string; ya: string } {
  const n = i === 0 ? '' : String(i + 1);
  return { x: `x${n}`, y: `y${n}`, xa: `xaxis${n}`, ya: `yaxis${n}` };
}

function buildNc(s: LabState, kind: TargetKind): Figure | null {
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
  const data: Data[] = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: `nc-${kind}`,
    grid: { rows: 3, columns: 2, pattern: 'independent', ygap: 0.42, xgap: 0.14 },
    showlegend: true,
    legend: { orientation: 'h', y: -0.1, x: 0, font: { size: 10 } },
    margin: { l: 52, r: 10, t: 26, b: 40 },
    annotations: [],
  };
  const annotations: NonNullable<Layout['annotations']> = [];
  const mode = entries.length > 1 ? 'lines' : 'markers';

  metricsFor(kind).forEach((m, i) => {
    const ax = axisNames(i);
    const deepKey = M > 1 ? m.deepKey : null;
    const perLayer = deepKey !== null;
    const layers = perLayer ? M : 1;
    const ys: (number | null)[] = [];
    for (let l = 0; l < layers; l++) {
      const { x, y } = historySeries(entries, stepsPerUnit, (metrics) =>
        forLog(deepKey ? layerValue(metrics, deepKey, l) : scalar(metrics, m.key)),
      );
      ys.push(...y);
      const name = M > 1 ? `l = ${l}${l === 0 ? ' (H)' : ''}` : 'last layer';
      data.push({
        type: 'scatter',
        mode,
        name,
        legendgroup: name,
        showlegend: i === 0,
        xaxis: ax.x,
        yaxis: ax.y,
        x,
        y,
        line: { color: depthColor(l, M), width: 1.4 },
        marker: { color: depthColor(l, M), size: 4 },
        hovertemplate: `${name}: %{y:.3g}<extra>${unit} %{x}</extra>`,
      });
    }
    if (overlay) {
      const traces = overlay.traces(m.key, m.deepKey, {
        xaxis: ax.x,
        yaxis: ax.y,
        showlegend: i === 0,
        positive: overlay.logY,
      });
      data.push(...traces);
    }
    layout[ax.xa] = xAxis(overlay, i >= 4 ? unit : null, total);
    layout[ax.ya] = overlay && !overlay.logY ? { type: 'linear' } : logAxis(ys);
    annotations.push(subplotTitle(i, perLayer || M === 1 ? m.title : `${m.title} (l = 0 only)`));
  });

  const ax = axisNames(5);
  for (const t of NC4) {
    if (!entries.some((e) => scalar(e.metrics, t.key) !== null)) continue;
    data.push({
      type: 'scatter',
      mode,
      name: t.name,
      xaxis: ax.x,
      yaxis: ax.y,
      ...historySeries(entries, stepsPerUnit, (metrics) => scalar(metrics, t.key)),
      line: {
        color: t.color,
        width: 1.4,
        dash: t.key.endsWith('_test')
          ? 'dash'
          : t.key === 'nc4_ncc_mismatch_train'
            ? 'solid'
            : 'dot',
      },
      hovertemplate: `${t.name}: %{y:.3f}<extra>${unit} %{x}</extra>`,
    });
  }
  if (overlay)
    data.push(
      ...overlay.traces('net_accuracy_train', null, {
        xaxis: ax.x,
        yaxis: ax.y,
        showlegend: false,
      }),
    );
  layout[ax.xa] = xAxis(overlay, unit, total);
  layout[ax.ya] = { range: [-0.05, 1.05] };
  annotations.push(subplotTitle(5, 'NC4 and accuracy (train; test dashed)'));
  layout.annotations = annotations;
  return { data, layout };
}

/** A subplot's x axis: the live run's unit from 0 to its end, or the overlay's axis. */
function xAxis(overlay: PanelOverlay | null, title: string | null, total: number) {
  if (!overlay)
    return { title: title ? { text: title } : undefined, zeroline: false, range: [0, total] };
  return {
    title: title ? { text: overlay.xTitle } : undefined,
    type: overlay.logX ? 'log' : 'linear',
    zeroline: false,
  };
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
            <> · the engine has no per-layer GOF keys, so GOF curves are for l = 0 (H)</>
          )}
        </>
      }
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
      <PlotFigure
        build={(s) => buildNc(s, kind)}
        watch={(s) => s.historyVersion}
        revision={revision}
        height={560}
        label={`Neural-collapse metrics against ${config?.unit ?? 'step'}, log scale, measured against the ${TARGET_LABEL[kind]}`}
      />
      <CurrentValues kind={kind} config={config} />
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
