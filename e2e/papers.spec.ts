/**
 * Issue 17 in the page: the cross-entropy UFM draws its closed form in the Theory panel, and
 * the measures the engine reports beyond NC1–NC3 have a panel of their own.
 */
import { readFileSync } from 'node:fs';
import type { Download } from '@playwright/test';
import { test, expect, showPanel, waitForLab } from './fixtures';

test('teach-ce-ufm: the Theory panel shows the cross-entropy closed form and the run reaches its f*', async ({
  page,
}) => {
  await page.goto('/?preset=teach-ce-ufm&steps=1500&autorun=1&backend=wasm');
  await waitForLab(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  await showPanel(page, 'panel-theory');
  const table = page.getByTestId('ce-theory-table');
  await expect(table).toContainText('margin z');
  await expect(table).toContainText('survives');
  // M = 1: the ETF is the global minimum, so no low-rank warning.
  await expect(page.getByTestId('ce-low-rank-note')).toHaveCount(0);
  await expect(page.getByTestId('panel-theory').locator('svg.main-svg').first()).toBeVisible();
  const fminText = await table.locator('tr', { hasText: 'minimum f*' }).locator('td').innerText();
  const fmin = Number(fminText.trim().split(/\s+/)[0]);
  const loss = await page.evaluate(() => Number(window.ncLab.getState().lastReport?.metrics.loss));
  expect(Math.abs(loss - fmin) / fmin).toBeLessThan(1e-3);
});

test('More measures: tr Σ_W, tr Σ_B and ‖Wμ_G + b‖ drawn for a network run', async ({ page }) => {
  await page.goto('/?preset=net-gauss-tiny&epochs=4&measureEvery=1&autorun=1&backend=wasm');
  await waitForLab(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  await showPanel(page, 'panel-measures');
  const panel = page.getByTestId('panel-measures');
  await expect(panel.locator('svg.main-svg').first()).toBeVisible();
  await expect(panel).toContainText('tr Σ_W and tr Σ_B');
  await expect(panel).toContainText('NC4 of Zhu et al.');
  await expect(panel.locator('g.trace.scatter')).not.toHaveCount(0);
});

test('Export features (.npy): the downloaded files, dropped into Measure your features, give the run’s NC1', async ({
  page,
}) => {
  await page.goto('/?preset=net-gauss-tiny&epochs=3&measureEvery=1&autorun=1&backend=wasm');
  await waitForLab(page);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  const expected = [
    'bias.npy',
    'features.npy',
    'labels.npy',
    'test_features.npy',
    'test_labels.npy',
    'weights.npy',
  ];
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('btn-export-features').click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(expected.length);
  expect(downloads.map((d) => d.suggestedFilename()).sort()).toEqual(expected);
  const files = await Promise.all(
    downloads.map(async (d) => ({
      name: d.suggestedFilename(),
      mimeType: 'application/octet-stream',
      buffer: readFileSync((await d.path()) as string),
    })),
  );
  const live = await page.evaluate(() =>
    Number(window.ncLab.getState().lastReport?.metrics.nc1_pinv),
  );
  await page.getByTestId('features-input').setInputFiles(files);
  await expect(page.getByTestId('features-results')).toBeVisible({ timeout: 60_000 });
  const shown = await page.getByTestId('fmetric-nc1_pinv').locator('td').last().innerText();
  // The table shows 5 significant digits.
  expect(Math.abs(Number(shown) - live) / live).toBeLessThan(1e-4);
});
