import { fail } from './errors';
import { gunzipBounded } from './gzip';
import { isGzip } from './source';
import type { ImageSplit } from './types';

/**
 * IDX files (MNIST, Fashion-MNIST): magic 0x00 0x00 <type> <ndims>, ndims big-endian uint32
 * sizes, then the values row-major. Only unsigned bytes (type 0x08) are used by these datasets.
 * Gzipped files (the official `.gz` downloads, NC Lab's embedded assets) are inflated first.
 */
export interface IdxArray {
  dims: number[];
  /** Values, a view into the (inflated) input. */
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

/**
 * The most bytes one IDX file may inflate to: 256 MiB, over five times MNIST's 47 MB training
 * images; a gzip header cannot make NC Lab allocate more.
 */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

export function parseIdx(input: Uint8Array, fileName = 'IDX file'): IdxArray {
  let bytes = input;
  if (isGzip(bytes)) {
    bytes = gunzipBounded(bytes, fileName, MAX_IDX_BYTES);
  }
  if (bytes.length < 4) fail(`${fileName}: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(bytes[2] in TYPE_NAMES) || bytes[3] === 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(
      ' ',
    );
    fail(`${fileName}: bad magic ${magic}; an IDX file starts 00 00 <type 08…0e> <ndims ≥ 1>`);
  }
  if (bytes[2] !== 0x08) {
    fail(
      `${fileName}: IDX element type ${TYPE_NAMES[bytes[2]]} is not supported (only unsigned bytes)`,
    );
  }
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) fail(`${fileName}: truncated IDX header (${ndims} dimensions)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    fail(
      `${fileName}: truncated: dims ${dims.join('×')} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    fail(
      `${fileName}: ${bytes.length - expected} bytes after the ${dims.join('×')} values (wrong record size?)`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** An images file (N×H×W) and its labels file (N) as one split; labels must be below `numClasses`. */
export function idxImageSplit(
  images: IdxArray,
  labels: IdxArray,
  numClasses: number,
  names: { images: string; labels: string } = { images: 'images', labels: 'labels' },
): { split: ImageSplit; shape: [number, number, number] } {
  if (images.dims.length !== 3) {
    fail(`${names.images}: expected N×H×W images, got dims ${images.dims.join('×')}`);
  }
  if (labels.dims.length !== 1) {
    fail(`${names.labels}: expected a vector of N labels, got dims ${labels.dims.join('×')}`);
  }
  const [n, h, w] = images.dims;
  if (n === 0 || h === 0 || w === 0)
    fail(`${names.images}: no images (dims ${images.dims.join('×')}); a split needs at least one`);
  if (labels.dims[0] !== n) {
    fail(`${names.labels}: ${labels.dims[0]} labels for ${n} images in ${names.images}`);
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels.data[i];
    if (y >= numClasses) {
      fail(
        `${names.labels}: labels out of range: label[${i}] = ${y}, expected 0…${numClasses - 1}`,
      );
    }
    out[i] = y;
  }
  return { split: { images: images.data, labels: out }, shape: [h, w, 1] };
}

/** Encodes unsigned bytes as an IDX file (used for the embedded assets and test fixtures). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new Error(`encodeIdx: ${data.length} values for dims ${dims.join('×')}`);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
