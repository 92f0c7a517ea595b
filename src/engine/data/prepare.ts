import { createRng, shuffleInPlace, type Rng } from '../core/rng';
import { fail } from './errors';
import { applyCorruption, latentRelabel, resampleNoise } from './labelNoise';
import { DATASET_NORMALIZATION, normalizationTable, type Normalization } from './normalization';
import { createResizer } from './resize';
import type { Dataset, ImageDataset, PreparedData, PreparedSplit, VectorDataset } from './types';

/**
 * From a stored dataset to what a trainer consumes (as Nguyen et al.'s and Dang et al.'s
 * datasets*.py do it; docs/memorization-dilation.md §2):
 *  1. class selection, remapped to 0…K−1 in the given order, file order kept;
 *  2. per-class counts: the first n_k samples of each class in index order (n_k = 0 keeps none —
 *     seed 000's subset loop always keeps a class's first sample, a bug not copied);
 *  3. four-class problem only: shuffle the stored set (seeded);
 *  4. label noise on the stored training set (train + val), never on test: seed 002's resample
 *     noise with rate η, or an explicit list of corrupted positions;
 *  5. four-class problem: latent relabelling y → y + 2 with probability `degree` (K = 2 → 4);
 *  6. validation = the first ⌊f·N⌋ samples of the stored training set, train = the rest;
 *  7. test = the chosen classes of the test split (optionally the first n_k of each).
 * All draws come from one seeded stream (src/engine/core/rng.ts) in that order. Model inputs are made
 * per batch by `fill`, never for the whole set.
 */
export interface PrepareOptions {
  /** Source labels to keep, in order: classes[j] becomes label j. Default: all. */
  classes?: number[];
  /** Training samples per chosen class (first n_k in index order). Default: all. */
  trainPerClass?: number[];
  /** Test samples per chosen class. Default: all. */
  testPerClass?: number[];
  /** Share of the stored training set held out as validation (its first ⌊f·N⌋ samples). Default 0. */
  valFraction?: number;
  /** η of seed 002's resample noise. Default 0. */
  labelNoise?: number;
  /** Explicit corrupted positions in the stored training set; labels needed when K > 2. */
  corrupted?: { indices: ArrayLike<number>; labels?: ArrayLike<number> };
  /** Seed 002's `--fourclass_problem` with `--fc_noise_degree` = degree (needs K = 2). */
  fourClass?: { degree: number };
  /** Seeds every draw (shuffle, noise, latent relabelling). Default 1. */
  seed?: number;
  /** 'flat' (MLP, torch order) or 'image' (NHWC for convolutions). Default 'flat'. */
  input?: 'flat' | 'image';
  /** Output channels: 3 turns a grey image into 3 equal channels (torchvision Grayscale(3)). */
  channels?: number;
  /** Output height = width, resized as torchvision Resize on a PIL image (e.g. 28 → 32). */
  size?: number;
  /** 'dataset' (the reference constants), 'none' (x/255 only) or explicit per-channel values. */
  normalization?: 'dataset' | 'none' | { mean: number[]; std: number[] };
}

export function prepareData(dataset: Dataset, options: PrepareOptions = {}): PreparedData {
  const notes: string[] = [];
  const seed = options.seed ?? 1;
  const chosen = chooseClasses(dataset, options, notes);
  let { K, classes } = chosen;
  const stored = selectRows(
    dataset.train.labels,
    chosen.map,
    K,
    options.trainPerClass,
    'train',
    classes,
  );
  const test = selectRows(
    dataset.test.labels,
    chosen.map,
    K,
    options.testPerClass,
    'test',
    classes,
  );
  if (options.trainPerClass) {
    notes.push(
      `train: first ${options.trainPerClass.join(', ')} per class in file order (N = ${stored.rows.length})`,
    );
  }
  if (options.testPerClass)
    notes.push(`test: first ${options.testPerClass.join(', ')} per class in file order`);

  const rng = createRng(seed);
  if (options.fourClass) {
    if (K !== 2) fail(`fourClass: the four-class problem needs exactly 2 classes, got ${K}`);
    shuffleSelection(stored, rng);
    notes.push(`four-class problem: stored training set shuffled (seed ${seed})`);
  }
  const original = stored.labels.slice();
  corruptLabels(stored.labels, K, options, rng, notes);
  if (options.fourClass) {
    const moved = latentRelabel(stored.labels, options.fourClass.degree, rng);
    classes = [...classes, ...classes.map((c) => `${c} (latent)`)];
    K = 4;
    notes.push(
      `latent classes 2, 3: ${moved} of ${stored.rows.length} samples moved to the latent copy of their ` +
        `class (degree ${options.fourClass.degree}); test keeps labels 0, 1`,
    );
  }
  const splits = {
    ...splitStored(stored, original, options.valFraction ?? 0, notes),
    test: preparedSplit(test.rows, test.labels, test.labels.slice()),
  };
  const inputs =
    dataset.kind === 'images'
      ? imageInputs(dataset, options, notes)
      : vectorInputs(dataset, options);
  return {
    name: dataset.name,
    K,
    classes,
    inputShape: inputs.shape,
    inputSize: inputs.size,
    ...splits,
    fill: filler(splits, inputs),
    notes,
    inputForm: options.input ?? 'flat',
    valueRange: () => inputs.range([splits.train, splits.val], splits.test),
  };
}

