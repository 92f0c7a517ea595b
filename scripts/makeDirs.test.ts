import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs, prepareOutputFile } from './makeDirs';

describe('makeDirs (the CLIs’ output folders)', () => {
  const root = mkdtempSync(join(tmpdir(), 'nclab-dirs-'));

  it('creates every missing folder of a path, and accepts one that exists', () => {
    const deep = join(root, 'a', 'b', 'c');
    makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(() => makeDirs(deep)).not.toThrow();
  });

  it('names the file that stands where a folder should be', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(() => makeDirs(join(file, 'sub'))).toThrow(`${file} is a file, not a folder`);
  });

  it.skipIf(!existsSync('/proc/self'))(
    'refuses a folder under /proc at once, naming it (Node’s recursive mkdir never returned)',
    () => {
      expect(() => makeDirs('/proc/nclab-out/members')).toThrow(
        'cannot create the folder /proc/nclab-out',
      );
    },
  );
});

describe('prepareOutputFile (a result file checked before any training)', () => {
  const root = mkdtempSync(join(tmpdir(), 'nclab-out-'));

  it('creates the missing folders and leaves no file behind; an existing file is kept', () => {
    const path = join(root, 'new', 'dir', 'result.json');
    prepareOutputFile(path, '--out');
    expect(statSync(join(root, 'new', 'dir')).isDirectory()).toBe(true);
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, 'kept');
    prepareOutputFile(path, '--out');
    expect(readFileSync(path, 'utf8')).toBe('kept');
  });

  it('refuses a folder given as the file, naming the flag', () => {
    expect(() => prepareOutputFile(root, '--out')).toThrow(`--out ${root} is a folder`);
  });

  it.skipIf(!existsSync('/proc/self'))('refuses a file the system will not create', () => {
    expect(() => prepareOutputFile('/proc/nclab.json', '--checkpoint')).toThrow(
      '--checkpoint /proc/nclab.json cannot be written: ENOENT',
    );
  });
});
