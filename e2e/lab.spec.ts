/**
 * The lab page as a user (and a regression harness) sees it. Sizes stay tiny: SwiftShader WebGPU
 * costs ~25 ms per tiny step, so only the first test trains on webgpu; the rest use wasm.
 * Console errors, page errors and crashes fail every test (fixtures.ts).
 */
import { readFileSync } from 'node:fs';
import { fmt } from '../src/app/format';
import type { UfmConfig } from '../src/engine/config/schema';
import { test, expect, showPanel, waitForLab } from './fixtures';

const TINY: Partial<UfmConfig> = {
  classSizes: [10, 10, 10, 10],
  hidden: 8,
  depth: 2,
  bias: true,
  lambdaW: 5e-3,
  lambdaH: 5e-3,
  steps: 60,
  reportEvery: 20,
  backend: 'wasm',
};

const PANELS = ['panel-loss', 'panel-nc', 'panel-theory', 'panel-gram', 'panel-3d'];

test('tiny-check autoruns on WebGPU: metrics arrive, NC1 falls, every panel draws', async ({
  page,
}, testInfo) => {
  await page.goto('/?preset=tiny-check&autorun=1&backend=webgpu');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 90_000 });
  await expect(page.getByTestId('adapter-info')).not.toBeEmpty();
  const info = await page.evaluate(() => window.ncLab.backendInfo());
  if (info.software)
    await expect(page.getByTestId('software-warning')).toContainText('SwiftShader');

  // Metrics arrive while it runs.
  await expect
    .poll(() => page.evaluate(() => window.ncLab.getState().history.length), { timeout: 90_000 })
    .toBeGreaterThan(2);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  await expect(page.getByTestId('run-step')).toHaveText('300');

  const state = await page.evaluate(() => window.ncLab.getState());
  const nc1 = state.history
    .map((h) => h.metrics.nc1_pinv)
    .filter((v): v is number => typeof v === 'number');
  expect(nc1.length).toBeGreaterThan(5);
  expect(nc1[nc1.length - 1]).toBeLessThan(nc1[0] * 0.5);
  expect(state.backend?.backend).toBe('webgpu');
  await expect(page.getByTestId('num-tensors')).toHaveText(/^\d+$/);

  for (const id of PANELS) {
    await showPanel(page, id);
    await expect(page.getByTestId(id).locator('svg.main-svg').first()).toBeVisible({
      timeout: 60_000,
    });
  }
  await page.getByTestId('tab-key').click();
  // The right target for a biased, balanced config, labelled.
  await expect(page.getByTestId('nc-target')).toContainText('simplex ETF');
  // NC1 shows a number, never a silent 0 for an undefined metric.
  const finalNc1 = state.lastReport?.metrics.nc1_pinv;
  expect(typeof finalNc1).toBe('number');
  await expect(page.getByTestId('value-nc1_pinv')).toHaveText(fmt(finalNc1 as number, 4));

  const path = testInfo.outputPath('lab-tiny-check-webgpu.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('lab-tiny-check-webgpu', { path, contentType: 'image/png' });
});

