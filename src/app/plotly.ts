import type * as PlotlyNS from 'plotly.js';
import type { Data } from 'plotly.js';
import { STARTUP_MARKS, markStartup } from '../worker/startupMarks';

/**
 * plotly.js in two partial bundles, each loaded on demand and shared by every panel: `basic`
 * (scatter, bar; ~1.2 MB, what the first charts need) and `cartesian` (adds heatmap). The full
 * bundle was 4.6 MB, and the first curve waited for all of it. No WebGL bundle: the 3-D view is
 * projected by hand onto a 2-D scatter (panels/projection3d.ts), since a scatter3d redraw took
 * most of a second on a software WebGL adapter.
 */
export type Plotly = typeof PlotlyNS;
export type { Data, Layout, Config } from 'plotly.js';

export type PlotlyBundle = 'basic' | 'cartesian';

/** The bundles that can draw each trace type the lab uses (a trace without `type` is a scatter). */
const TRACE_BUNDLES: Record<string, readonly PlotlyBundle[]> = {
  scatter: ['basic', 'cartesian'],
  bar: ['basic', 'cartesian'],
  heatmap: ['cartesian'],
};

/** The smallest bundle that draws every trace of a figure. */
export function bundleFor(data: readonly Data[]): PlotlyBundle {
  let options: readonly PlotlyBundle[] = ['basic', 'cartesian'];
  for (const trace of data) {
    const type = (trace as { type?: string }).type ?? 'scatter';
    const can = TRACE_BUNDLES[type];
    if (!can)
      throw new Error(
        `plot trace type '${type}' is in none of the lab's plotly bundles (it draws ${Object.keys(TRACE_BUNDLES).join(', ')})`,
      );
    options = options.filter((b) => can.includes(b));
  }
  if (options.length === 0)
    throw new Error(
      `no single plotly bundle draws all of: ${data.map((t) => (t as { type?: string }).type ?? 'scatter').join(', ')}`,
    );
  return options[0];
}

const loading = new Map<PlotlyBundle, Promise<Plotly>>();

const IMPORTS: Record<PlotlyBundle, () => Promise<unknown>> = {
  basic: () => import('plotly.js-basic-dist-min'),
  cartesian: () => import('plotly.js-cartesian-dist-min'),
};

export function loadPlotly(bundle: PlotlyBundle = 'basic'): Promise<Plotly> {
  let p = loading.get(bundle);
  if (!p) {
    p = IMPORTS[bundle]().then((m) => {
      if (bundle === 'basic') markStartup(STARTUP_MARKS.plotlyBasic);
      return ((m as { default?: Plotly }).default ?? m) as Plotly;
    });
    // a failed download may be retried by the next figure
    p.catch(() => loading.delete(bundle));
    loading.set(bundle, p);
  }
  return p;
}
