import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { loadNetData } from '../data/fromConfig';
import { ExperimentRunner, runExperiment } from '../run/runner';
import { twinKey } from '../metrics/reportKeys';
import { parseCheckpoint, type Checkpoint } from '../session/checkpoint';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

/**
 * Seed 002's pairing on a noisy Gaussian mixture: CE with a label-smoothing twin, Adam,
 * shuffled mini-batches (6 an epoch), StepLR halving after epoch 4, a report every 2 epochs.
 */
const config = resolveConfig({
  experiment: 'net',
  dataset: 'gaussian',
  gaussClasses: 2,
  gaussDim: 8,
  gaussSeparation: 4,
  perClass: [60],
  model: 'mlp-md',
  width: 16,
  depthRelu: 2,
  depthLinear: 1,
  loss: 'ce',
  pairWith: 'ls',
  labelNoise: 0.3,
  optimizer: 'adam',
  lr: 1e-2,
  weightDecay: 1e-3,
  batchSize: 20,
  epochs: 8,
  measureEvery: 2,
  measureSamples: 0,
  lrStep: 4,
  lrGamma: 0.5,
});

const loadData = (c: Parameters<typeof loadNetData>[0]) =>
  loadNetData(c, () => Promise.reject(new Error('only the mixture is used here')));

/** The first checkpoint of a run taken every `every` reports, through JSON as a file would be. */
async function firstCheckpoint(every: number): Promise<Checkpoint> {
  let kept: Checkpoint | null = null;
  const runner = await ExperimentRunner.create(
    config,
    backend,
    { loadData },
    {
      checkpointEvery: every,
      onCheckpoint: (c) => {
        kept ??= c;
        runner.stop();
      },
    },
  );
  await runner.run();
  runner.dispose();
  if (!kept) throw new Error('no checkpoint was taken');
  return parseCheckpoint(JSON.parse(JSON.stringify(kept)));
}

describe('paired (CE / LS twin) checkpoint and resume', () => {
  it('a pair resumed after epoch 2 crosses its StepLR boundary and ends bit-identical to the uninterrupted pair, twin metrics included', async () => {
    const whole = await runExperiment(config, backend, { loadData });
    expect(whole.status).toBe('completed');
    // Reports at epochs 0 and 2: the second is the checkpoint.
    const checkpoint = await firstCheckpoint(2);
    const stepsPerEpoch = 120 / 20;
    expect(checkpoint.step).toBe(2 * stepsPerEpoch);
    if (checkpoint.state.kind !== 'paired') throw new Error('expected a paired checkpoint');
    const { main, twin, timing } = checkpoint.state;
    expect(main.optimizer.iterations).toBe(checkpoint.step);
    expect(twin.optimizer.iterations).toBe(checkpoint.step);
    // Same start, different losses: after 12 steps the members' weights differ.
    expect(twin.params[0].value.data).not.toBe(main.params[0].value.data);
    expect(timing.main.trainMs + timing.twin.trainMs).toBeCloseTo(checkpoint.timing.trainMs, 6);

    const resumed = await runExperiment(config, backend, { loadData, resumeFrom: checkpoint });
    expect(resumed.status).toBe('completed');
    expect(resumed.history.map((h) => h.step)).toEqual(whole.history.slice(1).map((h) => h.step));
    expect(resumed.history).toEqual(whole.history.slice(1));
    expect(resumed.final?.metrics).toEqual(whole.final?.metrics);
    expect(resumed.final?.metrics[twinKey('nc1_pinv')]).toEqual(expect.any(Number));
  });

  it('a paired checkpoint refuses a single run and a single-run checkpoint refuses a pair, naming why', async () => {
    const checkpoint = await firstCheckpoint(1);
    expect(checkpoint.state.kind).toBe('paired');
    const single = { ...checkpoint.config, pairWith: 'none' as const };
    await expect(
      runExperiment(single, backend, { loadData, resumeFrom: checkpoint }),
    ).rejects.toThrow(/another config: pairWith \("ls" there, "none" here\)/);
    // A hand-edited file whose state does not match its config is refused when read.
    const edited = JSON.parse(JSON.stringify({ ...checkpoint, config: single }));
    expect(() => parseCheckpoint(edited)).toThrow(
      /its config is a net run but its state is a paired session/,
    );
  });
});
