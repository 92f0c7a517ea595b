import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './dataset';
import { cifarBin, tarArchive, testImage } from '../src/engine/testing/dataWriters';
import { EXTERNAL } from '../src/engine/testing/externalConstants';
import { ORACLE_DIR, readOracle } from '../src/engine/testing/oracles';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nc-dataset-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

function spawnCli(args: string[]) {
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(ROOT, 'scripts/dataset.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CIFAR-10 archive with 3 images per training batch (labels b, b+1, b+2) and 4 test images. */
function writeArchive(): string {
  const files = [1, 2, 3, 4, 5].map((b) => ({
    path: `cifar-10-batches-bin/data_batch_${b}.bin`,
    bytes: cifarBin(
      [testImage(b), testImage(b + 9), testImage(b + 20)],
      [b, b + 1, b + 2].map((y) => y % 10),
    ),
  }));
  files.push({
    path: 'cifar-10-batches-bin/test_batch.bin',
    bytes: cifarBin([1, 2, 3, 4].map(testImage), [0, 0, 9, 9]),
  });
  const path = join(dir, 'cifar-10-binary.tar.gz');
  writeFileSync(path, gzipSync(tarArchive(files)));
  return path;
}

describe('npm run dataset -- info', () => {
  it('prints per-class counts, input shape, value range and split note of a CIFAR-10 archive (spawned)', () => {
    const r = spawnCli(['info', writeArchive(), '--input', 'image']);
    expect(r.stderr).toMatch(/100 %/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dataset {2}cifar10, 10 classes, stored 32×32×3$/m);
    expect(r.stdout).toMatch(
      /^split {4}CIFAR-10 official split: train = data_batch_1\.\.5\.bin in batch order \(15 images\), test = test_batch\.bin \(4\)$/m,
    );
    // labels 1…7 over the five batches: class 3 appears in batches 1, 2, 3
    expect(r.stdout).toMatch(
      /^train {4}15: airplane 0, automobile 1, bird 2, cat 3, deer 3, dog 3, frog 2, horse 1, ship 0, truck 0$/m,
    );
    expect(r.stdout).toMatch(/^test {5}4: airplane 2, .*truck 2$/m);
    expect(r.stdout).toMatch(/^input {4}image \[32, 32, 3\], values -2\.\d+ … 2\.\d+$/m);
  });

  it('refuses a truncated archive with a message and exit code 1 (spawned)', () => {
    const path = join(dir, 'broken.tar.gz');
    const good = gzipSync(
      tarArchive([
        {
          path: 'cifar-10-batches-bin/data_batch_1.bin',
          bytes: cifarBin([testImage(1), testImage(2)], [1, 2]),
        },
      ]),
    );
    writeFileSync(path, good.subarray(0, Math.floor(good.length / 2)));
    const r = spawnCli(['info', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dataset: .*broken\.tar\.gz: truncated or corrupt gzip data/);
    expect(r.stdout).toBe('');
  });

  it("prepares embedded MNIST as seed 002's reference run does (digits 0/1, 20 % validation, 3×32×32)", async () => {
    const meta = readOracle<{
      meta: { n_val_heldout: number; n_train_fit: number; n_test: number };
    }>('md/ref_md_CE.json').meta;
    const r = await cli([
      'info',
      'mnist',
      '--classes',
      '0,1',
      '--val',
      '0.2',
      '--channels',
      '3',
      '--size',
      '32',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.train.n).toBe(EXTERNAL.mnist.train);
    expect(s.prepared.inputShape).toEqual([3072]);
    expect(s.prepared.val.n).toBe(meta.n_val_heldout);
    expect(s.prepared.train.n).toBe(meta.n_train_fit);
    expect(s.prepared.test.n).toBe(meta.n_test);
    const m = (v: number) => (v / 255 - 0.1307) / 0.3081;
    expect(s.prepared.valueRange[0]).toBeCloseTo(m(0), 5);
    expect(s.prepared.valueRange[1]).toBeCloseTo(m(255), 5);
  });

  it("takes the oracle's corrupted-index list and reproduces its noisy label counts", async () => {
    const oracle = `${ORACLE_DIR}md/ref_md_CE.json`;
    const meta = readOracle<{ meta: { noisy_label_counts: number[]; n_corrupted_total: number } }>(
      'md/ref_md_CE.json',
    ).meta;
    const r = await cli([
      'info',
      'mnist',
      '--classes',
      '0,1',
      '--val',
      '0.2',
      '--corrupted',
      oracle,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout).prepared;
    expect([0, 1].map((k) => p.train.perClass[k] + p.val.perClass[k])).toEqual(
      meta.noisy_label_counts,
    );
    expect(p.train.changed + p.val.changed).toBe(meta.n_corrupted_total);
    const bad = await cli([
      'info',
      'mnist',
      '--classes',
      '0,1',
      '--corrupted',
      join(ROOT, 'package.json'),
    ]);
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--corrupted: .*package\.json holds no list of indices/),
    });
  });

  it('describes a Gaussian mixture with noisy labels', async () => {
    const r = await cli([
      'info',
      'gaussian',
      '--K',
      '3',
      '--dim',
      '5',
      '--n',
      '200',
      '--noise',
      '0.5',
      '--seed',
      '3',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^train {4}600: class 0 200, class 1 200, class 2 200$/m);
    expect(r.stdout).toMatch(/^input {4}flat \[5\]/m);
    expect(r.stdout).toMatch(
      /train {2}class 0 \d+, class 1 \d+, class 2 \d+ \(\d+ labels differ from the original\)/,
    );
    expect(r.stdout).toMatch(/label noise η = 0\.5/);
  });

  it('refuses bad arguments and unknown files, naming them', async () => {
    expect(await cli([])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/usage: npm run dataset -- info/),
    });
    expect(await cli(['show', 'mnist'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown command "show"/),
    });
    expect(await cli(['info', 'mnist', '--val', 'x'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--val: "x" is not a number/),
    });
    expect(await cli(['info', 'mnist', '--classes', '0,1.5,x'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--classes: "1\.5", "x" are not integers/),
    });
    expect(await cli(['info', 'mnist', '--bogus'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown option --bogus/),
    });
    expect(await cli(['info', 'mnist', '--classes', '0,12'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/classes: 12 is not a class of this dataset \(0…9\)/),
    });
    expect(await cli(['info', join(dir, 'nothing.mat')])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/nothing\.mat: no such file/),
    });
    const odd = join(dir, 'notes.txt');
    writeFileSync(odd, 'hello');
    expect(await cli(['info', odd])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/notes\.txt: unrecognised file/),
    });
  });

  it('--help (or -h, also after info) prints the usage on stdout and exits 0 (spawned)', async () => {
    const r = spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^usage: npm run dataset -- info <name \| file\.\.\.> \[options\]\n/);
    for (const flag of [
      '--classes',
      '--train-per-class',
      '--val',
      '--noise',
      '--corrupted',
      '--four-class',
      '--seed',
      '--input',
      '--json',
    ])
      expect(r.stdout, flag).toContain(`  ${flag} `);
    for (const args of [['-h'], ['info', '--help'], ['info', 'mnist', '-h']])
      expect(await cli(args), args.join(' ')).toEqual({ code: 0, stdout: r.stdout, stderr: '' });
  });
});
