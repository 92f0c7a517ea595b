import type { UfmConfig } from '../config/schema';
import { decodeFloat32 } from '../core/state/arrays';
import type { UfmSessionState } from '../session/checkpoint';

/** H (N×d), W (K×d) and b (K), row-major, in float64. */
export interface UfmParams64 {
  H: Float64Array;
  W: Float64Array;
  b: Float64Array;
}

export interface AdamReferenceStep {
  params: UfmParams64;
  /** Adam's first and second moments of [H, W, b] after the step. */
  m: Float64Array[];
  v: Float64Array[];
}

/**
 * The gradient of the depth-1 UFM objective with a bias, written out by hand from its formula
 * (Dang et al. 2023, eq. 1): f = ‖H Wᵀ + 1 bᵀ − Y‖²/(2N) + λ_W/2 ‖W‖² + λ_H/2 ‖H‖², so with
 * R = (H Wᵀ + 1 bᵀ − Y)/N: ∂f/∂W = Rᵀ H + λ_W W, ∂f/∂H = R W + λ_H H, ∂f/∂b = Rᵀ 1.
 */
export function ufmGradient(
  config: UfmConfig,
  p: UfmParams64,
  labels: Int32Array,
): [Float64Array, Float64Array, Float64Array] {
  const N = labels.length;
  const K = config.classSizes.length;
  const d = config.hidden;
  const R = new Float64Array(N * K);
  for (let i = 0; i < N; i++)
    for (let k = 0; k < K; k++) {
      let z = p.b[k];
      for (let j = 0; j < d; j++) z += p.H[i * d + j] * p.W[k * d + j];
      R[i * K + k] = (z - (labels[i] === k ? 1 : 0)) / N;
    }
  const gH = new Float64Array(N * d);
  const gW = new Float64Array(K * d);
  const gb = new Float64Array(K);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < d; j++) {
      let s = config.lambdaH * p.H[i * d + j];
      for (let k = 0; k < K; k++) s += R[i * K + k] * p.W[k * d + j];
      gH[i * d + j] = s;
    }
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < d; j++) {
      let s = config.lambdaW * p.W[k * d + j];
      for (let i = 0; i < N; i++) s += R[i * K + k] * p.H[i * d + j];
      gW[k * d + j] = s;
    }
    for (let i = 0; i < N; i++) gb[k] += R[i * K + k];
  }
  return [gH, gW, gb];
}

/**
 * `steps` Adam steps from a captured state, in float64, by Kingma & Ba's Algorithm 1 with ε added
 * to the bias-corrected √v̂ (as PyTorch and tfjs do): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * x ← x − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε). Independent of tfjs: no tensor code.
 */
export function adamReference(
  config: UfmConfig,
  start: UfmSessionState,
  labels: Int32Array,
  steps: number,
): AdamReferenceStep[] {
  if (config.depth !== 1 || !config.bias || config.loss !== 'mse')
    throw new Error('adamReference: written for the depth-1 MSE UFM with a bias');
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const x = [
    f64(decodeFloat32(start.H, 'H')),
    f64(decodeFloat32(start.layers[0], 'W')),
    f64(decodeFloat32(start.bias!, 'b')),
  ];
  const m = x.map((a) => new Float64Array(a.length));
  const v = x.map((a) => new Float64Array(a.length));
  const { lr, adamBeta1: b1, adamBeta2: b2, adamEpsilon: eps } = config;
  const out: AdamReferenceStep[] = [];
  for (let t = 1; t <= steps; t++) {
    const g = ufmGradient(config, { H: x[0], W: x[1], b: x[2] }, labels);
    for (let p = 0; p < x.length; p++)
      for (let i = 0; i < x[p].length; i++) {
        m[p][i] = b1 * m[p][i] + (1 - b1) * g[p][i];
        v[p][i] = b2 * v[p][i] + (1 - b2) * g[p][i] ** 2;
        const mHat = m[p][i] / (1 - b1 ** t);
        const vHat = v[p][i] / (1 - b2 ** t);
        x[p][i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    out.push({
      params: { H: x[0].slice(), W: x[1].slice(), b: x[2].slice() },
      m: m.map((a) => a.slice()),
      v: v.map((a) => a.slice()),
    });
  }
  return out;
}
