import { fail } from './errors';
import type { ImageSplit } from './types';

/**
 * The official CIFAR binary records: CIFAR-10 `data_batch_1..5.bin` / `test_batch.bin` hold
 * 3073-byte records (label, then the 1024 R, 1024 G, 1024 B bytes, each plane row-major 32×32);
 * CIFAR-100 `train.bin` / `test.bin` hold 3074-byte records (coarse label, fine label, planes).
 * Images come out HWC (the layout of ImageSplit); CIFAR-100 keeps the fine label.
 */
export type CifarVariant = 'cifar10' | 'cifar100';

const PIXELS = 32 * 32;
export const CIFAR_IMAGE_BYTES = 3 * PIXELS;

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

export function recordBytes(variant: CifarVariant): number {
  return variant === 'cifar10' ? CIFAR_IMAGE_BYTES + 1 : CIFAR_IMAGE_BYTES + 2;
}

function variantLabel(variant: CifarVariant): string {
  return variant === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
}

/** Number of records in a file of `byteLength` bytes, refusing sizes that are not whole records. */
export function recordCount(byteLength: number, variant: CifarVariant, fileName: string): number {
  const size = recordBytes(variant);
  if (byteLength === 0) fail(`${fileName}: empty file, expected ${variantLabel(variant)} records`);
  if (byteLength > MAX_CIFAR_RECORDS * size) {
    fail(
      `${fileName}: ${byteLength} bytes claimed, ${Math.floor(byteLength / size)} ${variantLabel(variant)} records; ` +
        `NC Lab reads at most ${MAX_CIFAR_RECORDS} records per file`,
    );
  }
  if (byteLength % size !== 0) {
    fail(
      `${fileName}: wrong record size: ${byteLength} bytes is not a whole number of ` +
        `${size}-byte ${variantLabel(variant)} records (${Math.floor(byteLength / size)} records and ` +
        `${byteLength % size} bytes left over)`,
    );
  }
  return byteLength / size;
}

/**
 * The most records one CIFAR file may hold: 100 000, twice CIFAR-100's train.bin (50 000); a tar
 * header claiming more is refused before anything is allocated.
 */
export const MAX_CIFAR_RECORDS = 100_000;

export function emptySplit(n: number): ImageSplit {
  return { images: new Uint8Array(n * CIFAR_IMAGE_BYTES), labels: new Int32Array(n) };
}

/** Where decoded records go: a split with room for at least `records` records. */
export interface RecordTarget {
  reserve(records: number): ImageSplit;
}

export function fixedTarget(split: ImageSplit): RecordTarget {
  return { reserve: () => split };
}

/**
 * A split that grows (doubling, up to `max` records) as records actually arrive, so a size a
 * header claims costs memory only once the data is there.
 */
export class GrowingTarget implements RecordTarget {
  private current = emptySplit(0);

  constructor(private readonly max: number) {}

  reserve(records: number): ImageSplit {
    const have = this.current.labels.length;
    if (records > have) {
      const next = emptySplit(Math.min(this.max, Math.max(records, 2 * have, 1024)));
      next.images.set(this.current.images);
      next.labels.set(this.current.labels);
      this.current = next;
    }
    return this.current;
  }

  /** The records so far (all `max` of them once the writer finished). */
  get split(): ImageSplit {
    return this.current;
  }
}

/**
 * Decodes records arriving in arbitrary chunks into `target` from record `start` on: a record
 * split across two chunks waits in a 3 KB buffer, everything else is transposed CHW → HWC in place.
 */
export class CifarRecordWriter {
  private readonly size: number;
  private readonly pending: Uint8Array;
  private pendingBytes = 0;
  private written = 0;

  constructor(
    private readonly variant: CifarVariant,
    private readonly target: RecordTarget,
    private readonly start: number,
    private readonly count: number,
    private readonly fileName: string,
  ) {
    this.size = recordBytes(variant);
    this.pending = new Uint8Array(this.size);
  }

