import type { ReportKey } from '../../engine/metrics/reportKeys';
import type { HistoryEntry } from '../../engine/session/types';
import type { Data } from '../plotly';
import { fmt, forLog, scalar } from '../format';
import { historySeries } from '../history';
import { OverlayBar } from '../runs/OverlayBar';
import { panelOverlay, useOverlayRevision } from '../runs/panelOverlay';
import { useLab, type LabState } from '../store';
import { FigureLegend, type LegendEntry } from './FigureGrid';
import { Panel } from './Panel';
import { logAxis } from './logAxis';
import { PlotFigure, type Figure } from './PlotFigure';

const TERMS = [
  { key: 'loss', name: 'loss f', color: '#1f2933', width: 2 },
  { key: 'loss_mse', name: 'MSE term', color: '#4e79a7', width: 1.2 },
  { key: 'loss_data', name: 'data term (last batch)', color: '#4e79a7', width: 1.2 },
  { key: 'loss_weight_decay', name: 'λ_W/2 Σ‖W_j‖²', color: '#f28e2b', width: 1.2 },
  { key: 'loss_feature_decay', name: 'λ_H/2 ‖H‖²', color: '#59a14f', width: 1.2 },
] as const satisfies readonly { key: ReportKey; name: string; color: string; width: number }[];

/** The loss terms a run has (a log axis cannot draw a term that is always 0, e.g. no decay). */
function termsOf(entries: readonly HistoryEntry[]): (typeof TERMS)[number][] {
  return TERMS.filter((t) => entries.some((e) => (scalar(e.metrics, t.key) ?? 0) > 0));
}

function buildLoss(s: LabState): Figure | null {
  const entries = s.history.entries;
  if (!entries.length) return null;
  const shape = s.lastReport?.shape;
  // Kept runs ticked in the Runs tab share the axes: the live run goes onto their x axis.
  const overlay = panelOverlay(s);
  const per = overlay?.livePer ?? shape?.stepsPerUnit ?? 1;
  const unit = shape?.unit ?? 'step';
  const terms = termsOf(entries);
  const data: Data[] = terms.map((t) => ({
    type: 'scatter',
    mode: entries.length > 1 ? 'lines' : 'markers',
    name: t.name,
    ...historySeries(entries, per, (m) => forLog(scalar(m, t.key))),
    line: { color: t.color, width: t.width },
    hovertemplate: `${t.name}: %{y:.4g}<extra>${unit} %{x}</extra>`,
  }));
  if (overlay) data.push(...overlay.traces('loss', null, { positive: overlay.logY }));
  const lastStep = entries[entries.length - 1].step / per;
  const total = s.lastReport ? s.lastReport.totalSteps / per : lastStep;
  const fmin = s.theory?.lossMin;
  if (fmin !== undefined && fmin > 0) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `closed-form min f* = ${fmt(fmin, 5)}`,
      x: [0, total],
      y: [fmin, fmin],
      line: { color: '#e15759', dash: 'dash', width: 1.5 },
      hoverinfo: 'name',
    });
  }
  const ys = data.flatMap((d) => (d as { y?: (number | null)[] }).y ?? []);
  return {
    data,
    layout: {
      uirevision: overlay ? 'loss-overlay' : 'loss',
      xaxis: overlay
        ? {
            title: { text: overlay.xTitle },
            type: overlay.logX ? 'log' : 'linear',
            zeroline: false,
          }
        : { title: { text: unit }, range: [0, total], zeroline: false },
      yaxis: {
        ...(overlay && !overlay.logY ? { type: 'linear' } : logAxis(ys)),
        title: { text: 'loss' },
      },
      // The live run's terms are named in the panel's HTML legend, kept runs in the overlay bar's.
      showlegend: false,
      margin: { l: 56, r: 16, t: 8, b: 40 },
    },
  };
}

export function LossPanel() {
  const last = useLab((s) => scalar(s.lastReport?.metrics, 'loss'));
  const fmin = useLab((s) => s.theory?.lossMin ?? null);
  const ce = useLab((s) => s.theory?.loss === 'ce');
  const overlay = useOverlayRevision();
  return (
    <Panel
      testId="panel-loss"
      title="Loss"
      subtitle={
        <>
          f = {fmt(last, 5)}
          {fmin !== null && (
            <>
              {' '}
              · closed-form {ce ? 'ETF minimum' : 'global minimum'} f* = {fmt(fmin, 5)} (
              {ce ? 'cross-entropy' : 'MSE'}, Dang et al. 2023)
            </>
          )}
        </>
      }
    >
      {overlay && <OverlayBar />}
      <LossLegend fmin={fmin} />
      <PlotFigure
        build={buildLoss}
        watch={(s) => [s.historyVersion, s.theory]}
        revision={overlay}
        height={300}
        label="Loss against step on a log scale, with the closed-form minimum as a dashed line"
      />
    </Panel>
  );
}

/** The live run's terms and the closed-form minimum, once above the figure. */
function LossLegend({ fmin }: { fmin: number | null }) {
  // A string, so the legend re-renders when the terms change, not with every report.
  const keys = useLab((s) =>
    termsOf(s.history.entries)
      .map((t) => t.key)
      .join(','),
  );
  const entries: LegendEntry[] = TERMS.filter((t) => keys.split(',').includes(t.key)).map((t) => ({
    key: t.key,
    label: t.name,
    color: t.color,
  }));
  if (fmin !== null && fmin > 0)
    entries.push({ key: 'fmin', label: 'closed-form minimum f*', color: '#e15759', line: 'dash' });
  return <FigureLegend entries={entries} label="Lines of the loss figure" />;
}
