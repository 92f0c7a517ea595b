import { useEffect } from 'react';
import type { ReportKey } from '../../engine/metrics/reportKeys';
import type { Data } from '../plotly';
import type { LabState } from '../store';
import { useCompare, watchSelection, type CompareState } from './compareStore';
import { RUN_COLORS, X_TITLES, overlayTraces, type OverlayRun, type XAxisKind } from './overlay';
import { useRuns } from './runsStore';

/**
 * Kept runs ticked in the Runs tab, drawn inside the live panels (loss, NC, memorization–
 * dilation) beside the run on screen: each in its Runs-tab colour, per-layer lines dashed, named
 * by what differs between them, with the Runs tab's smoothing, x axis and log options.
 */
export interface PanelOverlay {
  runs: OverlayRun[];
  x: XAxisKind;
  xTitle: string;
  smoothing: number;
  perLayer: boolean;
  logX: boolean;
  logY: boolean;
  /**
   * The live run's steps per x unit on the overlay's axis (epoch: its steps per epoch; time: its
   * steps per second), so its curves share the axis with the kept runs'.
   */
  livePer: number;
  /** Traces of every kept run for `metric` (per layer from `deepMetric` with _per layer_). */
  traces(
    metric: ReportKey,
    deepMetric: ReportKey | null,
    axes?: { xaxis?: string; yaxis?: string; showlegend?: boolean; positive?: boolean },
  ): Data[];
}

/** The overlay the panels draw now, or null when no kept run is ticked (or none is read yet). */
export function panelOverlay(s: LabState): PanelOverlay | null {
  const { runs, selected } = useRuns.getState();
  const c: CompareState = useCompare.getState();
  const kept: OverlayRun[] = [];
  selected.forEach((id, i) => {
    const record = runs.find((r) => r.id === id);
    const history = c.histories[id]?.history;
    if (!record || !history) return;
    kept.push({
      id,
      config: record.config,
      history,
      stepsPerSecond: record.timing?.stepsPerSecond ?? null,
      totalSteps: record.totalSteps,
      color: RUN_COLORS[i % RUN_COLORS.length],
    });
  });
  if (!kept.length) return null;
  const shape = s.lastReport?.shape;
  const sps = s.lastReport?.timing.stepsPerSecond ?? 0;
  const livePer =
    c.x === 'epoch' && shape?.unit === 'epoch'
      ? shape.stepsPerUnit
      : c.x === 'time' && sps > 0
        ? sps
        : 1;
  return {
    runs: kept,
    x: c.x,
    xTitle: X_TITLES[c.x],
    smoothing: c.smoothing,
    perLayer: c.perLayer,
    logX: c.logX,
    logY: c.logY,
    livePer,
    traces: (metric, deepMetric, axes = {}) =>
      overlayTraces(kept, {
        metric,
        deepMetric: c.perLayer ? deepMetric : null,
        x: c.x,
        smoothing: c.smoothing,
        ...axes,
      }),
  };
}

/**
 * What an overlay figure shows, as one string: the ticked runs whose histories are read (and
 * when each was last written) and the options. A figure redraws when it changes, so a toggle
 * redraws once (when the run's history has been read), not also when the selection changes.
 */
export function overlayKey(selected: readonly string[], c: CompareState): string {
  const drawn = selected
    .filter((id) => c.histories[id])
    .map((id) => `${id}@${c.histories[id].updatedAt}`);
  if (!drawn.length) return '';
  return [drawn.join(','), c.perLayer, c.x, c.smoothing, c.logX, c.logY].join('|');
}

/**
 * For a live panel: keeps the ticked runs' histories read, and returns a value that changes
 * whenever the overlay does (pass it as the PlotFigure's `revision`); null when none is drawn.
 */
export function useOverlayRevision(): string | null {
  const selected = useRuns((s) => s.selected);
  const key = useCompare((c) => overlayKey(selected, c));
  useEffect(() => watchSelection(), []);
  return key || null;
}
