import { isConvModel, type NetConfig } from '../config/schema';
import { DatasetError } from './errors';
import { gaussianMixture } from './gaussian';
import { prepareData, type PrepareOptions } from './prepare';
import type { Dataset, DatasetName, PreparedData } from './types';

/** Where a stored dataset comes from (embedded assets, the browser cache, files on disk). */
export type DatasetSource = (name: Exclude<DatasetName, 'gaussian'>) => Promise<Dataset>;

const GAUSSIAN_DEFAULT_PER_CLASS = 100;

/** The one mapping from a network config to the data preparation it asks for. */
export function prepareOptionsFor(config: NetConfig): PrepareOptions {
  const conv = isConvModel(config.model);
  const grey = config.dataset === 'mnist' || config.dataset === 'fashion-mnist';
  // The CIFAR-form ResNet18/VGG16 need 3×32×32; an MLP takes 3072 values only when asked.
  const to32 = grey && (conv || config.resize32);
  return {
    classes: config.classes.length ? config.classes : undefined,
    // One count means "the same for every class": loadNetData expands it once K is known.
    trainPerClass: config.perClass.length > 1 ? config.perClass : undefined,
    valFraction: config.valSplit ? config.valFraction : 0,
    labelNoise: config.labelNoise,
    fourClass: config.fourClass ? { degree: config.fourClassNoise } : undefined,
    seed: config.seed,
    input: conv ? 'image' : 'flat',
    channels: to32 ? 3 : undefined,
    size: to32 ? 32 : undefined,
    normalization: 'dataset',
  };
}

/** An explicit list of corrupted positions (seed 002's reference run lists the ones it used). */
export interface CorruptedList {
  /** Positions in the stored training set (class-filtered, before the validation split). */
  indices: number[];
  /** Their noisy labels; needed only when K > 2 (with K = 2 it is the other class). */
  labels?: number[];
}

/** Load and prepare the data of a network experiment. */
export async function loadNetData(
  config: NetConfig,
  source: DatasetSource,
  corrupted?: CorruptedList,
): Promise<PreparedData> {
  const dataset =
    config.dataset === 'gaussian'
      ? gaussianMixture({
          K: config.gaussClasses,
          dim: config.gaussDim,
          nPerClass: config.perClass.length
            ? Math.max(...config.perClass)
            : GAUSSIAN_DEFAULT_PER_CLASS,
          separation: config.gaussSeparation,
          seed: config.seed,
        })
      : await source(config.dataset);
  const options = prepareOptionsFor(config);
  if (corrupted) options.corrupted = corrupted;
  if (config.perClass.length === 1 && config.dataset !== 'gaussian') {
    const K = config.classes.length || dataset.classes.length;
    options.trainPerClass = Array.from({ length: K }, () => config.perClass[0]);
  }
  if (config.perClass.length > 1 && !config.classes.length) {
    if (config.perClass.length !== dataset.classes.length) {
      throw new DatasetError(
        `perClass: ${config.perClass.length} counts for the ${dataset.classes.length} classes of ${config.dataset}`,
      );
    }
  }
  return prepareData(dataset, options);
}
