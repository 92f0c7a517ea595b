import { fail } from './errors';
import { concatBytes } from './source';

/**
 * A streaming reader of (ustar / GNU / pax) tar archives: push chunks as they arrive, entries
 * are announced with their size and their data is handed on in pieces, never collected.
 */
export interface TarEntry {
  path: string;
  size: number;
  type: 'file' | 'directory' | 'other';
}

export interface TarEntrySink {
  data(chunk: Uint8Array): void;
  end(): void;
}

const BLOCK = 512;
/** Long-name and pax records are a few hundred bytes; they are collected, so they are bounded. */
const MAX_META_BYTES = 1 << 20;

export class TarReader {
  private header = new Uint8Array(BLOCK);
  private headerBytes = 0;
  private state: 'header' | 'data' | 'padding' | 'done' = 'header';
  private remaining = 0;
  private padding = 0;
  private entry: TarEntry | null = null;
  private sink: TarEntrySink | null = null;
  /** Collects GNU long-name ('L') and pax ('x') data, which are small. */
  private meta: { kind: 'L' | 'x'; parts: Uint8Array[] } | null = null;
  private nextPath: string | null = null;
  private zeroBlocks = 0;
  private offset = 0;
  private entries = 0;

  constructor(
    private readonly onEntry: (entry: TarEntry) => TarEntrySink | null,
    private readonly archiveName = 'archive',
    /** The archive's length when known (an uncompressed file): larger entry claims are refused. */
    private readonly totalBytes?: number,
  ) {}

  push(chunk: Uint8Array): void {
    let o = 0;
    while (o < chunk.length && this.state !== 'done') {
      if (this.state === 'header') {
        const take = Math.min(BLOCK - this.headerBytes, chunk.length - o);
        this.header.set(chunk.subarray(o, o + take), this.headerBytes);
        this.headerBytes += take;
        o += take;
        if (this.headerBytes === BLOCK) {
          this.headerBytes = 0;
          this.readHeader();
          this.offset += BLOCK;
        }
      } else if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - o);
        this.deliver(chunk.subarray(o, o + take));
        this.remaining -= take;
        this.offset += take;
        o += take;
        if (this.remaining === 0) this.endEntry();
      } else {
        const take = Math.min(this.padding, chunk.length - o);
        this.padding -= take;
        this.offset += take;
        o += take;
        if (this.padding === 0) this.state = 'header';
      }
    }
  }

  /** Call after the last chunk: refuses an archive that ends inside an entry or a header. */
  finish(): void {
    if (this.state === 'data') {
      fail(
        `${this.archiveName}: truncated archive: it ends inside ${this.entry?.path ?? 'an entry'} ` +
          `(${this.remaining} bytes missing)`,
      );
    }
    if (this.state === 'header' && this.headerBytes > 0) {
      fail(`${this.archiveName}: truncated archive: it ends inside a tar header`);
    }
    if (this.entries === 0 && this.zeroBlocks === 0) {
      fail(`${this.archiveName}: truncated archive: no tar entries at all`);
    }
  }

  private readHeader(): void {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      // Two zero blocks end the archive; whatever follows (tar's block padding) is ignored.
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    const stored = parseOctal(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (stored !== sum) {
      fail(
        `${this.archiveName}: corrupt tar header at byte ${this.offset} (checksum ${stored} ≠ ${sum}); ` +
          `not a tar archive, or damaged`,
      );
    }
    const size = parseSize(h, this.archiveName);
    const flag = String.fromCharCode(h[156]);
    let path = text(h, 0, 100);
    if (text(h, 257, 5) === 'ustar') {
      const prefix = text(h, 345, 155);
      if (prefix) path = `${prefix}/${path}`;
    }
    if (this.nextPath !== null) {
      path = this.nextPath;
      this.nextPath = null;
    }
    const left = this.totalBytes === undefined ? Infinity : this.totalBytes - this.offset - BLOCK;
    if (size > left) {
      fail(
        `${this.archiveName}: the tar header of ${path} claims ${size} bytes, more than the ` +
          `${Math.max(0, left)} bytes left in the file (truncated or corrupt archive)`,
      );
    }
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.entry = null;
    this.sink = null;
    this.meta = null;
    if (flag === 'L' || flag === 'x') {
      if (size > MAX_META_BYTES) {
        fail(
          `${this.archiveName}: corrupt tar header at byte ${this.offset}: a long-name / pax ` +
            `record of ${size} bytes (at most ${MAX_META_BYTES})`,
        );
      }
      this.meta = { kind: flag, parts: [] };
    } else {
      const type =
        flag === '0' || flag === '\0' || flag === '7'
          ? 'file'
          : flag === '5'
            ? 'directory'
            : 'other';
      this.entry = { path, size, type };
      this.entries++;
      this.sink = type === 'file' ? this.onEntry(this.entry) : null;
    }
    this.state = 'data';
    if (size === 0) this.endEntry();
  }

  private deliver(piece: Uint8Array): void {
    if (this.meta) this.meta.parts.push(piece.slice());
    else this.sink?.data(piece);
  }

  private endEntry(): void {
    if (this.meta) {
      const bytes = concatBytes(this.meta.parts);
      this.nextPath = this.meta.kind === 'L' ? text(bytes, 0, bytes.length) : paxPath(bytes);
      this.meta = null;
    } else {
      this.sink?.end();
    }
    this.sink = null;
    this.state = this.padding > 0 ? 'padding' : 'header';
  }
}

function text(b: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(start, end));
}

function parseOctal(b: Uint8Array, start: number, length: number): number {
  const s = text(b, start, length).trim();
  if (!/^[0-7]*$/.test(s)) return -1;
  return s === '' ? 0 : parseInt(s, 8);
}

/** Size field: octal, or GNU base-256 (high bit set) for entries over 8 GB. */
function parseSize(h: Uint8Array, archiveName: string): number {
  if (h[124] & 0x80) {
    let v = h[124] & 0x7f;
    for (let i = 125; i < 136; i++) v = v * 256 + h[i];
    return v;
  }
  const v = parseOctal(h, 124, 12);
  if (v < 0)
    fail(`${archiveName}: corrupt tar header: size field "${text(h, 124, 12)}" is not octal`);
  return v;
}

/** The `path=` record of a pax extended header ("<len> path=<value>\n"), or null. */
function paxPath(bytes: Uint8Array): string | null {
  const records = new TextDecoder().decode(bytes).split('\n');
  for (const r of records) {
    const m = /^\d+ path=(.*)$/.exec(r);
    if (m) return m[1];
  }
  return null;
}
