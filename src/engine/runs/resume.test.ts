import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { ExperimentRunner, runExperiment } from '../run/runner';
import type { ExperimentConfig } from '../config/schema';
import { CheckpointError, parseCheckpoint, type Checkpoint } from '../session/checkpoint';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

/** Run `config` and keep the checkpoint taken at `at` steps (through JSON, as a file would be). */
async function checkpointAt(config: ExperimentConfig, at: number): Promise<Checkpoint> {
  let kept: Checkpoint | null = null;
  const runner = await ExperimentRunner.create(
    config,
    backend,
    {},
    {
      checkpointEvery: 1,
      onCheckpoint: (c) => {
        if (c.step === at) {
          kept = c;
          runner.stop();
        }
      },
    },
  );
  await runner.run();
  runner.dispose();
  if (!kept) throw new Error(`no checkpoint at step ${at}`);
  return parseCheckpoint(JSON.parse(JSON.stringify(kept)));
}

describe('UFM checkpoint and resume', () => {
  for (const optimizer of ['sgd', 'adam'] as const) {
    it(`a ${optimizer} run resumed from its step-40 checkpoint ends bit-identical to the uninterrupted run`, async () => {
      const config = resolveConfig({
        preset: 'tiny-check',
        steps: 100,
        reportEvery: 20,
        optimizer,
        lr: optimizer === 'adam' ? 0.01 : 0.1,
        depth: 2,
        bias: true,
      });
      const whole = await runExperiment(config, backend);
      const checkpoint = await checkpointAt(config, 40);
      expect(checkpoint.state.kind).toBe('ufm');
      if (checkpoint.state.kind === 'ufm') expect(checkpoint.state.optimizer.iterations).toBe(40);
      const resumed = await runExperiment(config, backend, { resumeFrom: checkpoint });
      expect(resumed.status).toBe('completed');
      expect(resumed.history.map((h) => h.step)).toEqual([40, 60, 80, 100]);
      expect(resumed.history).toEqual(whole.history.slice(2));
      expect(resumed.final?.metrics).toEqual(whole.final?.metrics);
    });
  }

  it('a checkpoint of another config is refused naming the fields that differ', async () => {
    const config = resolveConfig({ preset: 'tiny-check', steps: 40, reportEvery: 20 });
    const checkpoint = await checkpointAt(config, 20);
    await expect(
      runExperiment({ ...config, lr: 0.05, seed: 9 }, backend, { resumeFrom: checkpoint }),
    ).rejects.toThrow(/another config: lr \(0\.1 there, 0\.05 here\), seed/);
  });

  it('damaged checkpoints are refused with a message naming what is wrong', () => {
    expect(() => parseCheckpoint([])).toThrow(/expected a JSON object/);
    expect(() => parseCheckpoint({ format: 'x' })).toThrow(/"format" is "x"/);
    expect(() => parseCheckpoint({ format: 'nc-lab-checkpoint', version: 7 })).toThrow(
      /version 7 is not supported/,
    );
    expect(() => parseCheckpoint({ format: 'nc-lab-checkpoint', version: 1, step: -1 })).toThrow(
      /damaged checkpoint/,
    );
  });

  it('a damaged checkpoint is refused with a CheckpointError before any step (checkpointFuzz.test.ts regressions)', async () => {
    const config = resolveConfig({
      preset: 'tiny-check',
      steps: 40,
      reportEvery: 10,
      depth: 2,
      bias: true,
      optimizer: 'adam',
      lr: 0.01,
    });
    const saved = JSON.parse(JSON.stringify(await checkpointAt(config, 20))) as Checkpoint;
    const damaged = (edit: (c: Checkpoint) => void) => {
      const c = structuredClone(saved);
      edit(c);
      return c;
    };
    // Base64 cut to 4k + 1 characters: was a DOMException from atob while restoring.
    const cut = damaged((c) => {
      if (c.state.kind === 'ufm') c.state.H.data = c.state.H.data.slice(0, 5);
    });
    expect(() => parseCheckpoint(cut, 'state.json')).toThrow(CheckpointError);
    expect(() => parseCheckpoint(cut, 'state.json')).toThrow(
      /^state\.json: damaged checkpoint: state\.H\.data: must be base64/,
    );
    const refusals: [(c: Checkpoint) => void, RegExp][] = [
      // An optimiser slot of another variable's shape: was adopted as it is, and the first step
      // after the resume threw tfjs's "Operands could not be broadcast together".
      [
        (c) => {
          if (c.state.kind === 'ufm') c.state.optimizer.slots[1] = c.state.optimizer.slots[3];
        },
        /state\.optimizer\.slots\.1 \(\S+\/m\): shape 4, but layer 1 is 8×8/,
      ],
      // Adam's moments gone: was resumed with fresh moments, silently other numbers.
      [
        (c) => {
          if (c.state.kind === 'ufm') c.state.optimizer.slots = [];
        },
        /Adam over 4 variables keeps 8 slots, the checkpoint has 0/,
      ],
      // A step past the run: was a run "completed" at step 1 000 000 of 40.
      [(c) => (c.step = 1_000_000), /step 1000000 is past the run's 40 steps/],
      [
        (c) => {
          if (c.state.kind === 'ufm') c.state.optimizer.iterations = 7;
        },
        /the optimiser has taken 7 steps, the checkpoint is at step 20/,
      ],
      // β powers of 1: was a NaN loss at the first step after the resume.
      [
        (c) => {
          if (c.state.kind === 'ufm') c.state.optimizer.accBeta = [1, 1];
        },
        /state\.optimizer\.accBeta: 1 is not a power of a β in \[0, 1\)/,
      ],
      [(c) => c.state.kind === 'ufm' && c.state.layers.pop(), /1 layers, the config's depth is 2/],
    ];
    for (const [edit, message] of refusals) {
      const checkpoint = parseCheckpoint(damaged(edit), 'state.json');
      let reports = 0;
      const resumed = runExperiment(config, backend, {
        resumeFrom: checkpoint,
        events: { onReport: () => reports++ },
      });
      await expect(resumed).rejects.toThrow(CheckpointError);
      await expect(resumed).rejects.toThrow(new RegExp(`^damaged checkpoint: .*${message.source}`));
      expect(reports).toBe(0);
    }
  });

  it('a checkpoint "version" or "format" nested deeply is named, not a RangeError', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => parseCheckpoint({ format: 'nc-lab-checkpoint', version: deep }, 'x.json')).toThrow(
      /^x\.json: checkpoint version a list is not supported/,
    );
    expect(() => parseCheckpoint({ format: deep }, 'x.json')).toThrow(/"format" is a list/);
  });
});
