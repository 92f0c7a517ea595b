// The pipeline runs only the passes the requested keys need (issue 11 part 3): an accumulator
// that records its calls stands between the pipeline and the float64 host accumulator.
import { describe, expect, it } from 'vitest';
import { HostAccumulator } from './accumulate-host';
import { classStats } from './families/classStats';
import { FAMILIES } from './families';
import type { InputFacts, PipelineInput } from './families/family';
import type { MetricKey, MetricSet } from './keys';
import { collectNeeds, planSecondPass } from './passPlan';
import { DEFAULT_PINV_RTOL, runPipeline } from './pipeline';
import { Sink } from './sink';
import type {
  Accumulator,
  ClassMoments,
  DecisionPlan,
  Decisions,
  DeepLayer,
  Pass2Out,
  Pass2Plan,
} from './types';
import type { Rows } from '../core/linalg';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

const K = 3;
const d = 5;
const N = 30;
const r = rng(11);
const rows = (m: number, n: number, s = 1): Rows =>
  Array.from({ length: m }, () => Float64Array.from({ length: n }, () => s * r()));
const centres = rows(K, d, 4);
const labels = Int32Array.from({ length: N }, (_, i) => i % K);
const features = Array.from(labels, (c) => Float64Array.from(centres[c], (v) => v + r()));
const W = rows(K, d);
const testLabels = Int32Array.from({ length: 9 }, (_, i) => i % K);
const testFeatures = Array.from(testLabels, (c) => Float64Array.from(centres[c], (v) => v + r()));
// every fifth sample was relabelled
const labelsOriginal = Int32Array.from(labels, (c, i) => (i % 5 === 0 ? (c + 1) % K : c));
const layers = [rows(d, d, 0.5), rows(K, d, 0.5)];

interface Given {
  W?: boolean;
  test?: boolean;
  noise?: boolean;
  layers?: boolean;
}

/** Records what the pipeline asked of the accumulator. */
class RecordingAccumulator implements Accumulator {
  readonly pass1Calls: boolean[] = [];
  readonly pass2Plans: Pass2Plan[] = [];
  deepChainCalls = 0;
  testCalls = 0;
  constructor(private readonly inner: HostAccumulator) {}
  get N(): number {
    return this.inner.N;
  }
  get d(): number {
    return this.inner.d;
  }
  pass1(withNoise: boolean): Promise<ClassMoments> {
    this.pass1Calls.push(withNoise);
    return this.inner.pass1(withNoise);
  }
  deepChain(Mc: Rows, g: Float64Array, classes: number[]): Promise<DeepLayer[]> {
    this.deepChainCalls++;
    return this.inner.deepChain(Mc, g, classes);
  }
  pass2(plan: Pass2Plan): Promise<Pass2Out> {
    this.pass2Plans.push(plan);
    return this.inner.pass2(plan);
  }
  testDecisions(plan: DecisionPlan): Promise<Decisions | null> {
    this.testCalls++;
    return this.inner.testDecisions(plan);
  }
  dispose(): void {}
}

function pipelineInput(g: Given): PipelineInput {
  return {
    K,
    labels,
    labelsOriginal: g.noise ? labelsOriginal : null,
    testLabels: g.test ? testLabels : null,
    W: g.W ? W : null,
    b: null,
    ood: null,
    depth: g.layers ? layers.length : 0,
    gof: null,
    rtol: DEFAULT_PINV_RTOL,
  };
}

function accumulator(g: Given): HostAccumulator {
  return new HostAccumulator({
    K,
    features,
    labels,
    labelsOriginal: g.noise ? labelsOriginal : null,
    testFeatures: g.test ? testFeatures : null,
    testLabels: g.test ? testLabels : null,
    layers: g.layers ? layers : null,
  });
}

async function run(set: MetricSet, g: Given = { W: true }) {
  const acc = new RecordingAccumulator(accumulator(g));
  const result = await runPipeline(acc, pipelineInput(g), set);
  return { acc, result };
}

