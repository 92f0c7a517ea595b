import { beforeAll, describe, expect, it } from 'vitest';
import { readUfmOracle, UFM_CASES, type UfmOracle } from '../testing/oracles';
import { configFromOracle } from '../testing/ufmOracleConfig';
import { UfmSession } from './session';
import type { MetricsRecord } from '../session/types';
import { initBackend } from '../core/backend';

/*
 * The reference runs (PyTorch, float32, CPU) are reproduced from their stored initial state.
 *
 * Tolerances, from float32 arithmetic:
 * - One step: parameters are O(0.1–1); one SGD step sums N = 400 products per gradient entry, so
 *   a different summation order moves an entry by a few float32 ulps of the gradient times lr:
 *   |Δ| ≤ 2e-7 (≈ 4 ulps at 0.5).
 * - Loss over 5 000 steps: the two runs see different rounding at every step; the flow is
 *   contractive, so the gap stays at the level of the rounding (observed ≤ 5e-6 relative, wasm
 *   backend). We allow 3e-5 relative.
 * - NC metrics: each is a ratio of float32-rounded quantities. The oracle's own float32 and float64
 *   versions agree to ~2e-7 absolute for metrics of order one (docs/deep-linear-theory.md §7),
 *   and the trajectory gap above perturbs the features by ~1e-6 relative. We allow 1e-4 absolute +
 *   2e-3 relative. NC1 drops to 1e-9: there the within-class spread is ~3e-5 of the mean
 *   length, so float32 storage of H (6e-8 relative) alone changes NC1 by ~(6e-8/3e-5) ≈ 0.2 %
 *   per unit; together with the trajectory gap we allow 5 % relative + 1e-11 absolute.
 */
const STEP_ATOL = 2e-7;
const LOSS_RTOL = 3e-5;
const METRIC = { atol: 1e-4, rtol: 2e-3 };
const NC1 = { atol: 1e-11, rtol: 5e-2 };

