/** Share links that mean what they show: the run on screen, a bad link's good fields kept. */
import { test, expect, waitForLab } from './fixtures';

test('editing the form during a run leaves the link and address bar on the running run, and says so', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&steps=200000&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('btn-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('running', { timeout: 60_000 });
  const before = await page.getByTestId('share-link').inputValue();
  expect(before).toContain('hidden=8');
  await page.getByTestId('field-hidden').fill('12');
  await expect(page.getByTestId('form-differs')).toBeVisible();
  // Give the page time to (wrongly) follow the form.
  await page.waitForTimeout(1500);
  expect(await page.getByTestId('share-link').inputValue()).toBe(before);
  expect(page.url()).toContain('hidden=8');
  expect(page.url()).not.toContain('hidden=12');
  // Start loads the form's settings: now the link follows.
  await page.getByTestId('btn-stop').click();
  await page.getByTestId('btn-start').click();
  await expect(page.getByTestId('share-link')).toHaveValue(/hidden=12/, { timeout: 60_000 });
  await expect(page.getByTestId('form-differs')).toHaveCount(0);
  await expect(page).toHaveURL(/hidden=12/);
});

test('a link with one bad field keeps the others, marks the field in the form and keeps the address', async ({
  page,
}) => {
  const search = '?preset=tiny-check&hidden=abc&depth=3&seed=7&backend=wasm';
  await page.goto(`/${search}`);
  const banner = page.getByTestId('config-error');
  await expect(banner).toContainText('hidden');
  await waitForLab(page);
  await expect(page.getByTestId('field-hidden')).toHaveValue('abc');
  await expect(page.getByTestId('error-hidden')).toContainText('is not a number');
  await expect(page.getByTestId('field-depth')).toHaveValue('3');
  await expect(page.getByTestId('field-seed')).toHaveValue('7');
  await expect(page.getByTestId('btn-start')).toBeDisabled();
  expect(new URL(page.url()).search).toBe(search);
  // Fixing the field makes the link whole: it runs, and the address follows.
  await page.getByTestId('field-hidden').fill('6');
  await expect(page.getByTestId('btn-start')).toBeEnabled();
  await expect(page).toHaveURL(/hidden=6.*depth=3/, { timeout: 30_000 });
  expect(await page.evaluate(() => window.ncLab.config())).toMatchObject({ hidden: 6, seed: 7 });
});

test('unknown and repeated keys are named; the link is not replaced by the default preset', async ({
  page,
}) => {
  await page.goto('/?foo=bar&hidden=8&backend=wasm');
  await expect(page.getByTestId('config-error')).toContainText('foo');
  await waitForLab(page);
  expect(await page.evaluate(() => window.ncLab.config())).toMatchObject({ hidden: 8 });
  expect(new URL(page.url()).search).toBe('?foo=bar&hidden=8&backend=wasm');

  await page.goto('/?hidden=8&hidden=16&constructor=1&backend=wasm');
  const banner = page.getByTestId('config-error');
  await expect(banner).toContainText('"hidden" appears more than once');
  await expect(banner).toContainText('constructor');
  await waitForLab(page);
  await expect(page.getByTestId('field-hidden')).toHaveValue('8 | 16');
});
