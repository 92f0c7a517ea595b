// A report measures once: one device pass of the metrics library over the measured train (and
// test) features, and for a noisy run one host pass over the training rows (fitted and held
// out) for memorization and dilation. Counted through the session's onMeasurePass observer.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import type { MeasurePass } from './measurer';
import { NetSession } from './session';
import { preparedFromArrays, type ArraySplit } from '../data/fromArrays';
import { gaussianClusters } from '../testing/nets';

beforeAll(async () => {
  await initBackend('cpu');
});

const cfg: NetConfig = {
  ...DEFAULT_NET_CONFIG,
  dataset: 'gaussian',
  model: 'mlp',
  width: 8,
  depthRelu: 1,
  batchSize: 12,
  measureSamples: 0,
};

/** K = 3 clusters: 24 training rows (with noise, every 6th label moved), 12 held out, 15 test. */
function data(noisy: boolean) {
  const clusters = (trainPerClass: number, testPerClass: number) =>
    gaussianClusters('passes', { K: 3, dim: 5, separation: 4, trainPerClass, testPerClass });
  const { train, test } = clusters(8, 5);
  const val = clusters(4, 0).train;
  const moved = (s: ArraySplit): ArraySplit => ({
    x: s.x,
    labels: Array.from(s.labels, (y, i) => (noisy && i % 6 === 0 ? (y + 1) % 3 : y)),
    originalLabels: s.labels,
  });
  return preparedFromArrays({ inputShape: [5], K: 3, train: moved(train), val: moved(val), test });
}

describe('a report measures once', () => {
  it('noisy run with held-out rows: one device pass (train + test), one host pass (train + val) per report', async () => {
    const passes: MeasurePass[] = [];
    const session = new NetSession(cfg, data(true), { onMeasurePass: (p) => passes.push(p) });
    await session.train(2);
    const report = await session.measure('core');
    const once: MeasurePass[] = [
      { where: 'device', splits: ['train', 'test'], rows: 24 + 15 },
      { where: 'host', splits: ['train', 'val'], rows: 24 + 12 },
    ];
    expect(passes).toEqual(once);
    // the host pass is the one the memorization–dilation keys come from
    expect(report.metrics.md_memorization_avg).toBeTypeOf('number');
    expect(report.metrics.md_acc_noisy_val).toBeTypeOf('number');
    await session.measure('core');
    expect(passes).toEqual([...once, ...once]);
    session.dispose();
  });

  it('clean run: the device pass alone', async () => {
    const passes: MeasurePass[] = [];
    const session = new NetSession(cfg, data(false), { onMeasurePass: (p) => passes.push(p) });
    const report = await session.measure('core');
    expect(passes).toEqual([{ where: 'device', splits: ['train', 'test'], rows: 24 + 15 }]);
    expect('md_memorization_avg' in report.metrics).toBe(false);
    session.dispose();
  });
});
