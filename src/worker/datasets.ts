import type { NetConfig } from '../engine/config/schema';
import type { PreparedData } from '../engine/data/types';

/**
 * Where the worker finds a network experiment's data: the embedded MNIST/FashionMNIST assets,
 * the user's CIFAR/SVHN files from the IndexedDB cache, or a synthetic mixture.
 */
export async function loadWorkerData(
  config: NetConfig,
  onProgress: (fraction: number, message: string) => void,
): Promise<PreparedData> {
  onProgress(0, `Loading ${config.dataset}`);
  throw new Error(`dataset ${config.dataset}: loading is not wired yet`);
}
