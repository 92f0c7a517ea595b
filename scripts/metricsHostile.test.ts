// Issue 14 through the metrics CLI: refusals name the file and the element and exit 1; classes
// without a sample are noted on stderr. Inputs are written by the test into a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './metrics';
import { writeNpy } from '../src/engine/metrics/npy';

const dir = mkdtempSync(join(tmpdir(), 'nc-metrics-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('metrics CLI on hostile input (issue 14)', () => {
  it('{"cases":[null]} exits 1 naming the file and cases[0], not an internal error', async () => {
    const path = file('null.json', '{"cases":[null]}');
    const r = await cli([path, '--engine', 'host']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `metrics: ${path}: cases[0]: expected a case object {"name", "inputs": {...}}, found null\n`,
    );
  });

  it('1e999 inside H exits 1 naming the element', async () => {
    const path = file('inf.json', '{"cases":[{"inputs":{"K":2,"H":[[1],[1e999]],"y":[0,1]}}]}');
    const r = await cli([path, '--engine', 'host']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${path}: cases[0].inputs.H[1][0]: expected a finite number, found Infinity`,
    );
  });

  it('a label of 999 in 8 samples gives K = 1000 and says on stderr that 997 classes have no sample', async () => {
    const H = file(
      'H.npy',
      writeNpy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [8, 2]),
    );
    const y = file('y.npy', writeNpy([0, 1, 0, 1, 0, 1, 0, 999], [8], 'i8'));
    const r = await cli([H, '--labels', y, '--engine', 'host', '--set', 'cheap']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `metrics: note: ${H}: 997 of K = 1000 classes have no sample (2, 3, 4, 5, 6, 7, 8, 9, …)\n`,
    );
    expect(JSON.parse(r.stdout).diagnostics.emptyClasses).toHaveLength(997);
  });

  it('a label of 1000 exits 1: beyond the class limit', async () => {
    const H = file('H2.npy', writeNpy([1, 2, 3, 4], [2, 2]));
    const y = file('y2.npy', writeNpy([0, 1000], [2], 'i8'));
    const r = await cli([H, '--labels', y, '--engine', 'host']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `metrics: labels (${y}): entry 1 = 1000 is beyond the class limit (labels 0..999); check the labels, or give K\n`,
    );
  });
});
