import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` for the CLIs' output folders. Node 20's `mkdirSync(path, { recursive: true })` never
 * returns where a parent exists but refuses a child with ENOENT (any path under /proc: `npm run
 * grid -- --out /proc/x` hung): this creates each missing folder in turn and throws naming the
 * one it could not create, or the file in the way.
 */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  let existing = resolve(path);
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const up = dirname(existing);
    if (up === existing) break;
    existing = up;
  }
  if (existsSync(existing) && !statSync(existing).isDirectory())
    throw new Error(`cannot create the folder ${path}: ${existing} is a file, not a folder`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      // another shard of the same grid may have made it a moment ago
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(folder).isDirectory())
        continue;
      throw new Error(`cannot create the folder ${folder}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/**
 * Before any training, make sure a CLI can write its result file at `path`: its folders are
 * created, and the file is opened for appending once (and removed again if it was not there).
 * A run used to end with ENOENT at `--out missing/result.json`, its result lost.
 */
export function prepareOutputFile(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new Error(`${flag} ${path} is a folder: give a file name`);
  makeDirs(dirname(resolve(path)));
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new Error(`${flag} ${path} cannot be written: ${(e as Error).message}`, { cause: e });
  }
  if (!existed) rmSync(path);
}

/** Write via a temporary file, so a process killed mid-write leaves the previous file whole. */
export function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
