import { z } from 'zod';
import type { UfmConfig } from '../config/schema';
import { createRng, normalArray, shuffleInPlace, uniformArray } from '../core/rng';

/**
 * A UFM state in the `init` format of the oracle files: H as N×d rows (in the order of
 * `targets`), layer weights W_1…W_M (first applied first, each out×in), the last bias or null.
 * Runs start from one (reproducing a reference trajectory, or continuing from a saved point).
 */
export const ufmInitStateSchema = z.object({
  H: z.array(z.array(z.number())),
  fc_weights: z.array(z.array(z.array(z.number()))),
  fc_last_bias: z.array(z.number()).nullable(),
  targets: z.array(z.number().int().min(0)),
});
export type UfmInitState = z.infer<typeof ufmInitStateSchema>;

/** Flat float32 tensors' data, the form the model is built from. */
export interface UfmInitArrays {
  N: number;
  d: number;
  K: number;
  H: Float32Array;
  layers: { rows: number; cols: number; data: Float32Array }[];
  bias: Float32Array | null;
  labels: Int32Array;
}

export function layerShapes(config: UfmConfig): [number, number][] {
  const K = config.classSizes.length;
  const d = config.hidden;
  return Array.from({ length: config.depth }, (_, j) => [j === config.depth - 1 ? K : d, d]);
}

/** Seeded initialisation: labels permuted, H ~ N(0, σ), weights ~ N(0, σ), bias ~ U(±1/√d). */
export function randomInit(config: UfmConfig): UfmInitArrays {
  const rng = createRng(config.seed);
  const K = config.classSizes.length;
  const d = config.hidden;
  const labelList = config.classSizes.flatMap((n, k) => Array<number>(n).fill(k));
  shuffleInPlace(rng, labelList);
  const N = labelList.length;
  const H = normalArray(rng, N * d, 0, config.initStd);
  const layers = layerShapes(config).map(([rows, cols]) => ({
    rows,
    cols,
    data: normalArray(rng, rows * cols, 0, config.initStd),
  }));
  // PyTorch's default Linear bias init, which the reference keeps (the bias is never re-drawn).
  const bound = 1 / Math.sqrt(d);
  const bias = config.bias ? uniformArray(rng, K, -bound, bound) : null;
  return { N, d, K, H, layers, bias, labels: Int32Array.from(labelList) };
}

/** Check a supplied state against the config and flatten it; errors name the offending field. */
export function arraysFromState(config: UfmConfig, state: UfmInitState): UfmInitArrays {
  const K = config.classSizes.length;
  const d = config.hidden;
  const N = config.classSizes.reduce((a, n) => a + n, 0);
  const fail = (msg: string): never => {
    throw new Error(`init: ${msg}`);
  };
  if (state.targets.length !== N)
    fail(`targets has ${state.targets.length} labels, config has N = ${N}`);
  const counts = new Array<number>(K).fill(0);
  for (const y of state.targets) {
    if (y >= K) fail(`targets contains label ${y}, config has K = ${K} classes`);
    counts[y]++;
  }
  counts.forEach((c, k) => {
    if (c !== config.classSizes[k])
      fail(`class ${k} has ${c} targets, classSizes says ${config.classSizes[k]}`);
  });
  if (state.H.length !== N) fail(`H has ${state.H.length} rows, expected N = ${N}`);
  const H = new Float32Array(N * d);
  state.H.forEach((row, i) => {
    if (row.length !== d) fail(`H row ${i} has ${row.length} entries, expected hidden = ${d}`);
    H.set(row, i * d);
  });
  const shapes = layerShapes(config);
  if (state.fc_weights.length !== shapes.length) {
    fail(`fc_weights has ${state.fc_weights.length} layers, config has depth = ${shapes.length}`);
  }
  const layers = shapes.map(([rows, cols], j) => {
    const w = state.fc_weights[j];
    if (w.length !== rows || w.some((r) => r.length !== cols)) {
      fail(`fc_weights[${j}] must be ${rows}×${cols}`);
    }
    const data = new Float32Array(rows * cols);
    w.forEach((r, i) => data.set(r, i * cols));
    return { rows, cols, data };
  });
  let bias: Float32Array | null = null;
  if (config.bias) {
    if (!state.fc_last_bias || state.fc_last_bias.length !== K)
      fail(`fc_last_bias must have K = ${K} entries`);
    bias = Float32Array.from(state.fc_last_bias as number[]);
  } else if (state.fc_last_bias) {
    fail('fc_last_bias is given but the config has bias = false');
  }
  return { N, d, K, H, layers, bias, labels: Int32Array.from(state.targets) };
}
