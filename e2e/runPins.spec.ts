/**
 * Pinned checkpoints (src/app/runs/pins.ts): a checkpoint pinned while a run trains is kept beside
 * the rolling latest, listed with its size, resumed from to the uninterrupted run's numbers, and
 * unpinned.
 */
import { test, expect, waitForLab } from './fixtures';

// Long enough that the page shows it running, and takes the pin, well before it ends (on a
// loaded machine too: a 4 000-step run once ended first).
const RUN = '?preset=tiny-check&steps=20000&reportEvery=250&backend=wasm';

test('a checkpoint pinned mid-run is listed with its size, resumes to the uninterrupted run’s final metrics, and unpins', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await page.goto(`/${RUN}&autorun=1`);
  await waitForLab(page);
  await page.getByTestId('tab-runs').click();
  await expect
    .poll(() => page.evaluate(() => window.ncLab.runs.currentId()), { timeout: 60_000 })
    .not.toBeNull();
  const id = (await page.evaluate(() => window.ncLab.runs.currentId())) as string;
  const row = page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  await expect(page.getByTestId('run-status')).toHaveText('running');
  // Pinned while it trains: the worker's exact state between two steps.
  await row.getByTestId('run-pin-add').click();
  const pin = page.locator(`[data-testid="run-pins"][data-run-id="${id}"]`).getByTestId('run-pin');
  await expect(pin).toHaveCount(1);
  const step = Number(await pin.getAttribute('data-step'));
  expect(step).toBeGreaterThan(0);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 200_000 });
  expect(step, 'the pin should fall mid-run').toBeLessThan(20000);
  await expect(pin).toContainText(new RegExp(`Pinned at step ${step} \\([\\d.]+ kB\\)`));
  await expect(page.getByTestId('runs-pinned-usage')).toContainText('Pinned checkpoints: 1');
  const whole = await page.evaluate((i) => window.ncLab.runs.get(i), id);
  const [record] = await page.evaluate(() => window.ncLab.runs.list());
  // The rolling latest moved on to the end; the pin stayed.
  expect(record.checkpointStep).toBe(20000);
  expect(record.pinned.map((p) => p.step)).toEqual([step]);

  await pin.getByTestId('run-pin-resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 200_000 });
  const resumed = await page.evaluate((i) => window.ncLab.runs.get(i), id);
  expect(resumed?.final?.metrics).toEqual(whole?.final?.metrics);
  // The resumed run reports at its first step too, which a pin between reports adds.
  const steps = [...new Set([...(whole?.history.map((h) => h.step) ?? []), step])];
  expect(resumed?.history.map((h) => h.step)).toEqual(steps.sort((a, b) => a - b));
  expect(resumed?.history.slice(-3)).toEqual(whole?.history.slice(-3));

  await pin.getByTestId('run-pin-delete').click();
  await expect(page.locator(`[data-testid="run-pins"][data-run-id="${id}"]`)).toHaveCount(0);
  await expect(page.getByTestId('runs-pinned-usage')).toHaveCount(0);
  expect(
    await page.evaluate(([i, s]) => window.ncLab.runs.pinned(i, s), [id, step] as const),
  ).toBeNull();
});
