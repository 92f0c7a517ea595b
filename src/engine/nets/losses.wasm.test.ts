import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { createRng } from '../core/rng';
import { dataLoss, type LossSpec } from './losses';

function valueAndGradient(spec: LossSpec, z: Float32Array, labels: Int32Array, B: number) {
  const v = tf.variable(tf.tensor2d(z, [B, spec.K]));
  const y = tf.tensor1d(labels, 'int32');
  const { value, grads } = tf.variableGrads(
    () => dataLoss(spec, v as unknown as tf.Tensor2D, y),
    [v],
  );
  const out = { loss: value.dataSync()[0], grad: Array.from(grads[v.name].dataSync()) };
  tf.dispose([v, y, value, ...Object.values(grads)]);
  return out;
}

const CASES: { spec: LossSpec; B: number }[] = [
  { spec: { kind: 'ce', K: 2, alpha: 0, mseScale: 1 }, B: 16 }, // seed 002's two classes
  { spec: { kind: 'ce', K: 10, alpha: 0, mseScale: 1 }, B: 7 },
  { spec: { kind: 'ls', K: 10, alpha: 0.1, mseScale: 1 }, B: 9 }, // label smoothing
];

function data(B: number, K: number, seed: string) {
  const rng = createRng(seed);
  const z = Float32Array.from({ length: B * K }, () => rng.normal(0, 3));
  const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % K);
  return { z, labels };
}

describe('cross-entropy and label smoothing on the wasm heap (crossEntropyHeap.ts)', () => {
  it('gives the value and the logits’ gradient of tfjs’s logSoftmax phrasing on cpu', async () => {
    await initBackend('cpu');
    const want = CASES.map(({ spec, B }) => {
      const { z, labels } = data(B, spec.K, `${spec.kind}${B}`);
      return valueAndGradient(spec, z, labels, B);
    });
    await initBackend('wasm');
    CASES.forEach(({ spec, B }, i) => {
      const { z, labels } = data(B, spec.K, `${spec.kind}${B}`);
      const got = valueAndGradient(spec, z, labels, B);
      expect(Math.abs(got.loss - want[i].loss)).toBeLessThan(1e-5 * Math.max(1, want[i].loss));
      got.grad.forEach((g, k) => expect(Math.abs(g - want[i].grad[k])).toBeLessThan(1e-6));
    });
  });

  it('runs none of logSoftmax’s kernels on wasm, and a NaN logit gives a NaN loss', async () => {
    await initBackend('wasm');
    const { spec, B } = CASES[0];
    const { z, labels } = data(B, spec.K, 'kernels');
    const { kernels } = await tf.profile(() => valueAndGradient(spec, z, labels, B));
    const names = kernels.map((k) => k.name);
    for (const name of ['Max', 'Exp', 'Log', 'Mean']) expect(names).not.toContain(name);
    z[3] = NaN;
    expect(valueAndGradient(spec, z, labels, B).loss).toBeNaN();
  });
});
