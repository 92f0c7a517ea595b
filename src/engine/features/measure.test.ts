import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareValue, type Tolerance } from '../metrics/compare';
import { writeNpy } from '../metrics/npy';
import type { OracleFile } from '../metrics/oracle';
import { computeMetricsFromArrays, type MetricsResult } from '../metrics/index';
import { readOracle } from '../testing/oracles';
import { measureFeatureFiles, type FeatureFile, type MeasureProgress } from './measure';

const oracle = readOracle<OracleFile & { tolerance: Record<string, Tolerance> }>(
  'metrics/metric_vectors.json',
);
const TOL = oracle.tolerance.float32_browser_default;
const EXACT = /accuracy|mismatch|agreement|^counts$/;
const byName = (name: string) => oracle.cases.find((c) => c.name === name)!;

const buffer = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

function npyFiles(name: string, withW = true): FeatureFile[] {
  const { H, y, W, b } = byName(name).inputs;
  const files: FeatureFile[] = [
    { name: 'features.npy', bytes: buffer(writeNpy(H.flat(), [H.length, H[0].length], 'f4')) },
    { name: 'labels.npy', bytes: buffer(writeNpy(y, [y.length], 'i8')) },
  ];
  if (withW && W)
    files.push({ name: 'W.npy', bytes: buffer(writeNpy(W.flat(), [W.length, W[0].length])) });
  if (withW && b) files.push({ name: 'b.npy', bytes: buffer(writeNpy(b, [b.length])) });
  return files;
}

function mismatches(
  got: MetricsResult,
  expected: Record<string, unknown>,
  tol: Tolerance,
): string[] {
  return Object.entries(got.values).flatMap(([k, v]) => {
    const msg = compareValue(v, expected[k] as never, tol, EXACT.test(k), k);
    return msg ? [msg] : [];
  });
}

