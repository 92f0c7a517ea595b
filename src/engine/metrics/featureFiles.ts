// Feature files → metrics input: the one interpretation of features / labels / W / b files
// (.npy or JSON arrays) and of metric_vectors.json-style case files, shared by the metrics CLI
// and the browser's feature mode. Every error names the file and the problem.
import { readNpy, type NpyArray } from './npy';
import { parseCaseFile } from './caseFile';
import type { OracleCase } from './oracle';
import { MAX_CLASSES } from './validate';
import type { ArrayMetricsInput, DenseMatrix } from './types';

/** A file's name (a path on the command line) and its bytes. */
export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer | Uint8Array;
}

/** What an array file holds. */
export type ArrayRole =
  'features' | 'labels' | 'weights' | 'bias' | 'testFeatures' | 'testLabels' | 'labelsOriginal';

export const ARRAY_ROLES: readonly ArrayRole[] = [
  'features',
  'labels',
  'weights',
  'bias',
  'testFeatures',
  'testLabels',
  'labelsOriginal',
];

/** What a dropped file is: an array of the metrics input, a case file, or left out. */
export type FileRole = ArrayRole | 'cases' | 'ignore';

/** How messages name a role ("labels (y.npy): …"). */
export const ROLE_NAMES: Record<ArrayRole, string> = {
  features: 'features',
  labels: 'labels',
  weights: 'weights',
  bias: 'bias',
  testFeatures: 'test features',
  testLabels: 'test labels',
  labelsOriginal: 'original labels',
};

/** A problem with the input files (the message names the file). */
export class FeatureFileError extends Error {
  override name = 'FeatureFileError';
}

/** One array file as read: for the summary the browser shows. */
export interface ArrayFileInfo {
  role: ArrayRole;
  name: string;
  shape: number[];
  dtype: string;
}

export interface FeatureFileSet {
  features: NamedBytes;
  labels: NamedBytes;
  weights?: NamedBytes | null;
  bias?: NamedBytes | null;
  testFeatures?: NamedBytes | null;
  testLabels?: NamedBytes | null;
  labelsOriginal?: NamedBytes | null;
  /** number of classes (default: the rows of W, else the largest label + 1) */
  K?: number;
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function asBytes(b: ArrayBuffer | Uint8Array): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}

function isNpy(file: NamedBytes, bytes: Uint8Array): boolean {
  return (
    file.name.toLowerCase().endsWith('.npy') ||
    (bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((m, i) => bytes[i] === m))
  );
}

function parseJson(file: NamedBytes, label: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(asBytes(file.bytes)));
  } catch (e) {
    throw new FeatureFileError(`${label}: not valid JSON (${(e as Error).message})`);
  }
}

/** A .npy file (by name or magic bytes) or a JSON array of numbers / equal-length rows. */
export function readArrayFile(file: NamedBytes, what: string): NpyArray {
  const label = `${what} (${file.name})`;
  const bytes = asBytes(file.bytes);
  if (isNpy(file, bytes)) {
    try {
      return readNpy(bytes);
    } catch (e) {
      throw new FeatureFileError(`${label}: ${(e as Error).message}`);
    }
  }
  const v = parseJson(file, `${label}: not a .npy file and`);
  const isNumArray = (x: unknown): x is number[] =>
    Array.isArray(x) && x.every((y) => typeof y === 'number');
  if (isNumArray(v)) return { shape: [v.length], dtype: 'f8', data: Float64Array.from(v) };
  if (Array.isArray(v) && v.length > 0 && v.every(isNumArray)) {
    const rows = v as number[][];
    const cols = rows[0].length;
    if (rows.some((r) => r.length !== cols))
      throw new FeatureFileError(`${label}: rows have different lengths`);
    return { shape: [rows.length, cols], dtype: 'f8', data: Float64Array.from(rows.flat()) };
  }
  throw new FeatureFileError(
    `${label}: expected a JSON array of numbers or of equal-length number rows`,
  );
}

function shapeText(shape: number[]): string {
  return `(${shape.join(', ')})`;
}

function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** A 2-D array of finite numbers. */
export function asMatrix(a: NpyArray, label: string): DenseMatrix {
  if (a.shape.length !== 2)
    throw new FeatureFileError(`${label}: expected a 2-D array, got shape ${shapeText(a.shape)}`);
  const [rows, cols] = a.shape;
  if (rows === 0 || cols === 0)
    throw new FeatureFileError(`${label}: the array is empty, shape ${shapeText(a.shape)}`);
  const bad = firstNonFinite(a.data);
  if (bad >= 0) {
    const i = Math.floor(bad / cols);
    throw new FeatureFileError(
      `${label}: entry (${i}, ${bad - i * cols}) is ${a.data[bad]}, not a finite number`,
    );
  }
  return { rows, cols, data: a.data };
}

