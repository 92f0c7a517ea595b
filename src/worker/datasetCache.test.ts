import { describe, expect, it } from 'vitest';
import { DatasetCache, type KeyValueStore } from './datasetCache';
import { gaussianMixture } from '../engine/data/gaussian';
import type { ImageDataset } from '../engine/data/types';

/** An in-memory store that clones like IndexedDB does (structured clone keeps typed arrays). */
function fakeStore(): KeyValueStore & { raw: Map<string, unknown> } {
  const raw = new Map<string, unknown>();
  return {
    raw,
    get: async (k) => structuredClone(raw.get(k)),
    set: async (k, v) => void raw.set(k, structuredClone(v)),
    del: async (k) => void raw.delete(k),
    keys: async () => [...raw.keys()],
    clear: async () => raw.clear(),
  };
}

function images(): ImageDataset {
  // the train images are a window into a larger buffer, as parseIdx returns them
  const buffer = new Uint8Array(16 + 2 * 12).map((_, i) => i);
  return {
    kind: 'images',
    name: 'svhn',
    classes: ['a', 'b'],
    shape: [2, 2, 3],
    train: { images: buffer.subarray(16), labels: Int32Array.of(0, 1) },
    test: { images: new Uint8Array(12).fill(7), labels: Int32Array.of(1) },
    splitNote: 'tiny',
  };
}

describe('DatasetCache (IndexedDB through a fake store)', () => {
  it('round-trips typed arrays (not JSON arrays) and lists name, size and date', async () => {
    const store = fakeStore();
    const cache = new DatasetCache(store, () => new Date('2026-12-02T10:00:00Z'));
    const info = await cache.put('svhn-files', images());
    expect(info).toEqual({
      key: 'svhn-files',
      name: 'svhn',
      bytes: 24 + 8 + 12 + 4,
      savedAt: '2026-12-02T10:00:00.000Z',
      splitNote: 'tiny',
    });
    const back = (await cache.get('svhn-files')) as ImageDataset;
    expect(back.train.images).toBeInstanceOf(Uint8Array);
    expect(back.train.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(back.train.images)).toEqual(Array.from(images().train.images));
    // the window was stored as its own 24 bytes, not the 40-byte buffer behind it
    expect(back.train.images.buffer.byteLength).toBe(24);
    const g = gaussianMixture({ K: 2, dim: 3, nPerClass: 4, separation: 1, seed: 1 });
    await cache.put('gauss', g);
    const gb = await cache.get('gauss');
    expect(gb?.kind === 'vectors' && Array.from(gb.train.x)).toEqual(Array.from(g.train.x));
    expect((await cache.list()).map((i) => [i.key, i.bytes])).toEqual([
      ['gauss', (24 + 24) * 4 + (8 + 8) * 4],
      ['svhn-files', 48],
    ]);
  });

  it('deletes one entry, clears all, and treats a missing key as absent', async () => {
    const cache = new DatasetCache(fakeStore());
    await cache.put('a', images());
    await cache.put('b', images());
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
    expect((await cache.list()).map((i) => i.key)).toEqual(['b']);
    await cache.clear();
    expect(await cache.list()).toEqual([]);
  });

  it('drops a damaged or old-version record instead of returning it', async () => {
    const store = fakeStore();
    const cache = new DatasetCache(store);
    await cache.put('x', images());
    const rec = store.raw.get('data:x') as { dataset: ImageDataset };
    rec.dataset.train.labels = Int32Array.of(0); // 2 images, 1 label
    expect(await cache.get('x')).toBeUndefined();
    expect(await cache.list()).toEqual([]);
    await cache.put('y', images());
    (store.raw.get('data:y') as { version: number }).version = 0;
    expect(await cache.get('y')).toBeUndefined();
    await expect(cache.put('', images())).rejects.toThrow(/empty key/);
  });
});
