import type * as PlotlyNS from 'plotly.js';

/**
 * plotly.js-dist-min is 1.4 MB gzip: it is loaded once, on demand, after first paint, and shared
 * by every panel.
 */
export type Plotly = typeof PlotlyNS;
export type { Data, Layout, Config } from 'plotly.js';

let loading: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  loading ??= import('plotly.js-dist-min').then(
    (m) => ((m as { default?: Plotly }).default ?? m) as Plotly,
  );
  return loading;
}
