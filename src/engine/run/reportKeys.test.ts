// The report-key registry against real runs: a short UFM run, a short network run and a short
// paired noisy run report only registry keys, each non-null value comes from an experiment the
// registry names as its producer, every null has a reason, and every key the registry says the
// experiment always reports is there, each value of the shape the registry gives it.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { loadNetData } from '../data/fromConfig';
import {
  BASE_REPORT_KEYS,
  UFM_ONLY_KEYS,
  REPORT_KEY_INFO,
  isReportKey,
  keysProducedBy,
  reportEntries,
  splitTwin,
  twinKey,
  type NetworkKey,
  type Producer,
  type ValueShape,
} from '../metrics/reportKeys';
import { runExperiment } from './runner';
import type { Report } from '../session/types';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

const loadData = (config: Parameters<typeof loadNetData>[0]) =>
  loadNetData(config, () => Promise.reject(new Error('only the mixture is used here')));

/** A small Gaussian-mixture network run: K = 5 so the top-5 accuracies are reported too. */
const NET = {
  experiment: 'net',
  dataset: 'gaussian',
  gaussClasses: 5,
  gaussDim: 8,
  gaussSeparation: 4,
  perClass: [20],
  model: 'mlp',
  width: 16,
  depthRelu: 1,
  depthLinear: 1,
  loss: 'mse',
  optimizer: 'sgd',
  lr: 0.05,
  weightDecay: 1e-3,
  batchSize: 20,
  epochs: 2,
  measureEvery: 1,
  measureSamples: 0,
  lrStep: 0,
};

/** Array nesting of a value (0: a number), looking through null entries. */
function depthOf(value: unknown): number {
  if (!Array.isArray(value)) return 0;
  const inner = (value as unknown[]).find((x) => x !== null);
  return 1 + (inner === undefined ? 0 : depthOf(inner));
}

const DEPTH: Record<ValueShape, number> = {
  scalar: 0,
  perClass: 1,
  perLayer: 1,
  vector: 1,
  matrix: 2,
  perClassMatrix: 3,
};

/**
 * What is wrong with one report of an experiment whose keys come from `producers`, with K
 * classes and M linear layers: unknown keys, values from an experiment the registry does not
 * name, nulls without a reason, values of another shape, keys the registry says are always there
 * but are not.
 */
function audit(
  report: Pick<Report, 'metrics' | 'undefinedReasons'>,
  producers: readonly Producer[],
  K: number,
  M: number,
) {
  const lengths: Partial<Record<ValueShape, number>> = { perClass: K, perLayer: M };
  const unknown: string[] = [];
  const foreign: string[] = [];
  const unexplained: string[] = [];
  const misshapen: string[] = [];
  for (const [key, value] of reportEntries(report.metrics)) {
    if (!isReportKey(key)) {
      unknown.push(key);
      continue;
    }
    // A twin is the same kind of run as the main one: its keys have the same producers.
    const info = REPORT_KEY_INFO[splitTwin(key).base];
    if (value === null) {
      if (!report.undefinedReasons[key]) unexplained.push(key);
      continue;
    }
    if (!producers.some((p) => info.producedBy[p] !== undefined)) foreign.push(key);
    const length = lengths[info.shape];
    if (
      depthOf(value) !== DEPTH[info.shape] ||
      (length !== undefined && (value as unknown[]).length !== length)
    )
      misshapen.push(key);
  }
  const missing: string[] = [];
  for (const p of producers)
    for (const key of keysProducedBy(p).always)
      if (!(key in report.metrics) && !(key in report.undefinedReasons)) missing.push(key);
  return { unknown, foreign, unexplained, misshapen, missing };
}

const CLEAN = { unknown: [], foreign: [], unexplained: [], misshapen: [], missing: [] };

