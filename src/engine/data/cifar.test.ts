import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCifarBin } from './cifar';
import { cifarFromFiles, readCifarArchive } from './cifarDataset';
import { cifarBin, concat, tarArchive, testImage } from '../testing/dataWriters';

const img = (s: number) => testImage(s);

/** A CIFAR-10 distribution with 2 images per batch and 3 test images, in archive order. */
function cifar10Files() {
  const files: { path: string; bytes: Uint8Array }[] = [
    {
      path: 'cifar-10-batches-bin/batches.meta.txt',
      bytes: new TextEncoder().encode(
        'plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n',
      ),
    },
  ];
  for (let b = 1; b <= 5; b++) {
    files.push({
      path: `cifar-10-batches-bin/data_batch_${b}.bin`,
      bytes: cifarBin([img(10 * b), img(10 * b + 1)], [b, (b + 5) % 10]),
    });
  }
  files.push({
    path: 'cifar-10-batches-bin/test_batch.bin',
    bytes: cifarBin([img(1), img(2), img(3)], [9, 0, 4]),
  });
  files.push({
    path: 'cifar-10-batches-bin/readme.html',
    bytes: new TextEncoder().encode('<html></html>'),
  });
  return files;
}

function imageAt(images: Uint8Array, i: number) {
  return Array.from(images.subarray(i * 3072, (i + 1) * 3072));
}

/** A byte source that hands out `size`-byte chunks, like a file stream. */
async function* inChunks(bytes: Uint8Array, size: number) {
  for (let o = 0; o < bytes.length; o += size) yield bytes.subarray(o, o + size);
}

describe('CIFAR binary records', () => {
  it('decodes label + CHW planes into HWC images', () => {
    const split = parseCifarBin(cifarBin([img(1), img(2)], [3, 7]), 'cifar10', 'data_batch_1.bin');
    expect(Array.from(split.labels)).toEqual([3, 7]);
    expect(imageAt(split.images, 0)).toEqual(Array.from(img(1)));
    expect(imageAt(split.images, 1)).toEqual(Array.from(img(2)));
    // pixel (row 0, col 1) of image 0: bytes 1, 1025, 2049 of the record's planes
    const rec = cifarBin([img(1)], [3]);
    expect([split.images[3], split.images[4], split.images[5]]).toEqual([
      rec[2],
      rec[1026],
      rec[2050],
    ]);
  });

  it('uses the fine label of CIFAR-100 records', () => {
    const split = parseCifarBin(
      cifarBin([img(4), img(5)], [42, 99], [3, 19]),
      'cifar100',
      'train.bin',
    );
    expect(Array.from(split.labels)).toEqual([42, 99]);
    expect(imageAt(split.images, 1)).toEqual(Array.from(img(5)));
  });

  it('refuses a wrong record size', () => {
    const bytes = concat([cifarBin([img(1)], [1]), new Uint8Array(5)]);
    expect(() => parseCifarBin(bytes, 'cifar10', 'data_batch_1.bin')).toThrow(
      /data_batch_1\.bin: wrong record size: 3078 bytes is not a whole number of 3073-byte CIFAR-10 records/,
    );
    // CIFAR-100 records read as CIFAR-10 do not divide either
    expect(() =>
      parseCifarBin(cifarBin([img(1), img(2)], [1, 2], [0, 0]), 'cifar10', 'test_batch.bin'),
    ).toThrow(/3073-byte/);
  });

  it('refuses labels out of range', () => {
    expect(() => parseCifarBin(cifarBin([img(1), img(2)], [3, 10]), 'cifar10', 'b.bin')).toThrow(
      /b\.bin: labels out of range: record 1 has label 10, CIFAR-10 labels are 0…9/,
    );
    expect(() => parseCifarBin(cifarBin([img(1)], [100], [1]), 'cifar100', 'train.bin')).toThrow(
      /labels out of range: record 0 has coarse label 1 \(0…19\) and fine label 100/,
    );
  });
});

