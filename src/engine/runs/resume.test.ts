import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { ExperimentRunner, runExperiment } from '../run/runner';
import type { ExperimentConfig } from '../config/schema';
import { parseCheckpoint, type Checkpoint } from '../session/checkpoint';

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
});