/** ‖A − B‖_F */
const frobDiff = (A: number[][], B: number[][]) =>
  Math.sqrt(A.reduce((s, row, i) => s + row.reduce((r, v, j) => r + (v - B[i][j]) ** 2, 0), 0));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('measureFeatureFiles', () => {
  it('features/labels/W/b .npy files: the same metrics as the float64 array entry point, on the tfjs backend, no leaked tensor', async () => {
    const c = byName('random_balanced_k5_d8');
    const before = tf.memory().numTensors;
    const progress: MeasureProgress[] = [];
    const m = await measureFeatureFiles(npyFiles(c.name), { set: 'full', batchSize: 7 }, (p) =>
      progress.push(p),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(m.kind).toBe('arrays');
    expect(m.backend).toBe('cpu');
    expect(m.files.map((f) => f.role)).toEqual(['features', 'labels', 'weights', 'bias']);
    expect(progress.map((p) => p.stage)).toEqual(['reading', 'measuring']);
    const [r] = m.cases;
    const { H, y, W, b, K } = c.inputs;
    expect([r.N, r.d, r.K, r.error]).toEqual([H.length, H[0].length, K, null]);
    const ref = await computeMetricsFromArrays({ K, features: H, labels: y, W, b }, 'full');
    expect(Object.keys(r.result!.values)).toEqual(Object.keys(ref.values));
    expect(mismatches(r.result!, ref.values, TOL)).toEqual([]);
    expect(r.counts).toEqual(ref.values.counts);
  });

  it("geometry: the Grams against the ETF reproduce the nc2_etf_error metrics, and the 3-D view is the means' PCA", async () => {
    const m = await measureFeatureFiles(npyFiles('random_balanced_k5_d8'));
    const { result, geometry } = m.cases[0];
    const g = geometry!;
    const K = byName('random_balanced_k5_d8').inputs.K;
    expect(g.classes).toEqual([...Array(K).keys()]);
    expect(g.counts).toEqual(result!.values.counts);
    const tol = (x: number) => 1e-5 + 1e-4 * x;
    const etfErrMeans = result!.values.nc2_etf_error_means as number;
    const etfErrW = result!.values.nc2_etf_error_weights as number;
    expect(Math.abs(frobDiff(g.gramMeans!, g.etf) - etfErrMeans)).toBeLessThan(tol(etfErrMeans));
    expect(Math.abs(frobDiff(g.gramW!, g.etf) - etfErrW)).toBeLessThan(tol(etfErrW));
    expect(g.view3d.basis).toBe('pca');
    expect(g.view3d.means).toHaveLength(K);
    expect(g.view3d.classifier).toHaveLength(K);
    // K = 5 centred means span 4 dimensions: three axes keep part, not all, of the energy
    expect(g.view3d.explained).toBeGreaterThan(0.5);
    expect(g.view3d.explained).toBeLessThan(1);
    // every sample (N is small) on the means' axes: each class's cloud is centred on its mean
    const { H, y } = byName('random_balanced_k5_d8').inputs;
    const samples = g.view3d.samples!;
    expect(samples.points).toHaveLength(H.length);
    expect(samples.labels).toEqual(y);
    g.view3d.means.forEach((mean, k) => {
      const cloud = samples.points.filter((_, i) => samples.labels[i] === k);
      mean.forEach((v, a) =>
        expect(cloud.reduce((s, p) => s + p[a], 0) / cloud.length).toBeCloseTo(v, 5),
      );
    });
  });

  it('a perfect simplex ETF lands on the target; without W there is no classifier Gram', async () => {
    const m = await measureFeatureFiles(npyFiles('perfect_simplex_etf', false));
    const g = m.cases[0].geometry!;
    expect(frobDiff(g.gramMeans!, g.etf)).toBeLessThan(1e-5);
    expect(g.hasClassifier).toBe(false);
    expect(g.gramW).toBeNull();
    expect(g.view3d.classifier).toEqual([]);
    expect(m.cases[0].result!.undefinedReasons.nc2_etf_error_weights).toBe('no classifier W given');
  });

  it('a case file: every case by name, matching the oracle at the float32 tolerance; a broken case carries its error', async () => {
    const picked = ['two_classes_imbalanced', 'singleton_class', 'deep_linear_stack_m3'];
    const broken = {
      name: 'broken',
      inputs: { ...byName('two_classes_imbalanced').inputs, y: [0, 1] },
    };
    const doc = { cases: [...picked.map(byName), broken] };
    const bytes = buffer(new TextEncoder().encode(JSON.stringify(doc)));
    const m = await measureFeatureFiles([{ name: 'cases.json', bytes }]);
    expect(m.kind).toBe('cases');
    expect(m.files).toEqual([{ name: 'cases.json', role: 'cases', cases: 4 }]);
    expect(m.cases.map((c) => c.name)).toEqual([...picked, 'broken']);
    for (const r of m.cases.slice(0, 3)) {
      const c = byName(r.name);
      expect(r.error).toBeNull();
      expect(mismatches(r.result!, c.expected!, TOL), r.name).toEqual([]);
      for (const [k, v] of Object.entries(c.expected!))
        if (v === null && k in r.result!.values)
          expect(r.result!.undefinedReasons, k).toHaveProperty(k);
    }
    expect(m.cases[3].result).toBeNull();
    expect(m.cases[3].error).toMatch(/^case "broken": labels has length 2, features has \d+ rows/);
  });

  it('file problems are refused naming the file: bad roles, missing labels, a mismatched shape, a case file beside arrays', async () => {
    const files = npyFiles('random_balanced_k5_d8', false);
    await expect(measureFeatureFiles([files[0]])).rejects.toThrow(
      /features\.npy has no labels: add a labels file/,
    );
    await expect(
      measureFeatureFiles([
        files[0],
        { ...files[1], name: 'y.npy' },
        { ...files[1], role: 'labels' },
      ]),
    ).rejects.toThrow(/y\.npy and labels\.npy are both labels/);
    await expect(
      measureFeatureFiles([
        { ...files[0], name: 'a.npy' },
        { ...files[1], name: 'c.npy' },
      ]),
    ).rejects.toThrow(/a\.npy: cannot tell what this file holds from its name/);
    const short = { name: 'labels.npy', bytes: buffer(writeNpy([0, 1, 2], [3], 'i8')) };
    await expect(measureFeatureFiles([files[0], short])).rejects.toThrow(
      /labels has 3 entries, features has 30 rows/,
    );
    const cases = { name: 'cases.json', bytes: buffer(new TextEncoder().encode('{"cases":[]}')) };
    await expect(measureFeatureFiles([cases, files[0]])).rejects.toThrow(
      /cases\.json is a case file and is measured on its own/,
    );
  });
});