function within(got: unknown, want: number, tol: { atol: number; rtol: number }): boolean {
  return typeof got === 'number' && Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

function maxAbsDiff(a: ArrayLike<number>, b: number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The metric keys of docs/metrics.md that each oracle per-layer entry corresponds to. */
const LAYER_KEYS = {
  NC2_ETF_W: 'nc2_etf_error_weights',
  NC2_Identity_W: 'nc2_identity_error_weights',
  NC2_ETF_H: 'nc2_etf_error_means',
  NC2_Identity_H: 'nc2_identity_error_means',
  NC3_ETF_WH: 'wh_etf_error',
  NC3_Identity_WH: 'wh_identity_error',
  NC3_W_sub_H: 'w_sub_h_uncentred',
  NC3_W_sub_H_centered: 'w_sub_h_centred',
  NC1_extra: 'nc1_pinv',
} as const;

/** Oracle per_layer index i counts from the top (i = 0: W_M alone); deep_* arrays from the bottom. */
function layerValue(metrics: MetricsRecord, key: string, l: number, M: number): unknown {
  // Oracle names map onto library keys by pattern; a plain record lets a wrong name read undefined.
  const byName: Readonly<Record<string, unknown>> = metrics;
  const plain = key.startsWith('nc') ? key : `nc3_${key}`;
  if (M === 1) return byName[plain];
  const deep = byName[`deep_${plain}`];
  return Array.isArray(deep) ? deep[l] : undefined;
}

const GOF_KEYS = {
  NC2_W_GOF: 'gof_nc2_w',
  NC2_H_GOF_normalized: 'gof_nc2_h',
  NC3_WH_GOF: 'gof_nc3_wh',
  NC3_W_sub_H_GOF_normalized: 'gof_nc3_w_sub_h',
} as const;
// NC3_W_div_H is left out: the oracle's value stays near 228 (M = 1) / 3000 (M = 3) while the
// run converges, so it uses neither target of docs/metrics.md §2.7 (which goes to 0 at the closed
// form); gof_nc3_w_div_h follows §2.7 and is pinned by metric_vectors.json instead.

beforeAll(async () => {
  await initBackend('wasm');
});

describe.each(UFM_CASES)('reference trajectory %s', (name) => {
  let oracle: UfmOracle;
  beforeAll(() => {
    oracle = readUfmOracle(name);
  });

  it('the initial loss and the first optimiser step match the reference state', async () => {
    const config = configFromOracle(oracle.config);
    const session = new UfmSession(config, oracle.init);
    try {
      const before = await session.measure('cheap');
      expect(within(before.metrics.loss, oracle.init.loss_at_init, { atol: 0, rtol: 1e-6 })).toBe(
        true,
      );
      await session.train(1);
      const ref = oracle.trajectory[0];
      expect(ref.step).toBe(1);
      const state = await session.snapshot();
      expect(maxAbsDiff(state.H.flat(), ref.state!.H.flat())).toBeLessThan(STEP_ATOL);
      state.fc_weights.forEach((w, j) =>
        expect(maxAbsDiff(w.flat(), ref.state!.fc_weights[j].flat()), `W_${j + 1}`).toBeLessThan(
          STEP_ATOL,
        ),
      );
      if (ref.state!.fc_last_bias)
        expect(maxAbsDiff(state.fc_last_bias!, ref.state!.fc_last_bias)).toBeLessThan(STEP_ATOL);
      const after = await session.measure('cheap');
      expect(within(after.metrics.loss, ref.loss_post_step, { atol: 0, rtol: 1e-6 })).toBe(true);
    } finally {
      session.dispose();
    }
  });

  it('5 000 steps follow the reference loss and NC metrics at every logged step', async () => {
    const config = configFromOracle(oracle.config);
    const M = config.depth;
    const session = new UfmSession(config, oracle.init);
    const failures: string[] = [];
    const tensorCounts = new Set<number>();
    try {
      for (const ref of oracle.trajectory) {
        await session.train(ref.step - session.step);
        const { metrics, numTensors } = await session.measure('cheap');
        tensorCounts.add(numTensors);
        const check = (
          what: string,
          got: unknown,
          want: number,
          tol: { atol: number; rtol: number },
        ) => {
          if (!within(got, want, tol))
            failures.push(`step ${ref.step} ${what}: got ${String(got)}, reference ${want}`);
        };
        check('loss', metrics.loss, ref.loss_post_step, { atol: 0, rtol: LOSS_RTOL });
        check('loss_mse', metrics.loss_mse, ref.loss_terms_post_step.mse, {
          atol: 1e-8,
          rtol: 1e-3,
        });
        // The reference stores accuracy as a float32 percentage (27.000001907…).
        check('net accuracy', 100 * Number(metrics.net_accuracy_train), ref.train_acc, {
          atol: 1e-4,
          rtol: 0,
        });
        check('nc1_pinv', metrics.nc1_pinv, ref.spec.NC1, NC1);
        ref.spec.per_layer.forEach((layer, i) => {
          const l = M - 1 - i;
          for (const [oracleKey, key] of Object.entries(LAYER_KEYS)) {
            const want = layer[oracleKey as keyof typeof LAYER_KEYS];
            check(
              `${oracleKey} (l = ${l})`,
              layerValue(metrics, key, l, M),
              want,
              oracleKey === 'NC1_extra' ? NC1 : METRIC,
            );
          }
        });
        if (!config.bias && ref.spec.gof) {
          for (const [oracleKey, key] of Object.entries(GOF_KEYS)) {
            const want = ref.spec.gof[oracleKey as keyof typeof GOF_KEYS];
            // gof_nc3_w_div_h is un-normalised (~1e3 for M > 1): relative tolerance only.
            check(oracleKey, metrics[key], want, METRIC);
          }
        }
      }
    } finally {
      session.dispose();
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // No leak: the live tensor count is the same at every one of the 51 reports.
    expect([...tensorCounts]).toHaveLength(1);
  });
});
