/**
 * Sharing a comparison (src/app/runs/compareLink.ts): a link naming runs by their configs
 * re-runs them in the worker one after another, keeps them, and overlays them in the Runs panel.
 */
import { test, expect, waitForLab } from './fixtures';

test('a comparison link copied from the Runs panel re-runs its two configs in turn and overlays them with a legend naming the difference', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await page.evaluate(async () => {
    await window.ncLab.runs.clear();
    await window.ncLab.run('?preset=tiny-check&steps=60&reportEvery=20&backend=wasm&depth=1');
    await window.ncLab.run('?preset=tiny-check&steps=60&reportEvery=20&backend=wasm&depth=3');
  });
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  for (const box of await page.getByRole('checkbox', { name: /^overlay / }).all())
    await box.check();
  await page.getByTestId('runs-copy-compare-link').click();
  const link = await page.getByTestId('runs-compare-link').inputValue();
  expect(link).toMatch(/\/\?compare=[A-Za-z0-9_-]+$/);

  // Open the link on an empty library: both configs run again, in the link's order.
  await page.evaluate(() => window.ncLab.runs.clear());
  await page.goto(link);
  await waitForLab(page);
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('compare-progress')).toHaveText(
    'Comparison link: 2 of 2 runs done.',
    { timeout: 180_000 },
  );
  const kept = await page.evaluate(() => window.ncLab.runs.list());
  expect(kept.map((r) => r.status)).toEqual(['completed', 'completed']);
  expect(
    kept
      .map((r) => (r.config.experiment === 'ufm' ? `${r.config.depth} ${r.config.steps}` : ''))
      .sort(),
  ).toEqual(['1 60', '3 60']);
  const compare = page.getByTestId('runs-compare');
  await expect(compare.locator('.legendtext')).toHaveText(['depth=3', 'depth=1']);
  await expect(compare.locator('.scatterlayer .trace')).toHaveCount(2);
});

test('a comparison link that cannot be read is named in the banner and runs nothing', async ({
  page,
}) => {
  await page.goto('/?compare=not$base64');
  await waitForLab(page);
  const banner = page.getByTestId('config-error');
  await expect(banner).toContainText('compare');
  await expect(banner).toContainText('outside base64url');
  expect(await page.evaluate(() => window.ncLab.runs.list())).toEqual([]);
});
