import { gunzipSync, gzipSync } from 'fflate';
import { fail } from './errors';
import { encodeIdx, idxImageSplit, parseIdx } from './idx';
import { concatBytes, throttled, type ProgressFn } from './source';
import type { DatasetName, ImageDataset } from './types';

/**
 * The datasets NC Lab ships (scripts/build-datasets.ts writes them to public/datasets/): each
 * split as gzipped IDX files (the official MNIST format, so one decoder serves the npm files, the
 * official downloads and these assets) plus manifest.json with classes, shape and split note.
 */
export type EmbeddedName = 'mnist' | 'fashion-mnist';
export const EMBEDDED_NAMES: EmbeddedName[] = ['mnist', 'fashion-mnist'];
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 2;

export interface EmbeddedFile {
  /** Relative to the manifest. */
  path: string;
  /** Size of the gzipped file. */
  bytes: number;
}

export interface EmbeddedEntry {
  name: DatasetName;
  classes: string[];
  shape: [number, number, number];
  splitNote: string;
  source: string;
  counts: { train: number; test: number };
  files: {
    trainImages: EmbeddedFile;
    trainLabels: EmbeddedFile;
    testImages: EmbeddedFile;
    testLabels: EmbeddedFile;
  };
}

export interface EmbeddedManifest {
  format: 'nc-lab-datasets';
  version: number;
  datasets: Partial<Record<EmbeddedName, EmbeddedEntry>>;
}

type FileKey = keyof EmbeddedEntry['files'];
const FILE_KEYS: FileKey[] = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];

/** The asset files of one dataset (gzipped IDX, deterministic bytes) and its manifest entry. */
export function encodeEmbedded(
  ds: ImageDataset,
  source: string,
): { entry: EmbeddedEntry; files: { path: string; bytes: Uint8Array }[] } {
  const [h, w] = ds.shape;
  const raw: Record<FileKey, Uint8Array> = {
    trainImages: encodeIdx([ds.train.labels.length, h, w], ds.train.images),
    trainLabels: encodeIdx([ds.train.labels.length], Uint8Array.from(ds.train.labels)),
    testImages: encodeIdx([ds.test.labels.length, h, w], ds.test.images),
    testLabels: encodeIdx([ds.test.labels.length], Uint8Array.from(ds.test.labels)),
  };
  // Gzipped IDX under a neutral extension: a server that sees ".gz" (vite preview's sirv,
  // nginx gzip_static) may send it with Content-Encoding: gzip, and fetch then inflates it.
  const names: Record<FileKey, string> = {
    trainImages: 'train-images-idx3-ubyte.gzbin',
    trainLabels: 'train-labels-idx1-ubyte.gzbin',
    testImages: 't10k-images-idx3-ubyte.gzbin',
    testLabels: 't10k-labels-idx1-ubyte.gzbin',
  };
  const files = FILE_KEYS.map((k) => ({
    key: k,
    path: `${ds.name}/${names[k]}`,
    bytes: gzipSync(raw[k], { level: 6, mtime: 0 }),
  }));
  const entry: EmbeddedEntry = {
    name: ds.name,
    classes: ds.classes,
    shape: ds.shape,
    splitNote: ds.splitNote,
    source,
    counts: { train: ds.train.labels.length, test: ds.test.labels.length },
    files: Object.fromEntries(
      files.map((f) => [f.key, { path: f.path, bytes: f.bytes.length }]),
    ) as EmbeddedEntry['files'],
  };
  return { entry, files: files.map(({ path, bytes }) => ({ path, bytes })) };
}

/** The inverse of encodeEmbedded: gzipped IDX bytes of the four files → the dataset. */
export function decodeEmbedded(
  entry: EmbeddedEntry,
  files: Record<FileKey, Uint8Array>,
): ImageDataset {
  const K = entry.classes.length;
  const split = (images: FileKey, labels: FileKey, expected: number) => {
    const parsed = idxImageSplit(
      parseIdx(inflate(files[images], entry.files[images].path), entry.files[images].path),
      parseIdx(inflate(files[labels], entry.files[labels].path), entry.files[labels].path),
      K,
      { images: entry.files[images].path, labels: entry.files[labels].path },
    );
    if (parsed.split.labels.length !== expected) {
      fail(
        `${entry.files[images].path}: ${parsed.split.labels.length} images, the manifest says ${expected}`,
      );
    }
    if (parsed.shape.join() !== entry.shape.join()) {
      fail(
        `${entry.files[images].path}: images ${parsed.shape.join('×')}, the manifest says ${entry.shape.join('×')}`,
      );
    }
    return parsed.split;
  };
  return {
    kind: 'images',
    name: entry.name,
    classes: entry.classes,
    shape: entry.shape,
    train: split('trainImages', 'trainLabels', entry.counts.train),
    test: split('testImages', 'testLabels', entry.counts.test),
    splitNote: entry.splitNote,
  };
}

