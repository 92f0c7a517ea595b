import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
