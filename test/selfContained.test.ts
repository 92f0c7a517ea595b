// The repository stands on its own: nothing in it reads or points to files outside it, and the
// reference numbers it carries are the ones its provenance README describes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ORACLE_DIR } from '../src/engine/testing/oracles';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Generated or installed folders: not part of the repository's own text. */
const SKIP = new Set([
  '.git',
  'node_modules',
  'dist',
  'test-results',
  'playwright-report',
  'bench-results',
  'public/datasets',
  'public/tfjs-wasm',
  'test/oracles',
]);
const TEXT = /\.(ts|tsx|js|mjs|cjs|json|md|html|css|yml|yaml|sh|txt)$|^\.ci\/run$|^\.gitignore$/;

function repositoryFiles(dir = ROOT): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const rel = relative(ROOT, path);
    if (SKIP.has(rel)) return [];
    if (statSync(path).isDirectory()) return repositoryFiles(path);
    return TEXT.test(rel) ? [rel] : [];
  });
}

// Written in two parts so that this file does not match itself.
const OUTSIDE = new RegExp(
  ['\\.\\./', 'shared\\b|shared/(oracles|reference|seeds|hooks)'].join(''),
);

describe('the repository stands on its own', () => {
  const files = repositoryFiles();

  it('finds the repository text it checks (README, sources, tests, CI script)', () => {
    for (const f of ['README.md', '.ci/run', 'package.json', 'src/engine/testing/oracles.ts']) {
      expect(files).toContain(f);
    }
    expect(files.length).toBeGreaterThan(100);
  });

  it('no file reads or cites a path outside the repository (the workspace folder beside it)', () => {
    const offenders = files.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it('the oracle files are byte-for-byte the ones listed in test/oracles/SHA256SUMS', () => {
    const lines = readFileSync(join(ORACLE_DIR, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(11);
    for (const line of lines) {
      const [hash, name] = line.split(/\s+/);
      const actual = createHash('sha256')
        .update(readFileSync(join(ORACLE_DIR, name)))
        .digest('hex');
      expect(`${name} ${actual}`).toBe(`${name} ${hash}`);
    }
  });

  it('the oracle directory is inside the repository', () => {
    expect(relative(ROOT, ORACLE_DIR)).toBe(join('test', 'oracles'));
  });
});