test('the share link round-trips the config', async ({ page }) => {
  await page.goto('/?preset=teach-imbalanced&seed=7&lr=0.05&backend=wasm');
  await waitForLab(page);
  // Edit one field through the form: the URL and the link follow.
  const hidden = page.getByTestId('field-hidden');
  await hidden.fill('12');
  await expect(page).toHaveURL(/hidden=12/);
  const original = await page.evaluate(() => window.ncLab.config());
  expect(original).toMatchObject({
    hidden: 12,
    seed: 7,
    lr: 0.05,
    classSizes: [60, 30, 15, 15],
    bias: false,
    backend: 'wasm',
  });

  await page.getByTestId('btn-copy-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('hidden=12');

  await page.goto(link);
  await waitForLab(page);
  expect(await page.evaluate(() => window.ncLab.config())).toEqual(original);
  await expect(page.getByTestId('config-error')).toHaveCount(0);
  await expect(page.getByTestId('field-hidden')).toHaveValue('12');
});

for (const bad of ['-3', '999999']) {
  test(`an invalid URL value (hidden=${bad}) is named in a banner and in the form; the rest is kept`, async ({
    page,
  }) => {
    await page.goto(`/?hidden=${bad}&seed=7&backend=wasm`);
    const banner = page.getByTestId('config-error');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('hidden');
    await waitForLab(page);
    await expect(page.getByTestId('field-hidden')).toHaveValue(bad);
    await expect(page.getByTestId('error-hidden')).not.toBeEmpty();
    const kept = await page.evaluate(() => window.ncLab.config());
    expect(kept).toMatchObject({ backend: 'wasm', seed: 7 });
    expect('hidden' in kept && kept.hidden, 'the bad value is not taken').not.toBe(Number(bad));
    // Fixed in the form, the page works (one step).
    await page.getByTestId('field-hidden').fill('8');
    await page.getByTestId('btn-step').click();
    await expect(page.getByTestId('run-step')).toHaveText('1', { timeout: 60_000 });
  });
}

test('invalid form input names the field and disables Start', async ({ page }) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('field-hidden').fill('abc');
  await expect(page.getByTestId('error-hidden')).toContainText('hidden');
  await expect(page.getByTestId('btn-start')).toBeDisabled();
  await page.getByTestId('field-classSizes').fill('10');
  await expect(page.getByTestId('error-classSizes')).toContainText('classSizes');
  await page.getByTestId('field-hidden').fill('8');
  await page.getByTestId('field-classSizes').fill('10, 10, 10, 10');
  await expect(page.getByTestId('btn-start')).toBeEnabled();
});

test('Start pressed while the first run is still being built is queued: the run starts once it is ready', async ({
  page,
}) => {
  // Hold the worker's script back, so the page is up while the run cannot be built yet.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/lab\.worker[^/]*\.js/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/?preset=tiny-check&backend=wasm&steps=200');
  const start = page.getByTestId('btn-start');
  await expect(page.getByTestId('busy')).toBeVisible();
  await start.click();
  await expect(start).toHaveText('▶ Starting…');
  await expect(start).toBeDisabled();
  release();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });
  await expect(page.getByTestId('run-step')).toHaveText('200');
  await expect(start).toHaveText('▶ Start');
  expect(await page.evaluate(() => window.ncLab.getState().errors)).toEqual([]);
});

