/**
 * A run that ended on screen is kept as ended, with its whole history, whatever the user does
 * next: here the page is reloaded, or another lab URL opened, at once (within a frame) after the
 * run completed, five times over. Before the end of a run was written in one transaction and
 * its pending writes again when the page went away (`pagehide`), 4 of 6 such navigations left
 * the run `interrupted` (at step 80, 180 or 300) or `idle` at step 0. The page's CPU is slowed
 * 6× (as on the audit's busy machine, where the writes of a run's end took that long to land):
 * unslowed, the writes here mostly landed before the navigation and the test passed before the fix.
 */
import type { Page } from '@playwright/test';
import { test, expect, waitForLab } from './fixtures';

const RUN = '/?preset=tiny-check&autorun=1';
/** tiny-check reports every 20 steps of 300. */
const STEPS = Array.from({ length: 16 }, (_, i) => i * 20);

/** Waits (polling every frame) until the run on screen has `status`; returns its kept id. */
async function endedRunId(page: Page, status = 'completed'): Promise<string> {
  const handle = await page.waitForFunction(
    (s) =>
      'ncLab' in window && window.ncLab.getState().status === s && window.ncLab.runs.currentId(),
    status,
    { timeout: 120_000, polling: 'raf' },
  );
  const id = (await handle.jsonValue()) as string | false;
  expect(id, 'the completed run was kept').toBeTruthy();
  return id as string;
}

/** The page's CPU slowed 6× (see above), for the page and those it navigates to. */
async function slowDown(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
}

test('a run reloaded or navigated away from right after it completed is kept completed with its whole history', async ({
  page,
}) => {
  test.setTimeout(400_000);
  await slowDown(page);
  const ids: string[] = [];
  for (let round = 0; round < 5; round++) {
    await page.goto(`${RUN}&seed=${round + 1}`);
    ids.push(await endedRunId(page));
    // At once: a reload, or another lab URL.
    if (round % 2 === 0) await page.reload();
    else await page.goto(`/?preset=tiny-check&seed=${round + 10}`);
    await waitForLab(page);
  }
  const runs = await page.evaluate(() => window.ncLab.runs.list());
  const kept = [];
  for (const id of ids) {
    const run = await page.evaluate((runId) => window.ncLab.runs.get(runId), id);
    const record = runs.find((r) => r.id === id);
    kept.push({
      id,
      status: `${record?.status} ${record?.step}/${record?.totalSteps}`,
      result: run?.status,
      steps: run?.history.map((h) => h.step).join(','),
    });
  }
  expect(kept).toEqual(
    ids.map((id) => ({
      id,
      status: 'completed 300/300',
      result: 'completed',
      steps: STEPS.join(','),
    })),
  );
  // The Runs panel says so too.
  await page.getByTestId('tab-runs').click();
  for (const id of ids)
    await expect(
      page.locator(`[data-testid="run-row"][data-run-id="${id}"]`).getByTestId('run-row-status'),
    ).toHaveText('completed');
});

test('a run stopped, or one that diverged, and left at once is kept stopped or diverged with its whole history', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await slowDown(page);
  const cases = [
    { url: '/?preset=tiny-check&steps=100000&autorun=1', status: 'stopped' },
    { url: '/?preset=tiny-check&lr=10&autorun=1&backend=wasm', status: 'diverged' },
  ];
  const seen = [];
  for (const { url, status } of cases) {
    await page.goto(url);
    if (status === 'stopped') {
      await page.waitForFunction(() => 'ncLab' in window && window.ncLab.getState().step >= 200);
      await page.getByTestId('btn-stop').click();
    }
    const id = await endedRunId(page, status);
    const shown = await page.evaluate(() => window.ncLab.getState());
    seen.push({
      id,
      status: `${status} ${shown.step}`,
      steps: shown.history.map((h) => h.step).join(','),
    });
    await page.reload();
    await waitForLab(page);
  }
  const runs = await page.evaluate(() => window.ncLab.runs.list());
  const kept = [];
  for (const { id } of seen) {
    const run = await page.evaluate((runId) => window.ncLab.runs.get(runId), id);
    const record = runs.find((r) => r.id === id);
    kept.push({
      id,
      status: `${record?.status} ${record?.step}`,
      steps: run?.history.map((h) => h.step).join(','),
    });
  }
  expect(kept).toEqual(seen);
});
