import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLoops, EMBED_PATH, embeddedSource } from './buildWasm';

describe('npm run build:wasm', () => {
  it('embedded loops are the compiled hostLoops.wat (rerun build:wasm after editing it)', async () => {
    expect(readFileSync(EMBED_PATH, 'utf8')).toBe(await embeddedSource());
  });

  it('compiles a module WebAssembly accepts for an ordinary and for a shared memory', async () => {
    const plain = new WebAssembly.Module(await compileLoops(false));
    new WebAssembly.Instance(plain, { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    const shared = new WebAssembly.Module(await compileLoops(true));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    new WebAssembly.Instance(shared, { env: { memory } });
    expect(WebAssembly.Module.exports(shared).map((e) => e.name)).toEqual(
      WebAssembly.Module.exports(plain).map((e) => e.name),
    );
  });
});
