// Issue 14 regression cases for the dataset parsers: each input is written here, as the fuzzing
// (or a careless user) produced it, and each must be refused with a DatasetError naming the file
// and the problem, allocating only what the file can actually hold.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { GrowingTarget, MAX_CIFAR_RECORDS, recordBytes } from './cifar';
import { readCifarArchive } from './cifarDataset';
import { DatasetError } from './errors';
import { datasetFromFiles } from './files';
import { encodeIdx, idxImageSplit, parseIdx } from './idx';
import { MI } from './mat';
import { MAX_SVHN_IMAGES, readSvhnMat } from './svhn';
import {
  cifarBin,
  claimTarSize,
  concat,
  float64Bytes,
  matCompressed,
  matFile,
  svhnX,
  tarArchive,
  testImage,
  type MatVariable,
} from '../testing/dataWriters';

const X = (n: number): MatVariable => ({
  name: 'X',
  classId: 9,
  dims: [32, 32, 3, n],
  dataType: MI.UINT8,
  data: svhnX(Array.from({ length: n }, (_, i) => testImage(i + 1))),
});
const y = (values: number[]): MatVariable => ({
  name: 'y',
  classId: 6,
  dims: [values.length, 1],
  dataType: MI.DOUBLE,
  data: float64Bytes(values),
});

