// measureMd on inputs small enough to check by hand.
import { describe, expect, it } from 'vitest';
import { measureMd, type MdInput } from './measures';
import { cleanMeanSeparation } from './memorization';

// Class 0 clean: (1,0), (1,2), (1,−2) → clean mean (1,0), distances 0, 2, 2.
// Class 1 clean: (10,−1), (10,1)     → clean mean (10,0), distances 1, 1.
// A = (1,3):  labelled 1, really 0 → 3 from its true clean mean.
// B = (10,4): labelled 0, really 1 → 4 from its true clean mean.
// Clean-mean separation 9. The classifier splits at x = 5.5, so A and B keep their true class.
const H = [
  [1, 0],
  [1, 2],
  [1, -2],
  [10, -1],
  [10, 1],
  [1, 3],
  [10, 4],
];
const y = [0, 0, 0, 1, 1, 1, 0];
const yo = [0, 0, 0, 1, 1, 0, 1];
const W = [
  [-1, 0],
  [1, 0],
];
const b = [5.5, -5.5];
const base: MdInput = { K: 2, train: { features: H, labels: y, originalLabels: yo }, W, b };

const close = (got: unknown, exp: number) => {
  expect(typeof got).toBe('number');
  expect(got as number).toBeCloseTo(exp, 12);
};
const closeAll = (got: unknown, exp: number[]) => {
  expect(Array.isArray(got)).toBe(true);
  (got as number[]).forEach((g, i) => close(g, exp[i]));
  expect((got as number[]).length).toBe(exp.length);
};

describe('measureMd on a hand-built 2-class set with one corrupted sample per class', () => {
  it('memorization = distance of corrupted samples to the clean mean of their true class; dilation = spread of the clean samples; both relative to the clean-mean separation', async () => {
    const v = (await measureMd(base)).md_train_all.values;
    expect(v.md_n_corrupted).toEqual([1, 1]);
    closeAll(v.md_memorization, [3, 4]);
    closeAll(v.md_memorization_sum, [3, 4]);
    close(v.md_clean_mean_separation, 9);
    closeAll(v.md_memorization_rel, [3 / 9, 4 / 9]);
    const std0 = Math.sqrt(8 / 3 - 16 / 9); // distances 0, 2, 2
    closeAll(v.md_dilation, [std0, 0]);
    closeAll(v.md_uncorrupted_stds, [std0, 0]);
    closeAll(v.md_dilation_rel, [std0 / 9, 0]);
    closeAll(v.md_dilation_mean_dist, [4 / 3, 1]);
    closeAll(v.md_dilation_mean_dist_rel, [4 / 27, 1 / 9]);
    closeAll(v.md_ratio_mean_dist, [3 / (4 / 3), 4]);
    close(v.md_memorization_avg, 3.5);
    close(v.md_memorization_rel_avg, 7 / 18);
    close(v.md_dilation_avg, std0 / 2);
    close(v.md_dilation_rel_avg, std0 / 18);
  });

  it('corruption bias (library) and its relative form: noisy means μ_0 = (13/4, 1), μ_1 = (7, 1)', async () => {
    const v = (await measureMd(base)).md_train_all.values;
    // (B − μ_0)·(μ_1 − μ_0)/‖μ_1 − μ_0‖ = 6.75;  (A − μ_1)·(μ_0 − μ_1)/‖·‖ = 6
    const bias = v.md_corruption_bias as number[][];
    close(bias[0][0], 6.75);
    close(bias[1][0], 6);
    const rel = v.md_corruption_bias_rel as number[][];
    close(rel[0][0], 0.75);
    close(rel[1][0], 6 / 9);
    const clean = v.md_uncorrupted_means as number[][];
    closeAll(clean[0], [1, 0]);
    closeAll(clean[1], [10, 0]);
  });

  it('accuracies: neither corrupted label is fitted, every clean sample is right', async () => {
    const m = await measureMd(base);
    expect(m.train_all).toEqual({
      n_samples: 7,
      n_corrupted: 2,
      accuracy_noisy: 5 / 7,
      accuracy_original: 1,
      corrupted_fit_noisy: 0,
      corrupted_pred_original: 1,
      clean_accuracy: 1,
    });
    expect(m.train_fit).toBeNull();
    expect(m.val_heldout).toBeNull();
    expect(m.md_train_fit).toBeNull();
    expect(m.test).toBeNull();
  });

  it('a fit mask splits the accuracies and gives a second block measured on the fitted rows only', async () => {
    // hold out the first clean sample of each class and A
    const fitMask = [0, 1, 1, 0, 1, 0, 1];
    const m = await measureMd({ ...base, train: { ...base.train, fitMask } });
    expect(m.val_heldout).toMatchObject({ n_samples: 3, n_corrupted: 1, accuracy_noisy: 2 / 3 });
    expect(m.train_fit).toMatchObject({ n_samples: 4, n_corrupted: 1, corrupted_fit_noisy: 0 });
    const v = m.md_train_fit!.values;
    // fitted clean class 0: (1,2), (1,−2) → mean (1,0); class 1: (10,1) alone → (10,1)
    expect(v.md_n_corrupted).toEqual([0, 1]);
    expect((v.md_memorization as (number | null)[])[0]).toBeNull();
    close((v.md_memorization as number[])[1], 3); // B = (10,4) to (10,1)
    expect(m.md_train_fit!.undefinedReasons.md_memorization).toMatch(/no corrupted sample/);
    close(v.md_clean_mean_separation, Math.sqrt(82));
  });

  it('stored logits give the same decisions as W h + b; logits alone still give accuracies and memorization, and NC2 on W says W is missing', async () => {
    const logits = H.map(([x]) => [-x + 5.5, x - 5.5]);
    const fromW = await measureMd(base);
    const fromLogits = await measureMd({ K: 2, train: { ...base.train, logits } });
    expect(fromLogits.train_all).toEqual(fromW.train_all);
    expect(fromLogits.md_train_all.values.md_memorization).toEqual(
      fromW.md_train_all.values.md_memorization,
    );
    expect(fromLogits.md_train_all.values.md_ece15_train).toBeCloseTo(
      fromW.md_train_all.values.md_ece15_train as number,
      12,
    );
    expect(fromLogits.md_train_all.values.nc2_etf_error_weights).toBeNull();
    expect(fromLogits.md_train_all.undefinedReasons.nc2_etf_error_weights).toMatch(/no classifier/);
  });

  it('test set: accuracy and ECE against the true labels (one bin: |0.75 − 0.5|), test class means and spread', async () => {
    const ln3 = Math.log(3); // softmax (1/4, 3/4): confidence 0.75 for class 1
    const m = await measureMd({
      ...base,
      test: {
        features: [
          [0, 0],
          [2, 0],
          [5, 5],
          [5, 1],
        ],
        labels: [0, 0, 1, 1],
        logits: [
          [0, ln3],
          [0, ln3],
          [0, ln3],
          [0, ln3],
        ],
      },
    });
    expect(m.test!.n_samples).toBe(4);
    expect(m.test!.accuracy).toBe(0.5);
    expect(m.test!.ece15).toBeCloseTo(0.25, 12);
    const tm = m.test!.class_means!;
    closeAll(tm[0], [1, 0]);
    closeAll(tm[1], [5, 3]);
    closeAll(m.test!.class_dist_std, [0, 0]);
  });
});

