import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { datasetsCopied } from './start';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('npm start rebuilds a dist/ that lacks the datasets public/ has', () => {
  it('a dist/ built before the datasets (or with older ones) is rebuilt; one with them is kept', () => {
    root = mkdtempSync(join(tmpdir(), 'nc-start-'));
    write('dist/index.html', '<!doctype html>');
    // no datasets anywhere: nothing to copy
    expect(datasetsCopied(root)).toBe(true);
    write('public/datasets/manifest.json', '{"version":2}');
    expect(datasetsCopied(root)).toBe(false);
    write('dist/datasets/manifest.json', '{"version":1}');
    expect(datasetsCopied(root)).toBe(false);
    write('dist/datasets/manifest.json', '{"version":2}');
    expect(datasetsCopied(root)).toBe(true);
  });
});
