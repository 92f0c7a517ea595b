import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../src/engine/core/backend';
import { resolveConfig } from '../src/engine/config/resolve';
import { ExperimentRunner, runExperiment } from '../src/engine/run/runner';
import { parseCheckpoint, type Checkpoint } from '../src/engine/session/checkpoint';
import type { RunResult } from '../src/engine/run/result';

const exec = promisify(execFile);

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/experiment.ts', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

const config = resolveConfig({ preset: 'tiny-check', steps: 80, reportEvery: 20, backend: 'wasm' });

describe('npm run experiment --resume / --checkpoint-every', () => {
  it('--resume of a checkpoint taken in-process at step 40 ends with the uninterrupted run’s final metrics', async () => {
    const whole = await runExperiment(config, backend);
    let kept: Checkpoint | null = null;
    const runner = await ExperimentRunner.create(
      config,
      backend,
      {},
      {
        checkpointEvery: 1,
        onCheckpoint: (c) => {
          if (c.step === 40) {
            kept = c;
            runner.stop();
          }
        },
      },
    );
    await runner.run();
    runner.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'nc-resume-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, JSON.stringify(kept));
    const out = join(dir, 'result.json');
    const { code, stderr } = await runCli([
      '--resume',
      file,
      '--checkpoint-every',
      '1',
      '--out',
      out,
      '--quiet',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    expect(result.history.map((h) => h.step)).toEqual([40, 60, 80]);
    expect(result.final?.metrics).toEqual(whole.final?.metrics);
    // The latest checkpoint, written beside --out, is the run's last step.
    const last = parseCheckpoint(
      JSON.parse(readFileSync(join(dir, 'result.checkpoint.json'), 'utf8')),
    );
    expect(last.step).toBe(80);
  });

  it('refuses a file that is not a checkpoint, and a bad --checkpoint-every, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-resume-'));
    const file = join(dir, 'x.json');
    writeFileSync(file, JSON.stringify({ H: [] }));
    const bad = await runCli(['--resume', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /--resume ".*x\.json": not an NC Lab checkpoint: "format" is undefined/,
    );
    const every = await runCli(['--config', '?preset=tiny-check', '--checkpoint-every', '0']);
    expect(every.code).toBe(1);
    expect(every.stderr).toMatch(
      /--checkpoint-every must be a positive whole number of reports, got "0"/,
    );
  });
});
