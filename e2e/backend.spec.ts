/**
 * src/engine/core/backend.ts in a real browser: a module worker in a production build, as the lab's
 * training worker runs it. On CI the WebGPU adapter is SwiftShader, so 'auto' must choose wasm,
 * and the .wasm binaries must load from Vite's hashed asset URLs (wasmUrls.browser.ts).
 */
import type { Page } from '@playwright/test';
import type { HarnessResult } from './harness/protocol';
import { expect, test } from './fixtures';

const HARNESS = `http://localhost:${process.env.E2E_HARNESS_PORT ?? 4174}/`;

type Success = Extract<HarnessResult, { ok: true }>;

async function runHarness(page: Page, query: string): Promise<Success> {
  await page.goto(`${HARNESS}?${query}`);
  const handle = await page.waitForFunction(() => window.harnessResult, undefined, {
    timeout: 120_000,
  });
  const result = (await handle.jsonValue()) as HarnessResult;
  if (!result.ok) throw new Error(`harness failed: ${result.error}`);
  test.info().annotations.push({ type: 'backend-info', description: JSON.stringify(result.info) });
  console.log(`[${query}] ${JSON.stringify(result.info)}`);
  // The tiny fit must actually learn on whatever backend was chosen.
  expect(result.lossAfter).toBeLessThan(result.lossBefore * 0.5);
  return result;
}

test('auto skips the SwiftShader WebGPU adapter and runs on wasm', async ({ page }) => {
  const { info } = await runHarness(page, 'backend=auto');
  expect(info.backend).toBe('wasm');
  expect(info.software).toBe(false);
  expect(info.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
  expect(info.notes[0]).toMatch(/^WebGPU adapter is SwiftShader \(CPU emulation\): using wasm/);
  expect(info.notes.some((note) => /failed/.test(note))).toBe(false);
});

test('auto without WebGPU skips software WebGL and uses wasm', async ({ page }) => {
  const { info } = await runHarness(page, 'backend=auto&hideWebGPU');
  expect(info).toMatchObject({ backend: 'wasm', adapter: null, software: false });
  expect(info.notes[0]).toBe(
    'no WebGPU in this browser (navigator.gpu missing): trying webgl → wasm → cpu',
  );
  expect(info.notes[1]).toMatch(/^webgl skipped: its renderer is software \(.*SwiftShader/);
});

test('missing wasm binaries: the real error is in the notes, cpu takes over', async ({
  page,
  pageErrors,
}) => {
  pageErrors.allow(/Failed to load resource: .*404/);
  const { info } = await runHarness(page, 'backend=wasm&badWasmUrls');
  expect(info.backend).toBe('cpu');
  // tfjs only logs why wasm failed (setBackend returns false); backend.ts must capture it.
  expect(info.notes[1]).toMatch(/^wasm failed: initialisation failed: .+; falling back to cpu$/);
  expect(info.notes[1]).not.toMatch(/setBackend returned false|\[object Object\]/);
});

test('forced webgpu runs on SwiftShader and reports a lost device', async ({ page }) => {
  const { info, deviceLost } = await runHarness(page, 'backend=webgpu&loseDevice');
  expect(info).toMatchObject({ backend: 'webgpu', requested: 'webgpu', software: true });
  expect(info.notes.join('\n')).toMatch(/webgpu forced on SwiftShader/);
  expect(deviceLost?.reason).toBe('destroyed');
});

test('forced webgl runs on software GL and says so', async ({ page }) => {
  const { info } = await runHarness(page, 'backend=webgl');
  expect(info).toMatchObject({ backend: 'webgl', requested: 'webgl', software: true });
});

test('forced cpu stays on cpu', async ({ page }) => {
  const { info } = await runHarness(page, 'backend=cpu');
  expect(info).toMatchObject({ backend: 'cpu', software: false, adapter: { software: true } });
});

test('on the cross-origin-isolated page the threaded wasm binary loads and learns in the minified build (its pthread workers used to die: "e is not defined")', async ({
  page,
}) => {
  const wasmFiles: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasmFiles.push(r.url().split('/').pop() ?? '');
  });
  const { info } = await runHarness(page, 'backend=wasm&wasmThreads=2');
  expect(info.backend).toBe('wasm');
  expect(wasmFiles.some((f) => f.startsWith('tfjs-backend-wasm-threaded-simd'))).toBe(true);
  // tfjs caps its pool at half the logical cores: 2 threads asked must give 2 on any machine.
  expect(info.notes.at(-1)).toMatch(/^wasm ready in \d+ ms, 2 threads$/);
});
