import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { datasetFromFiles, type NamedSource } from './files';
import { encodeIdx } from './idx';
import { MI } from './mat';
import { cifarBin, float64Bytes, matFile, svhnX, testImage } from '../testing/dataWriters';

const file = (name: string, bytes: Uint8Array): NamedSource => ({
  name,
  size: bytes.length,
  source: bytes,
});
const svhn = (labels: number[]) =>
  matFile(
    [
      {
        name: 'X',
        classId: 9,
        dims: [32, 32, 3, labels.length],
        dataType: MI.UINT8,
        data: svhnX(labels.map((_, i) => testImage(i))),
      },
      {
        name: 'y',
        classId: 6,
        dims: [labels.length, 1],
        dataType: MI.DOUBLE,
        data: float64Bytes(labels),
      },
    ],
    { compressed: true },
  );

describe('datasetFromFiles (dropped or CLI files, recognised by name)', () => {
  it('assembles SVHN from train_32x32.mat and test_32x32.mat, with progress over both', async () => {
    const seen: number[] = [];
    const ds = await datasetFromFiles(
      [file('test_32x32.mat', svhn([10, 1])), file('train_32x32.mat', svhn([3, 10, 2]))],
      {
        onProgress: (f) => seen.push(f),
      },
    );
    expect(ds.name).toBe('svhn');
    expect(Array.from(ds.train.labels)).toEqual([3, 0, 2]);
    expect(Array.from(ds.test.labels)).toEqual([0, 1]);
    expect(seen.at(-1)).toBeCloseTo(1, 9);
  });

  it('takes a single split file as that split, the other empty, and says so', async () => {
    const ds = await datasetFromFiles([file('test_32x32.mat', svhn([5]))]);
    expect(ds.train.labels.length).toBe(0);
    expect(ds.test.labels.length).toBe(1);
    expect(ds.splitNote).toMatch(/test file only.*train split empty/);
    const bin = await datasetFromFiles([file('data_batch_2.bin', cifarBin([testImage(1)], [7]))]);
    expect(Array.from(bin.train.labels)).toEqual([7]);
    expect(bin.splitNote).toMatch(/data_batch_2\.bin only \(1 images\) as the train split/);
  });

  it('reads MNIST-format IDX files, gzipped or not, as mnist or fashion-mnist', async () => {
    const imgs = Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i & 0xff);
    const files = [
      file('train-images-idx3-ubyte.gz', gzipSync(encodeIdx([2, 28, 28], imgs))),
      file('train-labels-idx1-ubyte', encodeIdx([2], Uint8Array.of(4, 9))),
      file('t10k-images-idx3-ubyte', encodeIdx([1, 28, 28], imgs.subarray(0, 784))),
      file('t10k-labels-idx1-ubyte.gz', gzipSync(encodeIdx([1], Uint8Array.of(3)))),
    ];
    const ds = await datasetFromFiles(files, { idxDataset: 'fashion-mnist' });
    expect(ds.name).toBe('fashion-mnist');
    expect(ds.classes[9]).toBe('Ankle boot');
    expect(Array.from(ds.train.labels)).toEqual([4, 9]);
    expect(Array.from(ds.test.labels)).toEqual([3]);
    await expect(datasetFromFiles(files.slice(0, 1))).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: its labels file is missing/,
    );
  });

  it('refuses unknown names, mixed kinds, SVHN extra and an incomplete CIFAR set', async () => {
    await expect(datasetFromFiles([file('photo.png', new Uint8Array(3))])).rejects.toThrow(
      /photo\.png: unrecognised file/,
    );
    await expect(
      datasetFromFiles([
        file('test_32x32.mat', svhn([1])),
        file('test_batch.bin', cifarBin([testImage(1)], [1])),
      ]),
    ).rejects.toThrow(/mixed file kinds/);
    await expect(datasetFromFiles([file('extra_32x32.mat', svhn([1]))])).rejects.toThrow(
      /extra set is not used/,
    );
    await expect(
      datasetFromFiles([
        file('data_batch_1.bin', cifarBin([testImage(1)], [1])),
        file('test_batch.bin', cifarBin([testImage(1)], [1])),
      ]),
    ).rejects.toThrow(
      /missing data_batch_2\.bin, data_batch_3\.bin, data_batch_4\.bin, data_batch_5\.bin/,
    );
    await expect(datasetFromFiles([])).rejects.toThrow(/no files given/);
  });
});
