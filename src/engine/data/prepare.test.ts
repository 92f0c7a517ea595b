import { describe, expect, it } from 'vitest';
import { gaussianMixture } from './gaussian';
import { prepareData } from './prepare';
import { countPerClass } from './summary';
import type { ImageDataset } from './types';

/** A small image dataset: n samples, label = labels[i], image bytes = (i·7 + p) mod 256. */
function imageDataset(
  labels: number[],
  shape: [number, number, number],
  K = 10,
  testLabels: number[] = [],
): ImageDataset {
  const size = shape[0] * shape[1] * shape[2];
  const bytes = (n: number, offset: number) =>
    Uint8Array.from(
      { length: n * size },
      (_, j) => (Math.floor(j / size) * 7 + offset + (j % size)) & 0xff,
    );
  return {
    kind: 'images',
    name: 'cifar10',
    classes: Array.from({ length: K }, (_, k) => `c${k}`),
    shape,
    train: { images: bytes(labels.length, 0), labels: Int32Array.from(labels) },
    test: { images: bytes(testLabels.length, 100), labels: Int32Array.from(testLabels) },
    splitNote: 'test',
  };
}

describe('prepareData: classes and per-class counts', () => {
  // 10 classes, 6 samples each, interleaved: sample i has label i mod 10
  const labels = Array.from({ length: 60 }, (_, i) => i % 10);
  const ds = imageDataset(labels, [1, 1, 3], 10, [3, 1, 3, 0, 1]);

  it('keeps the first n_k of each class in index order (imbalanced CIFAR-10 style), file order preserved', () => {
    const counts = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5];
    const p = prepareData(ds, { trainPerClass: counts });
    expect(countPerClass(p.train.labels, 10)).toEqual(counts);
    // class k's kept samples are k, k+10, … (its first occurrences), and rows stay increasing
    const rowsOf = (k: number) => Array.from(p.train.sourceIndex).filter((i) => labels[i] === k);
    expect(rowsOf(0)).toEqual([0]);
    expect(rowsOf(9)).toEqual([9, 19, 29, 39, 49]);
    expect(Array.from(p.train.sourceIndex)).toEqual([...p.train.sourceIndex].sort((a, b) => a - b));
  });

  it('keeps no sample of a class whose count is 0 (seed 000 always kept one: bug not copied)', () => {
    const p = prepareData(ds, { trainPerClass: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1] });
    expect(countPerClass(p.train.labels, 10)[0]).toBe(0);
    expect(p.train.n).toBe(9);
  });

  it('remaps chosen classes to 0…K−1 in the given order, in train and test', () => {
    const p = prepareData(ds, { classes: [3, 1] });
    expect(p.K).toBe(2);
    expect(p.classes).toEqual(['c3', 'c1']);
    expect(Array.from(p.train.sourceIndex.subarray(0, 4))).toEqual([1, 3, 11, 13]);
    expect(Array.from(p.train.labels.subarray(0, 4))).toEqual([1, 0, 1, 0]);
    expect(Array.from(p.test.labels)).toEqual([0, 1, 0, 1]);
    expect(Array.from(p.test.sourceIndex)).toEqual([0, 1, 2, 4]);
  });

  it('refuses counts beyond what a class has, unknown classes and miscounted lists', () => {
    expect(() => prepareData(ds, { classes: [0, 1], trainPerClass: [6, 7] })).toThrow(
      /trainPerClass: class c1 has 6 train samples, 7 requested/,
    );
    expect(() => prepareData(ds, { classes: [0, 10] })).toThrow(
      /classes: 10 is not a class of this dataset \(0…9\)/,
    );
    expect(() => prepareData(ds, { classes: [2, 2] })).toThrow(/classes: 2 is listed twice/);
    expect(() => prepareData(ds, { classes: [0, 1], testPerClass: [1] })).toThrow(
      /testPerClass: 1 counts for 2 classes/,
    );
  });

  it('holds out the first ⌊f·N⌋ stored samples as validation (seed 002), the rest trains', () => {
    const p = prepareData(ds, { classes: [0, 1], valFraction: 0.2 });
    expect(p.val.n).toBe(2); // ⌊0.2 · 12⌋
    expect(Array.from(p.val.storedIndex)).toEqual([0, 1]);
    expect(Array.from(p.val.sourceIndex)).toEqual([0, 1]);
    expect(Array.from(p.train.storedIndex)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(() => prepareData(ds, { valFraction: 1 })).toThrow(/valFraction 1 must lie in \[0, 1\)/);
  });
});

