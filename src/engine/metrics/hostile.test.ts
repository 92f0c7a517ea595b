// Issue 14 regression cases for the metrics input and library (findings 1, 4, 5, 6); every
// input is written here. Refusals are FeatureFileError / MetricsInputError naming the file, the
// element and the value; results that overflow are undefined with the reason, never a bare null.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeMetricsOnDevice } from './arraysOnDevice';
import {
  featureFilesToInput,
  FeatureFileError,
  readCaseFile,
  type NamedBytes,
} from './featureFiles';
import { computeMetricsFromArrays } from './index';
import { writeNpy } from './npy';
import { oracleToArrays } from './oracle';
import { MAX_CLASSES, MetricsInputError, toInt32Labels } from './validate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const text = (name: string, s: string): NamedBytes => ({
  name,
  bytes: new TextEncoder().encode(s),
});
const H8 = [
  [1, 2],
  [1.5, 2.5],
  [3, 1],
  [3.2, 0.8],
  [0, 5],
  [0.2, 5.1],
  [1, 1],
  [2, 2],
];
const features: NamedBytes = { name: 'H.npy', bytes: writeNpy(H8.flat(), [8, 2]) };
const int64Labels = (values: number[]): NamedBytes => ({
  name: 'y.npy',
  bytes: writeNpy(values, [values.length], 'i8'),
});
/** A case file with one case whose inputs are `inputs` spliced in as raw JSON text. */
const caseFile = (inputs: string) =>
  text('cases.json', `{"cases":[{"name":"c","inputs":${inputs}}]}`);

