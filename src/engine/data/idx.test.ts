import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeIdx, idxImageSplit, parseIdx } from './idx';

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) & 0xff);
const imagesFile = encodeIdx([3, 4, 5], images);
const labelsFile = encodeIdx([3], Uint8Array.of(2, 0, 9));

describe('IDX parser', () => {
  it('reads dims and values of an images and a labels file, plain or gzipped', () => {
    const a = parseIdx(imagesFile, 'imgs');
    expect(a.dims).toEqual([3, 4, 5]);
    expect(Array.from(a.data)).toEqual(Array.from(images));
    const gz = parseIdx(gzipSync(imagesFile), 'imgs.gz');
    expect(Array.from(gz.data)).toEqual(Array.from(images));
    const { split, shape } = idxImageSplit(a, parseIdx(labelsFile), 10);
    expect(shape).toEqual([4, 5, 1]);
    expect(Array.from(split.labels)).toEqual([2, 0, 9]);
  });

  it('refuses a bad magic number', () => {
    const bad = imagesFile.slice();
    bad[0] = 0x12;
    expect(() => parseIdx(bad, 'x.idx')).toThrow(/x\.idx: bad magic 12 00 08 03/);
  });

  it('refuses a non-byte element type', () => {
    const bad = imagesFile.slice();
    bad[2] = 0x0d;
    expect(() => parseIdx(bad, 'x.idx')).toThrow(/element type float is not supported/);
  });

  it('refuses a truncated file and trailing bytes', () => {
    expect(() => parseIdx(imagesFile.subarray(0, 50), 'x.idx')).toThrow(
      /truncated: dims 3×4×5 need 76 bytes, the file has 50/,
    );
    const long = new Uint8Array(imagesFile.length + 3);
    long.set(imagesFile);
    expect(() => parseIdx(long, 'x.idx')).toThrow(/3 bytes after the 3×4×5 values/);
  });

  it('refuses labels out of range and mismatched counts', () => {
    const a = parseIdx(imagesFile);
    expect(() => idxImageSplit(a, parseIdx(encodeIdx([3], Uint8Array.of(1, 10, 2))), 10)).toThrow(
      /labels out of range: label\[1\] = 10, expected 0…9/,
    );
    expect(() => idxImageSplit(a, parseIdx(encodeIdx([2], Uint8Array.of(1, 2))), 10)).toThrow(
      /2 labels for 3 images/,
    );
  });

  it('refuses corrupt gzip data', () => {
    const gz = gzipSync(imagesFile);
    expect(() => parseIdx(gz.subarray(0, 20), 'x.gz')).toThrow(
      /x\.gz: corrupt gzip data|truncated/,
    );
  });
});
