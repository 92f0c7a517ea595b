import { findPreset } from '../../engine/config/presets';
import { expectUfm } from '../../engine/config/schema';
import type { HistoryEntry } from '../../engine/session/types';
import { overlayFigure, type OverlayRun } from './overlay';

/**
 * `runs` kept 30 000-step UFM runs of seed 000's balanced M = 3 preset (301 reports; loss, NC1
 * per layer, NC2, NC3 and accuracy), each of another seed: what the overlay benches draw.
 */
export function syntheticUfmRuns(runs: number): OverlayRun[] {
  const base = expectUfm(findPreset('seed-balanced-bias-m3')?.config ?? (null as never));
  return Array.from({ length: runs }, (_, r) => {
    const history = Array.from({ length: 301 }, (_, i): HistoryEntry => {
      const v = Math.exp(-i / 50) * (1 + r / runs);
      return {
        step: i * 100,
        metrics: {
          loss: v,
          nc1_pinv: v,
          deep_nc1_pinv: [v, v / 2, v / 3],
          nc2_etf_error_means: v / 4,
          nc2_etf_error_weights: v / 5,
          nc3_wh_etf_error: v / 6,
          nc3_self_duality_papyan: v / 7,
          net_accuracy_train: 1 - v / 2,
        },
      };
    });
    return {
      id: String(r),
      config: { ...base, seed: r + 1 },
      history,
      stepsPerSecond: 1000,
      totalSteps: 30_000,
    };
  });
}

/**
 * Time to build the overlay figure's data for `runs` kept 30 000-step UFM runs (301 reports,
 * per-layer NC1 over M = 3, smoothing on): the page's own share of a toggle, before Plotly draws.
 */
export function benchOverlayBuild(
  runs = 50,
  repeats = 5,
): { runs: number; points: number; ms: number } {
  const kept = syntheticUfmRuns(runs);
  let ms = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    overlayFigure(kept, {
      metric: 'nc1_pinv',
      deepMetric: 'deep_nc1_pinv',
      x: 'step',
      smoothing: 0.6,
      logX: false,
      logY: true,
      title: 'NC1',
    });
    ms = Math.min(ms, performance.now() - t);
  }
  return { runs, points: runs * 301 * 3, ms };
}
