import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { dataLoss, type LossSpec } from './losses';

beforeAll(async () => {
  await initBackend('cpu');
});

// Two samples, K = 3: hand-checkable logits.
const Z = [
  [2, 0, -1],
  [0.5, 0.5, 3],
];
const Y = [0, 1];
const K = 3;

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

async function lossOf(spec: Partial<LossSpec> & Pick<LossSpec, 'kind'>, z = Z, y = Y) {
  const full: LossSpec = { K, alpha: 0, mseScale: 1, ...spec };
  const t = dataLoss(full, tf.tensor2d(z), tf.tensor1d(y, 'int32'));
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

/** Analytic gradient with respect to the logits, and a float32 central difference. */
async function gradAndFd(spec: LossSpec, z: number[][], y: number[]) {
  const labels = tf.tensor1d(y, 'int32');
  const g = tf.grad((l: tf.Tensor) => dataLoss(spec, l as tf.Tensor2D, labels));
  const analytic = await g(tf.tensor2d(z)).array();
  const eps = 1e-2;
  const fd = await Promise.all(
    z.map((row, i) =>
      Promise.all(
        row.map(async (_, k) => {
          const shifted = (d: number) =>
            z.map((r, a) => r.map((v, b) => (a === i && b === k ? v + d : v)));
          const up = await lossOf(spec, shifted(eps), y);
          const down = await lossOf(spec, shifted(-eps), y);
          return (up - down) / (2 * eps);
        }),
      ),
    ),
  );
  labels.dispose();
  return { analytic: analytic as number[][], fd };
}

describe('losses on logits', () => {
  it('mse is nn.MSELoss(): mean over B·K of (z − onehot)², times mseScale', async () => {
    let s = 0;
    Z.forEach((row, i) => row.forEach((v, k) => (s += (v - (k === Y[i] ? 1 : 0)) ** 2)));
    expect(await lossOf({ kind: 'mse' })).toBeCloseTo(s / 6, 6);
    expect(await lossOf({ kind: 'mse', mseScale: 0.5 })).toBeCloseTo(s / 12, 6);
  });

  it('ce is the batch mean of −log softmax(z)_y', async () => {
    const want = -Z.reduce((s, z, i) => s + Math.log(softmax(z)[Y[i]]), 0) / 2;
    expect(await lossOf({ kind: 'ce' })).toBeCloseTo(want, 6);
  });

  it('ls targets (1 − α)·onehot + α/K (α/K on the true class too)', async () => {
    const a = 0.2;
    let want = 0;
    Z.forEach((z, i) => {
      const p = softmax(z);
      p.forEach((pk, k) => (want -= ((k === Y[i] ? 1 - a : 0) + a / K) * Math.log(pk)));
    });
    expect(await lossOf({ kind: 'ls', alpha: a })).toBeCloseTo(want / 2, 6);
    expect(await lossOf({ kind: 'ls', alpha: 0 })).toBeCloseTo(await lossOf({ kind: 'ce' }), 6);
  });

  it('lr is KL(q‖p) with q_y = 1 − α, q_k = α p_k / Σ_{j≠y} p_j, and 0 once p_y > 1 − α', async () => {
    const a = 0.1;
    const kl = (z: number[], y: number) => {
      const p = softmax(z);
      if (p[y] > 1 - a) return 0;
      const s = p.reduce((acc, v, k) => (k === y ? acc : acc + v), 0);
      return p.reduce((acc, pk, k) => {
        const q = k === y ? 1 - a : (a * pk) / s;
        return acc + q * Math.log(q / pk);
      }, 0);
    };
    // Sample 0: p_0 = 0.844 ≤ 0.9, active; sample 1: p_1 = 0.070, active.
    const want = (kl(Z[0], 0) + kl(Z[1], 1)) / 2;
    expect(want).toBeGreaterThan(0);
    expect(await lossOf({ kind: 'lr', alpha: a })).toBeCloseTo(want, 6);
    // A confident correct sample (p_y = 0.9999) contributes 0: only sample 1 is left.
    const confident = [
      [10, 0, 0],
      [0.5, 0.5, 3],
    ];
    expect(await lossOf({ kind: 'lr', alpha: a }, confident)).toBeCloseTo(kl(Z[1], 1) / 2, 6);
    // α = 0 is plain cross-entropy.
    expect(await lossOf({ kind: 'lr', alpha: 0 })).toBeCloseTo(await lossOf({ kind: 'ce' }), 6);
  });

  it('lr stays finite where p underflows (log-space value), and its gradient is (p − q)/B', async () => {
    expect(Number.isFinite(await lossOf({ kind: 'lr', alpha: 0.1 }, [[0, 0, -200]], [2]))).toBe(
      true,
    );
    expect(await lossOf({ kind: 'lr', alpha: 0.1 }, [[200, 0, 0]], [0])).toBe(0);
    const spec: LossSpec = { kind: 'lr', K, alpha: 0.2, mseScale: 1 };
    const { analytic } = await gradAndFd(spec, Z, Y);
    Z.forEach((z, i) => {
      const p = softmax(z);
      // Sample 0 has p_y = 0.844 > 1 − α = 0.8: relaxed, no loss and no gradient.
      const active = p[Y[i]] <= 1 - 0.2;
      expect(active).toBe(i === 1);
      const s = p.reduce((acc, v, k) => (k === Y[i] ? acc : acc + v), 0);
      p.forEach((pk, k) => {
        const q = k === Y[i] ? 1 - 0.2 : (0.2 * pk) / s;
        expect(analytic[i][k]).toBeCloseTo(active ? (pk - q) / 2 : 0, 6);
      });
    });
  });

  for (const spec of [
    { kind: 'mse', alpha: 0, mseScale: 0.5 },
    { kind: 'ce', alpha: 0, mseScale: 1 },
    { kind: 'ls', alpha: 0.15, mseScale: 1 },
    { kind: 'lr', alpha: 0.1, mseScale: 1 }, // both samples active
  ] as const) {
    it(`${spec.kind}: the gradient matches central differences of the value`, async () => {
      const { analytic, fd } = await gradAndFd({ ...spec, K }, Z, Y);
      analytic.forEach((row, i) =>
        row.forEach((g, k) =>
          expect(Math.abs(g - fd[i][k])).toBeLessThan(2e-4 + 1e-3 * Math.abs(g)),
        ),
      );
    });
  }
});
