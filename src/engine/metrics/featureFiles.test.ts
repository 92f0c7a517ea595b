import { describe, expect, it } from 'vitest';
import { readOracle } from '../testing/oracles';
import {
  assignRoles,
  featureFilesToInput,
  guessRole,
  readArrayFile,
  readCaseFile,
  resolveRoles,
  type NamedBytes,
} from './featureFiles';
import { writeNpy } from './npy';
import type { OracleFile } from './oracle';
import type { DenseMatrix } from './types';

const oracle = readOracle<OracleFile>('metrics/metric_vectors.json');
const balanced = oracle.cases.find((c) => c.name === 'random_balanced_k5_d8')!;

const text = (name: string, s: string): NamedBytes => ({
  name,
  bytes: new TextEncoder().encode(s),
});
const npy = (name: string, data: number[], shape: number[], dtype: 'f4' | 'f8' | 'i8' = 'f8') => ({
  name,
  bytes: writeNpy(data, shape, dtype),
});

/** A .npy header with any dtype string (writeNpy only writes numeric ones). */
function npyWithDescr(descr: string, shape: number[], bytesPerItem: number): Uint8Array {
  const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  const padded = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const count = shape.reduce((a, v) => a * v, 1);
  const out = new Uint8Array(10 + padded.length + count * bytesPerItem);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  return out;
}

const H = balanced.inputs.H;
const y = balanced.inputs.y;
const W = balanced.inputs.W!;
const b = balanced.inputs.b!;
const N = H.length;
const d = H[0].length;
const featuresNpy = npy('features.npy', H.flat(), [N, d], 'f4');
const labelsNpy = npy('labels.npy', y, [N], 'i8');

describe('featureFilesToInput', () => {
  it('reads float32 features, int64 labels, a float64 W and a JSON bias into the array input, K from the rows of W', () => {
    const { input, arrays } = featureFilesToInput({
      features: featuresNpy,
      labels: labelsNpy,
      weights: npy('W.npy', W.flat(), [W.length, d]),
      bias: text('b.json', JSON.stringify(b)),
    });
    expect(input.K).toBe(W.length);
    const f = input.features as DenseMatrix;
    expect([f.rows, f.cols]).toEqual([N, d]);
    expect(Array.from(f.data)).toEqual(Array.from(Float32Array.from(H.flat())));
    expect(Array.from(input.labels)).toEqual(y);
    expect(Array.from((input.W as DenseMatrix).data)).toEqual(W.flat());
    expect(Array.from(input.b!)).toEqual(b);
    expect(arrays).toEqual([
      { role: 'features', name: 'features.npy', shape: [N, d], dtype: 'f4' },
      { role: 'labels', name: 'labels.npy', shape: [N], dtype: 'i8' },
      { role: 'weights', name: 'W.npy', shape: [W.length, d], dtype: 'f8' },
      { role: 'bias', name: 'b.json', shape: [b.length], dtype: 'f8' },
    ]);
  });

  it('takes K from the largest label without W, from the option when given, and reads JSON rows as a matrix', () => {
    const rows = text(
      'H.json',
      JSON.stringify([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    const labels = text('y.json', '[0, 2, 2]');
    const { input } = featureFilesToInput({ features: rows, labels });
    expect(input.K).toBe(3);
    expect(input.features).toEqual({
      rows: 3,
      cols: 2,
      data: Float64Array.from([1, 2, 3, 4, 5, 6]),
    });
    expect(featureFilesToInput({ features: rows, labels, K: 5 }).input.K).toBe(5);
  });

  it('test set and original labels are read and checked against the train shapes', () => {
    const { input } = featureFilesToInput({
      features: featuresNpy,
      labels: labelsNpy,
      testFeatures: npy('H_test.npy', H.slice(0, 4).flat(), [4, d]),
      testLabels: text('y_test.json', JSON.stringify(y.slice(0, 4))),
      labelsOriginal: npy('y_orig.npy', y, [N], 'i8'),
    });
    expect((input.testFeatures as DenseMatrix).rows).toBe(4);
    expect(Array.from(input.testLabels!)).toEqual(y.slice(0, 4));
    expect(Array.from(input.labelsOriginal!)).toEqual(y);
  });

  const bad: [string, () => unknown, RegExp][] = [
    [
      'a file that is not .npy',
      () => featureFilesToInput({ features: text('features.npy', 'hello'), labels: labelsNpy }),
      /^features \(features\.npy\): invalid \.npy data: missing \\x93NUMPY magic/,
    ],
    [
      'an unsupported dtype (unicode strings)',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: { name: 'labels.npy', bytes: npyWithDescr('<U3', [N], 12) },
        }),
      /^labels \(labels\.npy\): .*unsupported dtype '<U3'/,
    ],
    [
      'features and labels of different lengths',
      () => featureFilesToInput({ features: featuresNpy, labels: npy('y.npy', [0, 1], [2], 'i8') }),
      /labels has 2 entries, features has 30 rows \(labels: y\.npy, features: features\.npy\)/,
    ],
    [
      'a label outside 0..K−1 of the classifier',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: npy(
            'labels.npy',
            y.map((v, i) => (i === 3 ? W.length : v)),
            [N],
            'i8',
          ),
          weights: npy('W.npy', W.flat(), [W.length, d]),
        }),
      new RegExp(
        `labels \\(labels\\.npy\\): entry 3 = ${W.length} is outside the classes 0\\.\\.${W.length - 1} \\(K = ${W.length} from the rows of W\\.npy\\)`,
      ),
    ],
    [
      'a negative label',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: npy(
            'labels.npy',
            y.map((v, i) => (i === 0 ? -1 : v)),
            [N],
            'i8',
          ),
        }),
      /labels \(labels\.npy\): entry 0 = -1 is outside the classes/,
    ],
    [
      'a fractional label',
      () =>
        featureFilesToInput({
          features: text('H.json', '[[1],[2]]'),
          labels: text('y.json', '[0, 0.5]'),
        }),
      /labels \(y\.json\): entry 1 = 0\.5 is not an integer label/,
    ],
    [
      'a NaN feature',
      () =>
        featureFilesToInput({
          features: npy('H.npy', [1, 2, NaN, 4], [2, 2]),
          labels: text('y.json', '[0, 1]'),
        }),
      /features \(H\.npy\): entry \(1, 0\) is NaN, not a finite number/,
    ],
    [
      '1-D features',
      () =>
        featureFilesToInput({
          features: npy('H.npy', [1, 2], [2]),
          labels: text('y.json', '[0, 1]'),
        }),
      /features \(H\.npy\): expected a 2-D array, got shape \(2\)/,
    ],
    [
      'W with the wrong width',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: labelsNpy,
          weights: npy('W.npy', [1, 2, 3, 4], [2, 2]),
        }),
      new RegExp(`weights has 2 columns, features has ${d} \\(weights: W\\.npy`),
    ],
    [
      'a bias of the wrong length',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: labelsNpy,
          bias: text('b.json', '[0, 1]'),
        }),
      /bias \(b\.json\): has 2 entries, K = 5 from the largest label/,
    ],
    [
      'ragged JSON rows',
      () => featureFilesToInput({ features: text('H.json', '[[1, 2], [3]]'), labels: labelsNpy }),
      /features \(H\.json\): rows have different lengths/,
    ],
    [
      'test features without test labels',
      () =>
        featureFilesToInput({
          features: featuresNpy,
          labels: labelsNpy,
          testFeatures: npy('H_test.npy', H.slice(0, 2).flat(), [2, d]),
        }),
      /test features \(H_test\.npy\): given without test labels/,
    ],
  ];
  for (const [what, run, pattern] of bad) {
    it(`names the file and the problem: ${what}`, () => {
      expect(run).toThrow(pattern);
    });
  }
});

