import { Gunzip } from 'fflate';
import { DatasetError, fail } from './errors';
import { concatBytes } from './source';

/**
 * gzip's integrity trailer (RFC 1952 §2.3.1): the last 8 bytes of a member hold the CRC-32 of the
 * uncompressed data and its length mod 2³², both little-endian. fflate inflates without checking
 * them, so a damaged archive whose deflate stream still decodes would be accepted; this checks
 * them as the data streams past.
 */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Running CRC-32 and length of inflated data, and the last 8 compressed bytes (the trailer). */
export class GzipTrailerCheck {
  private crc = 0xffffffff;
  private length = 0;
  private readonly tail = new Uint8Array(8);
  private tailBytes = 0;

  constructor(private readonly fileName: string) {}

  /** Compressed bytes as they are read (only the last 8 are kept). */
  compressed(chunk: Uint8Array): void {
    if (chunk.length >= 8) {
      this.tail.set(chunk.subarray(chunk.length - 8));
      this.tailBytes = 8;
      return;
    }
    const keep = Math.min(this.tailBytes, 8 - chunk.length);
    this.tail.copyWithin(0, this.tailBytes - keep, this.tailBytes);
    this.tail.set(chunk, keep);
    this.tailBytes = keep + chunk.length;
  }

  /** Inflated bytes as they come out. */
  inflated(chunk: Uint8Array): void {
    let c = this.crc;
    for (let i = 0; i < chunk.length; i++) c = CRC_TABLE[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
    this.crc = c;
    this.length += chunk.length;
  }

  /** Throws a DatasetError naming the file unless the trailer matches what was inflated. */
  verify(): void {
    if (this.tailBytes < 8) fail(`${this.fileName}: truncated gzip data: no 8-byte trailer`);
    const view = new DataView(this.tail.buffer);
    const storedCrc = view.getUint32(0, true);
    const storedLength = view.getUint32(4, true);
    const crc = (this.crc ^ 0xffffffff) >>> 0;
    if (storedCrc !== crc) {
      fail(
        `${this.fileName}: corrupt gzip data: CRC-32 of the inflated data is ${hex(crc)}, ` +
          `the gzip trailer says ${hex(storedCrc)}`,
      );
    }
    if (storedLength !== this.length % 2 ** 32) {
      fail(
        `${this.fileName}: corrupt gzip data: ${this.length} bytes inflated, the gzip trailer ` +
          `says ${storedLength} (mod 2³²)`,
      );
    }
  }
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

/** Checks the trailer of a whole gzip file against its inflated content. */
export function verifyGzip(compressed: Uint8Array, inflated: Uint8Array, fileName: string): void {
  const check = new GzipTrailerCheck(fileName);
  check.compressed(compressed);
  check.inflated(inflated);
  check.verify();
}

/**
 * Inflates a whole gzip file in memory, refusing more than `maxBytes` of output (a few bytes of
 * deflate can claim gigabytes, and fflate's gunzipSync sizes its buffer from the trailer) and
 * verifying the trailer.
 */
export function gunzipBounded(bytes: Uint8Array, fileName: string, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const check = new GzipTrailerCheck(fileName);
  const gunzip = new Gunzip((data) => {
    total += data.length;
    if (total > maxBytes) {
      fail(
        `${fileName}: gzip data inflates to more than ${maxBytes} bytes, the most NC Lab reads from ` +
          `one such file`,
      );
    }
    check.inflated(data);
    parts.push(data);
  });
  try {
    for (let o = 0; o < bytes.length; o += INFLATE_SLICE)
      gunzip.push(bytes.subarray(o, o + INFLATE_SLICE), false);
    gunzip.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    fail(`${fileName}: truncated or corrupt gzip data (${(e as Error).message})`);
  }
  check.compressed(bytes);
  check.verify();
  return concatBytes(parts);
}

/** Small slices bound each inflated piece (deflate can expand 1 000-fold). */
export const INFLATE_SLICE = 1 << 16;

/** zlib's trailer (RFC 1950): the Adler-32 of the inflated data, big-endian, in the last 4 bytes. */
export class ZlibTrailerCheck {
  private a = 1;
  private b = 0;
  private readonly tail = new Uint8Array(4);
  private tailBytes = 0;

  constructor(private readonly what: string) {}

  compressed(chunk: Uint8Array): void {
    if (chunk.length >= 4) {
      this.tail.set(chunk.subarray(chunk.length - 4));
      this.tailBytes = 4;
      return;
    }
    const keep = Math.min(this.tailBytes, 4 - chunk.length);
    this.tail.copyWithin(0, this.tailBytes - keep, this.tailBytes);
    this.tail.set(chunk, keep);
    this.tailBytes = keep + chunk.length;
  }

  inflated(chunk: Uint8Array): void {
    let { a, b } = this;
    // 5552 bytes is the most that can be summed before the modulo without exceeding 2^53.
    for (let o = 0; o < chunk.length; o += 5552) {
      const end = Math.min(chunk.length, o + 5552);
      for (let i = o; i < end; i++) {
        a += chunk[i];
        b += a;
      }
      a %= 65521;
      b %= 65521;
    }
    this.a = a;
    this.b = b;
  }

  verify(): void {
    if (this.tailBytes < 4) fail(`${this.what}: truncated zlib data: no Adler-32 trailer`);
    const stored = new DataView(this.tail.buffer).getUint32(0, false);
    const adler = ((this.b << 16) | this.a) >>> 0;
    if (stored !== adler) {
      fail(
        `${this.what}: Adler-32 of the inflated data is ${hex(adler)}, the zlib trailer says ${hex(stored)}`,
      );
    }
  }
}