function refusal(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

describe('issue 14, finding 1: the class count is bounded and labels are checked before anything is sized', () => {
  it(`one label of 1000 in 8 samples is refused by name (K would be 1001 > ${MAX_CLASSES}), not a 1001-class result`, () => {
    const e = refusal(() =>
      featureFilesToInput({ features, labels: int64Labels([0, 1, 2, 0, 1, 2, 0, 1000]) }),
    );
    expect(e).toBeInstanceOf(FeatureFileError);
    expect(e.message).toBe(
      'labels (y.npy): entry 7 = 1000 is beyond the class limit (labels 0..999); check the labels, or give K',
    );
  });

  it.each([
    [2 ** 24, '16777216'],
    [2 ** 31, '2147483648'],
    [2 ** 32, '4294967296'],
  ])(
    'an int64 label of %d is refused at once with its exact value (no hang, no wrap, no "Invalid array length")',
    (big, shown) => {
      const e = refusal(() =>
        featureFilesToInput({ features, labels: int64Labels([0, 1, 0, 1, 0, 1, 0, big]) }),
      );
      expect(e).toBeInstanceOf(FeatureFileError);
      expect(e.message).toContain(`entry 7 = ${shown} is beyond the class limit`);
    },
  );

  it('the library refuses K beyond the limit and a 2³¹ label before the int32 store could wrap it', async () => {
    await expect(
      computeMetricsFromArrays({ K: 1e9, features: H8, labels: [0, 1, 0, 1, 0, 1, 0, 1] }),
    ).rejects.toThrow(
      new MetricsInputError("K = 1000000000 is more than the 1000 classes NC Lab's metrics handle"),
    );
    await expect(
      computeMetricsFromArrays({ K: 2, features: H8, labels: [0, 1, 0, 1, 0, 1, 0, 2 ** 31] }),
    ).rejects.toThrow('labels[7] = 2147483648 is outside 0..1');
    expect(() => toInt32Labels([0, 2 ** 31], 'labels')).toThrow(
      'labels[1] = 2147483648 is not a class index 0..999 (the class limit is 1000)',
    );
  });

  it('"K": 1e9 in a case file is refused by the schema with its path (was killed out of memory)', () => {
    const e = refusal(() => readCaseFile(caseFile('{"K":1e9,"H":[[1,2]],"y":[0]}')));
    expect(e).toBeInstanceOf(FeatureFileError);
    expect(e.message).toBe(
      "cases.json: cases[0].inputs.K: K must be at most 1000 (NC Lab's class limit), found 1000000000",
    );
  });

  it('empty classes inside 0..K−1 are reported as such in the diagnostics', async () => {
    const r = await computeMetricsFromArrays(
      { K: 4, features: H8, labels: [0, 0, 3, 3, 0, 3, 0, 3] },
      'cheap',
    );
    expect(r.diagnostics.counts).toEqual([4, 0, 0, 4]);
    expect(r.diagnostics.emptyClasses).toEqual([1, 2]);
  });
});

describe('issue 14, finding 4: non-finite and extreme numbers', () => {
  it.each([
    [
      '1e999 (Infinity)',
      '1e999',
      'expected a finite number, found Infinity (a number too large for float64, e.g. 1e999)',
    ],
    ['a string', '"7"', 'expected a finite number, found "7"'],
    ['null (was read as 0)', 'null', 'expected a finite number, found null'],
  ])('%s inside H is refused naming the file, row and column', (_what, value, message) => {
    const e = refusal(() => readCaseFile(caseFile(`{"K":2,"H":[[1,2],[${value},4]],"y":[0,1]}`)));
    expect(e).toBeInstanceOf(FeatureFileError);
    expect(e.message).toBe(`cases.json: cases[0].inputs.H[1][0]: ${message}`);
  });

  const big = H8.map((r) => r.map((v) => v * 1e307));
  const labels = [0, 0, 1, 1, 2, 2, 0, 1];

  it('finite 1e307 features (float64 host engine): no ml-matrix crash; the overflowed measures are undefined with the reason', async () => {
    const r = await computeMetricsFromArrays({ K: 3, features: big, labels }, 'core');
    expect(r.values.counts).toEqual([3, 3, 2]);
    expect(r.values.trace_sigma_w).toBeNull();
    expect(r.undefinedReasons.trace_sigma_w).toMatch(
      /^not a finite number: the computation overflowed/,
    );
    expect(r.values.nc1_pinv).toBeNull();
    expect(r.undefinedReasons.nc1_pinv).toMatch(
      /^not computed: the class means or second moments of the features overflowed/,
    );
    expect(Object.keys(r.undefinedReasons).sort()).toEqual(
      Object.entries(r.values)
        .filter(([, v]) => v === null)
        .map(([k]) => k)
        .sort(),
    );
  });

  it('features near the float32 maximum on the float32 engine: every null has its overflow reason (was a bare null)', async () => {
    const near = H8.map((r) => r.map((v) => v * 1e37));
    const r = await computeMetricsOnDevice({ K: 3, features: near, labels }, 'core');
    for (const [k, v] of Object.entries(r.values)) {
      if (v !== null) continue;
      expect(r.undefinedReasons[k as keyof typeof r.undefinedReasons], k).toMatch(
        /overflowed|no classifier W|no test|svds/,
      );
    }
    expect(r.undefinedReasons.trace_sigma_w).toMatch(/overflowed/);
  });

  it('the same shape at an ordinary scale still gives finite values (the check does not fire on normal data)', async () => {
    const r = await computeMetricsFromArrays({ K: 3, features: H8, labels }, 'core');
    expect(r.values.trace_sigma_w).toBeCloseTo(
      (() => {
        // within-class scatter: mean over samples of ‖h − μ_{y}‖²
        const mu = [0, 1, 2].map((c) => {
          const rows = H8.filter((_, i) => labels[i] === c);
          return [0, 1].map((j) => rows.reduce((a, r) => a + r[j], 0) / rows.length);
        });
        return (
          H8.reduce(
            (a, h, i) => a + (h[0] - mu[labels[i]][0]) ** 2 + (h[1] - mu[labels[i]][1]) ** 2,
            0,
          ) / H8.length
        );
      })(),
      12,
    );
  });
});

describe('issue 14, finding 5: case files are schema-validated, refused with the path of the bad element', () => {
  it('{"cases":[null]} is refused at cases[0] (was "Cannot read properties of null")', () => {
    const e = refusal(() => readCaseFile(text('n.json', '{"cases":[null]}')));
    expect(e).toBeInstanceOf(FeatureFileError);
    expect(e.message).toBe(
      'n.json: cases[0]: expected a case object {"name", "inputs": {...}}, found null',
    );
  });

  it('an H nested 100 000 deep is refused at its first misplaced array (was "Maximum call stack size exceeded")', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = refusal(() => readCaseFile(caseFile(`{"K":2,"H":${deep},"y":[0]}`)));
    expect(e).toBeInstanceOf(FeatureFileError);
    expect(e.message).toBe(
      'cases.json: cases[0].inputs.H[0][0]: expected a finite number, found an array',
    );
  });

  it('ragged rows, a missing y and a fractional label are refused with their paths', () => {
    expect(() => readCaseFile(caseFile('{"K":2,"H":[[1,2],[3]],"y":[0,1]}'))).toThrow(
      'cases.json: cases[0].inputs.H[1]: row of 1 entries, row 0 has 2',
    );
    expect(() => readCaseFile(caseFile('{"K":2,"H":[[1,2]]}'))).toThrow(
      'cases.json: cases[0].inputs.y: expected an array of integer labels, found missing',
    );
    expect(() => readCaseFile(caseFile('{"K":2,"H":[[1,2]],"y":[0.5]}'))).toThrow(
      'cases.json: cases[0].inputs.y[0]: expected an integer label, found 0.5',
    );
  });

  it('a valid case passes the schema unchanged into the library', async () => {
    const [c] = readCaseFile(
      caseFile('{"K":2,"H":[[0,0],[0,1],[4,0],[4,1]],"y":[0,0,1,1],"W":null}'),
    );
    const r = await computeMetricsFromArrays(oracleToArrays(c.case), 'cheap');
    expect(r.values.class_means).toEqual([
      [0, 0.5],
      [4, 0.5],
    ]);
  });
});

