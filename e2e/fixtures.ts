/**
 * Shared Playwright fixtures. Import `test` and `expect` from here, not from @playwright/test:
 * every test then fails on a console error, an uncaught page error or a crashed page (SwiftShader
 * WebGPU has crashed pages here, docs/backends.md §6), including those from web workers.
 */
import {
  test as base,
  expect,
  type ConsoleMessage,
  type Locator,
  type Page,
} from '@playwright/test';

export interface PageErrors {
  /** Everything collected so far, in order. */
  readonly messages: readonly string[];
  /** Tolerate matching messages in this test (for a test that provokes an error on purpose). */
  allow(pattern: RegExp): void;
}

function describeConsole(message: ConsoleMessage, where: string): string {
  const { url, lineNumber } = message.location();
  const at = url ? ` (${url}:${lineNumber})` : '';
  return `console.error in ${where}: ${message.text()}${at}`;
}

/** Chromium fetches /favicon.ico on its own and logs the 404: not an error of the app. */
const ALWAYS_ALLOWED = [/Failed to load resource: .*404.*\/favicon\.ico/];

function collectErrors(page: Page, messages: string[]): void {
  // Console messages from dedicated workers reach the page listener too, with worker() set.
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const worker = message.worker();
    messages.push(describeConsole(message, worker ? `worker ${worker.url()}` : 'page'));
  });
  page.on('pageerror', (error) => messages.push(`uncaught page error: ${error.message}`));
  page.on('crash', () => messages.push('the page crashed'));
}

/** localStorage key of the dismissed first-visit introduction (src/app/guide/introStorage.ts). */
const INTRO_KEY = 'nclab.intro.dismissed';

/**
 * A page that has seen the introduction (its modal dialog would cover the page, and hold back a
 * link's autorun): what the fixture does for `page`, for pages a test opens itself.
 */
export async function asReturningVisitor(page: Page): Promise<Page> {
  await page.addInitScript((key) => {
    try {
      localStorage.setItem(key, '1');
    } catch {
      // opaque origins (about:blank) have no storage
    }
  }, INTRO_KEY);
  return page;
}

export const test = base.extend<{ pageErrors: PageErrors; firstVisit: boolean }>({
  /** Start as a first-time visitor (the introduction dialog shows); e2e/guide.spec.ts sets it. */
  firstVisit: [false, { option: true }],
  page: async ({ page, firstVisit }, use) => {
    // Every other test is a returning visitor: the intro's modal dialog would cover the page.
    if (!firstVisit) await asReturningVisitor(page);
    await use(page);
  },
  pageErrors: [
    async ({ page }, use, testInfo) => {
      const messages: string[] = [];
      const allowed: RegExp[] = [...ALWAYS_ALLOWED];
      collectErrors(page, messages);
      await use({ messages, allow: (pattern) => allowed.push(pattern) });
      const unexpected = messages.filter((m) => !allowed.some((pattern) => pattern.test(m)));
      if (unexpected.length > 0) {
        await testInfo.attach('page-errors.txt', { body: unexpected.join('\n') });
      }
      expect(unexpected, 'console errors, page errors or crashes during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** The page is up: window.ncLab exists and the first run has loaded (backend initialised). */
export async function waitForLab(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(() => 'ncLab' in window, undefined, { timeout });
  await page.evaluate(() => window.ncLab.ready);
  await page.waitForFunction(
    () => {
      const s = window.ncLab.getState();
      return s.busy === null && s.lastReport !== null;
    },
    undefined,
    { timeout },
  );
}

/**
 * Bring a panel (`panel-nc`, `panel-3d`…) on screen: the dashboard mounts only the open tab and
 * figures draw only on screen, so open its tab when it is not among the key panels, then scroll.
 */
export async function showPanel(page: Page, testId: string): Promise<void> {
  const panel = page.getByTestId(testId);
  if ((await panel.count()) === 0)
    await page.getByTestId(testId.replace(/^panel-/, 'tab-')).click();
  await panel.scrollIntoViewIfNeeded();
}

/**
 * A figure's legend and its x axis's title do not overlap. A legend below the plot sits a share of
 * the plot's height lower, the title a fixed distance: once the dashboard made a figure short, the
 * two ran into each other.
 */
export async function expectLegendClearOfXTitle(plot: Locator): Promise<void> {
  const legend = await plot.locator('g.legend').first().boundingBox();
  const title = await plot.locator('text.xtitle').first().boundingBox();
  if (!legend || !title) throw new Error('the figure has no legend or no x axis title drawn');
  const apart = legend.y + legend.height <= title.y || title.y + title.height <= legend.y;
  expect(apart, `legend ${JSON.stringify(legend)} clear of x title ${JSON.stringify(title)}`).toBe(
    true,
  );
}