test('keyboard: "." steps, space starts and pauses, "r" resets', async ({ page }) => {
  // webgpu, not wasm: on wasm the worker's loop does not yield between reports yet, so a pause
  // can take seconds to arrive (reported to the engine). WebGPU read-backs are truly async.
  await page.goto('/?preset=tiny-check&backend=webgpu&steps=100000&reportEvery=5');
  await waitForLab(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('.');
  await expect(page.getByTestId('run-step')).toHaveText('1');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('run-status')).toHaveText('paused');
  await page.getByTestId('btn-resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('running');
  await page.getByTestId('btn-stop').click();
  await expect(page.getByTestId('run-status')).toHaveText('stopped');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('r');
  await expect(page.getByTestId('run-status')).toHaveText('idle');
  await expect(page.getByTestId('run-step')).toHaveText('0');
});

test('window.ncLab.run on wasm resolves with a RunResult', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await waitForLab(page);
  const result = await page.evaluate(
    (config) => window.ncLab.run(config, { timeoutMs: 120_000 }),
    TINY,
  );
  expect(result.status).toBe('completed');
  expect(result.backend.backend).toBe('wasm');
  expect(result.history.length).toBeGreaterThan(0);
  expect(result.history[result.history.length - 1].step).toBe(60);
  expect(typeof result.final?.metrics.nc1_pinv).toBe('number');
  expect(result.final?.metrics).toHaveProperty('nc2_etf_error_weights');
  expect(result.theory?.lossMin).toBeGreaterThan(0);
  // It ran through the page: the panels show it.
  await expect(page.getByTestId('run-step')).toHaveText('60');
  // A share query works too, and validation errors name the field.
  const fromQuery = await page.evaluate(() =>
    window.ncLab.run('?preset=tiny-check&steps=20&reportEvery=10&backend=wasm'),
  );
  expect(fromQuery.config).toMatchObject({ steps: 20 });
  const error = await page.evaluate(() =>
    window.ncLab.run({ hidden: -1 }).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(error).toContain('hidden');
});

test('Save state downloads the run library’s checkpoint, Load state takes it back at its step, and a wrong-shaped state is refused clearly', async ({
  page,
}, testInfo) => {
  await page.goto('/?preset=tiny-check&backend=wasm&steps=40&reportEvery=10');
  await waitForLab(page);
  await page.getByTestId('btn-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 60_000 });

  const downloadResults = page.waitForEvent('download');
  await page.getByTestId('btn-download').click();
  expect((await downloadResults).suggestedFilename()).toMatch(
    /^nc-lab-tiny-check-\d{4}-\d{2}-\d{2}-\d{6}\.json$/,
  );

  const downloadState = page.waitForEvent('download');
  await page.getByTestId('btn-save-state').click();
  const statePath = testInfo.outputPath('state.json');
  await (await downloadState).saveAs(statePath);

  // The run library's checkpoint format, which `npm run experiment -- --resume` continues.
  const saved = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
  expect(saved).toMatchObject({ format: 'nc-lab-checkpoint', version: 1, step: 40 });
  expect(saved.config).toMatchObject({ experiment: 'ufm', steps: 40, backend: 'wasm' });

  await page.getByTestId('load-state-input').setInputFiles(statePath);
  await expect(page.getByText('from saved state')).toBeVisible();
  await expect(page.getByTestId('run-step')).toHaveText('40');
  await expect(page.getByTestId('state-error')).toHaveCount(0);
  // Saved at the run's last step: Start would end at once, so the page says so.
  await expect(page.getByTestId('state-note')).toHaveText(
    /^state\.json is at the run's last step \(40 of 40\): there is nothing left to train\./,
  );

  const bad = { H: [[1, 2]], fc_weights: [[[1, 2]]], fc_last_bias: null, targets: [0, 1, 1] };
  await page.getByTestId('load-state-input').setInputFiles({
    name: 'bad-state.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });
  // Its shapes make a 2-class config with N = 3, which the single row of H cannot fill.
  await expect(page.getByTestId('state-error')).toContainText('H has 1 rows, expected N = 3');

  // A checkpoint whose first layer lost four bytes' worth of base64 is refused by file name.
  const state = saved.state as { layers: { data: string }[] };
  state.layers[0].data = state.layers[0].data.slice(0, -8);
  await page.getByTestId('load-state-input').setInputFiles({
    name: 'damaged-state.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(saved)),
  });
  await expect(page.getByTestId('state-error')).toContainText(/^.*damaged-state\.json: .*bytes/);
});

test('Reset or a preset click during a run leaves no trace of the old run', async ({ page }) => {
  await page.goto('/?preset=tiny-check&backend=wasm&steps=100000&reportEvery=50');
  await waitForLab(page);
  for (let i = 0; i < 2; i++) {
    await page.getByTestId('btn-start').click();
    await expect
      .poll(() => page.evaluate(() => window.ncLab.getState().step), { timeout: 30_000 })
      .toBeGreaterThan(100);
    await page.getByTestId('btn-reset').click();
    await expect(page.getByTestId('run-status')).toHaveText('idle');
    await expect(page.getByTestId('run-step')).toHaveText('0');
    await page.waitForTimeout(1500); // late events of the old run would land here
    const state = await page.evaluate(() => window.ncLab.getState());
    expect(state.history.map((h) => h.step)).toEqual([0]);
    expect(state.errors).toEqual([]);
  }
  await page.getByTestId('btn-start').click();
  await expect
    .poll(() => page.evaluate(() => window.ncLab.getState().step), { timeout: 30_000 })
    .toBeGreaterThan(100);
  await page.getByTestId('preset-teach-etf-3d').click();
  await expect(page.getByTestId('field-hidden')).toHaveValue('3');
  await expect(page.getByTestId('run-status')).toHaveText('idle');
  await expect(page).toHaveURL(/preset=teach-etf-3d/);
  await page.waitForTimeout(1500);
  const state = await page.evaluate(() => window.ncLab.getState());
  expect(state.loadedConfig).toMatchObject({ hidden: 3 });
  expect(state.history.map((h) => h.step)).toEqual([0]);
});
