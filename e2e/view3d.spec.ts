/**
 * The 3-D view is an orthographic projection drawn as a 2-D figure (panels/projection3d.ts):
 * dragging it or the arrow keys turn the camera, the points move on the screen as a rigid turn of
 * the same 3-D points, and "Reset view" brings back the opening view.
 */
import type { Page } from '@playwright/test';
import { DEFAULT_CAMERA, project } from '../src/app/panels/projection3d';
import { test, expect, showPanel, waitForLab } from './fixtures';

/** The class means' projected points, in class order (the figure draws them farthest first). */
function drawnMeans(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => {
    interface Trace {
      mode?: string;
      x: number[];
      y: number[];
      text: string[];
    }
    const gd = document.querySelector('[data-testid="panel-3d"] .js-plotly-plot');
    const data = (gd as (Element & { data?: Trace[] }) | null)?.data ?? [];
    interface Named extends Trace {
      name?: string;
    }
    // the means' trace (the samples' and the classifier rows' are the others)
    const means = (data as Named[]).find(
      (t) => t.mode === 'markers' && /^class means/.test(t.name ?? ''),
    );
    const out: [number, number][] = [];
    means?.text.forEach((name, i) => {
      out[Number(/^class (\d+)/.exec(name)?.[1])] = [means.x[i], means.y[i]];
    });
    return out;
  });
}

/** The last report's class means, scaled as the figure does (unit max norm with the samples). */
async function reportedMeans(page: Page): Promise<number[][]> {
  const { means, samples } = await page.evaluate(() => {
    const view = window.ncLab.getState().lastReport?.geometry.view3d;
    return { means: view?.means ?? [], samples: view?.samples?.points ?? [] };
  });
  const max = Math.max(...[...means, ...samples].map((m) => Math.hypot(...m)));
  return means.map((m) => m.map((v) => v / max));
}

const solve3 = (a: number[][], b: number[]): number[] => {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(a);
  return [0, 1, 2].map((c) => det(a.map((row, i) => row.map((v, j) => (j === c ? b[i] : v)))) / d);
};

/**
 * The screen's right and up vectors that map the 3-D points onto the drawn ones (least squares),
 * and the largest misfit: for a rigid turn they are orthonormal and the misfit is zero.
 */
function fitView(points: number[][], drawn: [number, number][]) {
  const gram = [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => points.reduce((s, p) => s + p[i] * p[j], 0)),
  );
  const axis = (k: 0 | 1) =>
    solve3(
      gram,
      [0, 1, 2].map((i) => points.reduce((s, p, n) => s + p[i] * drawn[n][k], 0)),
    );
  const [right, up] = [axis(0), axis(1)];
  const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const misfit = Math.max(
    ...points.map((p, n) => Math.hypot(dot(right, p) - drawn[n][0], dot(up, p) - drawn[n][1])),
  );
  return { right, up, misfit, dot };
}

function expectRigid(points: number[][], drawn: [number, number][]) {
  const { right, up, misfit, dot } = fitView(points, drawn);
  expect(misfit).toBeLessThan(1e-9);
  expect(dot(right, right)).toBeCloseTo(1, 9);
  expect(dot(up, up)).toBeCloseTo(1, 9);
  expect(dot(right, up)).toBeCloseTo(0, 9);
  return { right, up };
}

test('the 3-D view draws the samples around the means; dragging it turns it rigidly; the arrow keys and tilt buttons too; the turn outlives a tab change; Reset view restores it', async ({
  page,
}) => {
  await page.goto('/?preset=teach-etf-3d&backend=wasm&steps=300');
  await waitForLab(page);
  await page.getByTestId('btn-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 120_000 });
  await showPanel(page, 'panel-3d');
  const reset = page.getByTestId('view3d-reset');
  await expect(reset).toBeDisabled();

  // The last report's K = 4 means, seen from the opening camera.
  const means = await reportedMeans(page);
  expect(means).toHaveLength(4);
  const opening = project(means, DEFAULT_CAMERA).map((p) => [p.x, p.y]);
  const round = (pts: number[][]) => pts.map((p) => p.map((v) => v.toFixed(9)));
  await expect.poll(async () => round(await drawnMeans(page))).toEqual(round(opening));
  const first = await drawnMeans(page);
  expectRigid(means, first);
  // the run's 100 samples are drawn around the means (the view shows NC1's clouds)
  const drawnSamples = await page.evaluate(() => {
    const gd = document.querySelector('[data-testid="panel-3d"] .js-plotly-plot');
    const data = (gd as (Element & { data?: { name?: string; x: number[] }[] }) | null)?.data;
    return data?.find((t) => t.name === 'training samples')?.x.length ?? 0;
  });
  expect(drawnSamples).toBe(100);

  const figure = page.getByTestId('panel-3d').locator('.figure');
  const box = await figure.boundingBox();
  if (!box) throw new Error('the 3-D figure has no box');
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + box.width / 4, cy + box.height / 8, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => round(await drawnMeans(page))).not.toEqual(round(first));
  const turned = await drawnMeans(page);
  // Another view of the same 3-D points: a rigid turn, with another right vector.
  const view = expectRigid(means, turned);
  expect(view.right).not.toEqual(expectRigid(means, first).right);
  await expect(reset).toBeEnabled();

  // The arrow keys turn the focused figure; left then right comes back.
  await figure.focus();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => round(await drawnMeans(page))).not.toEqual(round(turned));
  expectRigid(means, await drawnMeans(page));
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => round(await drawnMeans(page))).toEqual(round(turned));

  // The tilt buttons turn it as ↑ / ↓ do (touch screens scroll on a vertical swipe).
  await page.getByTestId('view3d-tilt-up').click();
  await expect.poll(async () => round(await drawnMeans(page))).not.toEqual(round(turned));
  expectRigid(means, await drawnMeans(page));
  await page.getByTestId('view3d-tilt-down').click();
  await expect.poll(async () => round(await drawnMeans(page))).toEqual(round(turned));

  // Another tab unmounts the view; back on its tab it shows the camera it was left at.
  await page.getByTestId('tab-loss').click();
  await expect(page.getByTestId('panel-3d')).toHaveCount(0);
  await page.getByTestId('tab-key').click();
  await expect.poll(async () => round(await drawnMeans(page))).toEqual(round(turned));
  await expect(page.getByTestId('view3d-reset')).toBeEnabled();

  await reset.click();
  await expect.poll(async () => round(await drawnMeans(page))).toEqual(round(opening));
  await expect(reset).toBeDisabled();
});
