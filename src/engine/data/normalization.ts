import type { DatasetName } from './types';

/**
 * Per-channel normalisation (x/255 − mean)/std as the reference code applies it after ToTensor:
 * - MNIST: (0.1307, 0.3081) on every channel (seed 000 datasets.py; seed 002 get_dataset).
 * - Fashion-MNIST: seed 002 uses the MNIST constants for it too (seed 000 does not load it).
 * - CIFAR-10: (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010) (both seeds).
 * - CIFAR-100 and SVHN: seed 002 applies the same CIFAR-10 statistics (it calls them IMAGENET_*).
 * Gaussian mixtures are used as drawn.
 */
export interface Normalization {
  mean: number[];
  std: number[];
  source: string;
}

const MNIST: Normalization = {
  mean: [0.1307],
  std: [0.3081],
  source: 'MNIST (0.1307, 0.3081), as both reference repos',
};
const CIFAR10: Normalization = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2023, 0.1994, 0.201],
  source: 'CIFAR-10 (0.4914, 0.4822, 0.4465)/(0.2023, 0.1994, 0.2010), as both reference repos',
};

export const DATASET_NORMALIZATION: Record<DatasetName, Normalization | null> = {
  mnist: MNIST,
  'fashion-mnist': {
    ...MNIST,
    source:
      'MNIST constants (0.1307, 0.3081), as Nguyen et al. 2023’s code uses them for Fashion-MNIST',
  },
  cifar10: CIFAR10,
  cifar100: {
    ...CIFAR10,
    source: 'CIFAR-10 constants, as Nguyen et al. 2023’s code uses them for CIFAR-100',
  },
  svhn: {
    ...CIFAR10,
    source: 'CIFAR-10 constants, as Nguyen et al. 2023’s code uses them for SVHN',
  },
  gaussian: null,
};

/**
 * Float32 input value of byte v in channel c, computed as torch does it in float32:
 * ToTensor (v/255) then Normalize ((x − mean)/std). Returns a 256-entry table per channel.
 */
export function normalizationTable(n: Normalization | null, channels: number): Float32Array[] {
  const tables: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const t = new Float32Array(256);
    const mean = n ? Math.fround(n.mean.length === 1 ? n.mean[0] : n.mean[c]) : 0;
    const std = n ? Math.fround(n.std.length === 1 ? n.std[0] : n.std[c]) : 1;
    // Each operation rounded to float32 (exact: double rounding is innocuous for + − × ÷).
    for (let v = 0; v < 256; v++)
      t[v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
    tables.push(t);
  }
  return tables;
}
