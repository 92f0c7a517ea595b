/**
 * "Measure your features": files dropped or chosen on the page are measured by the page's own
 * worker. Sizes stay tiny (SwiftShader WebGPU is a CPU emulation). The oracle numbers are read
 * from the repository's test/oracles at run time, never copied here.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { compareValue, type Tolerance } from '../src/engine/metrics/compare';
import { writeNpy } from '../src/engine/metrics/npy';
import type { OracleCase, OracleFile } from '../src/engine/metrics/oracle';
import type { MetricsResult } from '../src/engine/metrics/types';
import { ORACLE_DIR } from '../src/engine/testing/oracles';
import { test, expect, waitForLab } from './fixtures';

const ORACLE_PATH = `${ORACLE_DIR}metrics/metric_vectors.json`;
const EXACT = /accuracy|mismatch|agreement|^counts$/;

type FilePayload = { name: string; mimeType: string; buffer: Buffer };
const npyFile = (name: string, bytes: Uint8Array): FilePayload => ({
  name,
  mimeType: 'application/octet-stream',
  buffer: Buffer.from(bytes),
});

/** Drop files on the drop zone, the way a file manager does (a DataTransfer on a drop event). */
async function drop(page: Page, files: FilePayload[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, bytes: Array.from(f.buffer) }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, payload);
  await page.getByTestId('features-drop').dispatchEvent('drop', { dataTransfer });
}

/** K = 4 well-separated classes of 10 points in d = 6, a classifier aligned with the means. */
function collapsedFeatures() {
  const K = 4;
  const d = 6;
  const n = 10;
  const means = Array.from({ length: K }, (_, k) =>
    Array.from({ length: d }, (_, j) => (j === k ? 3 : 0) + 0.1 * j),
  );
  const H: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < K * n; i++) {
    const k = i % K;
    y.push(k);
    for (let j = 0; j < d; j++) H.push(means[k][j] + 0.05 * Math.sin(7 * i + 3 * j));
  }
  return {
    K,
    d,
    N: K * n,
    features: npyFile('features.npy', writeNpy(H, [K * n, d], 'f4')),
    labels: npyFile('labels.npy', writeNpy(y, [K * n], 'i8')),
    W: npyFile('W.npy', writeNpy(means.flat(), [K, d], 'f4')),
    b: npyFile('b.npy', writeNpy([0.1, -0.1, 0.05, -0.05], [K], 'f8')),
  };
}

