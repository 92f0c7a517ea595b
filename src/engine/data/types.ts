/**
 * The one in-memory dataset shape every loader produces and every trainer consumes. Images are
 * kept as raw bytes (HWC, row-major, as the official files decode) so a 50 000-image CIFAR-10 set
 * costs 150 MB, not 600; preprocessing to float32 happens per batch (see prepare.ts).
 */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'svhn' | 'gaussian';

export interface ImageSplit {
  /** N·H·W·C bytes (0..255), sample-major, each image HWC row-major. */
  images: Uint8Array;
  /** N labels in 0..K−1. */
  labels: Int32Array;
}

export interface ImageDataset {
  kind: 'images';
  name: DatasetName;
  /** Class names, index = label. */
  classes: string[];
  /** [H, W, C] of one image as stored (MNIST family [28, 28, 1], CIFAR/SVHN [32, 32, 3]). */
  shape: [number, number, number];
  train: ImageSplit;
  test: ImageSplit;
  /** How the split was made, shown in the UI and printed by `npm run dataset -- info`. */
  splitNote: string;
}

/** Float features already in model-input form (synthetic mixtures). */
export interface VectorSplit {
  /** N·D float32, row-major. */
  x: Float32Array;
  labels: Int32Array;
}

export interface VectorDataset {
  kind: 'vectors';
  name: DatasetName;
  classes: string[];
  /** Input dimension D. */
  dim: number;
  train: VectorSplit;
  test: VectorSplit;
  splitNote: string;
}

export type Dataset = ImageDataset | VectorDataset;

/** One split after class selection, per-class counts and label noise. */
export interface PreparedSplit {
  /** Number of samples. */
  n: number;
  /** Labels the model trains on (noisy where noise was applied), remapped to 0..K−1. */
  labels: Int32Array;
  /** Labels before noise (equal to `labels` where no noise), remapped to 0..K−1. */
  originalLabels: Int32Array;
  /** Row of each sample in the source split (dataset.train for train and val, dataset.test for test). */
  sourceIndex: Int32Array;
  /**
   * Position of each sample in the stored training set (after class selection, per-class counts
   * and, for the four-class problem, the shuffle; before the validation split) — the order of the
   * oracle's `corrupted_indices_in_stored_train_order`. For test: position in the filtered test set.
   */
  storedIndex: Int32Array;
}

/**
 * What a trainer consumes: preprocessed, float32 on demand. `fill` writes the model inputs of the
 * given rows (indices into the split) into `out` (rows.length × inputSize), with the dataset's
 * normalisation, grey → 3 channels and 28 → 32 resize already applied where `inputShape` asks.
 */
export interface PreparedData {
  name: DatasetName;
  K: number;
  classes: string[];
  /** [D] for flat vectors, [H, W, C] for images fed to convolutional models (NHWC). */
  inputShape: number[];
  /** Product of inputShape. */
  inputSize: number;
  train: PreparedSplit;
  /** Held-out part of the stored training set (seed 002: the first 20 %); n = 0 when unused. */
  val: PreparedSplit;
  test: PreparedSplit;
  fill(split: 'train' | 'val' | 'test', rows: ArrayLike<number>, out: Float32Array): void;
  /** One line per step taken (split, subset, noise), shown in the UI and the CLI. */
  notes: string[];
  /** 'flat': [C·H·W] in torch's x.view(N, −1) order of a C×H×W tensor; 'image': [H, W, C] (NHWC). */
  inputForm: 'flat' | 'image';
  /** Smallest and largest model-input value over all prepared samples (scans the bytes). */
  valueRange(): [number, number];
}
