import { Unzlib } from 'fflate';
import { DatasetError, fail } from './errors';
import { ZlibTrailerCheck } from './gzip';
import {
  chunksOf,
  concatBytes,
  knownLength,
  throttled,
  type ByteSource,
  type ProgressFn,
} from './source';

/**
 * A streaming, typed-array reader of MATLAB Level-5 MAT files (v5/v6/v7, not v7.3/HDF5): the
 * 128-byte header and its endian indicator, data-element tags (incl. the small-element format),
 * miCOMPRESSED elements inflated as they arrive (fflate Unzlib), and miMATRIX numeric arrays whose
 * real part is handed to a sink in pieces — a 225 MB uint8 array is never materialised twice.
 */
export const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(MI).map(([k, v]) => [v, `mi${k}`]),
);

const NUMERIC_SIZES: Record<number, number> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
};

/** mxCLASS ids of numeric arrays (mxDOUBLE_CLASS = 6 … mxUINT64_CLASS = 15). */
const NUMERIC_CLASSES: Record<number, string> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};

export function matTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

export interface MatArrayInfo {
  name: string;
  /** MATLAB class of the array, e.g. 'uint8', 'double'. */
  className: string;
  dims: number[];
  /** Storage type of the real part (MATLAB may store a double array as miUINT8). */
  dataType: number;
  /** Byte count of the real part. */
  dataBytes: number;
  littleEndian: boolean;
}

export interface MatArraySink {
  /** Consecutive pieces of the real part, in stored (column-major) order. */
  write(chunk: Uint8Array): void;
  end(): void;
}

export interface MatReadOptions {
  /** Called for each numeric array; return a sink to receive its data, or null to skip it. */
  onArray(info: MatArrayInfo): MatArraySink | null;
  fileName?: string;
  totalBytes?: number;
  onProgress?: ProgressFn;
}

/** Reads a whole MAT file from `source`, calling `onArray` for every numeric variable. */
export async function readMat(source: ByteSource, options: MatReadOptions): Promise<void> {
  const name = options.fileName ?? 'MAT file';
  const total = options.totalBytes ?? knownLength(source);
  const progress = throttled(options.onProgress);
  const parser = new MatParser(options.onArray, name, knownLength(source));
  let consumed = 0;
  for await (const chunk of chunksOf(source)) {
    parser.push(chunk);
    consumed += chunk.length;
    if (total) progress((0.99 * consumed) / total, `Reading ${name}${parser.current()}`);
  }
  parser.finish();
  progress(1, `Read ${name}`);
}

/** Push-driven parser: header, then a stream of top-level elements. */
export class MatParser {
  private header = new Uint8Array(128);
  private headerBytes = 0;
  private elements: ElementStream | null = null;

  constructor(
    private readonly onArray: MatReadOptions['onArray'],
    private readonly fileName: string,
    /** The file's length when known: a top-level element claiming more is refused. */
    private readonly fileBytes?: number,
  ) {}

  push(chunk: Uint8Array): void {
    let c = chunk;
    if (!this.elements) {
      const take = Math.min(128 - this.headerBytes, c.length);
      this.header.set(c.subarray(0, take), this.headerBytes);
      this.headerBytes += take;
      c = c.subarray(take);
      if (this.headerBytes < 128) return;
      this.elements = new ElementStream(
        readHeader(this.header, this.fileName),
        'top',
        this.onArray,
        this.fileName,
        this.fileBytes === undefined ? undefined : this.fileBytes - 128,
      );
    }
    if (c.length > 0) this.elements.push(c);
  }

  finish(): void {
    if (!this.elements) {
      fail(
        `${this.fileName}: truncated: ${this.headerBytes} bytes, a MAT file starts with a 128-byte header`,
      );
    }
    this.elements.finish();
  }

  current(): string {
    const v = this.elements?.currentName();
    return v ? `: variable ${v}` : '';
  }
}

