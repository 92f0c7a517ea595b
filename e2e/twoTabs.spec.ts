/**
 * Two tabs of the lab share one run library (IndexedDB). A run is trained by one page at a time:
 * in every other tab it is shown live but cannot be resumed, renamed or deleted there (a second
 * page resuming it wrote a second history over the first); once its page lets it go (the run
 * ends, the tab closes) the other tabs may.
 */
import type { Page } from '@playwright/test';
import { parseGridSpec } from '../src/engine/grid/spec';
import { gridToQuery } from '../src/engine/grid/url';
import { asReturningVisitor, test, expect, waitForLab } from './fixtures';
import { gaussMlpBase } from './gridSpecs';

const LONG = '/?preset=tiny-check&steps=400000&reportEvery=50&backend=wasm';

/** Every console error and uncaught error of a page the fixture does not watch. */
function errorsOf(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon\.ico/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function firstCheckpoint(page: Page): Promise<{ id: string; name: string }> {
  await expect
    .poll(
      async () => (await page.evaluate(() => window.ncLab.runs.list()))[0]?.checkpointStep ?? 0,
      { timeout: 60_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(500);
  const [run] = await page.evaluate(() => window.ncLab.runs.list());
  return { id: run.id, name: run.name };
}

test('a run paused in one tab is read-only in another (no resume, rename or delete) until its tab stops it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(`${LONG}&autorun=1`);
  await waitForLab(page);
  const run = await firstCheckpoint(page);
  await page.getByTestId('btn-pause').click();
  await expect(page.getByTestId('run-status')).toHaveText('paused');

  const other = await asReturningVisitor(await page.context().newPage());
  const errors = errorsOf(other);
  await other.goto('/');
  await waitForLab(other);
  await other.getByTestId('tab-runs').click();
  const row = other.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  // Not taken for a run its page left behind (it was marked "interrupted" and offered a resume).
  await expect(row.getByTestId('run-row-status')).toHaveText('paused (another tab)');
  await expect(row.getByTestId('run-resume')).toHaveCount(0);
  await expect(row.getByTestId('run-pin-add')).toHaveCount(0);
  await expect(row.getByRole('button', { name: `delete ${run.name}` })).toBeDisabled();
  await expect(row.getByLabel('run name')).toHaveAttribute('readonly', '');
  const refused = await other.evaluate(async (id) => {
    const tries = [
      () => window.ncLab.runs.resume(id),
      () => window.ncLab.runs.delete(id),
      () => window.ncLab.runs.pin(id),
    ];
    const out: string[] = [];
    for (const attempt of tries) {
      out.push(
        await attempt().then(
          () => 'done',
          (e: unknown) => (e instanceof Error ? e.message : String(e)),
        ),
      );
    }
    return out;
  }, run.id);
  const held = `"${run.name}" is training in another tab of the lab: stop it there (or close that tab) first`;
  expect(refused).toEqual([held, held, held]);
  expect(await other.evaluate(() => window.ncLab.getState().status)).not.toBe('running');

  // The first tab trains on: the other tab's list follows it without a reload.
  const before = await page.evaluate(() => window.ncLab.getState().step);
  await page.getByTestId('btn-resume').click();
  await expect(row.getByTestId('run-row-status')).toHaveText('running (another tab)');
  await expect
    .poll(async () => Number((await row.locator('td').nth(5).innerText()).split('/')[0]), {
      timeout: 30_000,
    })
    .toBeGreaterThan(before + 1000);
  await page.getByTestId('btn-stop').click();
  await expect(row.getByTestId('run-row-status')).toHaveText('stopped');

  // Stopped, it is anyone's: the other tab resumes it, and now the first tab may not.
  await row.getByTestId('run-resume').click();
  await expect(other.getByTestId('run-status')).toHaveText('running', { timeout: 60_000 });
  await page.getByTestId('tab-runs').click();
  const first = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  await expect(first.getByTestId('run-row-status')).toHaveText('running (another tab)');
  await other.getByTestId('btn-stop').click();
  await expect(other.getByTestId('run-status')).toHaveText('stopped');
  // its own tab, having let it go, never takes it for another tab's
  await other.getByTestId('tab-runs').click();
  await other.waitForTimeout(1000);
  await expect(row.getByTestId('run-row-status')).toHaveText('stopped');
  await expect(row.getByTestId('run-resume')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('a tab closed mid-run leaves its run interrupted in the other tabs, without a reload, resumable there', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const trainer = await asReturningVisitor(await page.context().newPage());
  const errors = errorsOf(trainer);
  await trainer.goto(`${LONG}&autorun=1`);
  await waitForLab(trainer);
  const run = await firstCheckpoint(trainer);

  await page.goto('/');
  await waitForLab(page);
  await page.getByTestId('tab-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  await expect(row.getByTestId('run-row-status')).toHaveText('running (another tab)');
  expect(errors).toEqual([]);
  await trainer.close();
  await expect(row.getByTestId('run-row-status')).toHaveText('interrupted', { timeout: 20_000 });
  await expect(row.getByTestId('run-resume')).toHaveCount(1);
});

/** 4 small network members, long enough to be still running when the second tab looks. */
const GRID = {
  name: 'e2e-two-tabs',
  base: gaussMlpBase({ epochs: 20000, measureEvery: 500 }),
  axes: [{ field: 'width', values: [8, 12] }],
  seeds: [1, 2],
};

test('a grid running in one tab is not run again in another: Run is disabled with a note, window.ncLab.grid refuses, until the first tab cancels it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const url = `/?${gridToQuery(parseGridSpec(GRID))}`;
  await page.goto(url);
  await waitForLab(page);
  await page.getByTestId('tab-grid').click();
  await page.getByTestId('panel-grid').getByTestId('btn-grid-run').click();
  await expect
    .poll(() => page.evaluate(() => window.ncLab.gridState().progress !== null), {
      timeout: 60_000,
    })
    .toBe(true);

  const other = await asReturningVisitor(await page.context().newPage());
  const errors = errorsOf(other);
  await other.goto(url);
  await waitForLab(other);
  await other.getByTestId('tab-grid').click();
  const panel = other.getByTestId('panel-grid');
  await expect(panel.getByTestId('grid-elsewhere')).toBeVisible();
  await expect(panel.getByTestId('btn-grid-run')).toBeDisabled();
  const refused = await other.evaluate(
    (spec) =>
      window.ncLab.grid(spec).then(
        () => 'ran',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      ),
    GRID,
  );
  expect(refused).toBe(
    'the grid "e2e-two-tabs" is running in another tab of the lab: its members join the Runs panel as they finish; cancel it there (or close that tab) to run it here',
  );

  await page.getByTestId('panel-grid').getByTestId('btn-grid-cancel').click();
  await expect(page.getByTestId('panel-grid').getByTestId('btn-grid-run')).toBeEnabled();
  // the tab that ran it, having let it go, never takes it for another tab's
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('panel-grid').getByTestId('grid-elsewhere')).toHaveCount(0);
  await expect(panel.getByTestId('grid-elsewhere')).toHaveCount(0, { timeout: 10_000 });
  await expect(panel.getByTestId('btn-grid-run')).toBeEnabled();
  expect(errors).toEqual([]);
});
