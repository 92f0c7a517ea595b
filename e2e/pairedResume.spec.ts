/**
 * A paired run (a CE run and its label-smoothing twin, from the same weights, noisy labels and
 * batch order) reloaded mid-way is kept as interrupted and, resumed from the Runs panel, ends with
 * the final metrics of an uninterrupted run of the same config, both members of the pair.
 */
import { test, expect, waitForLab } from './fixtures';

/**
 * seed 002's quick CE / LS preset made small (label noise 0.2, SGD, StepLR every 15 epochs); 80
 * epochs so that a reload lands mid-run: the page's automatic checkpoint interval grows as steps
 * get faster, and on a 2-core machine the first checkpoint came at 65–85 % of a 40-epoch run.
 */
const EPOCHS = 80;
const LR_STEP = 15;
const PAIRED = `?preset=md-mnist-quick&perClass=150&width=32&depthRelu=2&batchSize=50&lrStep=${LR_STEP}&epochs=${EPOCHS}&backend=wasm`;
/** The last epoch at which StepLR lowers the rate (75). */
const LAST_LR_STEP = Math.floor((EPOCHS - 1) / LR_STEP) * LR_STEP;

test('a paired CE / LS run reloaded mid-way resumes from the Runs panel to the uninterrupted run’s final metrics, the twin’s included', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await page.goto(`/${PAIRED}&autorun=1`);
  await waitForLab(page);
  // Reload once the run has a checkpoint and is still going.
  await expect
    .poll(
      async () => {
        const runs = await page.evaluate(() => window.ncLab.runs.list());
        return runs[0]?.checkpointStep ?? 0;
      },
      { timeout: 150_000, intervals: [100] },
    )
    .toBeGreaterThan(0);
  const before = await page.evaluate(() => window.ncLab.getState());
  expect(before.status, 'the run ended before the reload: make it longer').toBe('running');
  await page.goto(`/${PAIRED}`);
  await waitForLab(page);

  const [kept] = await page.evaluate(() => window.ncLab.runs.list());
  expect(kept.status).toBe('interrupted');
  expect(kept.checkpointStep).toBeGreaterThan(0);
  // The resumed run crosses at least StepLR's last step, so the restored scheduler is tested.
  expect(kept.checkpointStep).toBeLessThan((LAST_LR_STEP / EPOCHS) * kept.totalSteps);
  await page.getByTestId('tab-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${kept.id}"]`);
  await expect(row.getByTestId('run-row-status')).toHaveText('interrupted');
  await row.getByTestId('run-resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  const resumed = await page.evaluate((id) => window.ncLab.runs.get(id), kept.id);
  expect(resumed?.status).toBe('completed');

  // The same config run without interruption (not kept).
  const whole = await page.evaluate((q) => window.ncLab.run(q, { keep: false }), PAIRED);
  const metrics = resumed?.final?.metrics ?? {};
  // Both members of the pair are there, and equal the uninterrupted run number for number.
  expect(Object.keys(metrics).filter((k) => k.startsWith('twin.')).length).toBeGreaterThan(5);
  expect(typeof metrics['twin.md_memorization_rel_avg']).toBe('number');
  expect(metrics).toEqual(whole.final?.metrics);
  expect(resumed?.final?.twin?.loss).toBe('ls');
  expect(resumed?.history.map((h) => h.step)).toEqual(whole.history.map((h) => h.step));
  expect(resumed?.history).toEqual(whole.history);
});