describe('issue 14, finding 6: md_corruption_bias per class row (get_dot_product_bias)', () => {
  // class 0: clean only; class 1: one sample originally of class 0; class 2: one originally of 1
  const H = [
    [0, 0],
    [2, 0],
    [10, 0],
    [10, 2],
    [6, 1],
    [0, 10],
    [2, 10],
    [1, 6],
  ];
  const y = [0, 0, 1, 1, 1, 2, 2, 2];
  const yOrig = [0, 0, 1, 1, 0, 2, 2, 1];

  const mean = (rows: number[][]) =>
    [0, 1].map((j) => rows.reduce((a, r) => a + r[j], 0) / rows.length);
  const mu = [0, 1, 2].map((c) => mean(H.filter((_, i) => y[i] === c)));
  /** (m_c^corr − μ_c)·(μ_c' − μ_c)/‖μ_c' − μ_c‖ for c' ≠ c in increasing order. */
  const biasRow = (c: number) => {
    const m = mean(H.filter((_, i) => y[i] === c && yOrig[i] !== c));
    return [0, 1, 2]
      .filter((o) => o !== c)
      .map((o) => {
        const dir = [mu[o][0] - mu[c][0], mu[o][1] - mu[c][1]];
        const off = [m[0] - mu[c][0], m[1] - mu[c][1]];
        return (off[0] * dir[0] + off[1] * dir[1]) / Math.hypot(dir[0], dir[1]);
      });
  };

  it('a class without corrupted samples leaves only its row undefined; the other rows are the reference values', async () => {
    const r = await computeMetricsFromArrays(
      { K: 3, features: H, labels: y, labelsOriginal: yOrig },
      ['md_corruption_bias', 'md_corrupted_means'],
    );
    const bias = r.values.md_corruption_bias as (number[] | null)[];
    expect(bias[0]).toBeNull();
    for (const c of [1, 2]) {
      const expected = biasRow(c);
      bias[c]!.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
    }
    expect(r.undefinedReasons.md_corruption_bias).toBeUndefined();
    expect((r.values.md_corrupted_means as (number[] | null)[][])[1][0]).toEqual([6, 1]);
  });
});
