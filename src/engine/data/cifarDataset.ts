import { Gunzip } from 'fflate';
import {
  CIFAR_IMAGE_BYTES,
  CifarRecordWriter,
  cifarFileRole,
  defaultCifarClasses,
  emptySplit,
  fixedTarget,
  GrowingTarget,
  parseClassNames,
  recordCount,
  type CifarVariant,
} from './cifar';
import { DatasetError, fail } from './errors';
import {
  chunksOf,
  concatBytes,
  isGzip,
  knownLength,
  throttled,
  type ByteSource,
  type ProgressFn,
} from './source';
import { GzipTrailerCheck, INFLATE_SLICE } from './gzip';
import { TarReader, type TarEntrySink } from './tar';
import type { ImageDataset, ImageSplit } from './types';

/**
 * Builds a CIFAR-10 or CIFAR-100 dataset from the files of the official binary distribution, as
 * they arrive (tar entries or dropped files). Train = data_batch_1..5 in batch order (torchvision's
 * order) or train.bin; test = test_batch.bin or test.bin. Memory follows the data that actually
 * arrives, never a size a header claims: a file's buffer grows with its records, and the 5-batch
 * CIFAR-10 train buffer is allocated once the first batch is complete (the official batches are
 * equal), so later batches are written straight into it.
 */
/** batches.meta.txt / fine_label_names.txt are under 1 KB; they are collected, so bounded. */
const MAX_NAMES_BYTES = 1 << 16;

export class CifarAssembler {
  private variant: CifarVariant | null = null;
  private train: ImageSplit | null = null;
  private test: ImageSplit | null = null;
  private batchRecords = 0;
  private readonly seen = new Set<string>();
  private classes: string[] | null = null;

  constructor(private readonly sourceName: string) {}

  /** A sink for one file, or null when the file is not part of the distribution (readme, meta). */
  file(path: string, size: number): TarEntrySink | null {
    const role = cifarFileRole(path);
    if (!role) return null;
    this.setVariant(role.variant, path);
    const variant = role.variant;
    if (role.kind === 'names') {
      if (size > MAX_NAMES_BYTES)
        fail(`${path}: ${size} bytes is not a class-names file (at most ${MAX_NAMES_BYTES})`);
      const parts: Uint8Array[] = [];
      return {
        data: (c) => parts.push(c.slice()),
        end: () => {
          this.classes = parseClassNames(
            concatBytes(parts),
            variant === 'cifar10' ? 10 : 100,
            path,
          );
        },
      };
    }
    const key =
      role.kind === 'train' && role.variant === 'cifar10' ? `batch${role.batch}` : role.kind;
    if (this.seen.has(key)) fail(`${this.sourceName}: ${path} appears twice`);
    this.seen.add(key);
    const n = recordCount(size, variant, path);
    if (role.kind === 'train' && role.variant === 'cifar10') {
      if (this.batchRecords > 0 && n !== this.batchRecords) {
        fail(
          `${this.sourceName}: ${path} has ${n} records but the first training batch had ` +
            `${this.batchRecords}; the official data_batch_1..5.bin are equal in size`,
        );
      }
      const start = (role.batch - 1) * n;
      if (this.train) {
        // The buffer was sized from a batch that fully arrived: this one writes straight in.
        const writer = new CifarRecordWriter(variant, fixedTarget(this.train), start, n, path);
        return { data: (c) => writer.push(c), end: () => writer.finish() };
      }
      // The first batch grows as its records arrive; once complete it sizes the 5-batch buffer.
      const grown = new GrowingTarget(n);
      const writer = new CifarRecordWriter(variant, grown, 0, n, path);
      return {
        data: (c) => writer.push(c),
        end: () => {
          writer.finish();
          this.batchRecords = n;
          this.train = emptySplit(5 * n);
          this.train.images.set(grown.split.images, start * CIFAR_IMAGE_BYTES);
          this.train.labels.set(grown.split.labels, start);
        },
      };
    }
    const grown = new GrowingTarget(n);
    const writer = new CifarRecordWriter(variant, grown, 0, n, path);
    return {
      data: (c) => writer.push(c),
      end: () => {
        writer.finish();
        if (role.kind === 'test') this.test = grown.split;
        else this.train = grown.split;
      },
    };
  }

