/** What the Runs panel lists: each run's key fields, the filter and the sort (no React). */
import type { RunRecord } from '../../engine/runs/record';

export type SortKey = 'date' | 'name' | 'nc1' | 'step';

/** The config fields worth a glance in the list. */
export function keyFields(r: RunRecord): string {
  const c = r.config;
  if (c.experiment === 'ufm')
    return `K=${c.classSizes.length} d=${c.hidden} M=${c.depth} ${c.bias ? 'bias' : 'no bias'} ${c.optimizer} lr=${c.lr}`;
  return `${c.model} ${c.dataset} M=${c.depthLinear} ${c.loss} ${c.optimizer} lr=${c.lr} η=${c.labelNoise}`;
}

const ORDER: Record<SortKey, (a: RunRecord, b: RunRecord) => number> = {
  date: (a, b) => b.createdAt - a.createdAt,
  name: (a, b) => a.name.localeCompare(b.name),
  // runs without a final NC1 last
  nc1: (a, b) => (a.summary?.nc1 ?? Infinity) - (b.summary?.nc1 ?? Infinity),
  step: (a, b) => b.step - a.step,
};

/**
 * The runs whose name, status, kind, key fields or tags contain `filter` (case aside), in the
 * order `sort` asks for.
 */
export function listRuns(runs: readonly RunRecord[], filter: string, sort: SortKey): RunRecord[] {
  const f = filter.trim().toLowerCase();
  const match = (r: RunRecord) =>
    !f ||
    [r.name, r.status, r.config.experiment, keyFields(r), ...r.tags]
      .join(' ')
      .toLowerCase()
      .includes(f);
  return runs.filter(match).sort(ORDER[sort]);
}