/** Validates the 128-byte header and returns whether the file is little-endian. */
function readHeader(h: Uint8Array, fileName: string): boolean {
  const text = new TextDecoder('latin1').decode(h.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) {
    fail(
      `${fileName}: MATLAB v7.3 (HDF5) files are not supported; save with -v7 (SVHN's files are v5)`,
    );
  }
  const indicator = String.fromCharCode(h[126], h[127]);
  if (indicator !== 'IM' && indicator !== 'MI') {
    fail(
      `${fileName}: bad MAT header: endian indicator "${printable(indicator)}" (expected "IM" or "MI"); not a MATLAB v5 file`,
    );
  }
  const le = indicator === 'IM';
  const version = le ? h[124] | (h[125] << 8) : (h[124] << 8) | h[125];
  if (version !== 0x0100)
    fail(`${fileName}: unsupported MAT version 0x${version.toString(16)} (expected 0x0100)`);
  return le;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

interface BodyHandler {
  push(chunk: Uint8Array): void;
  end(): void;
  name(): string;
}

/**
 * A sequence of data elements: 8-byte tag, then the body routed to a handler (miMATRIX parser,
 * zlib inflater), then padding to 8 bytes (not after miCOMPRESSED, whose length is exact).
 */
class ElementStream {
  private tag = new Uint8Array(8);
  private tagBytes = 0;
  private remaining = 0;
  private padding = 0;
  private body: BodyHandler | null = null;
  private inBody = false;
  private offset = 0;

  constructor(
    private readonly le: boolean,
    private readonly level: 'top' | 'compressed',
    private readonly onArray: MatReadOptions['onArray'],
    private readonly fileName: string,
    /** Bytes of elements the stream can hold, when known (uncompressed top level). */
    private readonly streamBytes?: number,
  ) {}

  push(chunk: Uint8Array): void {
    let o = 0;
    while (o < chunk.length) {
      if (this.inBody) {
        const take = Math.min(this.remaining, chunk.length - o);
        this.body?.push(chunk.subarray(o, o + take));
        this.remaining -= take;
        o += take;
        if (this.remaining === 0) this.endBody();
      } else if (this.padding > 0) {
        const take = Math.min(this.padding, chunk.length - o);
        this.padding -= take;
        o += take;
      } else {
        const take = Math.min(8 - this.tagBytes, chunk.length - o);
        this.tag.set(chunk.subarray(o, o + take), this.tagBytes);
        this.tagBytes += take;
        o += take;
        if (this.tagBytes === 8) {
          this.tagBytes = 0;
          this.startElement();
        }
      }
    }
  }

  finish(): void {
    const where =
      this.level === 'top' ? 'truncated' : 'corrupt miCOMPRESSED element: inflated data ends';
    if (this.inBody) {
      const v = this.body?.name();
      fail(
        `${this.fileName}: ${where} inside ${v ? `variable '${v}'` : 'a data element'} (${this.remaining} bytes missing)`,
      );
    }
    if (this.tagBytes > 0) fail(`${this.fileName}: ${where} inside a data-element tag`);
  }

  currentName(): string | undefined {
    return this.inBody ? this.body?.name() : undefined;
  }

  private startElement(): void {
    const view = new DataView(this.tag.buffer);
    const word = view.getUint32(0, this.le);
    if (word >>> 16 !== 0) {
      // Small data element (type and size in 4 bytes, data in the other 4): never a variable.
      if (this.level === 'compressed')
        fail(
          `${this.fileName}: corrupt miCOMPRESSED element: small element where a variable was expected`,
        );
      return;
    }
    const type = word;
    const size = view.getUint32(4, this.le);
    const start = this.offset;
    if (this.streamBytes !== undefined && size > this.streamBytes - start - 8) {
      fail(
        `${this.fileName}: the data element at byte ${start + 128} claims ${size} bytes, more than ` +
          `the ${Math.max(0, this.streamBytes - start - 8)} bytes left in the file (truncated or corrupt)`,
      );
    }
    this.offset += 8 + size;
    if (type === MI.MATRIX) {
      this.body = new MatrixBody(size, this.le, this.onArray, this.fileName);
      this.padding = (8 - (size % 8)) % 8;
      this.offset += this.padding;
    } else if (type === MI.COMPRESSED && this.level === 'top') {
      this.body = new Inflater(this.le, this.onArray, this.fileName);
      this.padding = 0;
    } else {
      fail(
        `${this.fileName}: unsupported MAT element type ${matTypeName(type)} at byte ${start + 128}` +
          (this.level === 'top'
            ? ' (a MAT file holds miMATRIX or miCOMPRESSED variables)'
            : ' inside miCOMPRESSED'),
      );
    }
    this.remaining = size;
    this.inBody = true;
    if (size === 0) this.endBody();
  }

  private endBody(): void {
    this.inBody = false;
    this.body?.end();
    this.body = null;
  }
}

const INFLATE_SLICE = 1 << 16;

/** Inflates one miCOMPRESSED element and parses its content as elements. */
class Inflater implements BodyHandler {
  private readonly inner: ElementStream;
  private readonly unzlib: Unzlib;
  private readonly trailer: ZlibTrailerCheck;

  constructor(
    le: boolean,
    onArray: MatReadOptions['onArray'],
    private readonly fileName: string,
  ) {
    this.inner = new ElementStream(le, 'compressed', onArray, fileName);
    this.trailer = new ZlibTrailerCheck(`${fileName}: corrupt miCOMPRESSED element`);
    this.unzlib = new Unzlib((data) => {
      this.trailer.inflated(data);
      this.inner.push(data);
    });
  }

  push(chunk: Uint8Array): void {
    // Small slices bound each inflated piece (zlib can expand 1 000-fold).
    for (let o = 0; o < chunk.length; o += INFLATE_SLICE) {
      const slice = chunk.subarray(o, o + INFLATE_SLICE);
      this.trailer.compressed(slice);
      this.guard(() => this.unzlib.push(slice, false));
    }
  }

  end(): void {
    this.guard(() => this.unzlib.push(new Uint8Array(0), true));
    this.inner.finish();
    // fflate does not check zlib's Adler-32; a damaged element that still inflates is caught here.
    this.trailer.verify();
  }

  name(): string {
    return this.inner.currentName() ?? '';
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      fail(`${this.fileName}: corrupt miCOMPRESSED element (zlib: ${(e as Error).message})`);
    }
  }
}

