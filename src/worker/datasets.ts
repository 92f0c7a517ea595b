import type { NetConfig } from '../engine/config/schema';
import { DatasetError, datasetFromFiles, loadEmbedded, summarizeStored } from '../engine/data';
import type { StoredSummary } from '../engine/data';
import { loadNetData } from '../engine/data/fromConfig';
import type { Dataset, DatasetName, PreparedData } from '../engine/data/types';
import { DatasetCache, type CachedDatasetInfo } from './datasetCache';

/**
 * Where the worker finds a network experiment's data: the embedded MNIST/FashionMNIST assets
 * (fetched once per worker), the user's CIFAR/SVHN files from the IndexedDB cache, or a
 * generated mixture. Parsing user files happens here too, so the page never blocks.
 */
type Progress = (fraction: number, message: string) => void;

const FILE_DATASETS: Record<string, string> = {
  cifar10: 'cifar-10-binary.tar.gz (or data_batch_1…5.bin and test_batch.bin)',
  cifar100: 'cifar-100-binary.tar.gz (or train.bin and test.bin)',
  svhn: 'train_32x32.mat and test_32x32.mat',
};

const embedded = new Map<string, Promise<Dataset>>();
let cache: DatasetCache | null = null;

function datasetCache(): DatasetCache {
  cache ??= new DatasetCache();
  return cache;
}

/** The built app serves the assets under its base URL (vite `base`), next to index.html. */
function assetBase(): string {
  return new URL(`${import.meta.env.BASE_URL}datasets/`, self.location.origin).toString();
}

async function storedDataset(name: Exclude<DatasetName, 'gaussian'>, onProgress: Progress) {
  if (name === 'mnist' || name === 'fashion-mnist') {
    let pending = embedded.get(name);
    if (!pending) {
      pending = loadEmbedded(name, (url) => fetch(url), onProgress, { baseUrl: assetBase() });
      embedded.set(name, pending);
      pending.catch(() => embedded.delete(name));
    }
    return pending;
  }
  const cached = await datasetCache().get(name);
  if (!cached) {
    throw new DatasetError(
      `${name} is not loaded in this browser: drop ${FILE_DATASETS[name]} on the Datasets panel first (it is parsed here and kept in IndexedDB).`,
    );
  }
  return cached;
}

export function loadWorkerData(config: NetConfig, onProgress: Progress): Promise<PreparedData> {
  return loadNetData(config, (name) => storedDataset(name, onProgress));
}

export interface ImportedDataset {
  info: CachedDatasetInfo;
  summary: StoredSummary;
}

/** Parse the user's dataset files (streamed from the File objects) and keep them in IndexedDB. */
export async function importDatasetFiles(
  files: File[],
  onProgress: Progress,
): Promise<ImportedDataset> {
  const dataset = await datasetFromFiles(
    files.map((f) => ({ name: f.name, size: f.size, source: f.stream() })),
    { onProgress },
  );
  onProgress(1, `Saving ${dataset.name} in this browser`);
  const info = await datasetCache().put(dataset.name, dataset);
  return { info, summary: summarizeStored(dataset) };
}

export const listCachedDatasets = (): Promise<CachedDatasetInfo[]> => datasetCache().list();
export const deleteCachedDataset = (key: string): Promise<void> => datasetCache().delete(key);
export const clearCachedDatasets = (): Promise<void> => datasetCache().clear();

/** Counts per class and the split note of an embedded or cached dataset. */
export async function describeDataset(
  name: Exclude<DatasetName, 'gaussian'>,
  onProgress: Progress,
): Promise<StoredSummary> {
  return summarizeStored(await storedDataset(name, onProgress));
}
