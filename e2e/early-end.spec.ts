/** Runs that end early still show something: the last finite state, the break, a banner. */
import { test, expect, waitForLab } from './fixtures';

test('a run that diverges before its first report shows its last finite state and where it broke', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&lr=10&autorun=1&backend=wasm');
  await expect(page.getByTestId('run-status')).toHaveText('diverged', { timeout: 120_000 });
  const state = await page.evaluate(() => window.ncLab.getState());
  const steps = state.history.map((h) => h.step);
  expect(steps[0]).toBe(0);
  expect(steps.length).toBe(2);
  const last = state.history[1];
  expect(last.step).toBeGreaterThan(0);
  const loss = Number(last.metrics.loss);
  expect(Number.isFinite(loss)).toBe(true);
  expect(loss).not.toBe(state.history[0].metrics.loss);
  // The header shows that state, not the initial one.
  await expect(page.getByTestId('run-step')).toHaveText(String(last.step));
  await expect(page.getByTestId('lab-error')).toContainText(`diverged at step ${last.step + 1}`);
  await expect(page.getByTestId('status-message')).toContainText(`step ${last.step}`);
});

test('measureSamples=1 on a network run completes (one sample of each class measured)', async ({
  page,
}) => {
  await page.goto('/?preset=net-gauss-tiny&measureSamples=1&epochs=4&measureEvery=2&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('btn-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  await expect(page.getByTestId('lab-error')).toHaveCount(0);
  const state = await page.evaluate(() => window.ncLab.getState());
  expect(state.history.length).toBeGreaterThan(1);
  expect(typeof state.history[state.history.length - 1].metrics.nc1_pinv).toBe('number');
});