async function* streamed(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * The miMATRIX element of a one-image X, rewritten to claim `n` images (dims, data tag and
 * element size), then cut to `keep` bytes: the 207-byte file of the issue for n = 1.3 M.
 */
function svhnXClaiming(n: number, keep: number): Uint8Array {
  const element = matFile([X(1)]).slice(128);
  const view = new DataView(element.buffer);
  view.setInt32(44, n, true); // dims[3]
  view.setUint32(60, n * 3072, true); // real part's byte count
  view.setUint32(4, 56 + n * 3072, true); // miMATRIX size
  return element.subarray(0, keep);
}

/** A CIFAR-10 archive whose first entry's tar header claims `records` records. */
function cifarArchiveClaiming(records: number): Uint8Array {
  const tar = tarArchive([
    { path: 'cifar-10-batches-bin/data_batch_1.bin', bytes: cifarBin([new Uint8Array(3072)], [3]) },
  ]);
  return claimTarSize(tar, 0, records * recordBytes('cifar10')).subarray(0, 512 + 3073);
}

describe('issue 14, finding 2: memory follows the data, not the sizes a header claims', () => {
  it('a .tar.gz of ~130 bytes claiming a 300 000-record batch is refused by the record ceiling, not by a failed 4.6 GB allocation', async () => {
    const gz = gzipSync(cifarArchiveClaiming(300_000));
    expect(gz.length).toBeLessThan(200);
    const err = await readCifarArchive(gz, { fileName: 'cifar-10-binary.tar.gz' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe(
      `cifar-10-binary.tar.gz: cifar-10-batches-bin/data_batch_1.bin: ${300_000 * 3073} bytes claimed, 300000 CIFAR-10 records; ` +
        `NC Lab reads at most ${MAX_CIFAR_RECORDS} records per file`,
    );
  });

  it('a .tar.gz claiming 90 000 records (under the ceiling) but holding one is refused as truncated, naming the entry', async () => {
    const gz = gzipSync(cifarArchiveClaiming(90_000));
    await expect(readCifarArchive(gz, { fileName: 'c.tar.gz' })).rejects.toThrow(
      /^c\.tar\.gz: truncated archive: it ends inside cifar-10-batches-bin\/data_batch_1\.bin \(\d+ bytes missing\)$/,
    );
  });

  it('the same claim in a plain .tar of known length is refused at the header: more than the bytes left in the file', async () => {
    await expect(
      readCifarArchive(cifarArchiveClaiming(90_000), { fileName: 'c.tar' }),
    ).rejects.toThrow(
      `c.tar: the tar header of cifar-10-batches-bin/data_batch_1.bin claims ${90_000 * 3073} bytes, more than the 3073 bytes left in the file`,
    );
  });

  it('a growing record buffer holds what arrived (doubling from 1 024 records), never the claimed count', () => {
    const target = new GrowingTarget(90_000);
    expect(target.reserve(1).labels.length).toBe(1024);
    expect(target.reserve(1025).labels.length).toBe(2048);
    expect(target.reserve(3000).labels.length).toBe(4096);
    expect(target.reserve(90_000).labels.length).toBe(90_000);
  });

  it('the 207-byte SVHN .mat claiming 32×32×3×1.3 M is refused: more than the file holds (in memory), over the image ceiling (streamed, compressed)', async () => {
    const plain = concat([matFile([]), svhnXClaiming(1_300_000, 79)]);
    expect(plain.length).toBe(207);
    await expect(readSvhnMat(plain, { fileName: 'train_32x32.mat' })).rejects.toThrow(
      /^train_32x32\.mat: the data element at byte 128 claims 3993600056 bytes, more than the 71 bytes left in the file/,
    );
    const ceiling = `train_32x32.mat: X claims 1300000 images (32×32×3×1300000); NC Lab reads at most ${MAX_SVHN_IMAGES} per file`;
    await expect(readSvhnMat(streamed(plain), { fileName: 'train_32x32.mat' })).rejects.toThrow(
      ceiling,
    );
    const compressed = concat([matFile([]), matCompressed(svhnXClaiming(1_300_000, 79))]);
    await expect(readSvhnMat(compressed, { fileName: 'train_32x32.mat' })).rejects.toThrow(ceiling);
  });

  it('a compressed SVHN X claiming 100 000 images but holding one is refused as ending inside X', async () => {
    const compressed = concat([matFile([]), matCompressed(svhnXClaiming(100_000, 64 + 3072))]);
    await expect(readSvhnMat(compressed, { fileName: 'test_32x32.mat' })).rejects.toThrow(
      /^test_32x32\.mat: corrupt miCOMPRESSED element: inflated data ends inside variable 'X' \(\d+ bytes missing\)$/,
    );
  });
});

describe('issue 14, finding 3: checks that were skipped', () => {
  const images = encodeIdx([2, 2, 2], Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));

  it('a gzipped IDX file whose CRC-32 trailer does not match is refused (was accepted)', () => {
    const gz = gzipSync(images);
    expect(parseIdx(gz, 'ok.gz').dims).toEqual([2, 2, 2]);
    const bad = gz.slice();
    bad[bad.length - 8] ^= 0x01;
    expect(() => parseIdx(bad, 'train-images-idx3-ubyte.gz')).toThrow(
      /^train-images-idx3-ubyte\.gz: corrupt gzip data: CRC-32 of the inflated data is 0x[0-9a-f]{8}, the gzip trailer says 0x[0-9a-f]{8}$/,
    );
  });

  it('a gzipped IDX file whose length trailer does not match is refused', () => {
    const bad = gzipSync(images).slice();
    bad[bad.length - 4] ^= 0x01;
    expect(() => parseIdx(bad, 'x.gz')).toThrow(
      'x.gz: corrupt gzip data: 24 bytes inflated, the gzip trailer says 25 (mod 2³²)',
    );
  });

  it('a stored (level 0) gzip whose data byte was flipped still inflates; only the CRC-32 catches it, in .gz and .tar.gz', async () => {
    const gz = gzipSync(images, { level: 0 });
    const bad = gz.slice();
    bad[30] ^= 0x40; // a byte of the stored data
    expect(() => parseIdx(bad, 'x.gz')).toThrow(/x\.gz: corrupt gzip data: CRC-32/);

    const batches = [1, 2, 3, 4, 5].map((b) => ({
      path: `cifar-10-batches-bin/data_batch_${b}.bin`,
      bytes: cifarBin([testImage(b)], [b]),
    }));
    const tar = tarArchive([
      ...batches,
      { path: 'cifar-10-batches-bin/test_batch.bin', bytes: cifarBin([testImage(9)], [9]) },
    ]);
    const tgz = gzipSync(tar, { level: 0 });
    expect((await readCifarArchive(tgz, { fileName: 'c.tar.gz' })).train.labels.length).toBe(5);
    const flipped = tgz.slice();
    flipped[2000] ^= 0x40; // inside data_batch_1's pixels
    await expect(readCifarArchive(flipped, { fileName: 'c.tar.gz' })).rejects.toThrow(
      /^c\.tar\.gz: corrupt gzip data: CRC-32/,
    );
  });

  it('an IDX images file of 0×28×28 is refused as holding no images (was a range of Infinity … −Infinity)', () => {
    const empty = parseIdx(encodeIdx([0, 28, 28], new Uint8Array(0)), 'train-images-idx3-ubyte');
    const labels = parseIdx(encodeIdx([0], new Uint8Array(0)), 'train-labels-idx1-ubyte');
    expect(() =>
      idxImageSplit(empty, labels, 10, {
        images: 'train-images-idx3-ubyte',
        labels: 'train-labels-idx1-ubyte',
      }),
    ).toThrow('train-images-idx3-ubyte: no images (dims 0×28×28); a split needs at least one');
  });

  it('an SVHN file with N = 0 is refused', async () => {
    await expect(
      readSvhnMat(matFile([X(0), y([])]), { fileName: 'test_32x32.mat' }),
    ).rejects.toThrow('test_32x32.mat: X has dims 32×32×3×0: no images (N = 0)');
  });

  it('an SVHN file with X twice or y twice is refused (the last one was kept silently)', async () => {
    await expect(readSvhnMat(matFile([X(1), X(1), y([1])]), { fileName: 'a.mat' })).rejects.toThrow(
      "a.mat: variable 'X' appears twice (SVHN files hold one X and one y)",
    );
    await expect(
      readSvhnMat(matFile([X(1), y([1]), y([2])], { compressed: true }), { fileName: 'b.mat' }),
    ).rejects.toThrow("b.mat: variable 'y' appears twice (SVHN files hold one X and one y)");
  });

  it('two files for the same IDX part are refused, naming the second', async () => {
    const lab = encodeIdx([2], Uint8Array.from([1, 2]));
    await expect(
      datasetFromFiles([
        { name: 'train-images-idx3-ubyte', source: images },
        { name: 'train-labels-idx1-ubyte', source: lab },
        { name: 'copy/train-labels-idx1-ubyte', source: lab },
      ]),
    ).rejects.toThrow('copy/train-labels-idx1-ubyte: a second train-labels file');
  });
});