  finish(): ImageDataset {
    const variant = this.variant;
    if (!variant) {
      fail(
        `${this.sourceName}: no CIFAR binary files found (expected cifar-10-batches-bin/` +
          `data_batch_1..5.bin and test_batch.bin, or cifar-100-binary/train.bin and test.bin)`,
      );
    }
    const required =
      variant === 'cifar10'
        ? [1, 2, 3, 4, 5]
            .map((b) => [`batch${b}`, `data_batch_${b}.bin`])
            .concat([['test', 'test_batch.bin']])
        : [
            ['train', 'train.bin'],
            ['test', 'test.bin'],
          ];
    const missing = required.filter(([key]) => !this.seen.has(key)).map(([, name]) => name);
    if (missing.length > 0) {
      fail(
        `${this.sourceName}: missing ${missing.join(', ')} (truncated archive or incomplete file set)`,
      );
    }
    const train = this.train!;
    const test = this.test!;
    const label = variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
    const trainFiles = variant === 'cifar10' ? 'data_batch_1..5.bin in batch order' : 'train.bin';
    const testFile = variant === 'cifar10' ? 'test_batch.bin' : 'test.bin';
    return {
      kind: 'images',
      name: variant,
      classes: this.classes ?? defaultCifarClasses(variant),
      shape: [32, 32, 3],
      train,
      test,
      splitNote:
        `${label} official split: train = ${trainFiles} (${train.labels.length} images), ` +
        `test = ${testFile} (${test.labels.length})` +
        (variant === 'cifar100' ? '; fine labels (100 classes)' : ''),
    };
  }

  private setVariant(v: CifarVariant, path: string): void {
    if (this.variant && this.variant !== v) {
      fail(
        `${this.sourceName}: ${path} is a ${v === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} file among ${this.variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100'} files`,
      );
    }
    this.variant = v;
  }
}

export interface ArchiveOptions {
  /** Shown in messages (default "archive"). */
  fileName?: string;
  /** Compressed size, for progress when the source is a stream. */
  totalBytes?: number;
  onProgress?: ProgressFn;
}

/**
 * `cifar-10-binary.tar.gz` / `cifar-100-binary.tar.gz` (or the plain `.tar`), streamed: chunks
 * are inflated (fflate Gunzip), walked as tar and decoded record by record into the final buffers.
 */
export async function readCifarArchive(
  source: ByteSource,
  options: ArchiveOptions = {},
): Promise<ImageDataset> {
  const name = options.fileName ?? 'archive';
  try {
    return await readArchive(source, name, options);
  } catch (e) {
    // A refusal about an entry (its path may be damaged too) also names the archive it came from.
    if (e instanceof DatasetError && !e.message.startsWith(`${name}: `))
      throw new DatasetError(`${name}: ${e.message}`);
    throw e;
  }
}

async function readArchive(
  source: ByteSource,
  name: string,
  options: ArchiveOptions,
): Promise<ImageDataset> {
  const total = options.totalBytes ?? knownLength(source);
  const progress = throttled(options.onProgress);
  const assembler = new CifarAssembler(name);
  let current = '';
  let gunzip: Gunzip | null = null;
  let trailer: GzipTrailerCheck | null = null;
  let tar: TarReader | null = null;
  let first = true;
  let consumed = 0;
  const inflateError = (e: unknown): never => {
    if (e instanceof DatasetError) throw e;
    fail(`${name}: truncated or corrupt gzip data (${(e as Error).message})`);
  };
  for await (const chunk of chunksOf(source)) {
    if (!tar) {
      first = false;
      const gzipped = isGzip(chunk);
      // Entry sizes are checked against the file's length when the tar is not compressed.
      const reader = new TarReader(
        (entry) => {
          current = entry.path;
          return assembler.file(entry.path, entry.size);
        },
        name,
        gzipped ? undefined : total,
      );
      tar = reader;
      if (gzipped) {
        const check = new GzipTrailerCheck(name);
        trailer = check;
        gunzip = new Gunzip((data) => {
          check.inflated(data);
          reader.push(data);
        });
      }
    }
    try {
      trailer?.compressed(chunk);
      if (!gunzip) tar.push(chunk);
      // Small slices bound each inflated piece, so nothing but the output grows with the file.
      else
        for (let o = 0; o < chunk.length; o += INFLATE_SLICE)
          gunzip.push(chunk.subarray(o, o + INFLATE_SLICE), false);
    } catch (e) {
      inflateError(e);
    }
    consumed += chunk.length;
    if (total) progress((0.99 * consumed) / total, `Reading ${name}: ${current}`);
  }
  if (first || !tar) fail(`${name}: empty file`);
  try {
    gunzip?.push(new Uint8Array(0), true);
  } catch (e) {
    inflateError(e);
  }
  tar.finish();
  trailer?.verify();
  const dataset = assembler.finish();
  progress(
    1,
    `Read ${name}: ${dataset.train.labels.length} train, ${dataset.test.labels.length} test images`,
  );
  return dataset;
}

/** Loose `.bin` files (and optionally the class-name `.txt`) of one CIFAR distribution. */
export function cifarFromFiles(
  files: { name: string; bytes: Uint8Array }[],
  sourceName = 'files',
): ImageDataset {
  const assembler = new CifarAssembler(sourceName);
  for (const f of files) {
    const sink = assembler.file(f.name, f.bytes.length);
    if (!sink) fail(`${f.name}: not a file of the CIFAR binary distribution`);
    sink.data(f.bytes);
    sink.end();
  }
  return assembler.finish();
}