describe('readArrayFile / readCaseFile', () => {
  it('recognises .npy bytes by their magic whatever the name, JSON otherwise', () => {
    const a = readArrayFile({ name: 'blob', bytes: writeNpy([1, 2, 3], [3], 'i4') }, 'labels');
    expect([a.shape, a.dtype, Array.from(a.data)]).toEqual([[3], 'i4', [1, 2, 3]]);
    expect(() => readArrayFile(text('labels.txt', '0 1 2'), 'labels')).toThrow(
      /^labels \(labels\.txt\): not a \.npy file and: not valid JSON/,
    );
  });

  it('lists the cases of metric_vectors.json by name, and refuses other JSON', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(oracle));
    const cases = readCaseFile({ name: 'metric_vectors.json', bytes });
    expect(cases.map((c) => c.name)).toEqual(oracle.cases.map((c) => c.name));
    expect(() => readCaseFile(text('x.json', '{"hello": 1}'))).toThrow(
      /x\.json: expected \{"cases": \[\.\.\.\]\}/,
    );
    expect(() => readCaseFile(text('x.json', '{"cases": []}'))).toThrow(
      /x\.json: "cases" is empty/,
    );
    expect(() => readCaseFile(text('x.json', '{'))).toThrow(/x\.json: not valid JSON/);
  });
});

describe('guessRole / assignRoles', () => {
  it('reads the role from common file names', () => {
    const names: [string, ReturnType<typeof guessRole>][] = [
      ['features.npy', 'features'],
      ['penultimate_feats.npy', 'features'],
      ['H.npy', 'features'],
      ['labels.npy', 'labels'],
      ['y.json', 'labels'],
      ['y_train.npy', 'labels'],
      ['targets.npy', 'labels'],
      ['W.npy', 'weights'],
      ['fc_weight.npy', 'weights'],
      ['classifier.npy', 'weights'],
      ['b.npy', 'bias'],
      ['fc_bias.npy', 'bias'],
      ['H_test.npy', 'testFeatures'],
      ['test_features.npy', 'testFeatures'],
      ['y_test.npy', 'testLabels'],
      ['y_orig.npy', 'labelsOriginal'],
      ['clean_labels.npy', 'labelsOriginal'],
      ['dir/sub/labels.npy', 'labels'],
      ['stuff.npy', null],
    ];
    expect(names.map(([n]) => [n, guessRole(n)])).toEqual(names);
  });

  it('a single unnamed file beside named ones is the features', () => {
    expect(assignRoles(['emb_v2_final.npz.npy', 'labels.npy'])).toEqual(['features', 'labels']);
    expect(assignRoles(['a.npy', 'c.npy'])).toEqual([null, null]);
  });

  it('resolveRoles: given roles win, a lone JSON file or an unnamed one is a case file', () => {
    expect(resolveRoles([{ name: 'y.json' }])).toEqual(['cases']);
    expect(resolveRoles([{ name: 'run.json' }, { name: 'H.npy' }])).toEqual(['cases', 'features']);
    expect(resolveRoles([{ name: 'a.npy', role: 'features' }, { name: 'y.json' }])).toEqual([
      'features',
      'labels',
    ]);
  });
});
