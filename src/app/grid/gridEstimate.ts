import {
  estimateGrid,
  estimateText,
  speedsFromKeptRuns,
  type GridEstimate,
  type KeptRunSpeed,
} from '../../engine/grid/estimate';
import { expandGrid, type ExpandedGrid } from '../../engine/grid/spec';
import { runLibrary } from '../runs/runsStore';
import { useLab } from '../store';

/** The estimate and its one-line text, as the Grid panel and `window.ncLab.gridEstimate` give it. */
export interface PageGridEstimate extends GridEstimate {
  text: string;
}

/**
 * A grid's time on this page, from the kept runs of the same kinds on the backend the grid will
 * use (its base's request, or the lab's backend for `auto`): no calibration run interrupts the
 * page. Kinds no kept run shows take the measured ones' mean; with none, it says so.
 */
export function estimateFromKept(
  grid: ExpandedGrid,
  kept: readonly KeptRunSpeed[],
  labBackend: string | null,
): PageGridEstimate {
  const request = grid.base.backend;
  const backend = request === 'auto' ? labBackend : request;
  const how = backend ? `from kept runs on ${backend}` : 'the backend is not known yet';
  const estimate = estimateGrid(grid, backend ? speedsFromKeptRuns(kept, backend) : new Map(), how);
  return { ...estimate, text: estimateText(estimate) };
}

/** Expand a spec (refused above its member limit, naming it) and estimate it from the run library. */
export async function estimateOnPage(spec: unknown): Promise<PageGridEstimate> {
  const grid = expandGrid(spec);
  const { runs } = await runLibrary.list();
  return estimateFromKept(grid, runs, useLab.getState().backend?.backend ?? null);
}
