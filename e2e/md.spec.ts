/**
 * seed 002 in the browser: a paired CE / LS run on noisy MNIST draws both sets of
 * memorization–dilation curves and the feature scatter; a small noise sweep gives the
 * dilation-against-memorization data with a fitted line per loss. wasm keeps it quick.
 */
import { fmt } from '../src/app/format';
import { readFile } from 'node:fs/promises';
import type { SweepResult } from '../src/engine/grid/sweepRunner';
import { twinKey, type ReportKey } from '../src/engine/metrics/reportKeys';
import { test, expect, expectLegendClearOfXTitle, showPanel, waitForLab } from './fixtures';

const QUICK =
  'preset=md-mnist-quick&perClass=150&width=32&depthRelu=2&batchSize=50&lrStep=0&backend=wasm';

test('a paired CE / LS run on noisy MNIST produces both sets of curves and the scatter', async ({
  page,
}, testInfo) => {
  await page.goto(`/?${QUICK}&epochs=3&autorun=1`);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  const state = await page.evaluate(() => window.ncLab.getState());
  expect(state.history).toHaveLength(4); // epochs 0 … 3
  const value = (h: (typeof state.history)[number], key: ReportKey): number => {
    const v = h.metrics[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(`epoch ${h.step}: ${key} is ${JSON.stringify(v)}, not a finite number`);
    return v;
  };
  const first = state.history[0];
  const last = state.history[state.history.length - 1];
  for (const key of ['md_memorization_rel_avg', 'md_dilation_rel_avg'] as const) {
    for (const h of state.history) {
      expect(value(h, key), key).toBeGreaterThan(0);
      expect(value(h, twinKey(key)), twinKey(key)).toBeGreaterThan(0);
    }
    // Both losses start from the same weights, so they measure the same features at epoch 0 …
    expect(value(first, twinKey(key)), `${key} at epoch 0`).toBeCloseTo(value(first, key), 6);
    // … and training with CE and with LS then moves them apart: identical curves mean one loss ran twice.
    const ce = value(last, key);
    const ls = value(last, twinKey(key));
    expect(
      Math.abs(ce - ls) / Math.max(ce, ls),
      `${key}: CE ${ce} against LS ${ls}`,
    ).toBeGreaterThan(1e-3);
  }
  expect(state.lastReport?.twin?.loss).toBe('ls');
  expect(state.lastReport?.samples?.points.length).toBeGreaterThan(100);
  const panel = page.getByTestId('panel-md');
  await expect(panel.locator('svg.main-svg').first()).toBeVisible();
  // A feature scatter for each loss, and the two figures of curves.
  await expect(panel.locator('.plot')).toHaveCount(4);
  // The table shows the last report's values as the page formats them, for each loss.
  for (const key of ['md_memorization_rel_avg', 'twin.md_memorization_rel_avg'] as const)
    await expect(page.getByTestId(`md-${key}`)).toHaveText(fmt(value(last, key), 4));
  const path = testInfo.outputPath('md-paired-run.png');
  await panel.screenshot({ path });
  await testInfo.attach('md-paired-run', { path, contentType: 'image/png' });
});

test('a small noise sweep produces the dilation-against-memorization data and plots and keeps each run in the run library', async ({
  page,
}) => {
  await page.goto(`/?${QUICK}&perClass=60&epochs=2`);
  await waitForLab(page);
  await showPanel(page, 'panel-sweep');
  await page.getByTestId('sweep-etas').fill('0, 0.2, 0.4');
  await page.getByTestId('sweep-seeds').fill('1');
  await page.getByTestId('btn-sweep').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('6 runs done.', { timeout: 150_000 });
  // Each sweep run is kept in the run library, like a grid member.
  await expect
    .poll(async () => {
      const runs = await page.evaluate(() => window.ncLab.runs.list());
      return runs
        .filter((r) => r.tags.includes('sweep'))
        .map((r) => `${r.status} ${r.name}`)
        .sort();
    })
    .toEqual(
      ['ce', 'ls'].flatMap((loss) =>
        [0, 0.2, 0.4].map((eta) => `completed noise sweep · loss=${loss},labelNoise=${eta},seed=1`),
      ),
    );
  const sweepPanel = page.getByTestId('panel-sweep');
  await expect(sweepPanel.locator('.plot')).toHaveCount(2);
  await expect(sweepPanel.locator('svg.main-svg').first()).toBeVisible();
  for (const plot of await sweepPanel.locator('.plot').all()) await expectLegendClearOfXTitle(plot);
  // Download sweep (JSON): the config, the six runs' measures and the fits drawn.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    sweepPanel.getByRole('button', { name: 'Download sweep (JSON)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^nc-lab-sweep-.*\.json$/);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as SweepResult & {
    config: { labelNoise: number };
  };
  expect(saved.runs).toHaveLength(6);
  expect(saved.sweep.scatter.map((s) => s.points.length)).toEqual([2, 2]);
  expect(typeof saved.config.labelNoise).toBe('number');

  const result: SweepResult = await page.evaluate(() =>
    window.ncLab.sweep(
      '?preset=md-mnist-quick&perClass=60&width=16&depthRelu=1&batchSize=40&epochs=2&lrStep=0&backend=wasm',
      { etas: [0, 0.2, 0.4], seeds: [1, 2] },
    ),
  );
  expect(result.request.losses).toEqual(['ce', 'ls']);
  expect(result.runs).toHaveLength(12);
  for (const series of result.sweep.scatter) {
    expect(series.points).toHaveLength(4); // η = 0.2, 0.4 × 2 seeds; η = 0 has no memorization
    expect(series.fit?.n).toBe(4);
  }
  for (const curve of result.sweep.accuracy) {
    expect(curve.points.map((p) => p.eta)).toEqual([0, 0.2, 0.4]);
    for (const p of curve.points) expect(p.mean).toBeGreaterThan(0.5);
  }
  const bad = await page.evaluate(() =>
    window.ncLab.sweep('?preset=md-mnist-quick&backend=wasm', { etas: [1.5], seeds: [1] }).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(bad).toMatch(/η = 1.5 is outside/);
});
