// The datasets engine, browser-safe (the Node-only loaders are in ./node).
export type * from './types';
export { DatasetError } from './errors';
export type { ByteSource, ProgressFn } from './source';
export { parseIdx, idxImageSplit, encodeIdx } from './idx';
export { parseCifarBin, CIFAR10_CLASSES, type CifarVariant } from './cifar';
export { readCifarArchive, cifarFromFiles } from './cifarDataset';
export { readMat, type MatArrayInfo, type MatArraySink } from './mat';
export { readSvhnMat, svhnDataset } from './svhn';
export { datasetFromFiles, type NamedSource } from './files';
export { loadEmbedded, EMBEDDED_NAMES, type EmbeddedName, type FetchLike } from './embedded';
export { gaussianMixture, type GaussianMixtureOptions } from './gaussian';
export { prepareData, type PrepareOptions } from './prepare';
export { DATASET_NORMALIZATION } from './normalization';
export {
  summarize,
  summarizeStored,
  countPerClass,
  type DatasetSummary,
  type StoredSummary,
} from './summary';