test('oracle cases measured through WebGPU in the page worker match metric_vectors.json, nulls where it has nulls', async ({
  page,
}, testInfo) => {
  const oracle = JSON.parse(readFileSync(ORACLE_PATH, 'utf8')) as OracleFile & {
    tolerance: Record<string, Tolerance>;
  };
  // A general case, a singleton class with undefined metrics, the 1e4 offset, a 3-layer stack
  // with GOF targets, label noise: every branch of the pipeline, kept small for SwiftShader.
  const picked = [
    'random_balanced_k5_d8',
    'singleton_class',
    'large_offset_1e4',
    'deep_linear_stack_m3',
    'label_noise_memorization',
  ];
  const cases = picked.map((name) => oracle.cases.find((c) => c.name === name) as OracleCase);
  const file = {
    name: 'cases.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({ cases: cases.map((c) => ({ name: c.name, inputs: c.inputs })) }),
    ),
  };

  await page.goto('/?preset=tiny-check&backend=webgpu');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu', { timeout: 90_000 });
  await waitForLab(page);
  await page.getByTestId('features-input').setInputFiles(file);
  await expect(page.getByTestId('features-results')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('features-backend')).toHaveText('webgpu');
  await expect(page.getByTestId('features-case').locator('option')).toHaveCount(picked.length);

  const download = page.waitForEvent('download');
  await page.getByTestId('btn-features-download').click();
  const got = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as Record<
    string,
    MetricsResult
  >;
  expect(Object.keys(got)).toEqual(picked);
  for (const c of cases) {
    const r = got[c.name];
    expect(r.diagnostics.backend, c.name).toBe('webgpu');
    const tol = c.name.includes('offset')
      ? oracle.tolerance.float32_large_offset_cases
      : oracle.tolerance.float32_browser_default;
    // 'full': every key of the file but the d×d sigma_w / sigma_b
    expect(Object.keys(r.values), c.name).toEqual(
      Object.keys(c.expected!).filter((k) => k !== 'sigma_w' && k !== 'sigma_b'),
    );
    const failures: string[] = [];
    for (const [k, v] of Object.entries(r.values)) {
      const msg = compareValue(v, c.expected![k], tol, EXACT.test(k), k);
      if (msg) failures.push(msg);
      if (c.expected![k] === null && !(k in r.undefinedReasons)) failures.push(`${k}: no reason`);
    }
    expect(failures, c.name).toEqual([]);
  }

  // The page shows the picked case; a null is shown with its reason.
  await page.getByTestId('features-case').selectOption({ label: 'singleton_class' });
  const singleton = cases[1];
  await expect(page.getByTestId('features-N')).toHaveText(String(singleton.inputs.H.length));
  const nullKey = Object.keys(singleton.expected!).find(
    (k) => singleton.expected![k] === null && k !== 'sigma_w' && k !== 'sigma_b',
  )!;
  await expect(page.getByTestId(`fmetric-${nullKey}`)).toContainText(
    `undefined: ${got.singleton_class.undefinedReasons[nullKey as keyof MetricsResult['undefinedReasons']]}`,
  );
  await expect(page.getByTestId('features-status')).toBeEmpty();
  for (const id of ['features-panel-gram', 'features-panel-3d']) {
    // Figures draw once on screen.
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await expect(page.getByTestId(id).locator('svg.main-svg').first()).toBeVisible({
      timeout: 60_000,
    });
  }
  const path = testInfo.outputPath('features-cases-webgpu.png');
  await page.getByTestId('features-section').screenshot({ path });
  await testInfo.attach('features-cases-webgpu', { path, contentType: 'image/png' });
});

test('dropped features/labels/W/b .npy files show N, d, K, class counts, every metric and the geometry panels', async ({
  page,
}, testInfo) => {
  const data = collapsedFeatures();
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  await drop(page, [data.features, data.labels, data.W, data.b]);

  await expect(page.getByTestId('features-results')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('features-role-W.npy')).toHaveValue('weights');
  await expect(page.getByTestId('features-role-b.npy')).toHaveValue('bias');
  await expect(page.getByTestId('features-N')).toHaveText(String(data.N));
  await expect(page.getByTestId('features-d')).toHaveText(String(data.d));
  await expect(page.getByTestId('features-K')).toHaveText(String(data.K));
  await expect(page.getByTestId('features-backend')).toHaveText('wasm');
  await expect(page.getByTestId('features-counts').locator('tr').nth(1)).toHaveText('n10101010');
  // Every key of the full set, numbers where defined, reasons where not.
  await expect(page.getByTestId('features-metrics').locator('tbody tr')).toHaveCount(77);
  // The value cell (the key's cell also holds its hidden definition tooltip).
  await expect(page.getByTestId('fmetric-nc1_pinv').locator('td').last()).toHaveText(/^[\d.e-]+$/);
  await expect(page.getByTestId('fmetric-net_accuracy_train').locator('td').last()).toHaveText(
    /^1$/,
  );
  await expect(page.getByTestId('fmetric-nc4_ncc_mismatch_test')).toContainText(
    'undefined: no test features / labels given',
  );
  await expect(page.getByTestId('fmetric-class_means')).toContainText('4 × 6');
  for (const id of ['features-panel-gram', 'features-panel-3d']) {
    // Figures draw once on screen.
    await page.getByTestId(id).scrollIntoViewIfNeeded();
    await expect(page.getByTestId(id).locator('svg.main-svg').first()).toBeVisible({
      timeout: 60_000,
    });
  }
  await expect(page.getByTestId('features-view3d-basis')).toContainText('PCA');
  // every one of the N samples is drawn around the means (N ≤ 400)
  const drawnSamples = await page.evaluate(() => {
    const gd = document.querySelector('[data-testid="features-panel-3d"] .js-plotly-plot');
    const traces = (gd as (Element & { data?: { name?: string; x: number[] }[] }) | null)?.data;
    return traces?.find((t) => t.name === 'training samples')?.x.length ?? 0;
  });
  expect(drawnSamples).toBe(data.N);
  // Three heatmaps: means, classifier, the ETF target.
  await expect(page.getByTestId('features-panel-gram').locator('g.hm')).toHaveCount(3);

  // Without W and b (chosen through the picker, labels as JSON): no classifier Gram.
  await page.getByRole('button', { name: 'Clear files' }).click();
  await page.getByTestId('features-input').setInputFiles([
    data.features,
    {
      name: 'y.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(Array.from({ length: data.N }, (_, i) => i % data.K))),
    },
  ]);
  await expect(page.getByTestId('fmetric-nc2_etf_error_weights')).toContainText(
    'undefined: no classifier W given',
  );
  // Figures draw only on screen: bring the Gram panel back into view after the page reflowed.
  await page.getByTestId('features-panel-gram').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('features-panel-gram').locator('g.hm')).toHaveCount(2);
  await expect(page.getByTestId('features-status')).toBeEmpty();
  const path = testInfo.outputPath('features-npy.png');
  await page.getByTestId('features-section').screenshot({ path });
  await testInfo.attach('features-npy', { path, contentType: 'image/png' });
});

