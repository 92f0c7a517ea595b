// Property-based fuzzing of every dataset file format (issue 14, finding 7): valid files from the
// test writers, mutated (truncation, bit flips, bytes and words set to hostile sizes, duplicated
// or deleted parts, header size fields claiming more than the data), must either parse into a
// consistent dataset or be refused with a DatasetError naming the file, within the per-case time
// and memory bounds (src/engine/testing/fuzz.ts). Damage confined to a gzip layer must never
// yield a different dataset (the CRC-32 makes it all or nothing).
import { gzipSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCifarArchive } from './cifarDataset';
import { DatasetError } from './errors';
import { datasetFromFiles } from './files';
import { encodeIdx } from './idx';
import { MI } from './mat';
import { readSvhnMat } from './svhn';
import type { ImageDataset, ImageSplit } from './types';
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
} from '../testing/dataWriters';
import {
  checkBounds,
  checkRefusal,
  chunked,
  fuzzParameters,
  HOSTILE_WORDS,
  maybeMutations,
  mutate,
  mutations,
  runCase,
  type MemoryProbe,
} from '../testing/fuzz';

/** Images × shape and labels agree, and every label is a class of the dataset. */
function checkSplit(split: ImageSplit, pixels: number, classes: number, what: string): void {
  if (split.images.length !== split.labels.length * pixels)
    throw new Error(
      `${what}: ${split.images.length} image bytes for ${split.labels.length} labels`,
    );
  for (const y of split.labels)
    if (!(y >= 0 && y < classes)) throw new Error(`${what}: label ${y} outside 0..${classes - 1}`);
}

function checkDataset(ds: ImageDataset): void {
  const pixels = ds.shape[0] * ds.shape[1] * ds.shape[2];
  checkSplit(ds.train, pixels, ds.classes.length, 'train');
  checkSplit(ds.test, pixels, ds.classes.length, 'test');
  if (ds.train.labels.length + ds.test.labels.length === 0) throw new Error('no samples at all');
}

/**
 * One fuzz case: a consistent dataset (equal to `pristine` when given) or a DatasetError naming
 * one of `names`, within the time and memory bounds.
 */
