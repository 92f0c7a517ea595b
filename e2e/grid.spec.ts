/**
 * Grids and search in the browser, through window.ncLab and the worker: the 8 runs of a
 * 2 × 2 × 2 grid with a figure line each, a grid interrupted by a reload that resumes from its
 * kept members to the same numbers, and a small search that selects by the held-out split.
 */
import { readFile } from 'node:fs/promises';
import type { GridMemberResult, GridRunResult } from '../src/engine/grid/runner';
import type { SearchResult } from '../src/engine/search/protocol';
import { test, expect, expectLegendClearOfXTitle } from './fixtures';
import { gaussMlpBase } from './gridSpecs';

const SPEC = {
  name: 'e2e',
  base: gaussMlpBase({ epochs: 3, measureEvery: 1 }),
  axes: [
    { field: 'depthLinear', values: [1, 2] },
    { field: 'width', values: [8, 12] },
  ],
  seeds: [1, 2],
};

const losses = (members: GridMemberResult[]) =>
  members.map((m) => [m.id, m.result.history.map((h) => h.metrics.loss)]);

test('a 2 × 2 × 2 grid gives the 8 runs of the cross product and a figure line per member; a reload mid-grid resumes to the same numbers', async ({
  page,
}, testInfo) => {
  // Straight after goto: the app code may still be loading; window.ncLab's calls wait for it.
  await page.goto('/');
  const full: GridRunResult = await page.evaluate((spec) => window.ncLab.grid(spec), SPEC);
  expect(full.status).toBe('completed');
  expect(
    full.members.map((m) => {
      const c = m.result.config as { depthLinear: number; width: number; seed: number };
      return [c.depthLinear, c.width, c.seed];
    }),
  ).toEqual([
    [1, 8, 1],
    [1, 8, 2],
    [1, 12, 1],
    [1, 12, 2],
    [2, 8, 1],
    [2, 8, 2],
    [2, 12, 1],
    [2, 12, 2],
  ]);
  // Every member is a kept run in the library, tagged by its grid.
  await expect
    .poll(() =>
      page.evaluate(async () =>
        (await window.ncLab.runs.list())
          .filter((r) => r.tags.includes('grid:e2e') && r.source === 'grid')
          .map((r) => r.name)
          .sort(),
      ),
    )
    .toEqual(full.members.map((m) => `e2e · ${m.id}`).sort());
  await page.getByTestId('tab-grid').click();
  const panel = page.getByTestId('panel-grid');
  await expect(panel.locator('.scatterlayer .trace')).toHaveCount(8);
  await expectLegendClearOfXTitle(panel.locator('.plot'));
  await expect(panel.getByTestId('grid-check')).toHaveText('8 members (2 × 2 × 2 seeds)');
  // Download members (JSON): the spec and every member's result, as the CLI's grid file.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: 'Download members (JSON)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^nc-lab-grid-.*\.json$/);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    kind: string;
    members: GridMemberResult[];
  };
  expect(saved.kind).toBe('nc-lab-grid');
  expect(losses(saved.members)).toEqual(losses(full.members));
  const shot = testInfo.outputPath('grid-panel.png');
  await panel.screenshot({ path: shot });
  await testInfo.attach('grid-panel', { path: shot, contentType: 'image/png' });

  // The spec is checked as it is typed: a bad value is named and the grid cannot start.
  const bad = { ...SPEC, axes: [{ field: 'depthLinear', values: [1, 99] }] };
  await panel.getByTestId('grid-spec').fill(JSON.stringify(bad));
  await expect(panel.getByTestId('grid-check')).toContainText('axis depthLinear, value 99');
  await expect(panel.getByTestId('btn-grid-run')).toBeDisabled();

  // Start again afresh (the finished members are kept, and the grid would otherwise have nothing
  // left to run), reload after 3 members, resume from the members handed back.
  await page.reload();
  // The synchronous reads (gridState) work once the app has loaded: wait for ncLab.ready.
  await page.evaluate(async (spec) => {
    await window.ncLab.ready;
    void window.ncLab.grid(spec, { fresh: true }).catch(() => undefined);
  }, SPEC);
  await expect
    .poll(() => page.evaluate(() => window.ncLab.gridState().members.length), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(3);
  const kept: GridMemberResult[] = await page.evaluate(() => window.ncLab.gridState().members);
  await page.reload();
  const resumed: GridRunResult = await page.evaluate(
    ([spec, completed]) => window.ncLab.grid(spec, { completed }),
    [SPEC, kept] as const,
  );
  expect(resumed.status).toBe('completed');
  expect(losses(resumed.members)).toEqual(losses(full.members));

  const refused = await page.evaluate(
    (spec) =>
      window.ncLab.grid({ ...spec, axes: [{ field: 'depthLinear', values: [1, 99] }] }).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    SPEC,
  );
  expect(refused).toMatch(/axis depthLinear, value 99/);
});

