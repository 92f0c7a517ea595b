import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, netConfigSchema } from '../config/schema';
import { kernelCall } from './kernelShapes';
import { peakKernelMs } from './kernelPeak';
import { netBenchSession, type NetBenchCase } from './netBench';
import { HOST_MATMUL_KERNEL } from '../core/hostGemm';
import { isNetworkProduct, netEfficiency, optimiserMs, peakGroups } from './netEfficiency';

beforeAll(async () => {
  await initBackend('cpu');
});

/**
 * seed 000's MLP without BatchNorm at toy size: Linear(12, 8) → ReLU → Linear(8, 8) → ReLU →
 * the intermediate Linear(8, 8) → head Linear(8, 3); 275 parameters, batch 8.
 */
const tiny: NetBenchCase = {
  id: 'tiny-mlp',
  label: 'tiny MLP',
  inputShape: [12],
  K: 3,
  config: netConfigSchema.parse({
    ...DEFAULT_NET_CONFIG,
    model: 'mlp',
    width: 8,
    depthRelu: 2,
    batchnorm: false,
    depthLinear: 1,
    batchSize: 8,
    optimizer: 'sgd',
    lr: 0.01,
  }),
};

const text = (inputs: number[][], out: number[]) =>
  `${inputs.map((s) => `[${s.join(',')}]`).join('·')}→[${out.join(',')}]`;