describe('CIFAR archives (.tar.gz, streamed)', () => {
  it('reads cifar-10-binary.tar.gz in small chunks: batches in order, names from batches.meta.txt, progress to 1', async () => {
    const files = cifar10Files();
    // archive order differs from batch order: batch 3 first
    const ordered = [files[3], ...files.filter((_, i) => i !== 3)];
    const gz = gzipSync(tarArchive(ordered));
    const progress: number[] = [];
    const ds = await readCifarArchive(inChunks(gz, 777), {
      fileName: 'cifar-10-binary.tar.gz',
      totalBytes: gz.length,
      onProgress: (f) => progress.push(f),
    });
    expect(ds.name).toBe('cifar10');
    expect(ds.classes[1]).toBe('car');
    expect(Array.from(ds.train.labels)).toEqual([1, 6, 2, 7, 3, 8, 4, 9, 5, 0]);
    expect(imageAt(ds.train.images, 4)).toEqual(Array.from(img(30)));
    expect(imageAt(ds.train.images, 9)).toEqual(Array.from(img(51)));
    expect(Array.from(ds.test.labels)).toEqual([9, 0, 4]);
    expect(imageAt(ds.test.images, 2)).toEqual(Array.from(img(3)));
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  });

  it('reads a web ReadableStream (what File.stream() gives in the browser)', async () => {
    const gz = gzipSync(tarArchive(cifar10Files()));
    const ds = await readCifarArchive(new Blob([gz]).stream(), {
      fileName: 'cifar-10-binary.tar.gz',
    });
    expect(Array.from(ds.test.labels)).toEqual([9, 0, 4]);
    expect(imageAt(ds.train.images, 0)).toEqual(Array.from(img(10)));
  });

  it('reads a plain .tar and loose .bin files the same way', async () => {
    const files = cifar10Files();
    const fromTar = await readCifarArchive(tarArchive(files), { fileName: 'cifar.tar' });
    const loose = cifarFromFiles(
      files
        .map((f) => ({ name: f.path.split('/')[1], bytes: f.bytes }))
        .filter((f) => f.name.endsWith('.bin')),
    );
    expect(Array.from(loose.train.labels)).toEqual(Array.from(fromTar.train.labels));
    expect(Array.from(loose.train.images)).toEqual(Array.from(fromTar.train.images));
    expect(loose.classes[0]).toBe('airplane'); // no batches.meta.txt: the built-in names
  });

  it('reads cifar-100-binary.tar.gz with fine labels', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n');
    const gz = gzipSync(
      tarArchive([
        { path: 'cifar-100-binary/fine_label_names.txt', bytes: new TextEncoder().encode(names) },
        {
          path: 'cifar-100-binary/train.bin',
          bytes: cifarBin([img(1), img(2), img(3)], [0, 55, 99], [4, 5, 6]),
        },
        { path: 'cifar-100-binary/test.bin', bytes: cifarBin([img(4)], [17], [8]) },
      ]),
    );
    const ds = await readCifarArchive(gz, { fileName: 'cifar-100-binary.tar.gz' });
    expect(ds.name).toBe('cifar100');
    expect(ds.classes[55]).toBe('fine55');
    expect(Array.from(ds.train.labels)).toEqual([0, 55, 99]);
    expect(Array.from(ds.test.labels)).toEqual([17]);
    expect(imageAt(ds.test.images, 0)).toEqual(Array.from(img(4)));
  });

  it('refuses a truncated archive, inside the gzip stream and inside an entry', async () => {
    const tar = tarArchive(cifar10Files());
    const gz = gzipSync(tar);
    await expect(
      readCifarArchive(gz.subarray(0, Math.floor(gz.length / 2)), { fileName: 'c.tar.gz' }),
    ).rejects.toThrow(/c\.tar\.gz: (truncated or corrupt gzip data|truncated archive)/);
    // In memory the length is known: the entry's claim is refused before its data is read.
    await expect(
      readCifarArchive(tar.subarray(0, 512 * 20 + 100), { fileName: 'c.tar' }),
    ).rejects.toThrow(
      /c\.tar: the tar header of cifar-10-batches-bin\/data_batch_\d\.bin claims \d+ bytes, more than the \d+ bytes left in the file/,
    );
    // Streamed (length unknown), the end of the data inside the entry is what gives it away.
    async function* streamed(): AsyncGenerator<Uint8Array> {
      yield tar.subarray(0, 512 * 20 + 100);
    }
    await expect(readCifarArchive(streamed(), { fileName: 'c.tar' })).rejects.toThrow(
      /c\.tar: truncated archive: it ends inside cifar-10-batches-bin\/data_batch_\d\.bin \(\d+ bytes missing\)/,
    );
  });

  it('refuses an archive missing a batch', async () => {
    const files = cifar10Files().filter((f) => !f.path.endsWith('data_batch_4.bin'));
    await expect(
      readCifarArchive(gzipSync(tarArchive(files)), { fileName: 'c.tgz' }),
    ).rejects.toThrow(/c\.tgz: missing data_batch_4\.bin/);
  });

  it('refuses corrupt gzip data and a corrupt tar header', async () => {
    const gz = gzipSync(tarArchive(cifar10Files()));
    const bad = gz.slice();
    for (let i = 30; i < 60; i++) bad[i] ^= 0xa5;
    await expect(readCifarArchive(bad, { fileName: 'c.tar.gz' })).rejects.toThrow(
      /c\.tar\.gz: truncated or corrupt gzip data \(invalid/,
    );
    const tar = tarArchive(cifar10Files());
    tar[3] ^= 0x01;
    await expect(readCifarArchive(tar, { fileName: 'c.tar' })).rejects.toThrow(
      /c\.tar: corrupt tar header at byte 0 \(checksum/,
    );
  });

  it('refuses a record of the wrong size inside the archive and an archive without CIFAR files', async () => {
    const files = cifar10Files();
    files[2] = { path: files[2].path, bytes: concat([files[2].bytes, new Uint8Array(1)]) };
    await expect(readCifarArchive(tarArchive(files), { fileName: 'c.tar' })).rejects.toThrow(
      /data_batch_2\.bin: wrong record size/,
    );
    await expect(
      readCifarArchive(tarArchive([{ path: 'x/readme.txt', bytes: new Uint8Array(3) }]), {
        fileName: 'x.tar',
      }),
    ).rejects.toThrow(/x\.tar: no CIFAR binary files found/);
  });
});