function inflate(bytes: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    fail(`${path}: truncated or corrupt gzip data (${(e as Error).message})`);
  }
}

export function checkManifest(value: unknown, where: string): EmbeddedManifest {
  const m = value as EmbeddedManifest;
  if (!m || m.format !== 'nc-lab-datasets' || typeof m.datasets !== 'object')
    fail(`${where}: not an NC Lab dataset manifest`);
  if (m.version !== MANIFEST_VERSION)
    fail(
      `${where}: manifest version ${m.version}, this build reads ${MANIFEST_VERSION} (rebuild with npm run build)`,
    );
  return m;
}

/** The parts of a fetch Response the loader uses (so tests can pass a file-backed fetch). */
export interface FetchResponse {
  ok: boolean;
  status: number;
  statusText?: string;
  /** Read for the content type: an SPA host answers a missing file with its index page. */
  headers?: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}
export type FetchLike = (url: string) => Promise<FetchResponse>;

/**
 * Browser loader: fetches manifest.json and the four files of `name` from `baseUrl` (default
 * "datasets/"; pass an absolute URL from a worker, e.g. new URL('datasets/', location.origin)).
 */
export async function loadEmbedded(
  name: EmbeddedName,
  fetchFn: FetchLike,
  onProgress?: ProgressFn,
  options: { baseUrl?: string } = {},
): Promise<ImageDataset> {
  const base = options.baseUrl ?? 'datasets/';
  const progress = throttled(onProgress, 0.01);
  const manifestUrl = base + MANIFEST_FILE;
  const manifest = checkManifest(
    parseJson(await (await fetchOk(fetchFn, manifestUrl)).text(), manifestUrl),
    manifestUrl,
  );
  const entry = manifest.datasets[name];
  if (!entry)
    fail(
      `${manifestUrl}: no embedded dataset "${name}" (has ${Object.keys(manifest.datasets).join(', ') || 'none'})`,
    );
  const total = FILE_KEYS.reduce((n, k) => n + entry.files[k].bytes, 0);
  let loaded = 0;
  const files = {} as Record<FileKey, Uint8Array>;
  for (const key of FILE_KEYS) {
    const file = entry.files[key];
    const url = base + file.path;
    const response = await fetchOk(fetchFn, url);
    files[key] = await readBody(response, (n) => {
      loaded += n;
      progress((0.9 * loaded) / total, `Downloading ${name}: ${file.path}`);
    });
    if (files[key].length !== file.bytes)
      fail(
        `${url}: ${files[key].length} bytes, the manifest says ${file.bytes} (truncated download?)`,
      );
  }
  progress(0.95, `Decoding ${name}`);
  const dataset = decodeEmbedded(entry, files);
  progress(1, `${name}: ${entry.counts.train} train, ${entry.counts.test} test images`);
  return dataset;
}

/** What to do when the server lacks the datasets (a build made without them, a bare host). */
const MISSING_HINT =
  'the embedded datasets are not on this server: npm start and npm run build make them in public/datasets, which the build copies to dist/datasets';

async function fetchOk(fetchFn: FetchLike, url: string): Promise<FetchResponse> {
  let r: FetchResponse;
  try {
    r = await fetchFn(url);
  } catch (e) {
    fail(`${url}: could not fetch (${(e as Error).message})`);
  }
  if (!r.ok)
    fail(`${url}: HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''} (${MISSING_HINT})`);
  // vite preview and most static hosts answer an unknown path with the lab's own page (200)
  if (r.headers?.get('content-type')?.includes('text/html'))
    fail(`${url}: the server answered with a web page, not this file (${MISSING_HINT})`);
  return r;
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail(`${url}: not JSON (starts "${text.slice(0, 40)}"; ${MISSING_HINT})`);
  }
}

async function readBody(r: FetchResponse, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!r.body) {
    const bytes = new Uint8Array(await r.arrayBuffer());
    onBytes(bytes.length);
    return bytes;
  }
  const parts: Uint8Array[] = [];
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    onBytes(value.length);
  }
  return concatBytes(parts);
}