describe('netEfficiency', () => {
  it("finds every dense layer's products in the step and times each at its peak", async () => {
    const before = tf.memory().numTensors;
    const r = await netEfficiency(tiny, {
      warmup: 2,
      warmupMs: 0,
      timedSteps: 3,
      profiledSteps: 1,
    });
    expect(tf.memory().numTensors).toBe(before);

    const products = r.byKernel.flatMap((k) =>
      Array.from({ length: k.count }, () => text(k.shapes.inputs, k.shapes.output)),
    );
    expect(r.byKernel.every((k) => k.name === 'BatchMatMul' && k.geometry === 'plain')).toBe(true);
    expect(products.sort()).toEqual(
      [
        // forward, batch 8: the four layers
        '[8,12]·[12,8]→[8,8]',
        '[8,8]·[8,8]→[8,8]',
        '[8,8]·[8,8]→[8,8]',
        '[8,8]·[8,3]→[8,3]',
        // head: dX = dY·Wᵀ, and dW = Xᵀ·dY computed as (dYᵀ·X)ᵀ (fewer elements moved)
        '[8,3]·[3,8]→[8,8]',
        '[3,8]·[8,8]→[3,8]',
        // intermediate layer and second layer: dX and dW each
        '[8,8]·[8,8]→[8,8]',
        '[8,8]·[8,8]→[8,8]',
        '[8,8]·[8,8]→[8,8]',
        '[8,8]·[8,8]→[8,8]',
        // first layer: dW = Xᵀ·dY only (nobody uses the input's gradient)
        '[12,8]·[8,8]→[12,8]',
      ].sort(),
    );
    // identical shapes are timed once and counted many times
    expect(
      r.byKernel.find((k) => text(k.shapes.inputs, k.shapes.output) === '[8,8]·[8,8]→[8,8]')?.count,
    ).toBe(6);

    for (const k of r.byKernel) {
      expect(k.peakMs).toBeGreaterThan(0);
      expect(Number.isFinite(k.peakMs)).toBe(true);
      expect(k.stepMs).toBeGreaterThan(0);
    }
    expect(r.backend).toBe('cpu');
    expect(r.peakMs).toBeCloseTo(
      r.byKernel.reduce((a, k) => a + k.peakMs, 0),
      9,
    );
    expect(r.efficiency).toBe(r.peakMs / r.stepMs);
    // the ceiling: the same products with new operands, and the update alone
    for (const k of r.byKernel) expect(k.freshMs).toBeGreaterThan(0);
    expect(r.freshMs).toBeCloseTo(
      r.byKernel.reduce((a, k) => a + k.freshMs, 0),
      9,
    );
    expect(r.optimiserMs).toBeGreaterThan(0);
    expect(r.ceiling).toBe(r.peakMs / (r.freshMs + r.optimiserMs));
    expect(r.otherMs).toBe(r.stepMs - r.kernelsMs);
    expect(r.stepMs).toBeGreaterThan(0);
    // the step's other kernels are there too: the optimiser's and the loss's
    expect(r.otherKernels.map((k) => k.name)).toContain('Multiply');
    expect(r.otherKernels.some((k) => isNetworkProduct(k.name))).toBe(false);
    expect(r.kernelCount).toBe(r.otherKernels.reduce((a, k) => a + k.count, 0) + products.length);
  });

  it('compares the lab’s heap products with XNNPACK’s plain product of the same shape, and times them with new operands as the step ran them', () => {
    const k = (name: string) => ({
      name,
      inputShapes: [
        [16, 32],
        [32, 8],
      ],
      outputShapes: [[16, 8]],
      ms: 1,
    });
    const groups = peakGroups([k(HOST_MATMUL_KERNEL), k('BatchMatMul'), k(HOST_MATMUL_KERNEL)]);
    expect(groups.map((g) => [g.call.name, g.asRun.name, g.kernels.length])).toEqual([
      ['BatchMatMul', HOST_MATMUL_KERNEL, 2],
      ['BatchMatMul', 'BatchMatMul', 1],
    ]);
    expect(isNetworkProduct(HOST_MATMUL_KERNEL)).toBe(true);
  });

  it('reads a matmul transposed on the right back from its profile and calls it again', async () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([1, 0, 2, -1, 3, 1, 0, 2, -2, 1, 1, 1], [4, 3]);
    const profile = await tf.profile(() => tf.matMul(a, b, false, true));
    const [k] = profile.kernels.filter((x) => x.name === 'BatchMatMul');
    const call = kernelCall('BatchMatMul', k.inputShapes, k.outputShapes[0]);
    expect(call.attrs).toEqual({ transposeA: false, transposeB: true });
    const again = tf.engine().runKernel(call.name, { a, b }, call.attrs) as tf.Tensor;
    expect(Array.from(again.dataSync())).toEqual(
      Array.from((profile.result as tf.Tensor).dataSync()),
    );
    tf.dispose([a, b, again, profile.result as tf.Tensor]);
    // and its peak time is a real time, leaving no tensor behind
    const before = tf.memory().numTensors;
    const ms = await peakKernelMs(call, 3, 0);
    expect(ms).toBeGreaterThan(0);
    expect(Number.isFinite(ms)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads the lab's convolutions back from their shapes: strided, and dilated (a weight gradient)", async () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
    const dyT = tf.randomNormal([4, 4, 3, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const runs: [() => tf.Tensor4D, tf.NamedTensorMap][] = [
      [() => tf.conv2d(x, w, 2, 1), { x, filter: w }],
      // x with batch ↔ channels swapped against dy as the filter, dilated by the stride
      [() => tf.conv2d(x, dyT, 1, 1, 'NHWC', 2), { x, filter: dyT }],
    ];
    for (const [run, inputs] of runs) {
      const profile = await tf.profile(run);
      const [k] = profile.kernels.filter((p) => p.name === 'Conv2D');
      const call = kernelCall('Conv2D', k.inputShapes, k.outputShapes[0]);
      const again = tf.engine().runKernel(call.name, inputs, call.attrs) as tf.Tensor;
      const expected = profile.result as tf.Tensor;
      expect(again.shape).toEqual(expected.shape);
      const diff = tf.max(tf.abs(tf.sub(again, expected)));
      expect(diff.dataSync()[0]).toBeLessThan(1e-5);
      tf.dispose([again, expected, diff]);
    }
    expect(kernelCall('Conv2D', [x.shape, dyT.shape], [2, 4, 4, 4]).geometry).toBe(
      'stride 1, pad 1, dilation 2',
    );
    tf.dispose([x, w, dyT]);
  });
});

describe('optimiserMs', () => {
  it("times the session's own update: it moves every parameter and leaves no tensor behind", () => {
    const session = netBenchSession(tiny);
    try {
      const vars = session.model.store.trainable;
      const before = vars.map((v) => Array.from(v.dataSync()));
      const tensors = tf.memory().numTensors;
      const ms = optimiserMs(session, 3);
      expect(ms).toBeGreaterThan(0);
      expect(Number.isFinite(ms)).toBe(true);
      expect(tf.memory().numTensors).toBe(tensors);
      vars.forEach((v, i) => expect(Array.from(v.dataSync())).not.toEqual(before[i]));
    } finally {
      session.dispose();
    }
  });
});
