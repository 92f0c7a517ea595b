import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { DEFAULT_NET_CONFIG, type NetConfig } from '../config/schema';
import { preparedFromArrays } from '../data/fromArrays';
import { gaussianClusters } from '../testing/nets';
import { ExperimentRunner, runExperiment } from '../run/runner';
import { CheckpointError, parseCheckpoint, type Checkpoint } from '../session/checkpoint';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('cpu');
});

const { train, test } = gaussianClusters('resume', {
  K: 3,
  dim: 6,
  separation: 3,
  trainPerClass: 20,
  testPerClass: 5,
});
const data = preparedFromArrays({ inputShape: [6], K: 3, train, test });
const loadData = () => Promise.resolve(data);

/** BatchNorm, Adam, shuffled mini-batches, StepLR halving after epoch 3, reports every epoch. */
const config: NetConfig = {
  ...DEFAULT_NET_CONFIG,
  dataset: 'gaussian',
  model: 'mlp',
  width: 12,
  depthRelu: 2,
  batchnorm: true,
  optimizer: 'adam',
  lr: 1e-2,
  lrStep: 3,
  lrGamma: 0.5,
  batchSize: 16,
  epochs: 5,
  measureEvery: 1,
  measureSamples: 0,
};

/** The run's first checkpoint (its second report, epoch 1); the run is stopped there. */
async function firstCheckpoint(): Promise<Checkpoint> {
  let kept: Checkpoint | null = null;
  const runner = await ExperimentRunner.create(
    config,
    backend,
    { loadData },
    {
      checkpointEvery: 2,
      onCheckpoint: (c) => {
        kept ??= c;
        runner.stop();
      },
    },
  );
  await runner.run();
  runner.dispose();
  if (!kept) throw new Error('no checkpoint was taken');
  return kept;
}

describe('network checkpoint and resume', () => {
  it('a BatchNorm + Adam run resumed after epoch 1 crosses its StepLR boundary (epoch 3) and ends bit-identical to the uninterrupted run', async () => {
    const whole = await runExperiment(config, backend, { loadData });
    const checkpoint = parseCheckpoint(JSON.parse(JSON.stringify(await firstCheckpoint())));
    const stepsPerEpoch = Math.ceil(60 / 16);
    // Reports at epochs 0 and 1: the second report (epoch 1) is the checkpoint.
    expect(checkpoint.step).toBe(stepsPerEpoch);
    if (checkpoint.state.kind !== 'net') throw new Error('expected a network checkpoint');
    expect(checkpoint.state.buffers.map((b) => b.name)).toContain('batch_norm.running_mean');
    expect(checkpoint.state.optimizer.slots.length).toBe(2 * checkpoint.state.params.length);
    const resumed = await runExperiment(config, backend, { loadData, resumeFrom: checkpoint });
    expect(resumed.status).toBe('completed');
    expect(resumed.history[0].step).toBe(stepsPerEpoch);
    expect(resumed.history).toEqual(whole.history.slice(1));
    expect(resumed.final?.metrics).toEqual(whole.final?.metrics);
  });

  it('a damaged network checkpoint is refused with a CheckpointError before any step (checkpointFuzz.test.ts regressions)', async () => {
    const saved = JSON.parse(JSON.stringify(await firstCheckpoint())) as Checkpoint;
    const net = (c: Checkpoint) => {
      if (c.state.kind !== 'net') throw new Error('expected a network checkpoint');
      return c.state;
    };
    const refusals: [(c: Checkpoint) => void, RegExp][] = [
      // A slot moved: was adopted, and the first step threw "the parameters changed between steps".
      [
        (c) => (net(c).optimizer.slots[0] = net(c).optimizer.slots[1]),
        /state\.optimizer\.slots\.0 \(\S+\/m\): shape \d+, but parameter layers\.0\.weight is 6×12/,
      ],
      // Moments gone: was resumed silently with fresh ones.
      [
        (c) => (net(c).optimizer.slots = []),
        /Adam over \d+ variables keeps \d+ slots, the checkpoint has 0/,
      ],
      // A parameter twice: the last copy was restored.
      [(c) => net(c).params.push(net(c).params[0]), /"layers\.0\.weight" appears twice/],
      // A step the optimiser never reached: was resumed, reporting at step 1 099 511 627 776 of 20.
      [
        (c) => (c.step = 2 ** 40),
        /the optimiser has taken 4 steps, the checkpoint is at step 1099511627776/,
      ],
    ];
    for (const [edit, message] of refusals) {
      const c = structuredClone(saved);
      edit(c);
      const checkpoint = parseCheckpoint(c, 'net.json');
      let reports = 0;
      const resumed = runExperiment(config, backend, {
        loadData,
        resumeFrom: checkpoint,
        events: { onReport: () => reports++ },
      });
      await expect(resumed).rejects.toThrow(CheckpointError);
      await expect(resumed).rejects.toThrow(message);
      expect(reports).toBe(0);
    }
    // The loss terms of the last step are four numbers: a list of one was restored as it was.
    const terms = structuredClone(saved);
    net(terms).lastTerms = [1];
    expect(() => parseCheckpoint(terms, 'net.json')).toThrow(
      /^net\.json: damaged checkpoint: state\.lastTerms/,
    );
  });
});