describe('measureMd without label noise (η = 0)', () => {
  it('memorization is undefined with a reason; dilation, clean means and the separation come from the class statistics', async () => {
    const clean = [0, 0, 0, 1, 1];
    const m = await measureMd({
      K: 2,
      train: { features: H.slice(0, 5), labels: clean, originalLabels: clean },
      W,
      b,
    });
    const v = m.md_train_all.values;
    expect(m.md_train_all.n_corrupted).toBe(0);
    expect(v.md_n_corrupted).toEqual([0, 0]);
    expect(v.md_memorization).toBeNull();
    expect(v.md_memorization_avg).toBeNull();
    expect(m.md_train_all.undefinedReasons.md_memorization).toMatch(/no corrupted sample/);
    closeAll(v.md_dilation, [Math.sqrt(8 / 9), 0]);
    expect(v.md_dilation).toEqual(v.md_class_dist_std);
    expect(v.md_uncorrupted_means).toEqual(v.class_means);
    close(v.md_clean_mean_separation, 9);
    expect(v.md_corruption_bias).toBeNull();
    expect(m.train_all.corrupted_fit_noisy).toBeNull();
  });
});

describe('cleanMeanSeparation', () => {
  it('is the distance for two classes and the mean pairwise distance for more (3-4-5 triangle: 4)', () => {
    expect(
      cleanMeanSeparation([
        [0, 0],
        [3, 4],
      ]),
    ).toBe(5);
    expect(
      cleanMeanSeparation([
        [0, 0],
        [3, 0],
        [0, 4],
      ]),
    ).toBe(4);
  });
});

describe('measureMd refuses bad input with a message naming the field', () => {
  const cases: [string, MdInput, RegExp][] = [
    ['K < 2', { ...base, K: 1 }, /K must be an integer ≥ 2/],
    [
      'label out of range',
      { ...base, train: { ...base.train, labels: [0, 0, 0, 1, 1, 1, 2] } },
      /train\.labels\[6\] = 2/,
    ],
    [
      'original labels too short',
      { ...base, train: { ...base.train, originalLabels: [0, 1] } },
      /train\.originalLabels has length 2, expected 7/,
    ],
    [
      'fit mask value',
      { ...base, train: { ...base.train, fitMask: [0, 1, 2, 0, 0, 0, 0] } },
      /train\.fitMask\[2\] = 2/,
    ],
    [
      'logits shape',
      { ...base, train: { ...base.train, logits: [[0, 1]] } },
      /train\.logits must be 7×2, got 1×2/,
    ],
    ['no W and no logits', { K: 2, train: base.train }, /give the logits or the classifier W/],
    ['W shape', { ...base, W: [[1, 0]] }, /W must be K×p = 2×2/],
    ['b length', { ...base, b: [1] }, /b must have length K = 2/],
    [
      'test feature width',
      { ...base, test: { features: [[1, 2, 3]], labels: [0] } },
      /test\.features has 3 columns/,
    ],
  ];
  for (const [name, input, msg] of cases) {
    it(name, async () => {
      await expect(measureMd(input)).rejects.toThrow(msg);
    });
  }
});
