import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../src/engine/search/protocol';

const exec = promisify(execFile);

async function search(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'scripts/search.ts', ...args], {
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run search', () => {
  it('runs a Bayesian search on a Gaussian mixture, prints each trial, and retrains the best', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-search-'));
    const spec = join(root, 'search.json');
    writeFileSync(
      spec,
      JSON.stringify({
        base: { preset: 'net-gauss-tiny', labelNoise: 0.1, loss: 'ls', epochs: 8 },
        space: {
          lr: { type: 'loguniform', low: 1e-4, high: 0.1 },
          lossAlpha: { type: 'uniform', low: 0.01, high: 0.25 },
        },
        strategy: 'bayes',
        trials: 6,
        epochFraction: 0.5,
      }),
    );
    const { code, stdout, stderr } = await search(['--spec', spec]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/held-out split/);
    expect(stderr.match(/^trial \d\/6 .*held-out acc/gm)).toHaveLength(6);
    const result = JSON.parse(stdout) as SearchResult;
    expect(result.trials.map((t) => t.epochs)).toEqual([4, 4, 4, 4, 4, 4]);
    expect(result.best!.value).toBe(Math.max(...result.trials.map((t) => t.value ?? -1)));
    expect(result.retrained!.config).toMatchObject({
      epochs: 8,
      valSplit: false,
      ...result.best!.params,
    });

    writeFileSync(
      spec,
      JSON.stringify({ base: { preset: 'net-gauss-tiny' }, trials: 2, strategy: 'grid' }),
    );
    const bad = await search(['--spec', spec]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/search: invalid search: strategy:/);
    // an --out it cannot write is named before the first trial, not after the last
    writeFileSync(spec, JSON.stringify({ base: { preset: 'net-gauss-tiny' }, trials: 2 }));
    const out = await search(['--spec', spec, '--out', '/proc/nclab-search.json']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/--out \/proc\/nclab-search.json cannot be written: ENOENT/);
    expect(out.stderr).not.toMatch(/^trial /m);
    rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it('--out is rewritten after every trial; a search killed mid-way continues with --resume to the trials of an uninterrupted run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nc-search-resume-'));
    const spec = join(root, 'search.json');
    const out = join(root, 'result.json');
    writeFileSync(
      spec,
      JSON.stringify({
        base: { preset: 'net-gauss-tiny', labelNoise: 0.1, loss: 'ce', epochs: 60 },
        space: { lr: { type: 'loguniform', low: 1e-3, high: 0.1 } },
        strategy: 'bayes',
        trials: 6,
        epochFraction: 0.5,
        retrain: false,
      }),
    );
    const whole = await search(['--spec', spec, '--quiet']);
    expect(whole.code, whole.stderr).toBe(0);
    const uninterrupted = JSON.parse(whole.stdout) as SearchResult;

    // Kill the process (no clean exit) once its --out file holds two finished trials.
    const child = spawn('npx', ['tsx', 'scripts/search.ts', '--spec', spec, '--out', out], {
      stdio: 'ignore',
      detached: true,
    });
    let partial: SearchResult | null = null;
    for (let i = 0; i < 2400 && !partial; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (!existsSync(out)) continue;
      const read = JSON.parse(readFileSync(out, 'utf8')) as SearchResult;
      if (read.trials.length >= 2 && !read.finished) partial = read;
    }
    process.kill(-child.pid!, 'SIGKILL');
    expect(partial, 'no partial result with two trials appeared').not.toBeNull();
    const killedAt = (JSON.parse(readFileSync(out, 'utf8')) as SearchResult).trials.length;
    expect(killedAt).toBeLessThan(6);

    const resumed = await search(['--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming after ${killedAt} of 6 trials`);
    expect(resumed.stderr.match(/^trial \d\/6 /gm)).toHaveLength(6 - killedAt);
    const done = JSON.parse(readFileSync(out, 'utf8')) as SearchResult;
    expect(done).toMatchObject({ finished: true, resumedTrials: killedAt });
    expect(done.trials).toEqual(uninterrupted.trials);

    const again = await search(['--resume', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/that search finished; there is nothing to continue/);
    rmSync(root, { recursive: true, force: true });
  }, 240_000);
});
