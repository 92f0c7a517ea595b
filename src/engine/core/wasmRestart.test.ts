import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, restartWasm, wasmThreads } from './backend';

// Node is never cross-origin isolated, so threads are refused there before any restart; these
// tests pretend it is, which reaches the restart itself. tfjs's threaded build cannot start its
// workers in Node (they come from blob: URLs), which exercises the fallback too.
const globals = globalThis as { crossOriginIsolated?: boolean };

describe('restartWasm: the wasm backend started again with another thread count', () => {
  afterAll(() => {
    delete globals.crossOriginIsolated;
  });

  it('keeps its count while tensors are alive, and says so', async () => {
    const info = await initBackend('wasm');
    globals.crossOriginIsolated = true;
    const alive = tf.ones([2]);
    try {
      const kept = await restartWasm(info, 2, 'test');
      expect(kept.notes.at(-1)).toMatch(/^wasm kept 1 thread: \d+ tensors were still alive$/);
      expect(wasmThreads()).toBe(1);
      expect(Array.from(await alive.data())).toEqual([1, 1]);
    } finally {
      alive.dispose();
      delete globals.crossOriginIsolated;
    }
  });

  it('with nothing alive it restarts; a threaded start that fails falls back to one thread that computes', async () => {
    const info = await initBackend('wasm');
    expect(tf.memory().numTensors).toBe(0);
    globals.crossOriginIsolated = true;
    const next = await restartWasm(info, 2, 'test');
    delete globals.crossOriginIsolated;
    expect(next).not.toBe(info);
    expect(next.threads).toBe(1);
    expect(next.notes.filter((n) => n.startsWith('wasm ready in '))).toHaveLength(1);
    expect(next.notes.at(-1)).toMatch(
      /^wasm ready in \d+ ms, 1 thread: 2 threads failed \(wasm failed: /,
    );
    const product = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
    expect(Array.from(await product.data())).toEqual([3, 3, 3, 3]);
    product.dispose();
  });

  it('does nothing when the count is already the one asked for', async () => {
    const info = await initBackend('wasm');
    expect(await restartWasm(info, 1, 'test')).toBe(info);
  });
});