test('a member interrupted by a reload continues from its checkpoint kept in the browser and ends with the uninterrupted numbers', async ({
  page,
}) => {
  const spec = {
    ...SPEC,
    name: 'e2e-resume',
    base: { ...SPEC.base, epochs: 300, measureEvery: 10 },
    axes: [{ field: 'width', values: [8, 12] }],
    seeds: [1],
    checkpointEvery: 1,
  };
  await page.goto('/');
  const full: GridRunResult = await page.evaluate((s) => window.ncLab.grid(s), spec);
  expect(full.status).toBe('completed');
  expect(full.resumed).toEqual([]);

  await page.reload();
  await page.evaluate(async (s) => {
    await window.ncLab.ready;
    void window.ncLab.grid(s, { fresh: true }).catch(() => undefined);
  }, spec);
  // Reload while the second member is past its 10th checkpoint (epoch 100 of 300).
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const p = window.ncLab.gridState().progress?.current;
          return p && p.index === 1 ? p.step : 0;
        }),
      { timeout: 60_000, intervals: [20] },
    )
    .toBeGreaterThanOrEqual(110);
  const kept: GridMemberResult[] = await page.evaluate(() => window.ncLab.gridState().members);
  expect(kept.map((m) => m.id)).toEqual(['width=8,seed=1']);
  await page.reload();

  const resumed: GridRunResult = await page.evaluate(
    ([s, completed]) => window.ncLab.grid(s, { completed }),
    [spec, kept] as const,
  );
  expect(resumed.status).toBe('completed');
  expect(resumed.resumed).toHaveLength(1);
  expect(resumed.resumed[0].id).toBe('width=12,seed=1');
  expect(resumed.resumed[0].step).toBeGreaterThanOrEqual(100);
  expect(resumed.resumed[0].step).toBeLessThan(300);
  const again = resumed.members[1].result;
  expect(again.history).toEqual(full.members[1].result.history);
  expect(again.final?.metrics).toEqual(full.members[1].result.final?.metrics);
});

test('before a grid starts, the page gives its member count and a time estimated from kept runs of the same kind, and refuses one above its limit', async ({
  page,
}) => {
  await page.goto('/');
  const none = await page.evaluate((spec) => window.ncLab.gridEstimate(spec), SPEC);
  expect([none.members, none.totalMs]).toEqual([8, null]);
  expect(none.text).toBe(
    '8 members; no speed known for these members (from kept runs on wasm): the time left appears once the first member has run',
  );

  // One kept run of the first member's kind (depthLinear 1, width 8: seeds 1 and 2 share it).
  const kept = await page.evaluate(
    (base) => window.ncLab.run({ ...base, depthLinear: 1, width: 8, seed: 3 }),
    SPEC.base,
  );
  expect(kept.status).toBe('completed');
  const some = await page.evaluate((spec) => window.ncLab.gridEstimate(spec), SPEC);
  expect(some.measuredMembers).toBe(2);
  expect(some.totalMs).toBeGreaterThan(0);
  expect(some.lowMs!).toBeLessThanOrEqual(some.totalMs!);
  expect(some.highMs!).toBeGreaterThanOrEqual(some.totalMs!);
  expect(some.text).toMatch(
    /^8 members, ≈ \d+ s.*: from kept runs on wasm; 1 of 4 kinds of member measured; the other 6 members take their mean/,
  );

  await page.getByTestId('tab-grid').click();
  const panel = page.getByTestId('panel-grid');
  await panel.getByTestId('grid-spec').fill(JSON.stringify(SPEC));
  await expect(panel.getByTestId('grid-check')).toHaveText('8 members (2 × 2 × 2 seeds)');
  await expect(panel.getByTestId('grid-estimate')).toContainText('Estimated time: 8 members, ≈ ');
  await expect(panel.getByTestId('grid-estimate')).toContainText('from kept runs on wasm');

  const refused = await page.evaluate(
    (spec) =>
      window.ncLab.gridEstimate({ ...spec, maxMembers: 4 }).then(
        () => 'resolved',
        (e: Error) => e.message,
      ),
    SPEC,
  );
  expect(refused).toMatch(/the grid has 8 members, more than its limit of 4/);
});

