// Orchestration shared by the device and host paths: ask the metric families (families/) what the
// requested keys need, run those passes of an Accumulator, then let each family finish on the
// host in float64.
import { resolveKeys, type MetricSet } from './keys';
import { zeros } from '../core/linalg';
import { pinvProjected, type PinvResult } from './nc1';
import { classStats } from './families/classStats';
import { FAMILIES } from './families';
import type { FamilyContext, InputFacts, MetricFamily, PipelineInput } from './families/family';
import { collectNeeds, planSecondPass, withinReader } from './passPlan';
import { Sink } from './sink';
import type { Accumulator, MetricsResult } from './types';

export type { PipelineInput } from './families/family';

export const DEFAULT_PINV_RTOL = 1e-6;

const MOMENTS_OVERFLOW =
  'not computed: the class means or second moments of the features overflowed (inputs too ' +
  'large in magnitude for the precision; float32 engines hold |x| < 3.4e38, squares < 3.4e38)';

export async function runPipeline(
  acc: Accumulator,
  inp: PipelineInput,
  set: MetricSet = 'core',
  families: readonly MetricFamily[] = FAMILIES,
): Promise<MetricsResult> {
  const { K, labels } = inp;
  const facts: InputFacts = {
    K,
    hasW: inp.W !== null,
    hasTest: inp.testLabels !== null,
    hasNoise: inp.labelsOriginal !== null && inp.labelsOriginal.some((v, i) => v !== labels[i]),
    hasLayers: inp.depth > 0,
  };
  const keys = resolveKeys(set, {
    K,
    d: acc.d,
    hasTest: facts.hasTest,
    hasLabelNoise: facts.hasNoise,
    hasGof: inp.gof !== null,
    hasLayers: facts.hasLayers,
  });
  const out = new Sink(keys);
  const sinks = new Map(families.map((f) => [f, out.restrictedTo(f.name, f.keys)]));
  const sinkFor = (f: MetricFamily) => sinks.get(f)!;
  const needs = collectNeeds(families, sinkFor, facts);

  const mom = await acc.pass1(needs.noiseSums);
  const stats = classStats(mom, inp.W);
  const diagnostics: MetricsResult['diagnostics'] = {
    sigmaBRank: 0,
    counts: mom.counts.slice(),
    classes: stats.classes,
    emptyClasses: mom.counts.map((v, c) => (v > 0 ? -1 : c)).filter((c) => c >= 0),
    N: mom.N,
    d: mom.d,
    K,
    pinvRtol: inp.rtol,
    batches: mom.batches,
  };
  const context = (rest: Partial<FamilyContext>): FamilyContext => ({
    input: inp,
    facts,
    moments: mom,
    stats,
    layers: null,
    pass2: null,
    testDecisions: null,
    within: () => null,
    sigmaBPinv: () => {
      throw new Error('Σ_B pseudo-inverse asked for before pass 2');
    },
    diagnostics,
    ...rest,
  });
  const early = families.filter((f) => f.beforeChecks);
  const late = families.filter((f) => !f.beforeChecks);
  for (const f of early) f.finish(context({}), sinkFor(f));

  // Every further measure is built on these moments: with one class there is no geometry; with
  // overflowed moments each would be NaN, or worse, a NaN read as "zero" by a rank or degeneracy
  // test and reported with a wrong reason.
  if (stats.Ke < 2) {
    out.nullAll(keys, 'fewer than 2 non-empty classes');
    return out.result(diagnostics);
  }
  if (![stats.traceSw, stats.traceSb, ...stats.globalMean].every(Number.isFinite)) {
    out.nullAll(keys, MOMENTS_OVERFLOW);
    return out.result(diagnostics);
  }

  const layers = needs.layerChain
    ? await acc.deepChain(stats.Mc, stats.globalMean, stats.classes)
    : null;
  const second = planSecondPass(needs, mom, stats, inp, layers);
  const pass2 = second.plan ? await acc.pass2(second.plan) : null;
  const testDecisions =
    needs.testDecisions && second.decisions ? await acc.testDecisions(second.decisions) : null;
  const within = withinReader(second.blocks, pass2?.scatter ?? null, mom.N);
  let pinv: PinvResult | null = null;
  const sigmaBPinv = () =>
    (pinv ??= pinvProjected(stats.gramMc(), within('Mc') ?? zeros(stats.Ke, stats.Ke), inp.rtol));
  // the rank and spectrum of Σ_B are reported whatever was requested
  diagnostics.sigmaBRank = sigmaBPinv().rank;
  diagnostics.sigmaBSpectrum = sigmaBPinv().spectrum;

  const ctx = context({ layers, pass2, testDecisions, within, sigmaBPinv });
  for (const f of late) f.finish(ctx, sinkFor(f));
  out.nullAll(keys, 'not computed for this input');
  return out.result(diagnostics);
}
