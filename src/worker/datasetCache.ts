import { clear, createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import type { Dataset, DatasetName } from '../engine/data/types';

/**
 * The browser's cache of parsed datasets (IndexedDB through idb-keyval), so a 160 MB CIFAR
 * archive is parsed once. Typed arrays are stored as they are (structured clone), never as JSON
 * arrays. Each dataset has two records: `info:<key>` (small, for the list) and `data:<key>`.
 * The store is an interface so the cache runs against a fake store in unit tests.
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  keys(): Promise<string[]>;
  clear(): Promise<void>;
}

/** IndexedDB database `nc-lab-datasets`, opened on first use (importing this touches nothing). */
export function indexedDbStore(dbName = 'nc-lab-datasets', storeName = 'datasets'): KeyValueStore {
  let store: UseStore | null = null;
  const s = () => (store ??= createStore(dbName, storeName));
  return {
    get: (key) => get(key, s()),
    set: (key, value) => set(key, value, s()),
    del: (key) => del(key, s()),
    keys: async () => (await keys(s())).map(String),
    clear: () => clear(s()),
  };
}

export interface CachedDatasetInfo {
  key: string;
  name: DatasetName;
  /** Bytes of the stored typed arrays. */
  bytes: number;
  /** ISO date of the put. */
  savedAt: string;
  splitNote: string;
}

/** Bump when the stored shape changes: older records then read as missing. */
const RECORD_VERSION = 1;

interface InfoRecord extends CachedDatasetInfo {
  version: number;
}
interface DataRecord {
  version: number;
  dataset: Dataset;
}

export class DatasetCache {
  constructor(
    private readonly store: KeyValueStore = indexedDbStore(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async put(key: string, dataset: Dataset): Promise<CachedDatasetInfo> {
    if (!key) throw new Error('dataset cache: empty key');
    const stored = compact(dataset);
    const info: CachedDatasetInfo = {
      key,
      name: dataset.name,
      bytes: arrays(stored).reduce((n, a) => n + a.byteLength, 0),
      savedAt: this.now().toISOString(),
      splitNote: dataset.splitNote,
    };
    await this.store.set(`data:${key}`, {
      version: RECORD_VERSION,
      dataset: stored,
    } satisfies DataRecord);
    await this.store.set(`info:${key}`, { ...info, version: RECORD_VERSION } satisfies InfoRecord);
    return info;
  }

  /** The dataset under `key`, or undefined when absent, from an older version or damaged. */
  async get(key: string): Promise<Dataset | undefined> {
    const record = (await this.store.get(`data:${key}`)) as DataRecord | undefined;
    if (!record) return undefined;
    if (record.version !== RECORD_VERSION || !isDataset(record.dataset)) {
      await this.delete(key);
      return undefined;
    }
    return record.dataset;
  }

  async list(): Promise<CachedDatasetInfo[]> {
    const infoKeys = (await this.store.keys()).filter((k) => k.startsWith('info:'));
    const out: CachedDatasetInfo[] = [];
    for (const k of infoKeys) {
      const r = (await this.store.get(k)) as InfoRecord | undefined;
      if (r && r.version === RECORD_VERSION) {
        const { version: _version, ...info } = r;
        out.push(info);
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    await this.store.del(`data:${key}`);
    await this.store.del(`info:${key}`);
  }

  async clear(): Promise<void> {
    await this.store.clear();
  }
}

function arrays(d: Dataset): ArrayBufferView[] {
  return d.kind === 'images'
    ? [d.train.images, d.train.labels, d.test.images, d.test.labels]
    : [d.train.x, d.train.labels, d.test.x, d.test.labels];
}

/** Structured clone copies a view's whole buffer: store views that are windows as their own copies. */
function own<T extends Uint8Array | Int32Array | Float32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

function compact(d: Dataset): Dataset {
  if (d.kind === 'images') {
    return {
      ...d,
      train: { images: own(d.train.images), labels: own(d.train.labels) },
      test: { images: own(d.test.images), labels: own(d.test.labels) },
    };
  }
  return {
    ...d,
    train: { x: own(d.train.x), labels: own(d.train.labels) },
    test: { x: own(d.test.x), labels: own(d.test.labels) },
  };
}

function isDataset(d: Dataset | undefined): d is Dataset {
  if (!d || !Array.isArray(d.classes)) return false;
  if (d.kind === 'images') {
    const size = d.shape[0] * d.shape[1] * d.shape[2];
    return [d.train, d.test].every(
      (s) =>
        s.images instanceof Uint8Array &&
        s.labels instanceof Int32Array &&
        s.images.length === s.labels.length * size,
    );
  }
  if (d.kind === 'vectors') {
    return [d.train, d.test].every(
      (s) =>
        s.x instanceof Float32Array &&
        s.labels instanceof Int32Array &&
        s.x.length === s.labels.length * d.dim,
    );
  }
  return false;
}