/** A 1-D array (or an n×1 column); with `integer`, every entry a whole number. */
export function asVector(a: NpyArray, label: string, integer = false): Float64Array {
  if (a.shape.length !== 1 && !(a.shape.length === 2 && a.shape[1] === 1)) {
    throw new FeatureFileError(`${label}: expected a 1-D array, got shape ${shapeText(a.shape)}`);
  }
  if (integer) {
    const bad = a.data.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0)
      throw new FeatureFileError(`${label}: entry ${bad} = ${a.data[bad]} is not an integer label`);
  } else {
    const bad = firstNonFinite(a.data);
    if (bad >= 0)
      throw new FeatureFileError(`${label}: entry ${bad} is ${a.data[bad]}, not a finite number`);
  }
  return a.data;
}

function checkLabelRange(y: Float64Array, K: number, label: string, whyK: string): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0 || y[i] >= K) {
      throw new FeatureFileError(
        `${label}: entry ${i} = ${y[i]} is outside the classes 0..${K - 1} (K = ${K} ${whyK})`,
      );
    }
  }
}

/** Reads one file in its role, noting its shape and dtype for the page. */
type ReadArray = (role: ArrayRole, f: NamedBytes) => NpyArray;

const labelOf = (role: ArrayRole, f: NamedBytes) => `${ROLE_NAMES[role]} (${f.name})`;

/**
 * Reads a features file, its labels and the optional classifier, bias, test set and original
 * labels into the metrics library's array input, checking shapes against each other.
 */
export function featureFilesToInput(set: FeatureFileSet): {
  input: ArrayMetricsInput;
  arrays: ArrayFileInfo[];
} {
  const arrays: ArrayFileInfo[] = [];
  const read: ReadArray = (role, f) => {
    const a = readArrayFile(f, ROLE_NAMES[role]);
    arrays.push({ role, name: f.name, shape: a.shape, dtype: a.dtype });
    return a;
  };
  const features = asMatrix(read('features', set.features), labelOf('features', set.features));
  const labels = asVector(read('labels', set.labels), labelOf('labels', set.labels), true);
  if (labels.length !== features.rows) {
    throw new FeatureFileError(
      `labels has ${labels.length} entries, features has ${features.rows} rows (labels: ${set.labels.name}, features: ${set.features.name})`,
    );
  }
  const W = set.weights
    ? asMatrix(read('weights', set.weights), labelOf('weights', set.weights))
    : null;
  if (W && set.weights && W.cols !== features.cols) {
    throw new FeatureFileError(
      `weights has ${W.cols} columns, features has ${features.cols} (weights: ${set.weights.name}, features: ${set.features.name}); W must be K×d`,
    );
  }
  const { K, whyK } = classCount(set, labels, W);
  checkLabelRange(labels, K, labelOf('labels', set.labels), whyK);
  const b = set.bias ? asVector(read('bias', set.bias), labelOf('bias', set.bias)) : null;
  if (b && set.bias && b.length !== K)
    throw new FeatureFileError(
      `${labelOf('bias', set.bias)}: has ${b.length} entries, K = ${K} ${whyK}`,
    );
  const test = readTestSet(set, read, features.cols, K, whyK);
  let labelsOriginal: Float64Array | null = null;
  if (set.labelsOriginal) {
    const ol = labelOf('labelsOriginal', set.labelsOriginal);
    labelsOriginal = asVector(read('labelsOriginal', set.labelsOriginal), ol, true);
    if (labelsOriginal.length !== features.rows)
      throw new FeatureFileError(
        `${ol}: has ${labelsOriginal.length} entries, features has ${features.rows} rows`,
      );
    checkLabelRange(labelsOriginal, K, ol, whyK);
  }
  return { input: { K, features, labels, W, b, ...test, labelsOriginal }, arrays };
}

/**
 * The number of classes, and why: as given (checked against W), W's rows, or the largest label
 * (checked against the class limit before anything is sized from it).
 */
function classCount(
  set: FeatureFileSet,
  labels: Float64Array,
  W: DenseMatrix | null,
): { K: number; whyK: string } {
  if (set.K !== undefined) {
    if (!Number.isInteger(set.K) || set.K < 1)
      throw new FeatureFileError(`K must be a positive integer, got ${set.K}`);
    if (set.K > MAX_CLASSES)
      throw new FeatureFileError(`K = ${set.K} is more than the class limit ${MAX_CLASSES}`);
    if (W && set.weights && W.rows !== set.K)
      throw new FeatureFileError(
        `${labelOf('weights', set.weights)}: has ${W.rows} rows, K = ${set.K}; W must be K×d`,
      );
    return { K: set.K, whyK: 'as given' };
  }
  if (W && set.weights) {
    if (W.rows > MAX_CLASSES)
      throw new FeatureFileError(
        `${labelOf('weights', set.weights)}: ${W.rows} rows (classes), more than the class limit ${MAX_CLASSES}`,
      );
    return { K: W.rows, whyK: `from the rows of ${set.weights.name}` };
  }
  let top = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= MAX_CLASSES) {
      throw new FeatureFileError(
        `${labelOf('labels', set.labels)}: entry ${i} = ${labels[i]} is beyond the class limit ` +
          `(labels 0..${MAX_CLASSES - 1}); check the labels, or give K`,
      );
    }
    top = Math.max(top, labels[i]);
  }
  return { K: top + 1, whyK: 'from the largest label' };
}