test('bad files show a message naming the file and the problem, and the page keeps working', async ({
  page,
}) => {
  const data = collapsedFeatures();
  await page.goto('/?preset=tiny-check&backend=wasm');
  await waitForLab(page);
  const input = page.getByTestId('features-input');
  const error = page.getByTestId('features-error');
  const clear = () => page.getByRole('button', { name: 'Clear files' }).click();

  const unicodeLabels = (() => {
    // a NumPy '<U3' (unicode string) array: a dtype the metrics cannot read
    let header = `{'descr': '<U3', 'fortran_order': False, 'shape': (${data.N},), }`;
    header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
    const bytes = new Uint8Array(10 + header.length + data.N * 12);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, header.length, true);
    for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
    return npyFile('labels.npy', bytes);
  })();
  const bad: [string, FilePayload[], RegExp][] = [
    [
      'not an .npy',
      [npyFile('features.npy', new TextEncoder().encode('hello, not numpy')), data.labels],
      // named at once, from its first bytes, and set aside (not left waiting for a role)
      /features\.npy: not a \.npy file \(it does not start with NumPy's \\x93NUMPY header\); set aside/,
    ],
    [
      'wrong dtype',
      [data.features, unicodeLabels],
      /labels \(labels\.npy\): invalid \.npy data: unsupported dtype '<U3'/,
    ],
    [
      'shape mismatch',
      [data.features, npyFile('labels.npy', writeNpy([0, 1, 2], [3], 'i8'))],
      /labels has 3 entries, features has 40 rows \(labels: labels\.npy, features: features\.npy\)/,
    ],
    [
      'label out of range',
      [
        data.features,
        npyFile(
          'labels.npy',
          writeNpy(
            Array.from({ length: data.N }, (_, i) => (i === 5 ? 7 : i % 4)),
            [data.N],
            'i8',
          ),
        ),
        data.W,
      ],
      /labels \(labels\.npy\): entry 5 = 7 is outside the classes 0\.\.3 \(K = 4 from the rows of W\.npy\)/,
    ],
  ];
  for (const [what, files, pattern] of bad) {
    await input.setInputFiles(files);
    await expect(error, what).toHaveText(pattern, { timeout: 60_000 });
    await expect(page.getByTestId('features-results'), what).toHaveCount(0);
    await clear();
    await expect(error).toHaveCount(0);
  }
  // A case file that is not one.
  await input.setInputFiles({
    name: 'run.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"hello": 1}'),
  });
  await expect(error).toHaveText(
    /run\.json: expected \{"cases": \[\.\.\.\]\} \(metric_vectors\.json format\)/,
  );
  await clear();

  // The same page then measures good files, and the lab still steps.
  await input.setInputFiles([data.features, data.labels]);
  await expect(page.getByTestId('features-K')).toHaveText('4', { timeout: 60_000 });
  await page.getByTestId('btn-step').click();
  await expect(page.getByTestId('run-step')).toHaveText('1', { timeout: 60_000 });
});
