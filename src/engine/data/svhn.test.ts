import { describe, expect, it } from 'vitest';
import { MI, readMat } from './mat';
import { readSvhnMat } from './svhn';
import {
  concat,
  float64Bytes,
  matFile,
  svhnX,
  testImage,
  type MatVariable,
} from '../testing/dataWriters';

const images = [testImage(1), testImage(2), testImage(3)];
const X = (imgs = images): MatVariable => ({
  name: 'X',
  classId: 9,
  dims: [32, 32, 3, imgs.length],
  dataType: MI.UINT8,
  data: svhnX(imgs),
});
const yDouble = (values: number[], le = true): MatVariable => ({
  name: 'y',
  classId: 6,
  dims: [values.length, 1],
  dataType: MI.DOUBLE,
  data: float64Bytes(values, le),
});
/** MATLAB stores integer-valued doubles compactly, e.g. as miUINT8. */
const yUint8 = (values: number[]): MatVariable => ({
  name: 'y',
  classId: 6,
  dims: [values.length, 1],
  dataType: MI.UINT8,
  data: Uint8Array.from(values),
});

async function* inChunks(bytes: Uint8Array, size: number) {
  for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, o + size);
}

function imageAt(split: { images: Uint8Array }, i: number) {
  return Array.from(split.images.subarray(i * 3072, (i + 1) * 3072));
}

