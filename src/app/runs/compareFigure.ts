/**
 * The Runs panel's overlay figure: the ticked runs on one metric, redrawn when the list or the
 * comparison options change (no React).
 */
import type { RunRecord } from '../../engine/runs/record';
import type { FigureSource } from '../panels/PlotFigure';
import { useCompare, type CompareState } from './compareStore';
import { OVERLAY_METRICS, overlayFigure } from './overlay';
import { useRuns, type RunsState } from './runsStore';

interface CompareSnapshot {
  runs: RunsState;
  compare: CompareState;
}

function snapshot(): CompareSnapshot {
  return { runs: useRuns.getState(), compare: useCompare.getState() };
}

/** A store combining the list and the comparison options, for the overlay figure. */
export const compareSource: FigureSource<CompareSnapshot> = {
  getState: snapshot,
  subscribe: (listener: (s: CompareSnapshot, prev: CompareSnapshot) => void) => {
    let prev = snapshot();
    const fire = () => {
      const next = snapshot();
      listener(next, prev);
      prev = next;
    };
    const a = useRuns.subscribe(fire);
    const b = useCompare.subscribe(fire);
    return () => {
      a();
      b();
    };
  },
};

export function buildOverlay(s: CompareSnapshot) {
  const { runs, selected } = s.runs;
  const c = s.compare;
  const metric = OVERLAY_METRICS.find((m) => m.key === c.metric) ?? OVERLAY_METRICS[0];
  const chosen = selected
    .map((id) => runs.find((r) => r.id === id))
    .filter((r): r is RunRecord => !!r && !!c.histories[r.id]);
  return overlayFigure(
    chosen.map((r) => ({
      id: r.id,
      config: r.config,
      history: c.histories[r.id].history,
      stepsPerSecond: r.timing?.stepsPerSecond ?? null,
      totalSteps: r.totalSteps,
    })),
    {
      metric: metric.key,
      deepMetric: c.perLayer ? metric.deep : null,
      x: c.x,
      smoothing: c.smoothing,
      logX: c.logX,
      logY: c.logY,
      title: metric.title,
    },
  );
}
