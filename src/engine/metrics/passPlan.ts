// The passes over the features, planned from what the metric families need: pass 1 always
// (counts, means, second moments), the layer chain, pass 2 only when some requested key needs a
// within-class quantity or the decisions, a test pass only for the test decisions.
import { dot, type Rows } from '../core/linalg';
import type {
  ClassStats,
  InputFacts,
  MetricFamily,
  Needs,
  PipelineInput,
  Projection,
  ProjectionRows,
} from './families/family';
import type { KeySink } from './sink';
import type { ClassMoments, DecisionPlan, DeepLayer, Pass2Plan } from './types';

/** pass 2 stacks the projection blocks in this order (fixed, so a block's numbers never depend
 * on which other families asked for one) */
const PROJECTION_ORDER: readonly Projection[] = ['Mc', 'delta', 'W', 'layers'];

export type PassNeeds = Required<Needs>;

/** The union of the families' needs for the requested keys. */
export function collectNeeds(
  families: readonly MetricFamily[],
  sinkFor: (family: MetricFamily) => KeySink,
  facts: InputFacts,
): PassNeeds {
  const all = families.map((f) => {
    const sink = sinkFor(f);
    return f.needs((...keys) => sink.want(...keys), facts);
  });
  const any = (k: Exclude<keyof Needs, 'projections'>) => all.some((n) => n[k] === true);
  const projections = new Set(all.flatMap((n) => n.projections ?? []));
  return {
    noiseSums: any('noiseSums'),
    layerChain: any('layerChain'),
    projections: PROJECTION_ORDER.filter((p) => projections.has(p)),
    withinScatter: any('withinScatter'),
    distances: any('distances'),
    cleanDistances: any('cleanDistances'),
    trainDecisions: any('trainDecisions'),
    decisionExtras: any('decisionExtras'),
    testDecisions: any('testDecisions'),
  };
}

export interface SecondPass {
  /** what pass 2 accumulates, or null when no requested key needs pass 2 */
  plan: Pass2Plan | null;
  /** the decision rule on the train means (also for the test pass), or null */
  decisions: DecisionPlan | null;
  /** where each block's rows sit in the projection */
  blocks: ReadonlyMap<ProjectionRows, { offset: number; size: number }>;
}

/** Pass 2 (and the test pass) from the needs, once pass 1 fixed the means. */
export function planSecondPass(
  needs: PassNeeds,
  mom: ClassMoments,
  stats: ClassStats,
  input: PipelineInput,
  layers: DeepLayer[] | null,
): SecondPass {
  const { W } = input;
  const blockRows: [ProjectionRows, Rows][] = [];
  for (const p of needs.projections) {
    if (p === 'Mc') blockRows.push(['Mc', stats.Mc]);
    else if (p === 'delta') blockRows.push(['delta', [stats.delta]]);
    else if (p === 'W' && W) blockRows.push(['W', W]);
    else if (p === 'layers' && layers)
      layers.slice(1).forEach((L, i) => blockRows.push([`deep${i + 1}`, L.R]));
  }
  const blocks = new Map<ProjectionRows, { offset: number; size: number }>();
  const projection: Rows = [];
  for (const [name, rows] of blockRows) {
    blocks.set(name, { offset: projection.length, size: rows.length });
    projection.push(...rows);
  }

  let decisions: DecisionPlan | null = null;
  if (needs.trainDecisions || needs.testDecisions) {
    const { ref, counts } = mom;
    decisions = {
      rel: mom.rel,
      W,
      netConst: W ? Float64Array.from(W, (w, c) => dot(w, ref) + (input.b ? input.b[c] : 0)) : null,
      nobiasConst: W ? Float64Array.from(W, (w) => dot(w, ref)) : null,
      nccConst: Float64Array.from(mom.rel, (m, c) => (counts[c] > 0 ? dot(m, m) : Infinity)),
      extras: needs.decisionExtras,
    };
  }
  const noise = mom.noise;
  const cleanRel =
    needs.cleanDistances && noise
      ? Array.from({ length: input.K }, (_, c) => {
          const cnt = noise.pairCounts[c * input.K + c];
          return cnt > 0
            ? noise.pairRelSums[c * input.K + c].map((v) => v / cnt)
            : new Float64Array(stats.d);
        })
      : null;
  const plan: Pass2Plan = {
    rel: mom.rel,
    projection: projection.length > 0 ? projection : null,
    sigmaW: needs.withinScatter,
    distances: needs.distances,
    cleanRel,
    decisions: needs.trainDecisions ? decisions : null,
  };
  const needed =
    plan.projection !== null ||
    plan.sigmaW ||
    plan.distances ||
    plan.cleanRel !== null ||
    plan.decisions !== null;
  return { plan: needed ? plan : null, decisions, blocks };
}

/** R Σ_W Rᵀ over the rows of some blocks, read from pass 2's scatter S (÷ N). */
export function withinReader(
  blocks: SecondPass['blocks'],
  scatter: Rows | null,
  N: number,
): (...names: ProjectionRows[]) => Rows | null {
  return (...names) => {
    if (!scatter) return null;
    const idx: number[] = [];
    for (const name of names) {
      const b = blocks.get(name);
      if (!b) return null;
      for (let a = 0; a < b.size; a++) idx.push(b.offset + a);
    }
    return idx.map((i) => Float64Array.from(idx, (j) => scatter[i][j] / N));
  };
}