function chooseClasses(dataset: Dataset, options: PrepareOptions, notes: string[]) {
  const sourceK = dataset.classes.length;
  const chosen = options.classes ?? Array.from({ length: sourceK }, (_, i) => i);
  checkClasses(chosen, sourceK);
  const map = new Int32Array(sourceK).fill(-1);
  chosen.forEach((c, j) => (map[c] = j));
  if (options.classes) {
    const list = chosen.map((c) => `${c} (${dataset.classes[c]})`).join(', ');
    notes.push(`classes ${list} → labels 0…${chosen.length - 1}`);
  }
  return { K: chosen.length, classes: chosen.map((c) => dataset.classes[c]), map };
}

function shuffleSelection(s: Selection, rng: Rng): void {
  const order = shuffleInPlace(
    rng,
    Array.from({ length: s.rows.length }, (_, i) => i),
  );
  const rows = s.rows;
  const labels = s.labels;
  s.rows = Int32Array.from(order, (i) => rows[i]);
  s.labels = Int32Array.from(order, (i) => labels[i]);
}

/** Resample noise with rate η, or an explicit corrupted list (never both), in place. */
function corruptLabels(
  labels: Int32Array,
  K: number,
  options: PrepareOptions,
  rng: Rng,
  notes: string[],
): void {
  const eta = options.labelNoise ?? 0;
  const N = labels.length;
  if (eta > 0 && options.corrupted)
    fail('labelNoise and corrupted are exclusive: give one of them');
  if (eta < 0) fail(`labelNoise: η = ${eta} must lie in [0, 1]`);
  if (eta > 0) {
    const { redrawn, changed } = resampleNoise(labels, K, eta, rng);
    notes.push(
      `label noise η = ${eta} (seed ${options.seed ?? 1}): ${redrawn} labels redrawn uniformly from ${K} ` +
        `classes (the draw may return the same class), ${changed} of ${N} changed (${pct(changed, N)}; ` +
        `expected η(K−1)/K = ${pct(eta * (K - 1), K)})`,
    );
  }
  if (options.corrupted) {
    const n = applyCorruption(labels, K, options.corrupted.indices, options.corrupted.labels);
    notes.push(
      `corrupted labels from an explicit list: ${n} of ${N} (${pct(n, N)}), stored training order`,
    );
  }
}

/** Validation = the first ⌊f·N⌋ of the stored training set, train = the rest. */
function splitStored(stored: Selection, original: Int32Array, f: number, notes: string[]) {
  if (!(f >= 0 && f < 1)) fail(`valFraction ${f} must lie in [0, 1)`);
  const N = stored.rows.length;
  const nVal = Math.floor(f * N);
  if (nVal > 0) {
    notes.push(
      `validation: the first ${nVal} samples (${f * 100} %) of the stored training set, unshuffled; ` +
        `train: the other ${N - nVal}`,
    );
  }
  const part = (a: number, b: number) => {
    const s = preparedSplit(
      stored.rows.slice(a, b),
      stored.labels.slice(a, b),
      original.slice(a, b),
    );
    s.storedIndex = s.storedIndex.map((i) => i + a);
    return s;
  };
  return { train: part(nVal, N), val: part(0, nVal) };
}