  push(chunk: Uint8Array): void {
    let o = 0;
    if (this.pendingBytes > 0) {
      const take = Math.min(this.size - this.pendingBytes, chunk.length);
      this.pending.set(chunk.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      o = take;
      if (this.pendingBytes < this.size) return;
      this.writeRecord(this.pending, 0);
      this.pendingBytes = 0;
    }
    for (; o + this.size <= chunk.length; o += this.size) this.writeRecord(chunk, o);
    if (o < chunk.length) {
      this.pending.set(chunk.subarray(o), 0);
      this.pendingBytes = chunk.length - o;
    }
  }

  /** Throws unless exactly `count` records arrived. */
  finish(): void {
    if (this.written !== this.count || this.pendingBytes !== 0) {
      const got = this.written * this.size + this.pendingBytes;
      fail(`${this.fileName}: truncated: ${got} of ${this.count * this.size} bytes`);
    }
  }

  private writeRecord(src: Uint8Array, o: number): void {
    if (this.written >= this.count) {
      fail(`${this.fileName}: more than the ${this.count} records its size announced`);
    }
    const index = this.written;
    let label: number;
    if (this.variant === 'cifar10') {
      label = src[o];
      if (label > 9)
        fail(
          `${this.fileName}: labels out of range: record ${index} has label ${label}, CIFAR-10 labels are 0…9`,
        );
    } else {
      const coarse = src[o];
      label = src[o + 1];
      if (coarse > 19 || label > 99) {
        fail(
          `${this.fileName}: labels out of range: record ${index} has coarse label ${coarse} (0…19) ` +
            `and fine label ${label} (0…99)`,
        );
      }
    }
    const planes = o + this.size - CIFAR_IMAGE_BYTES;
    const split = this.target.reserve(this.start + index + 1);
    const dst = (this.start + index) * CIFAR_IMAGE_BYTES;
    const images = split.images;
    for (let p = 0; p < PIXELS; p++) {
      const d = dst + 3 * p;
      images[d] = src[planes + p];
      images[d + 1] = src[planes + PIXELS + p];
      images[d + 2] = src[planes + 2 * PIXELS + p];
    }
    split.labels[this.start + index] = label;
    this.written++;
  }
}

/** One whole `.bin` file in memory → an ImageSplit (HWC bytes, labels). */
export function parseCifarBin(
  bytes: Uint8Array,
  variant: CifarVariant,
  fileName: string,
): ImageSplit {
  const n = recordCount(bytes.length, variant, fileName);
  const split = emptySplit(n);
  const writer = new CifarRecordWriter(variant, fixedTarget(split), 0, n, fileName);
  writer.push(bytes);
  writer.finish();
  return split;
}

/** What a file in the official CIFAR distributions is, from its base name. */
export type CifarFileRole =
  | { variant: 'cifar10'; kind: 'train'; batch: number }
  | { variant: CifarVariant; kind: 'test' }
  | { variant: 'cifar100'; kind: 'train' }
  | { variant: CifarVariant; kind: 'names' };

export function cifarFileRole(path: string): CifarFileRole | null {
  const base = path.split('/').pop() ?? path;
  const batch = /^data_batch_([1-5])\.bin$/.exec(base);
  if (batch) return { variant: 'cifar10', kind: 'train', batch: Number(batch[1]) };
  if (base === 'test_batch.bin') return { variant: 'cifar10', kind: 'test' };
  if (base === 'batches.meta.txt') return { variant: 'cifar10', kind: 'names' };
  if (base === 'train.bin') return { variant: 'cifar100', kind: 'train' };
  if (base === 'test.bin') return { variant: 'cifar100', kind: 'test' };
  if (base === 'fine_label_names.txt') return { variant: 'cifar100', kind: 'names' };
  return null;
}

/** Class names from `batches.meta.txt` / `fine_label_names.txt` (one per line). */
export function parseClassNames(bytes: Uint8Array, expected: number, fileName: string): string[] {
  const names = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== expected) {
    fail(`${fileName}: ${names.length} class names, expected ${expected}`);
  }
  return names;
}

export function defaultCifarClasses(variant: CifarVariant): string[] {
  return variant === 'cifar10'
    ? [...CIFAR10_CLASSES]
    : Array.from({ length: 100 }, (_, i) => `class ${i}`);
}
