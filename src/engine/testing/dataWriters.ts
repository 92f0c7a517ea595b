// Writers of tiny files in the official formats, for the parser tests (never used by the app).
import { zlibSync } from 'fflate';
import { MI } from '../data/mat';
import { concatBytes as concat } from '../data/source';

export { concat };

/** CIFAR records from HWC images: label byte(s) then the R, G, B planes. */
export function cifarBin(images: Uint8Array[], labels: number[], coarse?: number[]): Uint8Array {
  const head = coarse ? 2 : 1;
  const size = head + 3072;
  const out = new Uint8Array(images.length * size);
  images.forEach((img, i) => {
    const o = i * size;
    if (coarse) out[o] = coarse[i];
    out[o + head - 1] = labels[i];
    for (let p = 0; p < 1024; p++)
      for (let c = 0; c < 3; c++) out[o + head + c * 1024 + p] = img[p * 3 + c];
  });
  return out;
}

/** A ustar archive of regular files, ending with the two zero blocks. */
export function tarArchive(files: { path: string; bytes: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const f of files) {
    const h = new Uint8Array(512);
    const put = (s: string, o: number) => h.set(new TextEncoder().encode(s), o);
    put(f.path, 0);
    put('0000644\0', 100);
    put('0001750\0', 108);
    put('0001750\0', 116);
    put(f.bytes.length.toString(8).padStart(11, '0') + '\0', 124);
    put('14250417200\0', 136);
    put('        ', 148);
    h[156] = 0x30;
    put('ustar\0', 257);
    put('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, f.bytes, new Uint8Array((512 - (f.bytes.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

export interface MatVariable {
  name: string;
  /** mxCLASS id: 6 double, 9 uint8. */
  classId: number;
  dims: number[];
  /** Storage type of the data (MI.UINT8, MI.DOUBLE, …) and its raw bytes in file endianness. */
  dataType: number;
  data: Uint8Array;
}

/** A Level-5 MAT file; compressed = every variable in its own miCOMPRESSED element, like MATLAB -v7. */
export function matFile(
  vars: MatVariable[],
  opts: { compressed?: boolean; littleEndian?: boolean } = {},
): Uint8Array {
  const le = opts.littleEndian ?? true;
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(128).fill(0x20);
  header.set(
    new TextEncoder().encode('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: NC Lab test'),
    0,
  );
  header.fill(0, 116, 124);
  const hv = new DataView(header.buffer);
  hv.setUint16(124, 0x0100, le);
  header.set(new TextEncoder().encode(le ? 'IM' : 'MI'), 126);
  parts.push(header);
  for (const v of vars) {
    const element = matrixElement(v, le);
    if (opts.compressed) {
      const z = zlibSync(element);
      parts.push(tag(MI.COMPRESSED, z.length, le), z);
    } else parts.push(element);
  }
  return concat(parts);
}

function matrixElement(v: MatVariable, le: boolean): Uint8Array {
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, v.classId, le);
  const dims = new Uint8Array(v.dims.length * 4);
  v.dims.forEach((d, i) => new DataView(dims.buffer).setInt32(4 * i, d, le));
  const name = new TextEncoder().encode(v.name);
  const body = concat([
    sub(MI.UINT32, flags, le),
    sub(MI.INT32, dims, le),
    name.length <= 4 ? small(MI.INT8, name, le) : sub(MI.INT8, name, le),
    v.data.length <= 4 ? small(v.dataType, v.data, le) : sub(v.dataType, v.data, le),
  ]);
  return concat([tag(MI.MATRIX, body.length, le), body]);
}

function tag(type: number, size: number, le: boolean): Uint8Array {
  const t = new Uint8Array(8);
  const view = new DataView(t.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, size, le);
  return t;
}

function sub(type: number, data: Uint8Array, le: boolean): Uint8Array {
  const padded = new Uint8Array(Math.ceil(data.length / 8) * 8);
  padded.set(data);
  return concat([tag(type, data.length, le), padded]);
}

function small(type: number, data: Uint8Array, le: boolean): Uint8Array {
  const t = new Uint8Array(8);
  new DataView(t.buffer).setUint32(0, (data.length << 16) | type, le);
  t.set(data, 4);
  return t;
}

/** SVHN-style X (32×32×3×N column-major) from HWC images. */
export function svhnX(images: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(images.length * 3072);
  images.forEach((img, n) => {
    for (let r = 0; r < 32; r++)
      for (let c = 0; c < 32; c++)
        for (let ch = 0; ch < 3; ch++)
          out[r + 32 * c + 1024 * ch + 3072 * n] = img[(r * 32 + c) * 3 + ch];
  });
  return out;
}

/** Doubles in the given endianness. */
export function float64Bytes(values: number[], le = true): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat64(8 * i, v, le));
  return out;
}

/** A deterministic 32×32×3 HWC image, distinct per seed. */
export function testImage(seed: number): Uint8Array {
  const img = new Uint8Array(3072);
  for (let i = 0; i < img.length; i++) img[i] = (i * 31 + seed * 97 + ((i * seed) % 13)) & 0xff;
  return img;
}

/**
 * Rewrites the size field (and checksum) of the tar header at `offset`: a header that claims
 * more data than follows it, as a damaged or hostile archive would.
 */
export function claimTarSize(tar: Uint8Array, offset: number, size: number): Uint8Array {
  const out = tar.slice();
  const h = out.subarray(offset, offset + 512);
  h.set(new TextEncoder().encode(size.toString(8).padStart(11, '0') + '\0'), 124);
  h.set(new TextEncoder().encode('        '), 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return out;
}

/** MAT element bytes (after the 128-byte header) wrapped in one miCOMPRESSED element. */
export function matCompressed(elements: Uint8Array, le = true, level?: 0 | 6 | 9): Uint8Array {
  const z = zlibSync(elements, level === undefined ? {} : { level });
  return concat([tag(MI.COMPRESSED, z.length, le), z]);
}
