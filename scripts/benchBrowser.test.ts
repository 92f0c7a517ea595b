import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale } from './benchBrowser';

describe('the browser bench rebuilds a stale page', () => {
  it('calls a build stale when it is missing or any source file, however deep, is newer', () => {
    const root = mkdtempSync(join(tmpdir(), 'nclab-stale-'));
    const built = join(root, 'index.html');
    const deep = join(root, 'src', 'a', 'b.ts');
    mkdirSync(join(root, 'src', 'a'), { recursive: true });
    writeFileSync(deep, 'x');
    const sources = [join(root, 'src'), join(root, 'absent')];
    expect(isStale(built, sources)).toBe(true);
    writeFileSync(built, '<html>');
    utimesSync(deep, 1000, 1000);
    utimesSync(built, 2000, 2000);
    expect(isStale(built, sources)).toBe(false);
    utimesSync(deep, 3000, 3000);
    expect(isStale(built, sources)).toBe(true);
  });
});
