/**
 * The four-class (latent-class) preset of Nguyen et al. 2023's appendix, browser-sized: the MD
 * panel shows memorization and dilation per original digit, the merged test accuracy, and says
 * what is undefined and why (not "class 2 has no uncorrupted sample").
 */
import { expect, test } from './fixtures';

const SMALL = 'preset=md-fourclass-mnist&perClass=150&width=32&depthRelu=2&epochs=2&backend=wasm';

test('the four-class preset measures memorization and dilation per original digit', async ({
  page,
}, testInfo) => {
  await page.goto(`/?${SMALL}&autorun=1`);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  const note = page.getByTestId('md-fourclass');
  await expect(note).toContainText('latent classes 2 and 3');
  for (const key of ['md_memorization', 'md_dilation_rel'])
    for (const c of [0, 1]) await expect(page.getByTestId(`md4-${key}-${c}`)).toHaveText(/^\d/);
  await expect(page.getByTestId('md-md_memorization_rel_avg')).toHaveText(/^\d/);
  await expect(page.getByTestId('md-md_test_accuracy_merged')).toHaveText(/^\d/);
  await expect(page.getByTestId('panel-md')).not.toContainText('no uncorrupted sample');
  const m = await page.evaluate(() => window.ncLab.getState().lastReport!.metrics);
  // A latent prediction is an error in the plain test accuracy only.
  expect(m.md_test_accuracy_merged as number).toBeGreaterThanOrEqual(m.md_test_accuracy as number);
  await expect(page.getByTestId('panel-md').locator('svg.main-svg').first()).toBeVisible();
  const path = testInfo.outputPath('fourclass-md.png');
  await page.getByTestId('panel-md').screenshot({ path });
  await testInfo.attach('fourclass-md', { path, contentType: 'image/png' });
});
