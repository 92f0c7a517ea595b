import { clear, createStore, delMany, getMany, keys, setMany, type UseStore } from 'idb-keyval';

/**
 * The little the run library needs from storage. `setMany` is all or nothing (one IndexedDB
 * transaction), which is what keeps a refused write from damaging what is stored.
 */
export interface KeyValueStore {
  getMany(keys: string[]): Promise<unknown[]>;
  setMany(entries: [string, unknown][]): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
  clear(): Promise<void>;
}

/** The browser's store: its own IndexedDB database, apart from the dataset cache. */
export function indexedDbStore(dbName = 'nc-lab-runs'): KeyValueStore {
  const store: UseStore = createStore(dbName, 'kv');
  return {
    getMany: (k) => getMany(k, store),
    setMany: (entries) => setMany(entries, store),
    delMany: (k) => delMany(k, store),
    keys: async () => (await keys(store)).map(String),
    clear: () => clear(store),
  };
}

/**
 * An in-memory store (tests, and a page where IndexedDB is unavailable). With `quotaBytes`
 * it refuses, as a browser does, a write that would take it over that many bytes of JSON.
 */
export class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();

  constructor(public quotaBytes = Infinity) {}

  async getMany(k: string[]): Promise<unknown[]> {
    return k.map((key) => structuredClone(this.data.get(key)));
  }

  async setMany(entries: [string, unknown][]): Promise<void> {
    const next = new Map(this.data);
    for (const [k, v] of entries) next.set(k, structuredClone(v));
    if (sizeOf(next) > this.quotaBytes)
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    for (const [k, v] of entries) this.data.set(k, structuredClone(v));
  }

  async delMany(k: string[]): Promise<void> {
    for (const key of k) this.data.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.data.keys()];
  }

  async clear(): Promise<void> {
    this.data.clear();
  }

  bytes(): number {
    return sizeOf(this.data);
  }
}

function sizeOf(map: Map<string, unknown>): number {
  let n = 0;
  for (const [k, v] of map) n += k.length + JSON.stringify(v ?? null).length;
  return n;
}

/** True for the error a browser raises when it refuses to store more. */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
