// NumPy .npy reader/writer (format versions 1.0–3.0): little/big endian, C or Fortran order,
// float16/32/64, signed/unsigned 8–64-bit integers and bool. Values come back as numbers in C
// (row-major) order; no tfjs dependency, so it runs in the worker, the page and Node.

export type NpyDtype =
  'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  /** values in C order; float32 input is widened exactly */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const SIZES: Record<NpyDtype, number> = {
  f2: 2,
  f4: 4,
  f8: 8,
  i1: 1,
  i2: 2,
  i4: 4,
  i8: 8,
  u1: 1,
  u2: 2,
  u4: 4,
  u8: 8,
  b1: 1,
};

function fail(what: string): never {
  throw new Error(`invalid .npy data: ${what}`);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses the Python-literal header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), } */
function parseHeader(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr) fail(`header has no 'descr' (structured dtypes are not supported): ${text.trim()}`);
  if (!fortran) fail(`header has no 'fortran_order': ${text.trim()}`);
  if (!shape) fail(`header has no 'shape': ${text.trim()}`);
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) fail(`bad shape entry "${s}"`);
      return v;
    });
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: dims };
}

/** True when `head` (a file's first bytes) starts with NumPy's \x93NUMPY magic. */
export function hasNpyMagic(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && MAGIC.every((m, i) => head[i] === m);
}

export function readNpy(input: ArrayBuffer | ArrayBufferView): NpyArray {
  const bytes =
    input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m))
    fail('missing \\x93NUMPY magic (not a .npy file)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else fail(`unsupported format version ${major}.${bytes[7]}`);
  if (offset + headerLen > bytes.length) fail('truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(offset, offset + headerLen),
  );
  const { descr, fortran, shape } = parseHeader(header);
  const m = /^([<>|=])?([fiub])(\d+)$/.exec(descr);
  if (!m) fail(`unsupported dtype '${descr}' (need float, int, uint or bool)`);
  const dtype = `${m[2]}${m[3]}` as NpyDtype;
  if (!(dtype in SIZES)) fail(`unsupported dtype '${descr}'`);
  const size = SIZES[dtype];
  // '=' is native order; every JS engine we run on is little-endian
  const little = m[1] !== '>';
  const count = shape.reduce((a, v) => a * v, 1);
  const start = offset + headerLen;
  if (bytes.length - start < count * size) {
    fail(
      `data has ${bytes.length - start} bytes, shape (${shape.join(', ')}) of ${descr} needs ${count * size}`,
    );
  }
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const p = start + i * size;
    switch (dtype) {
      case 'f2':
        raw[i] = halfToFloat(view.getUint16(p, little));
        break;
      case 'f4':
        raw[i] = view.getFloat32(p, little);
        break;
      case 'f8':
        raw[i] = view.getFloat64(p, little);
        break;
      case 'i1':
        raw[i] = view.getInt8(p);
        break;
      case 'i2':
        raw[i] = view.getInt16(p, little);
        break;
      case 'i4':
        raw[i] = view.getInt32(p, little);
        break;
      case 'i8':
      case 'u8': {
        const v = dtype === 'i8' ? view.getBigInt64(p, little) : view.getBigUint64(p, little);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(-Number.MAX_SAFE_INTEGER)) {
          fail(`64-bit integer ${v} at index ${i} is not exactly representable as a number`);
        }
        raw[i] = Number(v);
        break;
      }
      case 'u1':
      case 'b1':
        raw[i] = view.getUint8(p);
        break;
      case 'u2':
        raw[i] = view.getUint16(p, little);
        break;
      case 'u4':
        raw[i] = view.getUint32(p, little);
        break;
    }
  }
  return { shape, dtype, data: fortran && shape.length > 1 ? fortranToC(raw, shape) : raw };
}

/** Reorders column-major (Fortran) data to row-major. */
function fortranToC(src: Float64Array, shape: number[]): Float64Array {
  const n = shape.length;
  const out = new Float64Array(src.length);
  const idx = new Array<number>(n).fill(0);
  const fStride = new Array<number>(n);
  fStride[0] = 1;
  for (let k = 1; k < n; k++) fStride[k] = fStride[k - 1] * shape[k - 1];
  for (let c = 0; c < src.length; c++) {
    let f = 0;
    for (let k = 0; k < n; k++) f += idx[k] * fStride[k];
    out[c] = src[f];
    for (let k = n - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Writes a little-endian, C-order version-1.0 .npy file. */
export function writeNpy(
  data: ArrayLike<number>,
  shape: number[],
  dtype: 'f4' | 'f8' | 'i4' | 'i8' | 'u1' = 'f8',
): Uint8Array {
  const count = shape.reduce((a, v) => a * v, 1);
  if (count !== data.length)
    throw new Error(`writeNpy: ${data.length} values for shape (${shape.join(', ')})`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const size = SIZES[dtype];
  const out = new Uint8Array(10 + header.length + count * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < count; i++) {
    const p = start + i * size;
    const v = data[i];
    if (dtype === 'f4') view.setFloat32(p, v, true);
    else if (dtype === 'f8') view.setFloat64(p, v, true);
    else if (dtype === 'i4') view.setInt32(p, v, true);
    else if (dtype === 'i8') view.setBigInt64(p, BigInt(v), true);
    else view.setUint8(p, v);
  }
  return out;
}
