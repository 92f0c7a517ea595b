// The browser's "measure your features" mode: dropped files → metrics and class-mean geometry,
// computed with the same engine code as the metrics CLI, on the active tfjs backend.
import * as tf from '@tensorflow/tfjs-core';
import { computeMetricsOnDevice } from '../metrics/arraysOnDevice';
import {
  ARRAY_ROLES,
  FeatureFileError,
  ROLE_NAMES,
  featureFilesToInput,
  readCaseFile,
  resolveRoles,
  type ArrayFileInfo,
  type ArrayRole,
  type FeatureFileSet,
  type FileRole,
  type NamedBytes,
} from '../metrics/featureFiles';
import { rowSource, type RowSource } from '../metrics/hostmatrix';
import { oracleToArrays } from '../metrics/oracle';
import type { ArrayMetricsInput, MetricsResult } from '../metrics/types';
import type { ViewSamples } from '../session/types';
import { viewRows } from '../ufm/geometry';
import { featureGeometry, type FeatureGeometry } from './geometry';

export interface FeatureFile {
  name: string;
  bytes: ArrayBuffer;
  /** Missing: guessed from the name (resolveRoles). */
  role?: FileRole | null;
}

export interface MeasureFeaturesOptions {
  set?: 'cheap' | 'core' | 'full';
  /** number of classes (default: the rows of W, else the largest label + 1) */
  K?: number;
  /** streaming batch size in rows (default 4096) */
  batchSize?: number;
}

export interface MeasureProgress {
  stage: 'reading' | 'measuring';
  /** what is being done, for the busy line */
  message: string;
  done: number;
  total: number;
}

export interface FeatureCaseResult {
  name: string;
  N: number;
  d: number;
  K: number;
  /** samples per class 0..K−1 (0 = an empty class, left out of the metrics) */
  counts: number[] | null;
  result: MetricsResult | null;
  geometry: FeatureGeometry | null;
  /** why this case could not be measured (the other cases still are) */
  error: string | null;
}

/** A file as read: an array (shape, dtype) or a case file (number of cases). */
export type MeasuredFile = ArrayFileInfo | { name: string; role: 'cases'; cases: number };

export interface FeatureMeasurement {
  kind: 'arrays' | 'cases';
  /** the array files read (kind 'arrays') or the case file */
  files: MeasuredFile[];
  /** the tfjs backend the metrics ran on */
  backend: string;
  set: 'cheap' | 'core' | 'full';
  cases: FeatureCaseResult[];
  seconds: number;
}

function fileSet(files: FeatureFile[], roles: FileRole[], K: number | undefined): FeatureFileSet {
  const byRole = new Map<ArrayRole, NamedBytes>();
  files.forEach((f, i) => {
    const role = roles[i];
    if (role === 'ignore' || role === 'cases') return;
    const other = byRole.get(role);
    if (other)
      throw new FeatureFileError(
        `${other.name} and ${f.name} are both ${ROLE_NAMES[role]}: give each role one file`,
      );
    byRole.set(role, f);
  });
  const features = byRole.get('features');
  const labels = byRole.get('labels');
  if (!features)
    throw new FeatureFileError(
      `no features file among ${files.map((f) => f.name).join(', ')}: an N×d .npy of features is needed`,
    );
  if (!labels)
    throw new FeatureFileError(
      `${features.name} has no labels: add a labels file (.npy of integers or a JSON array)`,
    );
  const set: FeatureFileSet = { features, labels, K };
  for (const role of ARRAY_ROLES) {
    if (role !== 'features' && role !== 'labels') set[role] = byRole.get(role) ?? null;
  }
  return set;
}

/** Rows of the classifier for the given classes (host float64), or null. */
function classifierRows(input: ArrayMetricsInput, classes: number[]): number[][] | null {
  if (!input.W) return null;
  const W = rowSource(input.W, 'W');
  return classes.map((c) => Array.from(W.row(c)));
}

/** Evenly spaced rows of the features, with their labels, for the 3-D view (as a run's). */
function viewSamples(H: RowSource, labels: ArrayLike<number>): ViewSamples {
  const rows = viewRows(H.rows, H.cols);
  const values = new Float64Array(rows.length * H.cols);
  rows.forEach((r, i) => values.set(H.row(r), i * H.cols));
  return { values, dim: H.cols, labels: rows.map((r) => labels[r]) };
}

