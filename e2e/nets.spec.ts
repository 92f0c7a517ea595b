/**
 * Network experiments in the browser: a small MLP on the embedded MNIST trained through the real
 * WebGPU backend (SwiftShader here, so sizes stay tiny), a diverging run, and the user's CIFAR-10
 * files parsed in the worker and kept in IndexedDB across a reload.
 */
import { cifarBin } from '../src/engine/testing/dataWriters';
import { EXTERNAL } from '../src/engine/testing/externalConstants';
import type { RunResult } from '../src/engine/run/result';
import { test, expect, showPanel, waitForLab } from './fixtures';

const TINY_MNIST = new URLSearchParams({
  preset: 'net-mnist-mlp',
  classes: '0,1,2',
  perClass: '60',
  width: '32',
  depthRelu: '1',
  depthLinear: '2',
  batchSize: '60',
  lr: '0.01',
  lrStep: '0',
  epochs: '12',
  measureEvery: '3',
  measureSamples: '0',
});

test('an MLP on embedded MNIST trains on WebGPU: train accuracy > 95 % while NC1 falls', async ({
  page,
}, testInfo) => {
  await page.goto(`/?${TINY_MNIST}&backend=webgpu&autorun=1`);
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 120_000 });
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 170_000 });
  const state = await page.evaluate(() => window.ncLab.getState());
  expect(state.backend?.backend).toBe('webgpu');
  expect(state.lastReport?.shape).toMatchObject({ K: 3, depth: 2, unit: 'epoch' });
  const epochs = state.history.map((h) => h.step / state.lastReport!.shape.stepsPerUnit);
  expect(epochs).toEqual([0, 3, 6, 9, 12]);
  const nc1 = state.history.map((h) => Number(h.metrics.nc1_pinv));
  const acc = Number(state.lastReport!.metrics.net_accuracy_train);
  expect(acc).toBeGreaterThan(0.95);
  expect(nc1[nc1.length - 1]).toBeLessThan(nc1[0]);
  // Per-depth metrics for both head layers, and test accuracy from the held-out MNIST test set.
  expect(state.lastReport!.metrics.deep_nc1_pinv).toHaveLength(2);
  expect(Number(state.lastReport!.metrics.net_accuracy_test)).toBeGreaterThan(0.8);
  await expect(page.getByTestId('run-epoch')).toHaveText('12');
  await expect(page.getByTestId('memory')).toContainText('GPU');
  for (const id of ['panel-loss', 'panel-nc', 'panel-gram', 'panel-3d']) {
    await showPanel(page, id);
    await expect(page.getByTestId(id).locator('svg.main-svg').first()).toBeVisible();
  }
  await expect(page.getByTestId('panel-theory')).toHaveCount(0);
  await expect(page.getByTestId('tab-theory')).toHaveCount(0);
  const path = testInfo.outputPath('net-mnist-webgpu.png');
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach('net-mnist-webgpu', { path, contentType: 'image/png' });
});

test('a diverging network run stops with its message and keeps its history', async ({ page }) => {
  await page.goto(
    '/?preset=net-gauss-tiny&optimizer=sgd&lr=10&momentum=0.9&batchnorm=0&epochs=200&measureEvery=5&backend=wasm&autorun=1',
  );
  await expect(page.getByTestId('run-status')).toHaveText('diverged', { timeout: 120_000 });
  await expect(page.getByTestId('status-message')).toContainText('Training diverged');
  const state = await page.evaluate(() => window.ncLab.getState());
  expect(state.history.length).toBeGreaterThan(0);
  expect(state.step).toBeLessThan(200);
});

/** Five tiny training batches and a test batch in the official CIFAR-10 binary format. */
function cifarFiles(): { name: string; mimeType: string; buffer: Buffer }[] {
  const batch = (n: number, salt: number) => {
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    const images = labels.map((y, i) => {
      const img = new Uint8Array(3072);
      // Class-dependent brightness plus a little per-image texture: learnable, distinct.
      for (let p = 0; p < img.length; p++)
        img[p] = (y * 24 + ((p * 7 + i * 13 + salt) % 16)) & 0xff;
      return img;
    });
    return Buffer.from(cifarBin(images, labels));
  };
  const files = [1, 2, 3, 4, 5].map((b) => ({ name: `data_batch_${b}.bin`, buffer: batch(20, b) }));
  files.push({ name: 'test_batch.bin', buffer: batch(20, 9) });
  return files.map((f) => ({ ...f, mimeType: 'application/octet-stream' }));
}

test('CIFAR-10 files are parsed in the worker, kept in IndexedDB over a reload, and train', async ({
  page,
}) => {
  await page.goto('/?preset=net-gauss-tiny&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('datasets-input').setInputFiles(cifarFiles());
  await expect(page.getByTestId('datasets-status')).toContainText('cifar10: 100 train / 20 test', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('cached-cifar10')).toBeVisible();
  await expect(page.getByTestId('dataset-summary-cifar10')).toContainText('airplane');

  await page.reload();
  await waitForLab(page);
  await expect(page.getByTestId('cached-cifar10')).toBeVisible();
  const result: RunResult = await page.evaluate(() =>
    window.ncLab.run(
      '?experiment=net&dataset=cifar10&width=32&depthRelu=1&depthLinear=2&batchSize=50&epochs=2&measureEvery=1&lrStep=0&backend=wasm',
    ),
  );
  expect(result.status).toBe('completed');
  expect(result.final?.shape).toMatchObject({ K: 10, classSizes: Array(10).fill(10) });

  await page.getByTestId('delete-cifar10').click();
  await expect(page.getByTestId('cached-cifar10')).toHaveCount(0);
  const missing = await page.evaluate(() =>
    window.ncLab.run('?experiment=net&dataset=cifar10&epochs=1&backend=wasm').then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(missing).toMatch(/cifar10 is not loaded in this browser/);
});

test('the embedded datasets show their counts and split in the UI', async ({ page }) => {
  await page.goto('/?preset=net-gauss-tiny&backend=wasm');
  await waitForLab(page);
  await page.getByTestId('dataset-show-fashion-mnist').click();
  const summary = page.getByTestId('dataset-summary-fashion-mnist');
  const fashion = EXTERNAL.fashion_mnist;
  await expect(summary).toContainText(`${fashion.train} train, ${fashion.test} test`, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('dataset-split-fashion-mnist')).toContainText(
    String(fashion.train_per_class),
  );
  await page.getByTestId('dataset-show-mnist').click();
  await expect(page.getByTestId('dataset-summary-mnist')).toContainText(
    `${EXTERNAL.mnist.train} train, ${EXTERNAL.mnist.test} test`,
  );
});

test('the network benchmark runs in the page’s worker, its engine loaded on demand', async ({
  page,
}) => {
  // the worker imports the network bench lazily (a static import put the whole network engine
  // in its first chunk): the chunk must load inside the built worker
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const rows = await page.evaluate(() => window.ncLab.benchmarkNets(['net-mlp-md'], 'wasm'));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: 'net-mlp-md', backend: 'wasm', batchSize: 16 });
  expect(rows[0].stepsPerSecond).toBeGreaterThan(0);
  expect(rows[0].samplesPerSecond).toBeCloseTo(16 * rows[0].stepsPerSecond, 6);
});