describe('pass planning from the families’ needs', () => {
  it('keys answered from pass 1 alone (counts, quotient, CDNV, NC2/NC3 geometry, bias) run no second pass and no test pass', async () => {
    const keys: MetricKey[] = [
      'counts',
      'nc1_quotient',
      'nc1_cdnv',
      'nc2_etf_error_means',
      'nc2_etf_error_weights',
      'nc3_wh_etf_error',
      'nc_bias_wmug_plus_b',
    ];
    const { acc, result } = await run(keys, { W: true, test: true, noise: true, layers: true });
    expect(acc.pass2Plans).toEqual([]);
    expect(acc.testCalls).toBe(0);
    expect(acc.deepChainCalls).toBe(0);
    expect(acc.pass1Calls).toEqual([false]);
    for (const k of keys) expect(result.values[k], k).not.toBeNull();
    expect(Object.keys(result.values)).toEqual(keys);
  });

  it('nc1_pinv asks pass 2 for the K×K block of the centred means only: no Σ_W, distances, clean means or decisions', async () => {
    const { acc, result } = await run(['nc1_pinv'], { W: true, test: true, noise: true });
    expect(acc.pass2Plans).toHaveLength(1);
    const plan = acc.pass2Plans[0];
    expect(plan.projection).toHaveLength(K);
    expect(plan.sigmaW).toBe(false);
    expect(plan.distances).toBe(false);
    expect(plan.cleanRel).toBeNull();
    expect(plan.decisions).toBeNull();
    expect(acc.testCalls).toBe(0);
    expect(result.values.nc1_pinv).toBeGreaterThan(0);
  });

  it('the test pass runs for a test key only when test data is given, and reuses the train decision rule', async () => {
    const withTest = await run(['ncc_accuracy_test'], { W: true, test: true });
    expect(withTest.acc.testCalls).toBe(1);
    expect(withTest.acc.pass2Plans).toEqual([]);
    expect(withTest.result.values.ncc_accuracy_test).toBeGreaterThan(0);
    const without = await run(['ncc_accuracy_test'], { W: true });
    expect(without.acc.testCalls).toBe(0);
    expect(without.result.undefinedReasons.ncc_accuracy_test).toBe(
      'no test features / labels given',
    );
  });

  it('pass 1 sums by (label, original label) only for label-noise keys on noisy labels; md_uncorrupted_stds adds the clean-mean distances', async () => {
    expect((await run(['md_corrupted_means'], { noise: true })).acc.pass1Calls).toEqual([true]);
    expect((await run(['md_corrupted_means'], {})).acc.pass1Calls).toEqual([false]);
    expect((await run(['nc1_cdnv'], { noise: true })).acc.pass1Calls).toEqual([false]);
    const stds = await run(['md_uncorrupted_stds'], { noise: true });
    expect(stds.acc.pass2Plans).toHaveLength(1);
    expect(stds.acc.pass2Plans[0].cleanRel).toHaveLength(K);
    expect(stds.acc.pass2Plans[0].projection).toBeNull();
    expect(stds.result.values.md_uncorrupted_stds).toHaveLength(K);
  });

  it('the layer chain runs only for deep keys; only deep_nc1_pinv needs pass 2 (every layer’s K×K block)', async () => {
    expect((await run(['nc1_cdnv'], { layers: true })).acc.deepChainCalls).toBe(0);
    const etf = await run(['deep_nc2_etf_error_means'], { layers: true });
    expect(etf.acc.deepChainCalls).toBe(1);
    expect(etf.acc.pass2Plans).toEqual([]);
    expect(etf.result.values.deep_nc2_etf_error_means).toHaveLength(layers.length);
    const nc1 = await run(['deep_nc1_pinv'], { layers: true });
    expect(nc1.acc.pass2Plans[0].projection).toHaveLength(K * layers.length);
    expect(nc1.result.values.deep_nc1_pinv).toHaveLength(layers.length);
  });

  it('md_ece15_train without W runs no pass 2 (nothing to calibrate) and names the missing W; with W it gets the softmax confidences', async () => {
    const noW = await run(['md_ece15_train'], {});
    expect(noW.acc.pass2Plans).toEqual([]);
    expect(noW.result.undefinedReasons.md_ece15_train).toBe('no classifier W given');
    const withW = await run(['md_ece15_train'], { W: true });
    expect(withW.acc.pass2Plans[0].decisions?.extras).toBe(true);
    expect(withW.result.values.md_ece15_train).toBeGreaterThanOrEqual(0);
  });

  it("'full' with every input runs pass 1 once, the layer chain once, pass 2 once and the test pass once", async () => {
    const { acc } = await run('full', { W: true, test: true, noise: true, layers: true });
    expect(acc.pass1Calls).toEqual([true]);
    expect(acc.deepChainCalls).toBe(1);
    expect(acc.pass2Plans).toHaveLength(1);
    expect(acc.testCalls).toBe(1);
  });

  it('pass 2 stacks its blocks in one fixed order (M̃, δ, W, deeper layers) whoever asks, so a block’s numbers never depend on the others', async () => {
    const keys: MetricKey[] = ['deep_nc1_pinv', 'md_nc1_logits_pinv', 'nc1_pinv_mgu'];
    const out = new Sink(keys);
    const facts: InputFacts = { K, hasW: true, hasTest: false, hasNoise: false, hasLayers: true };
    const needs = collectNeeds(FAMILIES, (f) => out.restrictedTo(f.name, f.keys), facts);
    expect(needs.projections).toEqual(['Mc', 'delta', 'W', 'layers']);
    const acc = accumulator({ W: true, layers: true });
    const mom = await acc.pass1(false);
    const stats = classStats(mom, W);
    const chain = await acc.deepChain(stats.Mc, stats.globalMean, stats.classes);
    const second = planSecondPass(needs, mom, stats, pipelineInput({ W: true }), chain);
    expect(Object.fromEntries(second.blocks)).toEqual({
      Mc: { offset: 0, size: K },
      delta: { offset: K, size: 1 },
      W: { offset: K + 1, size: K },
      deep1: { offset: 2 * K + 1, size: K },
    });
    const projection = second.plan!.projection!;
    expect(projection[0]).toBe(stats.Mc[0]);
    expect(projection[K]).toBe(stats.delta);
    expect(projection[K + 1]).toBe(W[0]);
    expect(projection[2 * K + 1]).toBe(chain[1].R[0]);
  });
});
