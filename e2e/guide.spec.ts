/**
 * The lab explains itself: the first-visit introduction (shown once, remembered, reopened from
 * the header), metric definitions as tooltips, and teaching mode pausing a preset at its points.
 */
import { INTRO_KEY } from '../src/app/guide/introStorage';
import { expect, test, waitForLab } from './fixtures';

test.use({ firstVisit: true });

test('the introduction shows on the first visit, not after dismissal, and again from the header', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  const intro = page.getByTestId('intro');
  await expect(intro).toBeVisible();
  await expect(intro).toContainText('NC1');
  await expect(intro).toContainText('How to start');
  await page.getByTestId('intro-dismiss').click();
  await expect(intro).toBeHidden();
  expect(await page.evaluate((k) => localStorage.getItem(k), INTRO_KEY)).toBe('1');

  await page.reload();
  await waitForLab(page);
  await expect(page.getByTestId('intro')).toBeHidden();

  await page.getByTestId('intro-open').click();
  await expect(page.getByTestId('intro')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('intro')).toBeHidden();
});

test('a shared link with autorun=1 opened on a first visit starts its run once the introduction is closed, not behind it', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm&autorun=1');
  await expect(page.getByTestId('intro')).toBeVisible();
  await waitForLab(page);
  // tiny-check trains in well under a second: behind the dialog it would be done by now
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.ncLab.getState().status)).toBe('idle');
  await page.getByTestId('intro-dismiss').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
});

test('a metric name shows its definition on hover and on keyboard focus', async ({ page }) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await page.getByTestId('intro-dismiss').click();
  await waitForLab(page);
  const term = page.getByTestId('panel-nc').getByTestId('term-nc1_pinv');
  const tip = term.getByRole('tooltip');
  await expect(tip).toBeHidden();
  await term.hover();
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('tr(Σ_W Σ_B⁺) / K');
  await expect(tip).toContainText('0 at collapse');
  // Screen readers get the same text through aria-describedby.
  const described = await term.getAttribute('aria-describedby');
  expect(await tip.getAttribute('id')).toBe(described);

  // The all-metrics table has the tooltips too.
  await page.mouse.move(0, 0);
  await page.locator('details.metrics-table > summary').click();
  const row = page.locator('details.metrics-table').getByTestId('term-nc2_etf_error_means');
  await row.focus();
  await expect(row.getByRole('tooltip')).toContainText('simplex');
});

test.describe('on a touch phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("a tap shows a metric's definition, and a tap on a name its open tip covers shows that one's", async ({
    page,
  }) => {
    await page.goto('/?preset=tiny-check&backend=wasm&autorun=1');
    await page.getByTestId('intro-dismiss').click();
    await waitForLab(page);
    await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
    // The NC values table: one name a row, each tip as tall as several rows.
    const table = page.getByTestId('panel-nc').locator('table.values');
    const first = table.getByTestId('term-nc1_pinv');
    const covered = table.getByTestId('term-nc3_wh_etf_error');
    await first.scrollIntoViewIfNeeded();
    await first.tap();
    await expect(first.getByRole('tooltip')).toBeVisible();
    const tip = await first.getByRole('tooltip').boundingBox();
    const next = await covered.boundingBox();
    expect(tip && next && next.y > tip.y && next.y < tip.y + tip.height, 'the tip covers it').toBe(
      true,
    );
    await covered.tap();
    await expect(covered.getByRole('tooltip')).toBeVisible();
    await expect(first.getByRole('tooltip')).toBeHidden();
  });
});

test('teaching mode walks through a preset and pauses the run where there is something to see', async ({
  page,
}) => {
  await page.goto('/?preset=teach-etf-3d&backend=wasm');
  await page.getByTestId('intro-dismiss').click();
  await waitForLab(page);
  await expect(page.getByTestId('preset-guide')).toContainText('tetrahedron');
  await page.getByTestId('teach-start').click();
  const title = page.getByTestId('teach-title');
  await expect(title).toHaveText('What is trained');
  // On a short screen (the tests' 1280×720) the step stands in for the note while it is open.
  await expect(page.getByTestId('guide-look')).toBeHidden();
  await expect(page.getByTestId('teach-step')).toContainText('pauses it at step 100');

  await page.getByTestId('btn-start').click();
  await expect(title).toHaveText('Early: the features gather by class', { timeout: 60_000 });
  await expect.poll(() => page.evaluate(() => window.ncLab.getState().status)).toBe('paused');
  const first = await page.evaluate(() => window.ncLab.getState().step);
  // the worker pauses by itself at the pause point, however busy the page is
  expect(first).toBe(100);

  await page.getByTestId('teach-resume').click();
  await expect(title).toHaveText('Mid-run: a simplex appears', { timeout: 60_000 });
  await expect.poll(() => page.evaluate(() => window.ncLab.getState().status)).toBe('paused');
  expect(await page.evaluate(() => window.ncLab.getState().step)).toBeGreaterThanOrEqual(600);

  await page.getByTestId('teach-next').click();
  await expect(title).toHaveText('What the theory predicts');
  await page.getByTestId('teach-back').click();
  await expect(title).toHaveText('Mid-run: a simplex appears');
  await page.getByTestId('teach-close').click();
  await expect(page.getByTestId('teach-step')).toBeHidden();
  await expect(page.getByTestId('guide-look')).toBeVisible();
});

test('a preset run with another seed or length keeps its note and teaching mode, saying what differs', async ({
  page,
}) => {
  await page.goto('/?preset=teach-etf-3d&seed=5&steps=1500&backend=wasm');
  await page.getByTestId('intro-dismiss').click();
  await waitForLab(page);
  await expect(page.getByTestId('guide-look')).toContainText(
    'What to look at (Simplex ETF in 3-D (K = 4, d = 3, bias), with your steps and seed)',
  );
  await expect(page.getByTestId('teach-start')).toBeVisible();
  // its key panels too: the tetrahedron's 3-D view is on the first tab
  await expect(page.getByTestId('panel-3d')).toBeVisible();
  // a field that changes what the run shows: the note is gone
  await page.getByTestId('field-lr').fill('0.3');
  await page.getByTestId('btn-reset').click();
  await expect(page.getByTestId('preset-guide')).toHaveCount(0);
});

test('a degenerate config gets a warning under the form', async ({ page }) => {
  await page.goto('/?preset=tiny-check&hidden=2&backend=wasm');
  await page.getByTestId('intro-dismiss').click();
  await expect(page.getByTestId('config-warnings')).toContainText(
    'Hidden dimension d = 2 is below K − 1 = 3',
  );
});
