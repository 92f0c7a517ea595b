import type { SearchTrial } from '../../engine/search/protocol';
import type { Data, Layout } from '../plotly';
import { logAxis } from '../panels/logAxis';
import { subplotTitle, type Figure } from '../panels/PlotFigure';
import type { GridState } from './gridStore';

const done = (trials: SearchTrial[]) => trials.filter((t) => t.value !== null);

/**
 * The held-out accuracy per trial with the best so far, then the accuracy against each searched
 * parameter (log axis for log-uniform parameters and positive numbers spanning over a decade).
 */
export function buildTrials(s: Pick<GridState, 'search'>): Figure | null {
  const trials = s.search.trials;
  if (!trials.length) return null;
  const ok = done(trials);
  let best = -Infinity;
  const bestSoFar = trials.map((t) => (best = Math.max(best, t.value ?? -Infinity)));
  const params = Object.keys(trials[0].params);
  const n = params.length + 1;
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'trial',
      x: ok.map((t) => t.index + 1),
      y: ok.map((t) => t.value),
      marker: { color: '#4e79a7', size: 7 },
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'best so far',
      x: trials.map((t) => t.index + 1),
      y: bestSoFar.map((v) => (Number.isFinite(v) ? v : null)),
      line: { color: '#e15759', shape: 'hv' },
    },
  ];
  const layout: Partial<Layout> = {
    grid: { rows: 1, columns: n, pattern: 'independent' },
    annotations: [subplotTitle(0, 'held-out accuracy per trial')],
    showlegend: false,
    margin: { l: 50, r: 10, t: 24, b: 40 },
  };
  const axes = layout as Record<string, unknown>;
  params.forEach((p, i) => {
    const k = String(i + 2);
    const xs = ok.map((t) => t.params[p]);
    const nums = xs.filter((v): v is number => typeof v === 'number');
    const positive = nums.length === xs.length && nums.every((v) => v > 0);
    // log-uniform parameters always; others when their values span more than a decade
    const log =
      positive &&
      (s.search.plan.logScale.includes(p) || Math.max(...nums) / Math.min(...nums) > 10);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: p,
      x: xs,
      y: ok.map((t) => t.value),
      xaxis: `x${k}`,
      yaxis: `y${k}`,
      marker: { color: '#59a14f', size: 7 },
    } as Data);
    axes[`xaxis${k}`] = { title: { text: p }, ...(log ? logAxis(nums) : {}) };
    (layout.annotations as unknown[]).push(subplotTitle(i + 1, `accuracy against ${p}`));
  });
  // whole trials only: no ticks at 1.5, 2.5
  axes.xaxis = {
    title: { text: 'trial' },
    tick0: 1,
    dtick: Math.max(1, Math.ceil(trials.length / 8)),
  };
  return { data, layout };
}
