import { fail } from './errors';
import { DIGIT_CLASSES } from './mnist';
import { collectSink, decodeNumeric, matTypeName, MI, readMat, type MatArrayInfo } from './mat';
import type { ByteSource, ProgressFn } from './source';
import type { ImageDataset, ImageSplit } from './types';

/**
 * SVHN cropped digits (format 2): `train_32x32.mat` / `test_32x32.mat` hold X, uint8
 * 32×32×3×N in MATLAB's column-major order (X(:,:,:,i) is image i), and y, N labels 1…10 with
 * 10 meaning digit 0. X is transposed to HWC while it streams in.
 */

export interface SvhnReadOptions {
  fileName?: string;
  totalBytes?: number;
  onProgress?: ProgressFn;
}

/**
 * The most images one SVHN file may hold: 150 000, about twice train_32x32.mat (73 257); larger
 * claims are refused before anything is allocated (extra_32x32.mat is not used).
 */
export const MAX_SVHN_IMAGES = 150_000;

export async function readSvhnMat(
  source: ByteSource,
  options: SvhnReadOptions = {},
): Promise<ImageSplit> {
  const name = options.fileName ?? 'SVHN .mat';
  let images: Uint8Array | null = null;
  let count = 0;
  let labelBytes: { bytes: Uint8Array; info: MatArrayInfo } | null = null;
  const seen = new Set<string>();
  await readMat(source, {
    fileName: name,
    totalBytes: options.totalBytes,
    onProgress: options.onProgress,
    onArray(info) {
      if (info.name === 'X' || info.name === 'y') {
        if (seen.has(info.name))
          fail(`${name}: variable '${info.name}' appears twice (SVHN files hold one X and one y)`);
        seen.add(info.name);
      }
      if (info.name === 'X') {
        const sink = imageSink(info, name);
        count = sink.count;
        return { write: (c) => sink.write(c), end: () => (images = sink.images()) };
      }
      if (info.name === 'y') {
        if (info.dataBytes > MAX_SVHN_IMAGES * 8) {
          fail(
            `${name}: y holds ${info.dims.join('×')} values; NC Lab reads at most ${MAX_SVHN_IMAGES} labels per file`,
          );
        }
        return collectSink((bytes) => (labelBytes = { bytes, info }));
      }
      return null;
    },
  });
  if (!images) fail(`${name}: no variable 'X' (SVHN cropped-digit files hold X and y)`);
  if (!labelBytes) fail(`${name}: no variable 'y' (SVHN cropped-digit files hold X and y)`);
  const { bytes, info } = labelBytes as { bytes: Uint8Array; info: MatArrayInfo };
  const values = decodeNumeric(bytes, info.dataType, info.littleEndian);
  if (values.length !== count)
    fail(`${name}: ${values.length} labels in y for ${count} images in X`);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 1 || v > 10) {
      fail(`${name}: labels out of range: y(${i + 1}) = ${v}; SVHN labels are 1…10 (10 = digit 0)`);
    }
    labels[i] = v === 10 ? 0 : v;
  }
  return { images, labels };
}

/**
 * Writes X's column-major bytes straight into HWC images as they arrive; the buffer grows with
 * the images that actually arrive (doubling), never from the count the header claims.
 */
function imageSink(
  info: MatArrayInfo,
  name: string,
): { write(chunk: Uint8Array): void; images(): Uint8Array; count: number } {
  if (info.dataType !== MI.UINT8) {
    fail(
      `${name}: unsupported MAT element type ${matTypeName(info.dataType)} for X (expected miUINT8 image bytes)`,
    );
  }
  const [h, w, c, n = 1] = info.dims;
  if (info.dims.length < 3 || info.dims.length > 4 || h !== 32 || w !== 32 || c !== 3) {
    fail(
      `${name}: X has dims ${info.dims.join('×')}; expected H×W×3×N (SVHN cropped digits: 32×32×3×N)`,
    );
  }
  if (n < 1) fail(`${name}: X has dims ${info.dims.join('×')}: no images (N = ${n})`);
  if (n > MAX_SVHN_IMAGES) {
    fail(
      `${name}: X claims ${n} images (${info.dims.join('×')}); NC Lab reads at most ${MAX_SVHN_IMAGES} per file`,
    );
  }
  const perImage = h * w * c;
  // Column-major element (r, col, ch) of one image → its HWC offset.
  const map = new Uint32Array(perImage);
  for (let ch = 0; ch < c; ch++)
    for (let col = 0; col < w; col++)
      for (let r = 0; r < h; r++) map[r + h * col + h * w * ch] = (r * w + col) * c + ch;
  let images = new Uint8Array(0);
  let image = 0;
  let e = 0;
  const reserve = (count: number) => {
    if (count * perImage <= images.length) return;
    const next = new Uint8Array(
      perImage * Math.min(n, Math.max(count, (2 * images.length) / perImage, 256)),
    );
    next.set(images);
    images = next;
  };
  return {
    count: n,
    write(chunk) {
      reserve(image + Math.ceil((e + chunk.length) / perImage));
      let base = image * perImage;
      for (let i = 0; i < chunk.length; i++) {
        images[base + map[e]] = chunk[i];
        if (++e === perImage) {
          e = 0;
          image++;
          base += perImage;
        }
      }
    },
    images: () => images,
  };
}

export function svhnDataset(train: ImageSplit, test: ImageSplit, note = ''): ImageDataset {
  return {
    kind: 'images',
    name: 'svhn',
    classes: [...DIGIT_CLASSES],
    shape: [32, 32, 3],
    train,
    test,
    splitNote:
      `SVHN cropped digits, official split: train = train_32x32.mat (${train.labels.length}), ` +
      `test = test_32x32.mat (${test.labels.length}); label 10 → digit 0; extra_32x32.mat not used` +
      note,
  };
}