test('a small search scores trials on the held-out split and retrains the best', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  const result: SearchResult = await page.evaluate(
    (base) =>
      window.ncLab.search({
        base: { ...base, labelNoise: 0.2, loss: 'ce', epochs: 8 },
        space: { lr: { type: 'loguniform', low: 1e-3, high: 0.1 } },
        strategy: 'random',
        trials: 3,
        epochFraction: 0.5,
      }),
    SPEC.base,
  );
  expect(result.trials.map((t) => [t.epochs, t.value === t.valAccuracy])).toEqual([
    [4, true],
    [4, true],
    [4, true],
  ]);
  expect(result.best!.value).toBe(Math.max(...result.trials.map((t) => t.value!)));
  expect(result.retrained!.config).toMatchObject({
    valSplit: false,
    epochs: 8,
    lr: result.best!.params.lr,
  });
  await page.getByTestId('tab-search').click();
  const panel = page.getByTestId('panel-search');
  await expect(panel.getByTestId('search-status')).toContainText('3 trials');
  // The retrained best is kept in the run library, named by the parameters it chose.
  const kept = await page.evaluate(async () =>
    (await window.ncLab.runs.list()).filter((r) => r.tags.includes('search')).map((r) => r.name),
  );
  expect(kept).toHaveLength(1);
  expect(kept[0]).toMatch(/^search \(random, 3 trials\) · best: lr = /);
  // The trials table lists every trial, the best first.
  await panel.getByText('Trials (table, best first)').click();
  const rows = panel.getByTestId('search-trials').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.first().locator('td').first()).toHaveText(String(result.best!.index + 1));
  await expect(rows.first()).toHaveClass('best');
  // Download result (JSON): the same trials the page's search returned.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByTestId('btn-search-download').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^nc-lab-search-random-3-trials-.*\.json$/);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as SearchResult;
  expect(saved.trials).toEqual(result.trials);
  expect(saved.retrained?.config).toEqual(result.retrained?.config);
  const shot = testInfo.outputPath('search-panel.png');
  await page.getByTestId('panel-search').screenshot({ path: shot });
  await testInfo.attach('search-panel', { path: shot, contentType: 'image/png' });
});

test('a search reloaded mid-way offers Resume and ends with the trials of an uninterrupted run, running only the rest', async ({
  page,
}) => {
  const spec = {
    base: { preset: 'net-gauss-tiny', labelNoise: 0.1, loss: 'ce', epochs: 60 },
    space: { lr: { type: 'loguniform', low: 1e-3, high: 0.1 } },
    strategy: 'bayes',
    trials: 6,
    epochFraction: 0.5,
    retrain: false,
  };
  await page.goto('/');
  const whole: SearchResult = await page.evaluate((s) => window.ncLab.search(s), spec);
  expect(whole.finished).toBe(true);

  await page.getByTestId('tab-search').click();
  const panel = page.getByTestId('panel-search');
  await panel.getByTestId('search-spec').fill(JSON.stringify(spec, null, 1));
  await panel.getByTestId('btn-search-run').click();
  const kept = () =>
    page.evaluate(() => {
      const text = localStorage.getItem('nclab.search.unfinished');
      return text === null ? 0 : (JSON.parse(text) as { trials: unknown[] }).trials.length;
    });
  await expect.poll(kept, { timeout: 60_000, intervals: [25] }).toBeGreaterThanOrEqual(2);
  await page.reload();
  const done = await kept();
  expect(done).toBeLessThan(6);

  await page.getByTestId('tab-search').click();
  const resume = panel.getByTestId('btn-search-resume');
  await expect(resume).toHaveText(`Resume search (${done} of 6 trials done)`);
  await expect(panel.getByTestId('btn-search-run')).toHaveText('Run afresh');
  await resume.click();
  await expect(panel.getByTestId('search-status')).toContainText('6 trials; best', {
    timeout: 60_000,
  });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByTestId('btn-search-download').click(),
  ]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8')) as SearchResult;
  expect(saved).toMatchObject({ finished: true, resumedTrials: done });
  expect(saved.trials).toEqual(whole.trials);
  // finished: nothing is offered any more
  expect(await kept()).toBe(0);
  await expect(resume).toHaveCount(0);

  // A spec the worker refuses leaves another search's kept progress as it was.
  await page.evaluate(
    ([s, first]) =>
      localStorage.setItem('nclab.search.unfinished', JSON.stringify({ spec: s, trials: [first] })),
    [spec, whole.trials[0]] as const,
  );
  const refused = await page.evaluate(() =>
    window.ncLab.search({ base: { preset: 'tiny-check' }, trials: 2 }).then(
      () => 'ran',
      (e: Error) => e.message,
    ),
  );
  expect(refused).toMatch(/needs a network config/);
  expect(await kept()).toBe(1);
});