function preparedSplit(
  rows: Int32Array,
  labels: Int32Array,
  originalLabels: Int32Array,
): PreparedSplit {
  return {
    n: rows.length,
    labels,
    originalLabels,
    sourceIndex: rows,
    storedIndex: Int32Array.from({ length: rows.length }, (_, i) => i),
  };
}

function filler(
  splits: Record<'train' | 'val' | 'test', PreparedSplit>,
  inputs: Inputs,
): PreparedData['fill'] {
  return (split, rows, out) => {
    const s = splits[split];
    if (!s) fail(`fill: unknown split "${String(split)}"`);
    if (out.length < rows.length * inputs.size) {
      fail(
        `fill: output has ${out.length} floats, ${rows.length} rows need ${rows.length * inputs.size}`,
      );
    }
    const fromTest = split === 'test';
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!Number.isInteger(row) || row < 0 || row >= s.n) {
        fail(`fill: row ${row} out of range (${split} has ${s.n} samples)`);
      }
      inputs.write(fromTest, s.sourceIndex[row], out, r * inputs.size);
    }
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? '0 %' : `${((100 * a) / b).toFixed(1)} %`;
}

function checkClasses(chosen: number[], sourceK: number): void {
  if (chosen.length < 1) fail('classes: choose at least one class');
  const seen = new Set<number>();
  for (const c of chosen) {
    if (!Number.isInteger(c) || c < 0 || c >= sourceK)
      fail(`classes: ${c} is not a class of this dataset (0…${sourceK - 1})`);
    if (seen.has(c)) fail(`classes: ${c} is listed twice`);
    seen.add(c);
  }
}

interface Selection {
  rows: Int32Array;
  labels: Int32Array;
}

function selectRows(
  labels: Int32Array,
  map: Int32Array,
  K: number,
  perClass: number[] | undefined,
  split: string,
  names: string[],
): Selection {
  if (perClass) {
    if (perClass.length !== K) fail(`${split}PerClass: ${perClass.length} counts for ${K} classes`);
    perClass.forEach((n) => {
      if (!Number.isInteger(n) || n < 0) fail(`${split}PerClass: ${n} is not a count`);
    });
  }
  const taken = new Int32Array(K);
  const available = new Int32Array(K);
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const k = map[labels[i]];
    if (k < 0) continue;
    available[k]++;
    if (perClass && taken[k] >= perClass[k]) continue;
    taken[k]++;
    rows.push(i);
  }
  if (perClass) {
    for (let k = 0; k < K; k++) {
      if (available[k] < perClass[k])
        fail(
          `${split}PerClass: class ${names[k]} has ${available[k]} ${split} samples, ${perClass[k]} requested`,
        );
    }
  }
  return { rows: Int32Array.from(rows), labels: Int32Array.from(rows, (i) => map[labels[i]]) };
}

interface Inputs {
  shape: number[];
  size: number;
  /** Writes the model input of row `index` of dataset.train (or dataset.test) at out[offset]. */
  write(fromTest: boolean, index: number, out: Float32Array, offset: number): void;
  range(storedSplits: PreparedSplit[], test: PreparedSplit): [number, number];
}

function resolveNormalization(
  dataset: ImageDataset,
  options: PrepareOptions,
  channels: number,
): Normalization | null {
  const n = options.normalization ?? 'dataset';
  if (n === 'none') return null;
  if (n === 'dataset') return DATASET_NORMALIZATION[dataset.name];
  for (const [key, v] of [
    ['mean', n.mean],
    ['std', n.std],
  ] as const) {
    if (v.length !== 1 && v.length !== channels)
      fail(`normalization.${key}: ${v.length} values for ${channels} channels`);
  }
  if (n.std.some((s) => !(s > 0))) fail('normalization.std: every value must be positive');
  return { mean: n.mean, std: n.std, source: 'given' };
}

