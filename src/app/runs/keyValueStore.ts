import { clear, delMany, getMany, keys, promisifyRequest, type UseStore } from 'idb-keyval';

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
  /**
   * Write `entries` in one transaction started now, within this task, and committed at once
   * (`IDBTransaction.commit()`), for a page that is going away: its later tasks never run, so
   * a write that waits for one (a queued write, a transaction left to commit itself once its
   * requests have answered) is lost with the page. Nothing is reported back; absent: the
   * store cannot write that way.
   */
  setManyNow?(entries: [string, unknown][]): void;
}

/** The browser's store: its own IndexedDB database, apart from the dataset cache. */
export function indexedDbStore(dbName = 'nc-lab-runs', storeName = 'kv'): KeyValueStore {
  // idb-keyval's createStore, keeping the open database at hand for setManyNow
  let db: IDBDatabase | null = null;
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const opened = promisifyRequest(request).then((d) => (db = d));
  const store: UseStore = (mode, callback) =>
    opened.then((d) => callback(d.transaction(storeName, mode).objectStore(storeName)));
  return {
    getMany: (k) => getMany(k, store),
    // Committed as soon as the puts are made: left to commit itself, a transaction waits for
    // the page to hear back from every put first, and a busy page that goes away meanwhile
    // loses it, with every write the browser had queued behind it (setManyNow's included).
    setMany: (entries) =>
      store('readwrite', (os) => {
        for (const [k, v] of entries) os.put(v, k);
        commitNow(os.transaction);
        return promisifyRequest(os.transaction);
      }),
    delMany: (k) => delMany(k, store),
    keys: async () => (await keys(store)).map(String),
    clear: () => clear(store),
    setManyNow(entries) {
      if (!db || entries.length === 0) return;
      try {
        const tx = db.transaction(storeName, 'readwrite');
        const os = tx.objectStore(storeName);
        for (const [k, v] of entries) os.put(v, k);
        // Committed now, not once the page has heard back from every put (it may not).
        commitNow(tx);
      } catch {
        // a closed database or a value it cannot store: the queued writes stand as they were
      }
    },
  };
}

/** Commit `tx` now where the browser can (`commit()`: Chrome 76, Firefox 74, Safari 15). */
function commitNow(tx: IDBTransaction): void {
  (tx as Partial<Pick<IDBTransaction, 'commit'>>).commit?.();
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

  setManyNow(entries: [string, unknown][]): void {
    this.setMany(entries).catch(() => undefined);
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
