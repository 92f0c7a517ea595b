import type { Rng } from '../core/rng';
import { fail } from './errors';

/**
 * Seed 002's symmetric "resample" noise (make_selected_dataset): draw u_i ~ U(0,1) for every
 * sample, then r_i uniform in 0…K−1 for every sample; where u_i < η the label becomes r_i. r_i may
 * equal the label, so the expected share of changed labels is η(K−1)/K. In place; returns counts.
 */
export function resampleNoise(
  labels: Int32Array,
  K: number,
  eta: number,
  rng: Rng,
): { redrawn: number; changed: number } {
  if (!(eta >= 0 && eta <= 1)) fail(`labelNoise: η = ${eta} must lie in [0, 1]`);
  const n = labels.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = rng.uniform();
  let redrawn = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.floor(rng.uniform() * K);
    if (u[i] < eta) {
      redrawn++;
      if (r !== labels[i]) changed++;
      labels[i] = r;
    }
  }
  return { redrawn, changed };
}

/**
 * An explicit list of corrupted samples (positions in the stored training set), e.g. the
 * oracle's `corrupted_indices_in_stored_train_order`. With K = 2 the corrupted label is the other
 * class; with K > 2 the new labels must be given alongside.
 */
export function applyCorruption(
  labels: Int32Array,
  K: number,
  indices: ArrayLike<number>,
  newLabels?: ArrayLike<number>,
): number {
  if (newLabels && newLabels.length !== indices.length) {
    fail(`corrupted: ${newLabels.length} labels for ${indices.length} indices`);
  }
  if (!newLabels && K !== 2) {
    fail(
      `corrupted: with K = ${K} classes the noisy label of each index must be given (corrupted.labels)`,
    );
  }
  const seen = new Uint8Array(labels.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      fail(`corrupted: index ${i} is outside the stored training set (0…${labels.length - 1})`);
    }
    if (seen[i]) fail(`corrupted: index ${i} is listed twice`);
    seen[i] = 1;
    const y = newLabels ? newLabels[j] : 1 - labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= K)
      fail(`corrupted: label ${y} for index ${i} is outside 0…${K - 1}`);
    if (y === labels[i])
      fail(`corrupted: index ${i} would keep its label ${y}; a corrupted label differs`);
    labels[i] = y;
  }
  return indices.length;
}

/**
 * Seed 002's four-class problem: v_i ~ U(0,1); where v_i < degree the label y ∈ {0, 1} becomes its
 * latent copy y + 2. Returns how many samples moved.
 */
export function latentRelabel(labels: Int32Array, degree: number, rng: Rng): number {
  if (!(degree >= 0 && degree <= 1)) fail(`fourClass: degree ${degree} must lie in [0, 1]`);
  let moved = 0;
  for (let i = 0; i < labels.length; i++) {
    if (rng.uniform() < degree) {
      labels[i] += 2;
      moved++;
    }
  }
  return moved;
}