async function property(
  names: readonly string[],
  parse: (probe: MemoryProbe) => Promise<ImageDataset>,
  pristine?: ImageDataset,
): Promise<void> {
  const r = await runCase(parse);
  checkBounds(r, names[0]);
  if (!r.ok) {
    checkRefusal(r.error, [DatasetError], names);
    return;
  }
  checkDataset(r.value);
  if (pristine) {
    for (const side of ['train', 'test'] as const) {
      expect(Array.from(r.value[side].labels)).toEqual(Array.from(pristine[side].labels));
      expect(Buffer.compare(r.value[side].images, pristine[side].images)).toBe(0);
    }
  }
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const layer = fc.constantFrom('inner' as const, 'outer' as const);

describe('fuzz: IDX files, raw and gzipped', () => {
  const idxPair = fc
    .record({
      n: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: 5 }),
      w: fc.integer({ min: 1, max: 5 }),
    })
    .chain(({ n, h, w }) =>
      fc.record({
        dims: fc.constant([n, h, w]),
        pixels: bytes(n * h * w),
        labels: fc.array(fc.nat(9), { minLength: n, maxLength: n }),
      }),
    );

  it('every mutated IDX images/labels pair parses consistently or is refused naming a file', async () => {
    await fc.assert(
      fc.asyncProperty(
        idxPair,
        fc.boolean(),
        layer,
        maybeMutations,
        fc.constantFrom('images', 'labels', 'both'),
        fc.option(fc.record({ dim: fc.nat(2), value: fc.constantFrom(...HOSTILE_WORDS) })),
        async (pair, gz, where, muts, target, claim) => {
          const suffix = gz ? '.gz' : '';
          const names = [`train-images-idx3-ubyte${suffix}`, `train-labels-idx1-ubyte${suffix}`];
          const raw = [
            encodeIdx([...pair.dims], pair.pixels),
            encodeIdx([pair.labels.length], Uint8Array.from(pair.labels)),
          ];
          const read = (sources: Uint8Array[]) =>
            datasetFromFiles(
              sources.map((source, i) => ({ name: names[i], source, size: source.length })),
            );
          const files = raw.map((pristine, i) => {
            let b = pristine;
            if (claim && i === 0) {
              // a header size: one of the big-endian dims words after the magic
              b = b.slice();
              new DataView(b.buffer).setUint32(4 + 4 * claim.dim, claim.value, false);
            }
            const hit = target === 'both' || (target === 'images') === (i === 0);
            const inner = hit && (!gz || where === 'inner') ? mutate(b, muts) : b;
            const outer = gz ? gzipSync(inner) : inner;
            return hit && gz && where === 'outer' ? mutate(outer, muts) : outer;
          });
          const pristine =
            gz && where === 'outer' && !claim ? await read(raw.map((b) => gzipSync(b))) : undefined;
          await property(names, () => read(files), pristine);
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: CIFAR-10 / CIFAR-100 .bin files', () => {
  it('every mutated .bin file parses consistently or is refused naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('data_batch_1.bin', 'test_batch.bin', 'train.bin', 'test.bin'),
        fc.integer({ min: 1, max: 3 }),
        mutations,
        async (name, n, muts) => {
          const images = Array.from({ length: n }, (_, i) => testImage(i + 1));
          const cifar100 = name === 'train.bin' || name === 'test.bin';
          const file = cifar100
            ? cifarBin(
                images,
                images.map((_, i) => 97 - i),
                images.map((_, i) => 19 - i),
              )
            : cifarBin(
                images,
                images.map((_, i) => 9 - i),
              );
          const source = mutate(file, muts);
          await property([name], () => datasetFromFiles([{ name, source, size: source.length }]));
        },
      ),
      fuzzParameters(80),
    );
  });
});

describe('fuzz: CIFAR .tar.gz and .tar archives', () => {
  function archive(variant: 'cifar10' | 'cifar100', withNames: boolean): Uint8Array {
    const img = (i: number) => testImage(i);
    const files =
      variant === 'cifar10'
        ? [1, 2, 3, 4, 5]
            .map((b) => ({
              path: `cifar-10-batches-bin/data_batch_${b}.bin`,
              bytes: cifarBin([img(b)], [b % 10]),
            }))
            .concat([
              { path: 'cifar-10-batches-bin/test_batch.bin', bytes: cifarBin([img(7)], [7]) },
            ])
        : [
            {
              path: 'cifar-100-binary/train.bin',
              bytes: cifarBin([img(1), img(2)], [5, 99], [1, 19]),
            },
            { path: 'cifar-100-binary/test.bin', bytes: cifarBin([img(3)], [42], [7]) },
          ];
    if (withNames && variant === 'cifar10') {
      const names = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n';
      files.unshift({
        path: 'cifar-10-batches-bin/batches.meta.txt',
        bytes: new TextEncoder().encode(names),
      });
    }
    return tarArchive(files);
  }

  it('every mutated archive, streamed or in memory, parses consistently or is refused naming the archive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('cifar10' as const, 'cifar100' as const),
        fc.boolean(),
        fc.boolean(),
        layer,
        fc.boolean(),
        maybeMutations,
        fc.option(fc.constantFrom(...HOSTILE_WORDS, 90_000 * 3073, 300_000 * 3073, 2 ** 33)),
        async (variant, withNames, gz, where, stream, muts, claim) => {
          const name = `${variant === 'cifar10' ? 'cifar-10' : 'cifar-100'}-binary.tar${gz ? '.gz' : ''}`;
          const whole = archive(variant, withNames);
          // a header size: the first entry's size field claims `claim` bytes
          const tar = claim === null ? whole : claimTarSize(whole, 0, claim);
          const inner = !gz || where === 'inner' ? mutate(tar, muts) : tar;
          const file = gz
            ? where === 'outer'
              ? mutate(gzipSync(inner), muts)
              : gzipSync(inner)
            : inner;
          const pristine =
            gz && where === 'outer' && claim === null
              ? await readCifarArchive(tar, { fileName: name })
              : undefined;
          await property(
            [name],
            (probe) =>
              readCifarArchive(stream ? chunked(file, 1000, probe) : file, { fileName: name }),
            pristine,
          );
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: header sizes alone, streamed (memory sampled while the parser runs)', () => {
  it('a CIFAR archive whose entry claims any size allocates only what arrives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        // whole records (3073 bytes each), else the size is refused before any allocation
        fc.oneof(
          fc.constantFrom(...HOSTILE_WORDS).map((r) => r * 3073),
          fc.integer({ min: 1, max: 2 ** 21 }).map((r) => r * 3073),
          fc.integer({ min: 1, max: 2 ** 33 }),
        ),
        async (gz, n, claim) => {
          const name = gz ? 'cifar-10-binary.tar.gz' : 'cifar-10-binary.tar';
          const tar = claimTarSize(
            tarArchive([
              {
                path: 'cifar-10-batches-bin/data_batch_1.bin',
                bytes: cifarBin(
                  Array.from({ length: n }, (_, i) => testImage(i)),
                  Array.from({ length: n }, (_, i) => i),
                ),
              },
            ]),
            0,
            claim,
          );
          const file = gz ? gzipSync(tar) : tar;
          await property([name], (probe) =>
            readCifarArchive(chunked(file, 512, probe), { fileName: name }),
          );
        },
      ),
      fuzzParameters(30),
    );
  });

  it('an SVHN X whose header claims any image count allocates only what arrives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(fc.constantFrom(...HOSTILE_WORDS), fc.integer({ min: 1, max: 1_400_000 })),
        async (compressed, n, images) => {
          const name = 'test_32x32.mat';
          const X = matFile([
            {
              name: 'X',
              classId: 9,
              dims: [32, 32, 3, n],
              dataType: MI.UINT8,
              data: svhnX(Array.from({ length: n }, (_, i) => testImage(i))),
            },
          ]).slice(128);
          const view = new DataView(X.buffer);
          view.setInt32(44, images, true); // dims[3]
          view.setUint32(60, (images * 3072) >>> 0, true); // data bytes
          view.setUint32(4, (56 + images * 3072) >>> 0, true); // element size
          const file = concat([matFile([]), compressed ? matCompressed(X) : X]);
          await property([name], async (probe) => {
            const split = await readSvhnMat(chunked(file, 512, probe), { fileName: name });
            return {
              kind: 'images',
              name: 'svhn',
              classes: Array.from({ length: 10 }, (_, i) => String(i)),
              shape: [32, 32, 3],
              train: split,
              test: { images: new Uint8Array(0), labels: new Int32Array(0) },
              splitNote: '',
            };
          });
        },
      ),
      fuzzParameters(30),
    );
  });
});

