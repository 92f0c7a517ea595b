/**
 * The wasm backend's threads per run (src/engine/run/wasmThreads.ts): auto runs small steps on
 * one thread and large ones on every core, the header's picker and `threads=` fix the count, and
 * the count belongs to the page (this machine), never to a share link.
 */
import type { Page } from '@playwright/test';
import { expect, test, waitForLab } from './fixtures';

/** The backend note that says how wasm was (re)started. */
async function wasmNote(page: Page): Promise<string> {
  const info = await page.evaluate(() => window.ncLab.backendInfo());
  return info.notes.find((n) => n.startsWith('wasm ready in ')) ?? '';
}

test('auto: a small UFM on one thread, a d = 2048, M = 3 one restarted on two, and back', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await expect(page.getByTestId('wasm-threads')).toHaveText('1 thread');
  // The large one: 11 M multiply–adds a product (the chain from the K side), above the threshold.
  const large = '?preset=tiny-check&backend=wasm&hidden=2048&depth=3&steps=3';
  await page.evaluate((q) => window.ncLab.run(q, { keep: false }), large);
  await expect(page.getByTestId('wasm-threads')).toHaveText('2 threads', { timeout: 60_000 });
  expect(await wasmNote(page)).toMatch(
    /^wasm ready in \d+ ms, 2 threads: auto: 11 M multiply–adds a product \(threaded from 3.2 M\)$/,
  );
  // Trains after each restart: the tensors of the new instance work.
  const result = await page.evaluate(() =>
    window.ncLab.run('?preset=tiny-check&backend=wasm', { keep: false }),
  );
  expect(result.status).toBe('completed');
  await expect(page.getByTestId('wasm-threads')).toHaveText('1 thread');
  expect(await wasmNote(page)).toMatch(/, 1 thread: auto: .* \(one thread below 3.2 M\)$/);
});

test('a run on two threads, its products timed between the heap kernels and XNNPACK, matches one thread to the bit', async ({
  page,
}) => {
  // K = 4 rows and d = 2048 columns: the chain's products fit the heap kernels, so on two threads
  // the heap tuner runs each shape's first calls on the heap and on XNNPACK's pool by turns
  const large =
    '?preset=tiny-check&backend=wasm&hidden=2048&depth=3&initStd=0.02&steps=12&reportEvery=1';
  await page.goto('/?preset=tiny-check&backend=wasm&threads=2');
  await waitForLab(page);
  const two = await page.evaluate((q) => window.ncLab.run(q, { keep: false }), large);
  await expect(page.getByTestId('wasm-threads')).toHaveText('2 threads');
  // the heap kernels ran in tfjs's threaded build, beside XNNPACK on the same shapes
  const tuned = await page.evaluate(() => window.ncLab.tunedShapes());
  const timedBothWays = tuned.filter(
    (t) => t.threads === 2 && t.heapMs !== null && t.poolMs !== null,
  );
  expect(timedBothWays.length).toBeGreaterThan(0);
  // a step's shapes are called often enough to be decided (a report's, fewer times, may not be)
  expect(timedBothWays.some((t) => t.choice === 'heap' || t.choice === 'pool')).toBe(true);
  // the header's notes say where the decided shapes run
  await expect(page.getByTestId('tuner-note')).toContainText(
    /^heap tuner, 2 threads: \d+ product shapes on the lab’s heap kernels, \d+ on XNNPACK’s pool/,
  );
  await page.getByLabel('wasm threads for the next run').selectOption('1');
  const one = await page.evaluate((q) => window.ncLab.run(q, { keep: false }), large);
  await expect(page.getByTestId('wasm-threads')).toHaveText('1 thread');
  await expect(page.getByTestId('tuner-note')).toHaveCount(0);
  expect(two.status).toBe('completed');
  expect(two.final).not.toBeNull();
  expect(two.history.length).toBe(13);
  expect(JSON.stringify(two.history)).toBe(JSON.stringify(one.history));
  expect(JSON.stringify(two.final?.metrics)).toBe(JSON.stringify(one.final?.metrics));
});

test('the picker fixes the count for the next run and keeps it in the address, not in share links', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await page.getByLabel('wasm threads for the next run').selectOption('2');
  await expect(page).toHaveURL(/[?&]threads=2(&|$)/);
  // the run on screen keeps its thread; the next run gets two
  await expect(page.getByTestId('wasm-threads')).toHaveText('1 thread');
  const result = await page.evaluate(() =>
    window.ncLab.run('?preset=tiny-check&backend=wasm', { keep: false }),
  );
  expect(result.status).toBe('completed');
  await expect(page.getByTestId('wasm-threads')).toHaveText('2 threads');
  expect(await wasmNote(page)).toMatch(/, 2 threads: threads=2 asked for$/);
  expect(await page.getByTestId('share-link').inputValue()).not.toContain('threads');
  // A reload keeps the choice (the address has it): the first run already starts on two threads.
  await page.reload();
  await waitForLab(page);
  await expect(page.getByTestId('wasm-threads')).toHaveText('2 threads');
  await expect(page.getByLabel('wasm threads for the next run')).toHaveValue('2');
});

test('a bad threads value is named in a banner and the lab runs with auto', async ({ page }) => {
  await page.goto('/?preset=tiny-check&backend=wasm&threads=99');
  await expect(page.getByTestId('lab-error')).toContainText(
    'The link\'s threads value was not used: threads must be auto or a whole number from 1 to 8, got "99"; running with threads=auto.',
  );
  await waitForLab(page);
  await expect(page.getByTestId('wasm-threads')).toHaveText('1 thread');
  await expect(page.getByTestId('config-error')).toHaveCount(0);
});