function imageInputs(dataset: ImageDataset, options: PrepareOptions, notes: string[]): Inputs {
  const [H, W, C] = dataset.shape;
  const outC = options.channels ?? C;
  if (outC !== C && !(C === 1 && outC === 3))
    fail(`channels: ${outC} from ${C}-channel images (only grey → 3 is supported)`);
  const size = options.size;
  if (size !== undefined && !(Number.isInteger(size) && size >= 1 && size <= 512))
    fail(`size: ${size} must be an integer 1…512`);
  const outH = size ?? H;
  const outW = size ?? W;
  const resizer = outH !== H || outW !== W ? createResizer(H, W, outH, outW) : null;
  const norm = resolveNormalization(dataset, options, outC);
  const tables = normalizationTable(norm, outC);
  const flat = (options.input ?? 'flat') === 'flat';
  const plane = outH * outW;
  const planes = Array.from({ length: C }, () => new Uint8Array(plane));
  if (outC !== C) notes.push(`grey → ${outC} equal channels (torchvision Grayscale(${outC}))`);
  if (resizer)
    notes.push(
      `resized ${H}×${W} → ${outH}×${outW}: Pillow bilinear, as torchvision Resize on a PIL image`,
    );
  notes.push(
    norm ? `normalised (x/255 − mean)/std: ${norm.source}` : 'inputs x/255, not normalised',
  );
  notes.push(
    flat
      ? `input flat [${outC * plane}] in torch order (channel, row, column)`
      : `input image [${outH}, ${outW}, ${outC}] (NHWC)`,
  );
  const perImage = H * W * C;
  return {
    shape: flat ? [outC * plane] : [outH, outW, outC],
    size: outC * plane,
    write(fromTest, index, out, offset) {
      const images = fromTest ? dataset.test.images : dataset.train.images;
      const base = index * perImage;
      if (resizer) for (let c = 0; c < C; c++) resizer.resizeChannel(images, base, C, c, planes[c]);
      for (let oc = 0; oc < outC; oc++) {
        const sc = C === 1 ? 0 : oc;
        const t = tables[oc];
        const src = resizer ? planes[sc] : null;
        for (let p = 0; p < plane; p++) {
          const v = src ? src[p] : images[base + p * C + sc];
          out[flat ? offset + oc * plane + p : offset + p * outC + oc] = t[v];
        }
      }
    },
    range(storedSplits, test) {
      // Resizing mixes values with non-negative weights, so it never leaves the bytes' range.
      const lo = new Int32Array(C).fill(255);
      const hi = new Int32Array(C);
      const scan = (images: Uint8Array, rows: Int32Array) => {
        for (const r of rows) {
          const base = r * perImage;
          for (let p = 0; p < perImage; p++) {
            const v = images[base + p];
            const c = p % C;
            if (v < lo[c]) lo[c] = v;
            if (v > hi[c]) hi[c] = v;
          }
        }
      };
      for (const s of storedSplits) scan(dataset.train.images, s.sourceIndex);
      scan(dataset.test.images, test.sourceIndex);
      let min = Infinity;
      let max = -Infinity;
      for (let oc = 0; oc < outC; oc++) {
        const sc = C === 1 ? 0 : oc;
        if (lo[sc] > hi[sc]) continue;
        min = Math.min(min, tables[oc][lo[sc]]);
        max = Math.max(max, tables[oc][hi[sc]]);
      }
      return [min, max];
    },
  };
}

function vectorInputs(dataset: VectorDataset, options: PrepareOptions): Inputs {
  if ((options.input ?? 'flat') !== 'flat')
    fail(`input: ${dataset.name} holds vectors; only 'flat' input exists`);
  if (options.channels !== undefined || options.size !== undefined)
    fail(`channels/size apply to images, not to ${dataset.name} vectors`);
  const D = dataset.dim;
  return {
    shape: [D],
    size: D,
    write(fromTest, index, out, offset) {
      const x = fromTest ? dataset.test.x : dataset.train.x;
      out.set(x.subarray(index * D, (index + 1) * D), offset);
    },
    range(storedSplits, test) {
      let min = Infinity;
      let max = -Infinity;
      const scan = (x: Float32Array, rows: Int32Array) => {
        for (const r of rows)
          for (let j = r * D; j < (r + 1) * D; j++) {
            if (x[j] < min) min = x[j];
            if (x[j] > max) max = x[j];
          }
      };
      for (const s of storedSplits) scan(dataset.train.x, s.sourceIndex);
      scan(dataset.test.x, test.sourceIndex);
      return [min, max];
    },
  };
}
