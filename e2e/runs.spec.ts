/**
 * The run library (src/app/runs): runs are kept as they go, survive a reload, resume to the
 * numbers of an uninterrupted run, overlay with a legend naming what differs, and export and
 * re-import to the same values.
 */
import { parseLongCsv } from '../src/engine/runs/exchange';
import { test, expect, expectLegendClearOfXTitle, waitForLab } from './fixtures';

/** Long enough that a reload lands mid-run; checkpoints every 10 reports = every 500 steps. */
const LONG = '?preset=tiny-check&steps=8000&reportEvery=50&backend=wasm';

test('a UFM run reloaded mid-way keeps its history and, resumed from the Runs panel, ends with the uninterrupted run’s final metrics', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await page.goto(`/${LONG}&autorun=1`);
  await waitForLab(page);
  // Reload once the run has a checkpoint and is still going.
  await expect
    .poll(
      async () => {
        const runs = await page.evaluate(() => window.ncLab.runs.list());
        return runs[0]?.checkpointStep ?? 0;
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(500);
  const before = await page.evaluate(() => window.ncLab.getState());
  expect(before.status, 'the run ended before the reload: make it longer').toBe('running');
  // Reload (without autorun, which would start a new run).
  await page.goto(`/${LONG}`);
  await waitForLab(page);

  const [kept] = await page.evaluate(() => window.ncLab.runs.list());
  expect(kept.status).toBe('interrupted');
  await page.getByTestId('tab-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${kept.id}"]`);
  await expect(row.getByTestId('run-row-status')).toHaveText('interrupted');
  const keptRun = await page.evaluate((id) => window.ncLab.runs.get(id), kept.id);
  const steps = keptRun?.history.map((h) => h.step) ?? [];
  expect(steps.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, i) => i * 50));

  await row.getByTestId('run-resume').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 150_000 });
  const resumed = await page.evaluate((id) => window.ncLab.runs.get(id), kept.id);
  expect(resumed?.status).toBe('completed');
  // The whole history, each step once, across the reload.
  expect(resumed?.history.map((h) => h.step)).toEqual(
    Array.from({ length: 161 }, (_, i) => i * 50),
  );

  // The same config run without interruption (not kept: regression runs can opt out).
  const whole = await page.evaluate((q) => window.ncLab.run(q, { keep: false }), LONG);
  expect(resumed?.final?.metrics).toEqual(whole.final?.metrics);
  expect(resumed?.history.slice(-5)).toEqual(whole.history.slice(-5));
  const after = await page.evaluate(() => window.ncLab.runs.list());
  expect(after.map((r) => `${r.id} ${r.status} ${r.step}`)).toEqual([`${kept.id} completed 8000`]);
});

/**
 * A small network with BatchNorm and Adam, shuffled mini-batches (7 a epoch), StepLR halving at
 * epoch 40: the first checkpoint comes at epoch 18, so the resumed run crosses the boundary.
 */
const NET =
  '?preset=net-gauss-tiny&batchSize=64&batchnorm=true&lrStep=40&lrGamma=0.5&epochs=160&measureEvery=2&backend=wasm';

test('a network run (BatchNorm, Adam, StepLR) reloaded mid-way resumes to the uninterrupted run’s final metrics', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await page.goto(`/${NET}&autorun=1`);
  await waitForLab(page);
  await expect
    .poll(
      async () => {
        const runs = await page.evaluate(() => window.ncLab.runs.list());
        return runs[0]?.checkpointStep ?? 0;
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBeGreaterThan(0);
  const before = await page.evaluate(() => window.ncLab.getState());
  expect(before.status, 'the run ended before the reload: make it longer').toBe('running');
  await page.goto(`/${NET}`);
  await waitForLab(page);
  const [kept] = await page.evaluate(() => window.ncLab.runs.list());
  expect(kept.status).toBe('interrupted');
  expect(kept.checkpointStep).toBeLessThan(40 * 7); // before the StepLR boundary
  const resumed = await page.evaluate((id) => window.ncLab.runs.resume(id), kept.id);
  expect(resumed.status).toBe('completed');
  const whole = await page.evaluate((q) => window.ncLab.run(q, { keep: false }), NET);
  expect(resumed.final?.metrics).toEqual(whole.final?.metrics);
  const keptAfter = await page.evaluate((id) => window.ncLab.runs.get(id), kept.id);
  expect(keptAfter?.history.map((h) => h.step)).toEqual(whole.history.map((h) => h.step));
  expect(keptAfter?.history.slice(-3)).toEqual(whole.history.slice(-3));
});

test('two kept runs overlay in one figure with a legend naming what differs and a config diff; the figure saves as a PNG named by what it shows', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await page.evaluate(async () => {
    await window.ncLab.runs.clear();
    await window.ncLab.run('?preset=tiny-check&steps=60&reportEvery=20&backend=wasm&depth=1');
    await window.ncLab.run('?preset=tiny-check&steps=60&reportEvery=20&backend=wasm&depth=3');
  });
  await page.getByTestId('tab-runs').click();
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  for (const box of await page.getByRole('checkbox', { name: /^overlay / }).all())
    await box.check();
  const compare = page.getByTestId('runs-compare');
  await expect(compare.locator('.legendtext')).toHaveText(['depth=3', 'depth=1']);
  await expectLegendClearOfXTitle(compare.locator('.plot'));
  await expect(page.getByTestId('runs-diff')).toContainText('depth');
  // Image export: PNG and SVG named by what the figure shows; no "send to cloud" button.
  await compare.locator('.plot').hover();
  await expect(compare.locator('[data-title="Edit in Chart Studio"]')).toHaveCount(0);
  const png = page.waitForEvent('download');
  await compare.locator('.modebar-btn[data-title="Download as PNG"]').click();
  expect((await png).suggestedFilename()).toMatch(
    /^nc-lab-selected-runs-overlaid-on-one-metric-\d{4}-\d\d-\d\d\.png$/,
  );
});