describe('prepareData: label noise (seed 002 resample noise)', () => {
  const K = 10;
  const ds = gaussianMixture({
    K,
    dim: 1,
    nPerClass: 2000,
    testPerClass: 10,
    separation: 1,
    seed: 9,
  });
  const N = 2000 * K;

  it('changes η(K−1)/K of the labels within sampling error, keeps the originals, never touches test', () => {
    const eta = 0.3;
    const p = prepareData(ds, { labelNoise: eta, seed: 4 });
    let changed = 0;
    for (let i = 0; i < N; i++) if (p.train.labels[i] !== p.train.originalLabels[i]) changed++;
    const rate = (eta * (K - 1)) / K;
    const sd = Math.sqrt(N * rate * (1 - rate));
    expect(Math.abs(changed - N * rate)).toBeLessThan(4 * sd);
    // strictly fewer than η·N: a redraw can return the same class
    expect(changed).toBeLessThan(N * eta - 4 * Math.sqrt(N * eta * (1 - eta)));
    expect(Array.from(p.train.originalLabels)).toEqual(Array.from(ds.train.labels));
    expect(Array.from(p.test.labels)).toEqual(Array.from(p.test.originalLabels));
    // new labels are spread over all classes
    const newLabels = Array.from(p.train.labels).filter((y, i) => y !== p.train.originalLabels[i]);
    for (const c of countPerClass(newLabels, K)) expect(c).toBeGreaterThan(changed / K / 2);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = prepareData(ds, { labelNoise: 0.2, seed: 7 }).train.labels;
    const b = prepareData(ds, { labelNoise: 0.2, seed: 7 }).train.labels;
    const c = prepareData(ds, { labelNoise: 0.2, seed: 8 }).train.labels;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('applies an explicit corrupted list (K > 2 needs the labels) and refuses bad lists', () => {
    const p = prepareData(ds, { corrupted: { indices: [0, 5], labels: [3, 4] } });
    expect([p.train.labels[0], p.train.labels[5]]).toEqual([3, 4]);
    expect([p.train.originalLabels[0], p.train.originalLabels[5]]).toEqual([0, 5]);
    expect(() => prepareData(ds, { corrupted: { indices: [0] } })).toThrow(
      /with K = 10 classes the noisy label of each index must be given/,
    );
    expect(() => prepareData(ds, { corrupted: { indices: [N], labels: [1] } })).toThrow(
      /index 20000 is outside the stored training set/,
    );
    expect(() => prepareData(ds, { corrupted: { indices: [1], labels: [1] } })).toThrow(
      /would keep its label 1/,
    );
    expect(() =>
      prepareData(ds, { labelNoise: 0.1, corrupted: { indices: [1], labels: [2] } }),
    ).toThrow(/exclusive/);
  });
});

describe('prepareData: four-class problem (seed 002 --fourclass_problem)', () => {
  const ds = gaussianMixture({
    K: 3,
    dim: 2,
    nPerClass: 3000,
    testPerClass: 5,
    separation: 3,
    seed: 2,
  });

  it('shuffles the stored set, moves each sample to its latent copy y + 2 with probability degree, test stays 0/1', () => {
    const degree = 0.3;
    const p = prepareData(ds, {
      classes: [0, 1],
      fourClass: { degree },
      seed: 11,
      valFraction: 0.2,
    });
    expect(p.K).toBe(4);
    expect(p.classes).toEqual(['class 0', 'class 1', 'class 0 (latent)', 'class 1 (latent)']);
    const labels = [...p.val.labels, ...p.train.labels];
    const original = [...p.val.originalLabels, ...p.train.originalLabels];
    const rows = [...p.val.sourceIndex, ...p.train.sourceIndex];
    const N = 6000;
    expect(labels.length).toBe(N);
    // shuffled: a permutation of the class-0/1 rows, not in file order
    expect([...rows].sort((a, b) => a - b)).toEqual(
      Array.from(ds.train.labels).flatMap((y, i) => (y < 2 ? [i] : [])),
    );
    expect(rows.slice(0, 20)).not.toEqual([...rows.slice(0, 20)].sort((a, b) => a - b));
    // originals follow their samples; a latent label is its original + 2
    rows.forEach((r, i) => expect(original[i]).toBe(ds.train.labels[r]));
    labels.forEach((y, i) => expect(y === original[i] || y === original[i] + 2).toBe(true));
    const moved = labels.filter((y) => y > 1).length;
    expect(Math.abs(moved - degree * N)).toBeLessThan(4 * Math.sqrt(N * degree * (1 - degree)));
    expect(Array.from(p.test.labels).every((y) => y === 0 || y === 1)).toBe(true);
    expect(() => prepareData(ds, { fourClass: { degree } })).toThrow(
      /needs exactly 2 classes, got 3/,
    );
  });
});

describe('prepareData: model inputs (fill)', () => {
  // one 2×2 RGB image, HWC bytes: pixel (y, x) channel c = 100·c + 10·y + x
  const hwc = Uint8Array.from({ length: 12 }, (_, j) => {
    const c = j % 3;
    const p = Math.floor(j / 3);
    return 100 * c + 10 * Math.floor(p / 2) + (p % 2);
  });
  const ds: ImageDataset = {
    kind: 'images',
    name: 'cifar10',
    classes: ['a', 'b'],
    shape: [2, 2, 3],
    train: { images: hwc, labels: Int32Array.of(1) },
    test: { images: new Uint8Array(0), labels: new Int32Array(0) },
    splitNote: '',
  };
  const torch = (v: number, c: number) => {
    const mean = [0.4914, 0.4822, 0.4465][c];
    const std = [0.2023, 0.1994, 0.201][c];
    return Math.fround(Math.fround(Math.fround(v / 255) - Math.fround(mean)) / Math.fround(std));
  };

  it("flat = torch's x.view(N, −1) of the C×H×W tensor: index c·H·W + y·W + x, CIFAR-10 normalisation in float32", () => {
    const p = prepareData(ds);
    expect(p.inputShape).toEqual([12]);
    const out = new Float32Array(12);
    p.fill('train', [0], out);
    const expected: number[] = [];
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 2; x++) expected.push(torch(100 * c + 10 * y + x, c));
    expect(Array.from(out)).toEqual(expected);
  });

  it('image = NHWC, the stored order', () => {
    const p = prepareData(ds, { input: 'image', normalization: 'none' });
    expect(p.inputShape).toEqual([2, 2, 3]);
    const out = new Float32Array(12);
    p.fill('train', [0], out);
    expect(Array.from(out)).toEqual(Array.from(hwc, (v) => Math.fround(v / 255)));
  });

  it('grey → 3 channels and 2 → 4 resize (Pillow bilinear) before MNIST normalisation', () => {
    const grey: ImageDataset = {
      ...ds,
      name: 'mnist',
      shape: [2, 2, 1],
      train: { images: Uint8Array.of(0, 100, 200, 40, 9, 9, 9, 9), labels: Int32Array.of(0, 1) },
    };
    const p = prepareData(grey, { channels: 3, size: 4 });
    expect(p.inputShape).toEqual([48]);
    const out = new Float32Array(2 * 48);
    p.fill('train', [1, 0], out);
    const m = (v: number) =>
      Math.fround(Math.fround(Math.fround(v / 255) - Math.fround(0.1307)) / Math.fround(0.3081));
    const resized = [0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40];
    expect(Array.from(out.subarray(0, 48))).toEqual(new Array(48).fill(m(9)));
    expect(Array.from(out.subarray(48))).toEqual([...resized, ...resized, ...resized].map(m));
    expect(p.valueRange()).toEqual([m(0), m(200)]);
  });

  it('refuses rows out of range, a short output buffer and impossible input options', () => {
    const p = prepareData(ds);
    expect(() => p.fill('train', [1], new Float32Array(12))).toThrow(
      /fill: row 1 out of range \(train has 1 samples\)/,
    );
    expect(() => p.fill('train', [0, 0], new Float32Array(12))).toThrow(
      /output has 12 floats, 2 rows need 24/,
    );
    expect(() => prepareData(ds, { channels: 1 })).toThrow(/channels: 1 from 3-channel images/);
    const g = gaussianMixture({ K: 2, dim: 3, nPerClass: 2, separation: 1, seed: 1 });
    expect(() => prepareData(g, { input: 'image' })).toThrow(/only 'flat' input exists/);
  });

  it('copies vectors unchanged', () => {
    const g = gaussianMixture({ K: 2, dim: 3, nPerClass: 2, separation: 1, seed: 1 });
    const p = prepareData(g);
    const out = new Float32Array(6);
    p.fill('test', [3, 0], out);
    expect(Array.from(out)).toEqual([...g.test.x.subarray(9, 12), ...g.test.x.subarray(0, 3)]);
  });
});