describe('the report-key registry', () => {
  it('has one entry per key, each with a shape, a definition and at least one producer but nc5 features-only', () => {
    expect(new Set(BASE_REPORT_KEYS).size).toBe(BASE_REPORT_KEYS.length);
    for (const key of BASE_REPORT_KEYS) {
      const info = REPORT_KEY_INFO[key];
      expect(info.key).toBe(key);
      expect(info.definition.label.length, key).toBeGreaterThan(0);
      expect(Object.keys(info.producedBy).length, key).toBeGreaterThan(0);
    }
    // The one library key no run reports: it needs an out-of-distribution set.
    const runProducers: Producer[] = ['ufm', 'net', 'md'];
    expect(
      BASE_REPORT_KEYS.filter((k) =>
        runProducers.every((p) => REPORT_KEY_INFO[k].producedBy[p] === undefined),
      ),
    ).toEqual(['nc5_ood_orthodev']);
  });

  it('the keys a twin cannot have (TwinKey leaves them out) are exactly those only the UFM produces', () => {
    const ufmOnly = BASE_REPORT_KEYS.filter((k) =>
      Object.keys(REPORT_KEY_INFO[k].producedBy).every((p) => p === 'ufm'),
    );
    expect(ufmOnly).toEqual([...UFM_ONLY_KEYS]);
    expect(ufmOnly).toEqual(['loss_mse']);
    for (const key of ufmOnly) expect(isReportKey(`twin.${key}`), key).toBe(false);
    expect(isReportKey('twin.nc1_pinv')).toBe(true);
    expect(isReportKey('twin.twin.nc1_pinv')).toBe(false);
    expect(isReportKey('toString')).toBe(false);
  });

  it('a short UFM run reports exactly the UFM keys: every final key known, explained when null, of its registry shape, none missing', async () => {
    const r = await runExperiment(
      resolveConfig({ preset: 'tiny-check', steps: 40, depth: 2 }),
      backend,
    );
    expect(r.status).toBe('completed');
    const { K, depth } = r.final!.shape;
    expect([K, depth]).toEqual([4, 2]);
    expect(audit(r.final!, ['ufm'], K, depth)).toEqual(CLEAN);
    // The live (core-set) reports in between carry UFM keys only.
    for (const h of r.history)
      expect(audit({ metrics: h.metrics, undefinedReasons: {} }, ['ufm'], K, depth)).toMatchObject({
        foreign: [],
        misshapen: [],
      });
    // Real values: the run's own scalars and a per-layer array of depth 2.
    expect(r.final!.metrics.loss).toBeGreaterThan(0);
    expect(r.final!.metrics.deep_nc1_pinv).toHaveLength(2);
    expect(r.final!.metrics).not.toHaveProperty('train_acc');
  });

  it('a short network run reports the network keys, the top-5 accuracies with K = 5, and no MD keys', async () => {
    const r = await runExperiment(resolveConfig(NET), backend, { loadData });
    expect(r.status).toBe('completed');
    const final = r.final!;
    expect(audit(final, ['net'], final.shape.K, final.shape.depth)).toEqual(CLEAN);
    expect(final.metrics.test_acc5).toEqual(expect.any(Number));
    expect(final.metrics.epoch).toBe(2);
    expect(Object.keys(final.metrics).filter((k) => k.startsWith('twin.'))).toEqual([]);
    expect(final.metrics).not.toHaveProperty('md_memorization_avg');
  });

  it('a short paired noisy run reports the network and MD keys, and each of them again under twin.', async () => {
    const r = await runExperiment(
      resolveConfig({
        ...NET,
        gaussClasses: 2,
        model: 'mlp-md',
        depthRelu: 2,
        loss: 'ce',
        pairWith: 'ls',
        labelNoise: 0.3,
      }),
      backend,
      { loadData },
    );
    expect(r.message).toBeNull();
    expect(r.status).toBe('completed');
    const final = r.final!;
    expect(audit(final, ['net', 'md'], final.shape.K, final.shape.depth)).toEqual(CLEAN);
    const always = [...keysProducedBy('net').always, ...keysProducedBy('md').always];
    const twinMissing = always.filter((k) => {
      const key = twinKey(k as NetworkKey);
      return !(key in final.metrics) && !(key in final.undefinedReasons);
    });
    expect(twinMissing).toEqual([]);
    expect(final.metrics['twin.md_memorization_rel_avg']).toEqual(expect.any(Number));
    expect(final.metrics.md_corrupted_means).not.toBeNull();
  });
});