test('JSON and CSV exports re-import to the same values; a damaged record is dropped with a note', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const original = await page.evaluate(async () => {
    await window.ncLab.runs.clear();
    await window.ncLab.run('?preset=tiny-check&steps=60&reportEvery=20&backend=wasm&depth=2');
    const [run] = await window.ncLab.runs.list();
    return { id: run.id, name: run.name, result: await window.ncLab.runs.get(run.id) };
  });
  const json = await page.evaluate(() => window.ncLab.runs.export(undefined, 'json'));
  const csv = await page.evaluate(() => window.ncLab.runs.export(undefined, 'csv'));
  const back = await page.evaluate(async (text) => {
    await window.ncLab.runs.clear();
    const [record] = await window.ncLab.runs.import(text, 'runs.json');
    return { name: record.name, result: await window.ncLab.runs.get(record.id) };
  }, json);
  expect(back.name).toBe(original.name);
  expect(back.result?.history).toEqual(original.result?.history);
  expect(back.result?.final?.metrics).toEqual(original.result?.final?.metrics);
  const fromCsv = parseLongCsv(csv).get(original.name);
  expect(fromCsv).toEqual(original.result?.history);

  // A record written by some other version of the lab.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('nc-lab-runs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put({ v: 99, id: 'x', name: 'from the future' }, 'r:x');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
        };
      }),
  );
  await page.reload();
  await waitForLab(page);
  await page.getByTestId('tab-runs').click();
  await expect(page.getByTestId('runs-notes')).toContainText(
    '("from the future") could not be read and was removed: record version 99',
  );
  await expect(page.getByTestId('run-row')).toHaveCount(1);
});

test('renaming a run, then tabbing into its tags and typing, keeps both; keys typed there start or reset nothing; Enter saves', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const id = await page.evaluate(async () => {
    await window.ncLab.runs.clear();
    await window.ncLab.run('?preset=tiny-check&steps=40&reportEvery=20&backend=wasm');
    const [run] = await window.ncLab.runs.list();
    return run.id;
  });
  const before = await page.evaluate(() => window.ncLab.getState().status);
  await page.getByTestId('tab-runs').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  const name = row.getByRole('textbox', { name: 'run name' });
  await name.click();
  await name.press('ControlOrMeta+A');
  await page.keyboard.type('my run');
  // Tab saves the name (blur) and moves into the tags: the row must not be rebuilt under the
  // typing (it was, and "r" then reset the lab and the space started a run).
  await page.keyboard.press('Tab');
  const tags = row.locator('input.run-tags');
  await expect(tags).toBeFocused();
  await page.keyboard.type('warm, rerun');
  await expect(tags).toHaveValue('warm, rerun');
  await page.keyboard.press('Enter');
  await expect
    .poll(() =>
      page.evaluate(() => window.ncLab.runs.list().then((r) => r.map((x) => [x.name, x.tags]))),
    )
    .toEqual([['my run', ['warm', 'rerun']]]);
  await expect(tags).toBeFocused();
  await expect(tags).toHaveValue('warm, rerun');
  await expect(name).toHaveValue('my run');
  // Enter in the name field saves it too.
  await name.click();
  await name.press('ControlOrMeta+A');
  await page.keyboard.type('renamed again');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.evaluate(() => window.ncLab.runs.list().then((r) => r.map((x) => x.name))))
    .toEqual(['renamed again']);
  await expect(name).toBeFocused();
  expect(await page.evaluate(() => window.ncLab.getState().status)).toBe(before);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
});

test('importing a run already kept skips it with a note, keeping its date; the CSV export dropped on the import zone is refused with a sentence', async ({
  page,
}) => {
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const { json, csv, createdAt } = await page.evaluate(async () => {
    await window.ncLab.runs.clear();
    await window.ncLab.run('?preset=tiny-check&steps=40&reportEvery=20&backend=wasm');
    const [run] = await window.ncLab.runs.list();
    return {
      json: await window.ncLab.runs.export(undefined, 'json'),
      csv: await window.ncLab.runs.export(undefined, 'csv'),
      createdAt: run.createdAt,
    };
  });
  await page.getByTestId('tab-runs').click();
  const input = page.getByTestId('runs-import-input');
  const file = (name: string, text: string) => ({
    name,
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
  await input.setInputFiles(file('runs.json', json));
  await expect(page.getByTestId('runs-notes')).toContainText(
    'runs.json: its run was skipped as already in the library.',
  );
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  // Kept elsewhere (cleared here), the export comes back with the run's own date.
  await page.evaluate(() => window.ncLab.runs.clear());
  await input.setInputFiles(file('runs.json', json));
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  const [back] = await page.evaluate(() => window.ncLab.runs.list());
  expect(back.createdAt).toBe(createdAt);
  await input.setInputFiles(file('export.csv', csv));
  await expect(page.getByTestId('lab-error')).toContainText(
    'export.csv: the CSV export is for pandas and cannot be imported',
  );
  await expect(page.getByTestId('run-row')).toHaveCount(1);
});