/** The test features and labels: both or neither, as wide as the training features. */
function readTestSet(
  set: FeatureFileSet,
  read: ReadArray,
  cols: number,
  K: number,
  whyK: string,
): { testFeatures: DenseMatrix | null; testLabels: Float64Array | null } {
  let testFeatures: DenseMatrix | null = null;
  if (set.testFeatures) {
    const tl = labelOf('testFeatures', set.testFeatures);
    testFeatures = asMatrix(read('testFeatures', set.testFeatures), tl);
    if (testFeatures.cols !== cols)
      throw new FeatureFileError(`${tl}: has ${testFeatures.cols} columns, features has ${cols}`);
    if (!set.testLabels) throw new FeatureFileError(`${tl}: given without test labels`);
  }
  if (!set.testLabels) return { testFeatures, testLabels: null };
  const ll = labelOf('testLabels', set.testLabels);
  if (!testFeatures) throw new FeatureFileError(`${ll}: given without test features`);
  const testLabels = asVector(read('testLabels', set.testLabels), ll, true);
  if (testLabels.length !== testFeatures.rows)
    throw new FeatureFileError(
      `${ll}: has ${testLabels.length} entries, test features has ${testFeatures.rows} rows`,
    );
  checkLabelRange(testLabels, K, ll, whyK);
  return { testFeatures, testLabels };
}

/** The cases of a metric_vectors.json-style file, each with its name (or case_<i>). */
export function readCaseFile(file: NamedBytes): { name: string; case: OracleCase }[] {
  const doc = parseJson(file, file.name);
  const isCaseShaped = typeof doc === 'object' && doc !== null && 'cases' in doc;
  if (!isCaseShaped) {
    throw new FeatureFileError(
      `${file.name}: expected {"cases": [...]} (metric_vectors.json format) or a .npy features file`,
    );
  }
  let cases: OracleCase[];
  try {
    cases = parseCaseFile(doc, file.name);
  } catch (e) {
    throw new FeatureFileError((e as Error).message);
  }
  return cases.map((c, i) => ({ name: c.name ?? `case_${i}`, case: c }));
}

/**
 * A role from a file name: `features.npy`, `H.npy`, `labels.npy`, `y.json`, `W.npy`,
 * `bias.npy`, `H_test.npy`, `y_test.npy`, `y_orig.npy`, … (null when the name says nothing).
 */
export function guessRole(fileName: string): ArrayRole | null {
  const base = (fileName.split(/[\\/]/).pop() ?? fileName).replace(/\.[^.]*$/, '').toLowerCase();
  const labelish = /label|target|^y(?![a-z])|^y$|class_?ids?/.test(base);
  if (/orig|clean/.test(base) && labelish) return 'labelsOriginal';
  if (/test|(^|_)val(_|$)/.test(base)) return labelish ? 'testLabels' : 'testFeatures';
  if (/bias|^b(?![a-z])/.test(base)) return 'bias';
  if (/weight|classifier|^w(?![a-z])|^fc/.test(base)) return 'weights';
  if (labelish) return 'labels';
  if (/feat|embed|^h(?![a-z])|^x(?![a-z])|penult|activ|repr|latent/.test(base)) return 'features';
  return null;
}

/**
 * Roles for a set of dropped files: by name, and a lone unnamed file is the features when no
 * other file is. Duplicates stay (the caller reports them), unknowns are null.
 */
export function assignRoles(fileNames: readonly string[]): (ArrayRole | null)[] {
  const roles = fileNames.map(guessRole);
  const unknown = roles.flatMap((r, i) => (r === null ? [i] : []));
  if (!roles.includes('features') && unknown.length === 1) roles[unknown[0]] = 'features';
  return roles;
}

/**
 * Suggested roles for dropped files: by name (assignRoles); a lone .json file, or a .json file
 * whose name names no array, is a case file; null where the name says nothing.
 */
export function suggestRoles(fileNames: readonly string[]): (FileRole | null)[] {
  const guessed = assignRoles(fileNames);
  return fileNames.map((name, i) =>
    name.toLowerCase().endsWith('.json') && (fileNames.length === 1 || guessed[i] === null)
      ? 'cases'
      : guessed[i],
  );
}

/** The role of every file: the given one, else the suggested one; none is an error. */
export function resolveRoles(
  files: readonly { name: string; role?: FileRole | null }[],
): FileRole[] {
  const suggested = suggestRoles(files.map((f) => f.name));
  return files.map((f, i) => {
    const role = f.role ?? suggested[i];
    if (role === null) {
      throw new FeatureFileError(
        `${f.name}: cannot tell what this file holds from its name; choose its role (features, labels, W, b, …)`,
      );
    }
    return role;
  });
}