describe('SVHN .mat (MAT v5 reader)', () => {
  it('reads an uncompressed file: X column-major → HWC, y with 10 → digit 0', async () => {
    const file = matFile([X(), yDouble([10, 3, 1])]);
    const split = await readSvhnMat(file, { fileName: 'test_32x32.mat' });
    expect(Array.from(split.labels)).toEqual([0, 3, 1]);
    images.forEach((img, i) => expect(imageAt(split, i)).toEqual(Array.from(img)));
  });

  it('reads a compressed (miCOMPRESSED) file streamed in odd-sized chunks, y stored as miUINT8', async () => {
    const file = matFile([X(), yUint8([2, 10, 9])], { compressed: true });
    const progress: number[] = [];
    const split = await readSvhnMat(inChunks(file, 333), {
      fileName: 'train_32x32.mat',
      totalBytes: file.length,
      onProgress: (f) => progress.push(f),
    });
    expect(Array.from(split.labels)).toEqual([2, 0, 9]);
    images.forEach((img, i) => expect(imageAt(split, i)).toEqual(Array.from(img)));
    expect(progress.at(-1)).toBe(1);
  });

  it('reads a big-endian file and small-element data (≤ 4 bytes inline in the tag)', async () => {
    const file = matFile([X(images.slice(0, 1)), yDouble([7], false)], { littleEndian: false });
    const split = await readSvhnMat(file);
    expect(Array.from(split.labels)).toEqual([7]);
    const seen: string[] = [];
    await readMat(
      matFile([
        {
          name: 'tiny',
          classId: 9,
          dims: [1, 3],
          dataType: MI.UINT8,
          data: Uint8Array.of(5, 6, 7),
        },
      ]),
      {
        onArray: (info) => {
          seen.push(`${info.name} ${info.className} ${info.dims.join('x')} ${info.dataBytes}`);
          return { write: (c) => seen.push(Array.from(c).join(',')), end: () => seen.push('end') };
        },
      },
    );
    expect(seen).toEqual(['tiny uint8 1x3 3', '5,6,7', 'end']);
  });

  it('refuses a bad header (not a MAT v5 file) and v7.3 files', async () => {
    const file = matFile([X(), yDouble([1, 2, 3])]);
    const bad = file.slice();
    bad[126] = 0x41;
    await expect(readSvhnMat(bad, { fileName: 'a.mat' })).rejects.toThrow(
      /a\.mat: bad MAT header: endian indicator "AM"/,
    );
    const v73 = file.slice();
    v73.set(new TextEncoder().encode('MATLAB 7.3 MAT-file'), 0);
    await expect(readSvhnMat(v73, { fileName: 'b.mat' })).rejects.toThrow(
      /v7\.3 \(HDF5\) files are not supported/,
    );
  });

  it('refuses truncated files, compressed or not', async () => {
    const plain = matFile([X(), yDouble([1, 2, 3])]);
    // In memory the length is known: X's element claims more than the file holds.
    await expect(readSvhnMat(plain.subarray(0, 5000), { fileName: 'p.mat' })).rejects.toThrow(
      /p\.mat: the data element at byte 128 claims \d+ bytes, more than the 4864 bytes left in the file/,
    );
    // Streamed (length unknown), the data ends inside X.
    async function* streamed(): AsyncGenerator<Uint8Array> {
      yield plain.subarray(0, 5000);
    }
    await expect(readSvhnMat(streamed(), { fileName: 'p.mat' })).rejects.toThrow(
      /p\.mat: truncated inside variable 'X' \(\d+ bytes missing\)/,
    );
    await expect(readSvhnMat(plain.subarray(0, 60), { fileName: 'p.mat' })).rejects.toThrow(
      /p\.mat: truncated: 60 bytes/,
    );
    const z = matFile([X(), yDouble([1, 2, 3])], { compressed: true });
    await expect(readSvhnMat(z.subarray(0, 300), { fileName: 'z.mat' })).rejects.toThrow(
      /z\.mat: the data element at byte 128 claims 4083 bytes, more than the 164 bytes left/,
    );
  });

  it('refuses a corrupt miCOMPRESSED stream', async () => {
    const z = matFile([X(), yDouble([1, 2, 3])], { compressed: true });
    const bad = z.slice();
    for (let i = 150; i < 170; i++) bad[i] ^= 0x5a;
    await expect(readSvhnMat(bad, { fileName: 'z.mat' })).rejects.toThrow(
      /z\.mat: corrupt miCOMPRESSED element/,
    );
  });

  it('refuses an unsupported MAT element type for X and at the top level', async () => {
    const xDouble: MatVariable = {
      ...X(images.slice(0, 1)),
      dataType: MI.DOUBLE,
      data: new Uint8Array(3072 * 8),
    };
    await expect(
      readSvhnMat(matFile([xDouble, yDouble([1])]), { fileName: 'd.mat' }),
    ).rejects.toThrow(/d\.mat: unsupported MAT element type miDOUBLE for X \(expected miUINT8/);
    const file = matFile([X(), yDouble([1, 2, 3])]);
    const bad = file.slice();
    new DataView(bad.buffer).setUint32(128, MI.UTF8, true);
    await expect(readSvhnMat(bad, { fileName: 'u.mat' })).rejects.toThrow(
      /u\.mat: unsupported MAT element type miUTF8 at byte 128/,
    );
    const weird: MatVariable = {
      name: 'y',
      classId: 6,
      dims: [1, 1],
      dataType: 11,
      data: new Uint8Array(8),
    };
    await expect(
      readSvhnMat(matFile([X(images.slice(0, 1)), weird]), { fileName: 'w.mat' }),
    ).rejects.toThrow(/unsupported MAT element type type 11 for the data of variable 'y'/);
  });

  it('refuses labels out of range, a label count that does not match and missing variables', async () => {
    await expect(
      readSvhnMat(matFile([X(), yDouble([1, 11, 3])]), { fileName: 'l.mat' }),
    ).rejects.toThrow(/l\.mat: labels out of range: y\(2\) = 11; SVHN labels are 1…10/);
    await expect(
      readSvhnMat(matFile([X(), yDouble([1, 2])]), { fileName: 'l.mat' }),
    ).rejects.toThrow(/2 labels in y for 3 images in X/);
    await expect(readSvhnMat(matFile([yDouble([1])]), { fileName: 'n.mat' })).rejects.toThrow(
      /n\.mat: no variable 'X'/,
    );
    const wrongDims: MatVariable = { ...X(), dims: [32, 32, 9] };
    await expect(
      readSvhnMat(matFile([wrongDims, yDouble([1])]), { fileName: 'x.mat' }),
    ).rejects.toThrow(/X has dims 32×32×9; expected H×W×3×N/);
  });

  it('refuses a data size that does not match the dims', async () => {
    const short: MatVariable = { ...X(), data: concat([svhnX(images), new Uint8Array(8)]) };
    await expect(
      readSvhnMat(matFile([short, yDouble([1, 2, 3])]), { fileName: 's.mat' }),
    ).rejects.toThrow(/variable 'X' \(32×32×3×3\) has 9224 data bytes, expected 9216/);
  });
});
