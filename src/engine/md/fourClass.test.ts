// The four-class (latent-class) problem of Nguyen et al. 2023's appendix: labels 2 and 3 are
// latent copies of classes 0 and 1, every sample in them "corrupted" by construction. The
// measures are per ORIGINAL class; what cannot be defined says why.
import { describe, expect, it } from 'vitest';
import { findPreset } from '../config/presets';
import { measureMd, type MdInput } from './measures';
import { flatten } from './netMd';

// Original class 0: still labelled 0 at (0,0), (2,0) → clean mean (1,0), distances 1, 1.
//                   moved to latent 2 at (1,3) → 3 from the clean mean of class 0.
// Original class 1: still labelled 1 at (9,0), (11,0), (10,0) → clean mean (10,0), distances
//                   1, 1, 0 (mean 2/3, std₀ √2/3); moved to latent 3 at (10,4) → 4.
// Clean-mean separation 9.
const H = [
  [0, 0],
  [2, 0],
  [1, 3],
  [9, 0],
  [11, 0],
  [10, 0],
  [10, 4],
];
const y = [0, 0, 2, 1, 1, 1, 3];
const yo = [0, 0, 0, 1, 1, 1, 1];
const oneHot = (labels: number[]) => labels.map((c) => [0, 1, 2, 3].map((k) => (k === c ? 5 : 0)));
const input: MdInput = {
  K: 4,
  latentOf: 2,
  train: { features: H, labels: y, originalLabels: yo, logits: oneHot(y) },
  // test labels are 0/1 only; the net predicts 0, latent 2 (= class 0), 1, latent 2 (wrong class)
  test: {
    features: [
      [0, 0],
      [1, 0],
      [10, 0],
      [10, 1],
    ],
    labels: [0, 0, 1, 1],
    logits: oneHot([0, 2, 1, 2]),
  },
};

describe('four-class problem measures', () => {
  it('measures memorization and dilation per original class, relative to the clean-mean distance', async () => {
    const m = await measureMd(input);
    const v = m.md_train_all.values;
    expect(v.md_uncorrupted_means).toEqual([
      [1, 0],
      [10, 0],
    ]);
    expect(v.md_memorization).toEqual([3, 4]);
    expect(v.md_n_corrupted).toEqual([1, 1]);
    const rel = v.md_memorization_rel as number[];
    expect(rel[0]).toBeCloseTo(3 / 9, 12);
    expect(rel[1]).toBeCloseTo(4 / 9, 12);
    const dil = v.md_dilation as number[];
    expect(dil[0]).toBeCloseTo(0, 12);
    expect(dil[1]).toBeCloseTo(Math.sqrt(2) / 3, 12);
    expect(v.md_memorization_rel_avg as number).toBeCloseTo(7 / 18, 12);
    expect(v.md_dilation_rel_avg as number).toBeCloseTo(Math.sqrt(2) / 54, 12);
  });

  it('says in words why the corruption bias is undefined, instead of "class 2 has no uncorrupted sample"', async () => {
    const m = await measureMd(input);
    const { values, undefinedReasons } = m.md_train_all;
    expect(values.md_corruption_bias).toBeNull();
    expect(undefinedReasons.md_corruption_bias).toMatch(/^four-class problem: /);
    expect(undefinedReasons.md_corruption_bias_rel).toMatch(/^four-class problem: /);
    expect(Object.values(undefinedReasons).join(' ')).not.toMatch(/no uncorrupted sample/);
  });

  it('counts a test prediction of a latent copy as its class in the merged accuracy only', async () => {
    const m = await measureMd(input);
    expect(m.test!.accuracy).toBe(0.5);
    expect(m.test!.accuracy_merged).toBe(0.75);
    const flat = flatten(m);
    expect(flat.values.md_test_accuracy).toBe(0.5);
    expect(flat.values.md_test_accuracy_merged).toBe(0.75);
  });

  it('reports the clean means per original class in the flattened report, with no stale reason', async () => {
    const flat = flatten(await measureMd(input));
    expect(flat.values.md_uncorrupted_means).toEqual([
      [1, 0],
      [10, 0],
    ]);
    expect(flat.reasons.md_uncorrupted_means).toBeUndefined();
    expect(flat.values.md_corruption_bias).toBeNull();
    expect(flat.reasons.md_corruption_bias).toMatch(/^four-class problem: /);
  });

  it('has no merged accuracy outside the four-class problem', async () => {
    const m = await measureMd({ ...input, K: 4, latentOf: undefined });
    expect(m.test!.accuracy_merged).toBeNull();
    expect('md_test_accuracy_merged' in flatten(m).values).toBe(false);
  });

  it('refuses a latentOf that is not half of K', async () => {
    await expect(measureMd({ ...input, latentOf: 3 })).rejects.toThrow(
      'latentOf must be half of K = 4 (the original classes), got 3',
    );
  });

  it('when every sample of an original class moved, says so instead of a number', async () => {
    const m = await measureMd({
      ...input,
      train: {
        ...input.train,
        labels: [2, 2, 2, 1, 1, 1, 3],
        logits: oneHot([2, 2, 2, 1, 1, 1, 3]),
      },
    });
    expect(m.md_train_all.values.md_memorization).toBeNull();
    expect(m.md_train_all.undefinedReasons.md_memorization).toBe(
      'four-class problem: original class 0 has no sample left with its own label (all were moved to its latent copy)',
    );
  });
});

describe('the four-class preset', () => {
  it("uses the paper's latent-class setting: MNIST 0/1, half of each class moved, no resample noise, the 20 % held-out split, p = K", () => {
    const p = findPreset('md-fourclass-mnist')!;
    expect(p.config.experiment).toBe('net');
    if (p.config.experiment !== 'net') return;
    const c = p.config;
    expect([c.fourClass, c.fourClassNoise, c.classes, c.labelNoise]).toEqual([
      true,
      0.5,
      [0, 1],
      0,
    ]);
    expect([c.model, c.valSplit, c.loss]).toEqual(['mlp-md', true, 'ce']);
  });
});