interface MatrixHeader {
  info: MatArrayInfo | null;
  /** Bytes of the body before the real part's data. */
  length: number;
  /** Real part stored in the small-element format (≤ 4 bytes), if so. */
  inline: Uint8Array | null;
}

/** The body of an miMATRIX: a short header collected whole, then the real part streamed. */
class MatrixBody implements BodyHandler {
  private prefix: Uint8Array[] = [];
  private prefixBytes = 0;
  private header: MatrixHeader | null = null;
  private sink: MatArraySink | null = null;
  private dataLeft = 0;

  constructor(
    private readonly size: number,
    private readonly le: boolean,
    private readonly onArray: MatReadOptions['onArray'],
    private readonly fileName: string,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.header) {
      this.data(chunk);
      return;
    }
    this.prefix.push(chunk.slice());
    this.prefixBytes += chunk.length;
    const bytes = concatBytes(this.prefix);
    this.prefix = [bytes];
    const header = parseMatrixHeader(bytes, this.le, this.fileName);
    if (!header) {
      if (this.prefixBytes > 1 << 16) fail(`${this.fileName}: miMATRIX header longer than 64 KB`);
      return;
    }
    this.header = header;
    this.prefix = [];
    if (header.info) {
      this.sink = this.onArray(header.info);
      this.dataLeft = header.inline ? 0 : header.info.dataBytes;
      if (header.inline) this.sink?.write(header.inline);
    }
    this.data(bytes.subarray(header.length));
  }

  end(): void {
    if (!this.header)
      fail(`${this.fileName}: truncated or corrupt miMATRIX header (${this.size} bytes)`);
    if (this.dataLeft > 0)
      fail(`${this.fileName}: variable '${this.name()}' ends ${this.dataLeft} bytes early`);
    this.sink?.end();
  }

  name(): string {
    return this.header?.info?.name ?? '';
  }

  private data(chunk: Uint8Array): void {
    if (this.dataLeft > 0 && chunk.length > 0) {
      const take = Math.min(this.dataLeft, chunk.length);
      this.sink?.write(chunk.subarray(0, take));
      this.dataLeft -= take;
    }
    // Whatever follows the real part (padding, imaginary part of a refused complex array) is skipped.
  }
}

