import { describe, expect, it } from 'vitest';
import { initBackend, setWasmThreads } from './backend';

describe('wasm threads', () => {
  it('a thread count that is not a positive integer is refused with the value', () => {
    expect(() => setWasmThreads(0)).toThrow('wasm threads must be an integer ≥ 1, got 0');
    expect(() => setWasmThreads(1.5)).toThrow('got 1.5');
  });

  it('without cross-origin isolation (here: Node) threads asked for are not used, and the note says why', async () => {
    setWasmThreads(2);
    const info = await initBackend('wasm');
    setWasmThreads(1);
    expect(info.backend).toBe('wasm');
    expect(info.notes.at(-1)).toMatch(
      /^wasm ready in \d+ ms, 1 thread \(2 threads asked for, but the page is not cross-origin isolated\)$/,
    );
  });
});