async function measureOne(
  name: string,
  input: ArrayMetricsInput,
  options: MeasureFeaturesOptions,
): Promise<FeatureCaseResult> {
  const H = rowSource(input.features, 'features');
  const base = { name, N: H.rows, d: H.cols, K: input.K };
  const result = await computeMetricsOnDevice(input, options.set ?? 'full', options.batchSize);
  const counts = result.diagnostics.counts;
  const classes = counts.flatMap((n, c) => (n > 0 ? [c] : []));
  const means = result.values.class_means;
  const geometry =
    Array.isArray(means) && means.length === classes.length
      ? featureGeometry(
          classes,
          means as number[][],
          classes.map((c) => counts[c]),
          classifierRows(input, classes),
          viewSamples(H, input.labels),
        )
      : null;
  return { ...base, counts, result, geometry, error: null };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Measures dropped files: features + labels (+ W, b, test set, original labels) as one case, or
 * every case of one metric_vectors.json-style file. File problems throw (FeatureFileError, the
 * message names the file); a case that cannot be measured carries its error instead.
 */
export async function measureFeatureFiles(
  files: FeatureFile[],
  options: MeasureFeaturesOptions = {},
  onProgress?: (p: MeasureProgress) => void,
): Promise<FeatureMeasurement> {
  const t0 = performance.now();
  if (files.length === 0) throw new FeatureFileError('no files given');
  const roles = resolveRoles(files);
  const set = options.set ?? 'full';
  const caseIndex = roles.indexOf('cases');
  const done = (
    kind: FeatureMeasurement['kind'],
    f: MeasuredFile[],
    cases: FeatureCaseResult[],
  ): FeatureMeasurement => ({
    kind,
    files: f,
    backend: tf.getBackend(),
    set,
    cases,
    seconds: (performance.now() - t0) / 1000,
  });

  if (caseIndex >= 0) {
    const file = files[caseIndex];
    const others = files.filter((_, i) => i !== caseIndex && roles[i] !== 'ignore');
    if (others.length > 0)
      throw new FeatureFileError(
        `${file.name} is a case file and is measured on its own; remove ${others.map((f) => f.name).join(', ')} or mark them ignore`,
      );
    onProgress?.({ stage: 'reading', message: `Reading ${file.name}…`, done: 0, total: 1 });
    const cases = readCaseFile(file);
    const out: FeatureCaseResult[] = [];
    for (const [i, { name, case: c }] of cases.entries()) {
      onProgress?.({
        stage: 'measuring',
        message: `Measuring case ${i + 1} of ${cases.length} (${name})…`,
        done: i,
        total: cases.length,
      });
      try {
        out.push(await measureOne(name, oracleToArrays(c), options));
      } catch (e) {
        const inp = c?.inputs;
        out.push({
          name,
          N: Array.isArray(inp?.H) ? inp.H.length : 0,
          d: Array.isArray(inp?.H?.[0]) ? inp.H[0].length : 0,
          K: typeof inp?.K === 'number' ? inp.K : 0,
          counts: null,
          result: null,
          geometry: null,
          error: `case "${name}": ${message(e)}`,
        });
      }
    }
    return done('cases', [{ name: file.name, role: 'cases', cases: cases.length }], out);
  }

  onProgress?.({
    stage: 'reading',
    message: `Reading ${files.map((f) => f.name).join(', ')}…`,
    done: 0,
    total: 1,
  });
  const { input, arrays } = featureFilesToInput(fileSet(files, roles, options.K));
  const H = rowSource(input.features, 'features');
  onProgress?.({
    stage: 'measuring',
    message: `Measuring ${H.rows.toLocaleString('en-US')} × ${H.cols} features…`,
    done: 0,
    total: 1,
  });
  const name = arrays.find((a) => a.role === 'features')?.name ?? 'features';
  try {
    return done('arrays', arrays, [await measureOne(name, input, options)]);
  } catch (e) {
    throw new FeatureFileError(`${name}: ${message(e)}`, { cause: e });
  }
}
