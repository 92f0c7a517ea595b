/**
 * Accessibility: axe-core's WCAG 2.x A/AA rules on the lab's states a user meets — the first
 * visit's introduction, every dashboard tab after a UFM run with kept runs overlaid, a
 * label-noise network run, teaching mode, and a phone with its settings open. A violation fails
 * the test with the rule, the elements and axe's reason (contrast, names, roles, nesting).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, waitForLab } from './fixtures';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every violation as one line a reader can act on: the rule, the element, axe's reason. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => {
      const why = n.failureSummary?.split('\n').slice(1).join(' ').trim() ?? '';
      return `${v.id} at ${n.target.join(' ')}: ${why}`;
    }),
  );
}

async function expectAccessible(page: Page, where: string): Promise<void> {
  expect(await violations(page), `axe violations: ${where}`).toEqual([]);
}

async function eachTab(page: Page, where: string): Promise<void> {
  const tabs = await page.getByRole('tab').allInnerTexts();
  expect(tabs.length).toBeGreaterThan(3);
  for (const name of tabs) {
    await page.getByRole('tab', { name, exact: true }).click();
    await expect(page.getByRole('tab', { name, exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expectAccessible(page, `${where}, tab ${name}`);
  }
}

async function runToEnd(page: Page, query: string): Promise<void> {
  await page.goto(`/?${query}&backend=wasm&autorun=1`);
  await waitForLab(page);
  await page.waitForFunction(() => window.ncLab.getState().status === 'completed', undefined, {
    timeout: 120_000,
  });
}

test.describe('first visit', () => {
  test.use({ firstVisit: true });

  test('the introduction dialog and the page under it pass axe', async ({ page }) => {
    await page.goto('/?preset=tiny-check&backend=wasm');
    await expect(page.getByTestId('intro')).toBeVisible();
    await expectAccessible(page, 'introduction');
  });

  test('closed from the keyboard, the introduction leaves the next Tab on Start, the settings open', async ({
    page,
  }) => {
    await page.goto('/?preset=tiny-check&backend=wasm');
    await waitForLab(page);
    await expect(page.getByTestId('intro-dismiss')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('intro')).toBeHidden();
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('btn-start')).toBeFocused();
    await expect(page.getByTestId('sidebar-toggle')).toHaveAttribute('aria-expanded', 'true');
    // Opened from the header, it gives the focus back to its button.
    await page.getByTestId('intro-open').click();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('intro-open')).toBeFocused();
  });
});

test('a UFM run: every tab passes axe, with two kept runs overlaid and the form’s inapplicable fields muted', async ({
  page,
}) => {
  await runToEnd(page, 'preset=tiny-check');
  await runToEnd(page, 'preset=tiny-check&seed=5');
  // The default UFM form has fields that do not apply (label smoothing under MSE, Adam's under
  // SGD): shown muted, still editable, so their text must keep its contrast.
  await expect(page.locator('.field.irrelevant').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Runs', exact: true }).click();
  const ticks = page.getByTestId('runs-table').locator('tbody input[type=checkbox]');
  await expect(ticks).toHaveCount(2);
  await ticks.nth(0).check();
  await ticks.nth(1).check();
  await eachTab(page, 'tiny-check with two kept runs');
});

test('a label-noise network run and its memorization–dilation panel pass axe', async ({ page }) => {
  await page.goto('/?preset=md-mnist-quick&backend=wasm&autorun=1');
  await waitForLab(page);
  // The first epoch's report draws the memorization–dilation panel.
  await page.waitForFunction(() => window.ncLab.getState().history.length > 1, undefined, {
    timeout: 120_000,
  });
  await page.getByTestId('btn-pause').click();
  await eachTab(page, 'md-mnist-quick');
});

test('teaching mode passes axe', async ({ page }) => {
  await page.goto('/?preset=teach-etf-3d&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('teach-start').click();
  await expect(page.getByTestId('teach-next')).toBeVisible();
  await expectAccessible(page, 'teaching mode, first step');
});

test('a finished search (its figure, trials table and buttons) and a stopped one offering Resume pass axe', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const spec = {
    base: { preset: 'net-gauss-tiny', labelNoise: 0.2, loss: 'ce', epochs: 8 },
    space: { lr: { type: 'loguniform', low: 1e-3, high: 0.1 } },
    strategy: 'random',
    trials: 3,
    epochFraction: 0.5,
  };
  const result = await page.evaluate((s) => window.ncLab.search(s), spec);
  await page.getByTestId('tab-search').click();
  const panel = page.getByTestId('panel-search');
  await panel.getByText('Trials (table, best first)').click();
  await expect(panel.getByTestId('search-trials')).toBeVisible();
  await expectAccessible(page, 'a finished search');
  // an unfinished run of the spec on screen: Resume is offered beside Run afresh
  await page.evaluate(
    ([s, first]) => {
      localStorage.setItem('nclab.search.unfinished', JSON.stringify({ spec: s, trials: [first] }));
    },
    [spec, result.trials[0]] as const,
  );
  await page.reload();
  await waitForLab(page);
  await page.getByTestId('tab-search').click();
  await expect(panel.getByTestId('btn-search-resume')).toHaveText(
    'Resume search (1 of 3 trials done)',
  );
  await expectAccessible(page, 'the search panel');
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the page and its opened settings pass axe', async ({ page }) => {
    await page.goto('/?preset=teach-deep-m3&backend=wasm');
    await waitForLab(page);
    await expectAccessible(page, 'phone');
    await page.getByRole('button', { name: /Presets & settings/ }).click();
    await expect(page.getByTestId('field-lr')).toBeVisible();
    await expectAccessible(page, 'phone, settings open');
  });
});

test('keyboard: the first tab stop skips to Start, and the arrow keys move between the panel tabs', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await expect(page.getByTestId('skip-link')).toBeInViewport();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('btn-start')).toBeFocused();
  // The skip link leaves the share link in the address bar as it was.
  expect(new URL(page.url()).hash).toBe('');

  const tabs = page.getByRole('tab');
  const names = await tabs.allInnerTexts();
  await tabs.first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: names[1], exact: true })).toBeFocused();
  await expect(page.getByRole('tab', { name: names[1], exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: names.at(-1), exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: names[0], exact: true })).toBeFocused();
  // One tab stop for the whole list: Tab leaves it for the open panel.
  await expect(tabs.and(page.locator('[tabindex="0"]'))).toHaveCount(1);
});
