/**
 * Kept runs ticked in the Runs tab are drawn inside the live NC and Loss panels too
 * (src/app/runs/panelOverlay.ts): in their Runs-tab colours, named by what differs, per layer by
 * dash, with the shared smoothing / x axis / log options.
 */
import type { Page } from '@playwright/test';
import { test, expect, waitForLab } from './fixtures';

interface Trace {
  name?: string;
  line?: { color?: string; dash?: string };
  y?: (number | null)[];
}

/** The traces Plotly holds for the figure in `panel` (the first one there). */
function traces(page: Page, panel: string): Promise<Trace[]> {
  return page
    .locator(`[data-testid="${panel}"] .plot`)
    .first()
    .evaluate((el) => (el as unknown as { data: Trace[] }).data);
}

function yAxisType(page: Page, panel: string): Promise<string | undefined> {
  return page
    .locator(`[data-testid="${panel}"] .plot`)
    .first()
    .evaluate(
      (el) => (el as unknown as { layout: { yaxis: { type?: string } } }).layout.yaxis.type,
    );
}

test('two kept runs overlay the live NC and Loss panels in their Runs-tab colours, named by what differs, per layer by dash, with the shared log option', async ({
  page,
}) => {
  test.setTimeout(180_000);
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
  const compare = page.getByTestId('runs-compare');
  await expect(compare.locator('.legendtext')).toHaveText(['depth=3', 'depth=1']);
  const inRunsTab = await traces(page, 'runs-compare');

  await page.getByTestId('tab-key').click();
  for (const panel of ['panel-nc', 'panel-loss']) {
    // The kept runs are named once, in the overlay bar (the panel's small figures get no
    // Plotly legend of their own: it squeezed the first figure to half its width).
    await expect(
      page.getByTestId(panel).getByTestId('overlay-bar').locator('.figure-legend li'),
    ).toHaveText(['depth=3', 'depth=1']);
    await expect(page.getByTestId(panel).locator('.legendtext')).toHaveCount(0);
    const drawn = await traces(page, panel);
    // Each kept run in the colour it has in the Runs tab, beside the live run's own curves.
    for (const name of ['depth=3', 'depth=1'])
      expect(drawn.find((t) => t.name === name)?.line?.color, `${panel} ${name}`).toBe(
        inRunsTab.find((t) => t.name === name)?.line?.color,
      );
    expect(
      drawn.some((t) => t.name === 'loss f' || t.name?.startsWith('l = ')),
      panel,
    ).toBe(true);
  }

  // Per layer: the depth-3 run's three layers share its colour, each with its own dash.
  const bar = page.getByTestId('panel-nc').getByTestId('overlay-bar');
  await bar.getByRole('checkbox', { name: 'per layer' }).check();
  await expect
    .poll(
      async () =>
        (await traces(page, 'panel-nc')).filter((t) => t.name?.startsWith('depth=3 · layer'))
          .length,
    )
    .toBeGreaterThanOrEqual(3);
  const layers = (await traces(page, 'panel-nc')).filter((t) =>
    t.name?.startsWith('depth=3 · layer'),
  );
  expect(layers.length % 3).toBe(0); // three layers in every NC subplot with per-layer keys
  expect(new Set(layers.map((t) => t.line?.color)).size).toBe(1);
  expect(new Set(layers.slice(0, 3).map((t) => t.line?.dash))).toEqual(
    new Set(['solid', 'dash', 'dot']),
  );

  // The log option is the Runs tab's too: unticked here, the loss axis turns linear there and here.
  expect(await yAxisType(page, 'panel-loss')).toBe('log');
  await bar.getByRole('checkbox', { name: 'log y' }).uncheck();
  await expect.poll(() => yAxisType(page, 'panel-loss')).toBe('linear');

  // Hiding the kept runs leaves the live run alone.
  await bar.getByRole('button', { name: 'Hide kept runs' }).click();
  await expect(page.getByTestId('overlay-bar')).toHaveCount(0);
  await expect
    .poll(async () => (await traces(page, 'panel-loss')).some((t) => t.name?.startsWith('depth=')))
    .toBe(false);
});