describe('fuzz: SVHN .mat, compressed and not', () => {
  const emptySplit = (): ImageSplit => ({ images: new Uint8Array(0), labels: new Int32Array(0) });

  it('every mutated .mat file, streamed or in memory, parses consistently or is refused naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        maybeMutations,
        fc.option(
          fc.record({
            field: fc.constantFrom(4, 44, 60),
            value: fc.constantFrom(...HOSTILE_WORDS, 100_000 * 3072, 1_300_000 * 3072),
          }),
        ),
        async (n, compressed, littleEndian, uint8Labels, stream, muts, claim) => {
          const name = 'train_32x32.mat';
          const images = Array.from({ length: n }, (_, i) => testImage(i + 1));
          const labels = images.map((_, i) => (i % 10) + 1);
          const X = matFile(
            [
              {
                name: 'X',
                classId: 9,
                dims: [32, 32, 3, n],
                dataType: MI.UINT8,
                data: svhnX(images),
              },
            ],
            { littleEndian },
          ).slice(128);
          const y = matFile(
            [
              {
                name: 'y',
                classId: 6,
                dims: [n, 1],
                dataType: uint8Labels ? MI.UINT8 : MI.DOUBLE,
                data: uint8Labels ? Uint8Array.from(labels) : float64Bytes(labels, littleEndian),
              },
            ],
            { littleEndian },
          ).slice(128);
          if (claim) {
            // a header size of X: element size (byte 4), dims[3] (44) or data bytes (60)
            new DataView(X.buffer).setUint32(claim.field, claim.value, littleEndian);
          }
          const header = matFile([], { littleEndian });
          const file = compressed
            ? concat([header, matCompressed(X, littleEndian), matCompressed(y, littleEndian)])
            : concat([header, X, y]);
          const source = mutate(file, muts);
          await property([name], async (probe) => {
            const split = await readSvhnMat(stream ? chunked(source, 700, probe) : source, {
              fileName: name,
            });
            return {
              kind: 'images',
              name: 'svhn',
              classes: Array.from({ length: 10 }, (_, i) => String(i)),
              shape: [32, 32, 3],
              train: split,
              test: emptySplit(),
              splitNote: '',
            };
          });
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: the mutation helpers', () => {
  it('truncate and duplicate do what they say (so the properties are not vacuous)', () => {
    expect(mutate(Uint8Array.from([1, 2, 3, 4]), [{ kind: 'truncate', at: 2 }])).toEqual(
      Uint8Array.from([1, 2]),
    );
    expect(
      mutate(Uint8Array.from([1, 2, 3, 4]), [{ kind: 'duplicate', at: 1, length: 2 }]),
    ).toEqual(Uint8Array.from([1, 2, 3, 2, 3, 4]));
    expect(mutate(Uint8Array.from([1, 2, 3, 4]), [{ kind: 'delete', at: 1, length: 2 }])).toEqual(
      Uint8Array.from([1, 4]),
    );
  });
});
