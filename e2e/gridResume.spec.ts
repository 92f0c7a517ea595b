/**
 * A grid reloaded mid-way resumes from the run library itself: the Grid panel's Resume finds the
 * members finished before the reload among the kept runs (not run again), continues the member the
 * reload interrupted from its checkpoint, and ends with an uninterrupted grid's numbers.
 */
import type { GridRunResult } from '../src/engine/grid/runner';
import { parseGridSpec } from '../src/engine/grid/spec';
import { gridToQuery } from '../src/engine/grid/url';
import { test, expect, waitForLab } from './fixtures';
import { gaussMlpBase } from './gridSpecs';

/** 4 small network members (2 widths × 2 seeds), long enough that a reload lands mid-member even
 * with the optimiser update as one wasm loop (200 epochs let the third member finish first). */
const SPEC = {
  name: 'e2e-reload',
  base: gaussMlpBase({ epochs: 1000, measureEvery: 25 }),
  axes: [{ field: 'width', values: [8, 12] }],
  seeds: [1, 2],
  checkpointEvery: 1,
};
const URL = `/?${gridToQuery(parseGridSpec(SPEC))}`;

/** The grid's kept runs as the library lists them. */
const keptOf = (page: import('@playwright/test').Page) =>
  page.evaluate(async () =>
    (await window.ncLab.runs.list())
      .filter((r) => r.tags.includes('grid:e2e-reload'))
      .map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt, updatedAt: r.updatedAt })),
  );

test('a grid reloaded mid-way resumes from its kept members in the Grid panel: finished members are not re-run, the interrupted one continues from its checkpoint, and the results equal an uninterrupted grid’s', async ({
  page,
}) => {
  test.setTimeout(360_000);
  await page.goto(URL);
  await waitForLab(page);
  const full: GridRunResult = await page.evaluate((spec) => window.ncLab.grid(spec), SPEC);
  expect(full.status).toBe('completed');
  expect(full.members).toHaveLength(4);
  // Forget the uninterrupted grid's kept members, then open the grid's link again.
  await page.evaluate(() => window.ncLab.runs.clear());
  await page.goto(URL);
  await waitForLab(page);

  await page.getByTestId('tab-grid').click();
  const panel = page.getByTestId('panel-grid');
  await expect(panel.getByTestId('grid-check')).toHaveText('4 members (2 × 2 seeds)');
  await expect(panel.getByTestId('btn-grid-run')).toHaveText('Run grid');
  await panel.getByTestId('btn-grid-run').click();
  // Reload while the third member is past its 6th checkpoint and the first two are kept.
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const p = window.ncLab.gridState().progress?.current;
          return p && p.index === 2 ? p.step : 0;
        }),
      { timeout: 120_000, intervals: [20] },
    )
    .toBeGreaterThanOrEqual(60);
  await expect.poll(async () => (await keptOf(page)).length, { timeout: 10_000 }).toBe(2);
  const before = await keptOf(page);
  expect(before.map((r) => r.name).sort()).toEqual([
    'e2e-reload · width=8,seed=1',
    'e2e-reload · width=8,seed=2',
  ]);
  await page.reload();
  await waitForLab(page);

  // After the reload the panel opens on the unfinished grid and offers Resume from the library's
  // kept members.
  await page.getByTestId('tab-grid').click();
  await expect(panel.getByTestId('grid-check')).toHaveText('4 members (2 × 2 seeds)');
  await expect(panel.getByTestId('btn-grid-run')).toHaveText('Resume (2 of 4 kept)');
  await panel.getByTestId('btn-grid-run').click();
  await expect(panel.getByTestId('grid-status')).toHaveText('4 of 4 members completed.', {
    timeout: 120_000,
  });
  const resumed = await page.evaluate(() => window.ncLab.gridState());
  // The member the reload caught continued from its checkpoint (epoch 60 or later), not its seed.
  expect(resumed.resumed).toHaveLength(1);
  expect(resumed.resumed[0].id).toBe('width=12,seed=1');
  expect(resumed.resumed[0].step).toBeGreaterThanOrEqual(50);
  expect(resumed.members.map((m) => m.id)).toEqual(full.members.map((m) => m.id));
  for (const [i, member] of resumed.members.entries()) {
    const whole = full.members[i].result;
    expect(member.result.history, member.id).toEqual(whole.history);
    expect(member.result.final?.metrics, member.id).toEqual(whole.final?.metrics);
  }

  // The two finished members were not run again: their kept runs are the same records, untouched,
  // and only the other two were added (one run each).
  const after = await keptOf(page);
  expect(after).toHaveLength(4);
  for (const r of before) expect(after).toContainEqual(r);
  expect(
    after
      .filter((r) => !before.some((b) => b.id === r.id))
      .map((r) => r.name)
      .sort(),
  ).toEqual(['e2e-reload · width=12,seed=1', 'e2e-reload · width=12,seed=2']);

  // A completed grid is no longer offered after a reload; ncLab.grid with the same spec, again
  // after a reload, runs nothing: every member is kept.
  await page.reload();
  await waitForLab(page);
  expect(await page.evaluate(() => localStorage.getItem('nclab.grid.unfinished'))).toBeNull();
  const again: GridRunResult = await page.evaluate((spec) => window.ncLab.grid(spec), SPEC);
  expect(again.status).toBe('completed');
  expect(again.resumed).toEqual([]);
  expect(again.members.map((m) => m.result.final?.metrics)).toEqual(
    full.members.map((m) => m.result.final?.metrics),
  );
  expect(await keptOf(page)).toEqual(after);
});
