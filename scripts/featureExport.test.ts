import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './metrics';
import { initBackend } from '../src/engine/core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../src/engine/config/schema';
import { isMetricKey } from '../src/engine/metrics/keys';
import { readNpy } from '../src/engine/metrics/npy';
import { featureExportFiles } from '../src/engine/nets/featureExport';
import { NetSession } from '../src/engine/nets/session';
import { preparedFromArrays } from '../src/engine/data/fromArrays';
import { gaussianClusters } from '../src/engine/testing/nets';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The CLI's JSON for the exported files in dir. */
async function metricsOf(dir: string, names: string[]): Promise<Record<string, unknown>> {
  const flag: Record<string, string> = {
    'labels.npy': '--labels',
    'weights.npy': '--weights',
    'bias.npy': '--bias',
    'test_features.npy': '--test-features',
    'test_labels.npy': '--test-labels',
    'labels_original.npy': '--labels-original',
  };
  const args = [join(dir, 'features.npy'), '--set', 'core'];
  for (const n of names) if (flag[n]) args.push(flag[n], join(dir, n));
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  expect(code, err).toBe(0);
  return (JSON.parse(out) as { values: Record<string, unknown> }).values;
}

function expectSame(live: unknown, read: unknown, key: string): void {
  if (typeof live === 'number') {
    expect(typeof read, key).toBe('number');
    expect(Math.abs((read as number) - live), key).toBeLessThanOrEqual(
      1e-6 + 1e-5 * Math.abs(live),
    );
  } else if (Array.isArray(live)) {
    live.forEach((v, i) => expectSame(v, (read as unknown[])[i], `${key}[${i}]`));
  } else {
    expect(read, key).toEqual(live);
  }
}

describe('feature export (.npy) read back by npm run metrics', () => {
  const K = 4;
  const { train, test } = gaussianClusters('export', {
    K,
    dim: 6,
    separation: 3,
    trainPerClass: 15,
    testPerClass: 5,
  });
  // Two labels changed: the export carries the original labels too.
  const noisy = Array.from(train.labels);
  noisy[0] = (noisy[0] + 1) % K;
  noisy[7] = (noisy[7] + 2) % K;
  const data = preparedFromArrays({
    inputShape: [6],
    K,
    train: { ...train, labels: noisy, originalLabels: train.labels },
    test,
  });
  const cfg: NetConfig = {
    ...DEFAULT_NET_CONFIG,
    dataset: 'gaussian',
    model: 'mlp',
    width: 8,
    depthRelu: 1,
    depthLinear: 2,
    batchSize: 20,
    measureSamples: 0,
  };

  it('penultimate features, labels, classifier and bias give the live report’s metrics; head layer 1 its per-depth ones', async () => {
    const s = new NetSession(cfg, data);
    await s.train(6);
    const live = (await s.measure('core')).metrics;
    const dir = mkdtempSync(join(tmpdir(), 'nc-export-'));
    const files = featureExportFiles(await s.exportFeatures(0));
    const names = files.map((f) => f.name);
    expect(names.sort()).toEqual(
      [
        'bias.npy',
        'features.npy',
        'labels.npy',
        'labels_original.npy',
        'test_features.npy',
        'test_labels.npy',
        'weights.npy',
      ].sort(),
    );
    for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
    const read = await metricsOf(dir, names);
    const compared = Object.keys(read)
      .filter(isMetricKey)
      .filter((k) => k in live && live[k] !== null);
    expect(compared.length).toBeGreaterThan(25);
    for (const k of compared) expectSame(live[k], read[k], k);
    for (const k of [
      'nc1_pinv',
      'nc2_etf_error_weights',
      'nc3_wh_etf_error',
      'nc4_ncc_mismatch_test',
    ])
      expect(compared, k).toContain(k);

    // The input of W_2 and the classifier acting on it: the live report's depth-1 metrics.
    const layer1 = featureExportFiles(await s.exportFeatures(1));
    const dir1 = mkdtempSync(join(tmpdir(), 'nc-export1-'));
    for (const f of layer1) writeFileSync(join(dir1, f.name), f.bytes);
    const read1 = await metricsOf(
      dir1,
      layer1.map((f) => f.name),
    );
    const deep = live.deep_nc1_pinv as number[];
    expectSame(deep[1], read1.nc1_pinv, 'deep_nc1_pinv[1]');
    const features = readNpy(layer1.find((f) => f.name === 'features.npy')!.bytes);
    expect(features.shape).toEqual([60, 8]);
    await expect(s.exportFeatures(2)).rejects.toThrow(/head layer 2 does not exist/);
    s.dispose();
  });
});