/** Parses array flags, dims, name and the real part's tag; null until enough bytes arrived. */
function parseMatrixHeader(b: Uint8Array, le: boolean, fileName: string): MatrixHeader | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const sub = (off: number) => readSubTag(view, off, le, fileName);
  const flags = sub(0);
  if (!flags || flags.end > b.length) return null;
  if (flags.type !== MI.UINT32 || flags.size !== 8)
    fail(`${fileName}: corrupt miMATRIX: bad array-flags subelement`);
  const classId = view.getUint32(flags.dataOff, le) & 0xff;
  const complex = (view.getUint32(flags.dataOff, le) & 0x0800) !== 0;
  const className = NUMERIC_CLASSES[classId];
  if (!className) return { info: null, length: b.length, inline: null }; // cell, struct, char, sparse…: skipped
  const dimsTag = sub(flags.next);
  if (!dimsTag || dimsTag.end > b.length) return null;
  if (dimsTag.type !== MI.INT32)
    fail(`${fileName}: corrupt miMATRIX: dimensions stored as ${matTypeName(dimsTag.type)}`);
  const dims: number[] = [];
  for (let i = 0; i < dimsTag.size / 4; i++) dims.push(view.getInt32(dimsTag.dataOff + 4 * i, le));
  const nameTag = sub(dimsTag.next);
  if (!nameTag || nameTag.end > b.length) return null;
  const name = new TextDecoder('latin1').decode(
    b.subarray(nameTag.dataOff, nameTag.dataOff + nameTag.size),
  );
  const real = sub(nameTag.next);
  if (!real) return null;
  if (complex) fail(`${fileName}: variable '${name}' is complex; only real arrays are supported`);
  const elementSize = NUMERIC_SIZES[real.type];
  if (!elementSize) {
    fail(
      `${fileName}: unsupported MAT element type ${matTypeName(real.type)} for the data of variable '${name}'`,
    );
  }
  const count = dims.reduce((a, d) => a * d, 1);
  if (real.size !== count * elementSize) {
    fail(
      `${fileName}: variable '${name}' (${dims.join('×')}) has ${real.size} data bytes, expected ` +
        `${count * elementSize} for ${matTypeName(real.type)}`,
    );
  }
  const info: MatArrayInfo = {
    name,
    className,
    dims,
    dataType: real.type,
    dataBytes: real.size,
    littleEndian: le,
  };
  if (real.small) {
    if (real.end > b.length) return null;
    return { info, length: real.end, inline: b.slice(real.dataOff, real.dataOff + real.size) };
  }
  return { info, length: real.dataOff, inline: null };
}

interface SubTag {
  type: number;
  size: number;
  small: boolean;
  dataOff: number;
  /** End of the data (before padding). */
  end: number;
  /** Start of the next subelement (after padding to 8). */
  next: number;
}

function readSubTag(view: DataView, off: number, le: boolean, fileName: string): SubTag | null {
  if (off + 8 > view.byteLength) return null;
  const word = view.getUint32(off, le);
  if (word >>> 16 !== 0) {
    const size = word >>> 16;
    if (size > 4)
      fail(`${fileName}: corrupt MAT data: small-format element claims ${size} bytes (at most 4)`);
    return {
      type: word & 0xffff,
      size,
      small: true,
      dataOff: off + 4,
      end: off + 4 + size,
      next: off + 8,
    };
  }
  const size = view.getUint32(off + 4, le);
  return {
    type: word,
    size,
    small: false,
    dataOff: off + 8,
    end: off + 8 + size,
    next: off + 8 + Math.ceil(size / 8) * 8,
  };
}

/** Decodes a (small) numeric real part into numbers, any storage type. */
export function decodeNumeric(bytes: Uint8Array, type: number, le: boolean): Float64Array {
  const size = NUMERIC_SIZES[type];
  if (!size) fail(`unsupported MAT element type ${matTypeName(type)}`);
  const n = bytes.length / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * size;
    switch (type) {
      case MI.INT8:
        out[i] = view.getInt8(o);
        break;
      case MI.UINT8:
        out[i] = view.getUint8(o);
        break;
      case MI.INT16:
        out[i] = view.getInt16(o, le);
        break;
      case MI.UINT16:
        out[i] = view.getUint16(o, le);
        break;
      case MI.INT32:
        out[i] = view.getInt32(o, le);
        break;
      case MI.UINT32:
        out[i] = view.getUint32(o, le);
        break;
      case MI.SINGLE:
        out[i] = view.getFloat32(o, le);
        break;
      case MI.DOUBLE:
        out[i] = view.getFloat64(o, le);
        break;
      case MI.INT64:
        out[i] = Number(view.getBigInt64(o, le));
        break;
      default:
        out[i] = Number(view.getBigUint64(o, le));
    }
  }
  return out;
}

/** A sink that keeps the bytes of a small array (labels); decode with decodeNumeric. */
export function collectSink(onDone: (bytes: Uint8Array) => void): MatArraySink {
  const parts: Uint8Array[] = [];
  return { write: (c) => parts.push(c.slice()), end: () => onDone(concatBytes(parts)) };
}
