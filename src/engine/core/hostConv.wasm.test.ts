/** On wasm: the lab's own convolution (hostLoops.wat `conv`) against XNNPACK's, number for number. */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { HOST_CONV_KERNEL, hostConv2d, setHostConv, type ConvPad } from './hostConv';
import { normalTensor } from '../testing/matrices';

beforeAll(async () => {
  await initBackend('wasm');
});
afterEach(() => setHostConv(true));
afterAll(async () => {
  await initBackend('cpu');
});

/** Same numbers, signs of zero and NaNs included (toEqual on typed arrays compares with Object.is). */
function sameBits(a: tf.Tensor, b: tf.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.dataSync()).toEqual(b.dataSync());
}

type Case = [x: number[], filter: number[], strides: number, pad: ConvPad, dilations: number];

/** ResNet18 ⅛'s shapes: its convolutions, their input gradients and weight gradients. */
const CASES: Case[] = [
  [[16, 32, 32, 3], [3, 3, 3, 8], 1, 1, 1],
  [[4, 8, 8, 16], [3, 3, 16, 16], 1, 1, 1],
  [[4, 8, 8, 16], [3, 3, 16, 32], 2, 1, 1],
  [[4, 8, 8, 16], [1, 1, 16, 32], 2, 0, 1],
  [[2, 4, 4, 64], [2, 2, 64, 128], 1, 'same', 1],
  [
    [8, 9, 9, 5],
    [3, 3, 5, 8],
    1,
    [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
    1,
  ],
  // a weight gradient: x with batch and channels swapped, dy as a dilated filter
  [[8, 16, 16, 4], [8, 8, 4, 16], 1, 1, 2],
  [[3, 10, 10, 7], [5, 5, 7, 24], 1, 0, 1],
  // output pixels not a multiple of 4 (27, 9): the last group's extra pixels are not stored
  [[3, 6, 6, 4], [6, 6, 4, 8], 1, 1, 1],
  [[1, 3, 3, 5], [3, 3, 5, 16], 1, 1, 1],
];

describe('the heap convolution on wasm', () => {
  it('gives tf.conv2d’s numbers to the last bit: strides, paddings (symmetric, same, per side) and dilations', () => {
    for (const [i, [xs, fs, strides, pad, dilations]] of CASES.entries()) {
      const x = normalTensor(xs, 2 * i + 1) as tf.Tensor4D;
      const w = normalTensor(fs, 2 * i + 2) as tf.Tensor4D;
      const mine = hostConv2d(x, w, { strides, pad, dilations });
      expect(mine, `case ${i}`).not.toBeNull();
      const xnn = tf.conv2d(x, w, strides, pad, 'NHWC', dilations);
      sameBits(mine as tf.Tensor, xnn);
      tf.dispose([x, w, mine as tf.Tensor, xnn]);
    }
  });

  it('gives tf.conv2d’s numbers to the last bit on random geometries (sizes, strides, paddings per side, dilations)', () => {
    const geometry = fc
      .record({
        B: fc.integer({ min: 1, max: 3 }),
        H: fc.integer({ min: 1, max: 9 }),
        W: fc.integer({ min: 1, max: 9 }),
        C: fc.integer({ min: 1, max: 6 }),
        O: fc.constantFrom(8, 16),
        kh: fc.integer({ min: 1, max: 4 }),
        kw: fc.integer({ min: 1, max: 4 }),
        strides: fc.integer({ min: 1, max: 3 }),
        dilations: fc.integer({ min: 1, max: 2 }),
        pads: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        seed: fc.integer({ min: 1, max: 1000 }),
      })
      // tfjs refuses a stride and a dilation both above 1, and a window larger than the input
      .filter((g) => g.strides === 1 || g.dilations === 1)
      .filter(
        (g) =>
          g.H + g.pads[0] + g.pads[1] >= g.dilations * (g.kh - 1) + 1 &&
          g.W + g.pads[2] + g.pads[3] >= g.dilations * (g.kw - 1) + 1,
      );
    fc.assert(
      fc.property(geometry, (g) => {
        const x = normalTensor([g.B, g.H, g.W, g.C], g.seed) as tf.Tensor4D;
        const w = normalTensor([g.kh, g.kw, g.C, g.O], g.seed + 1) as tf.Tensor4D;
        const [t, b, l, r] = g.pads;
        const pad: ConvPad = [
          [0, 0],
          [t, b],
          [l, r],
          [0, 0],
        ];
        const mine = hostConv2d(x, w, { strides: g.strides, pad, dilations: g.dilations });
        const xnn = tf.conv2d(x, w, g.strides, pad, 'NHWC', g.dilations);
        try {
          expect(mine).not.toBeNull();
          sameBits(mine as tf.Tensor, xnn);
        } finally {
          tf.dispose([x, w, xnn, ...(mine ? [mine] : [])]);
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('starts each sum from the bias as XNNPACK’s fused convolution does', () => {
    const x = normalTensor([4, 6, 6, 8], 1) as tf.Tensor4D;
    const w = normalTensor([3, 3, 8, 16], 2) as tf.Tensor4D;
    const b = normalTensor([16], 3) as tf.Tensor1D;
    const mine = hostConv2d(x, w, { strides: 1, pad: 1, dilations: 1 }, b) as tf.Tensor4D;
    const xnn = tf.fused.conv2d({ x, filter: w, strides: 1, pad: 1, bias: b });
    sameBits(mine, xnn);
    // not merely the bias added afterwards: that rounds differently somewhere
    const after = tf.add(tf.conv2d(x, w, 1, 1), b);
    expect(mine.dataSync()).not.toEqual(after.dataSync());
    tf.dispose([x, w, b, mine, xnn, after]);
  });

  it('passes NaN and infinities through and sums padding taps from zeros (an all −0 input gives +0)', () => {
    const values = Array.from({ length: 4 * 4 * 4 * 2 }, (_, i) =>
      i === 5 ? NaN : i === 40 ? Infinity : -0,
    );
    const x = tf.tensor4d(values, [4, 4, 4, 2]);
    const w = normalTensor([3, 3, 2, 8], 4) as tf.Tensor4D;
    const mine = hostConv2d(x, w, { strides: 1, pad: 1, dilations: 1 }) as tf.Tensor4D;
    const xnn = tf.conv2d(x, w, 1, 1);
    sameBits(mine, xnn);
    tf.dispose([x, w, mine, xnn]);
  });

  it('declines what it does not run (out channels not a multiple of 8, no channels in, switched off)', () => {
    const x = normalTensor([1, 2, 2, 4], 1) as tf.Tensor4D;
    const w8 = normalTensor([1, 1, 4, 8], 2) as tf.Tensor4D;
    const w3 = normalTensor([1, 1, 4, 3], 3) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 0, dilations: 1 };
    expect(hostConv2d(x, w3, attrs)).toBeNull();
    const [none, noneW] = [tf.zeros([1, 2, 2, 0]), tf.zeros([1, 1, 0, 8])] as tf.Tensor4D[];
    expect(hostConv2d(none, noneW, attrs)).toBeNull();
    tf.dispose([none, noneW]);
    expect(hostConv2d(x, w8, { strides: 2, pad: 0, dilations: 2 })).toBeNull();
    setHostConv(false);
    expect(hostConv2d(x, w8, attrs)).toBeNull();
    setHostConv(true);
    const ran = hostConv2d(x, w8, attrs);
    expect(ran?.shape).toEqual([1, 2, 2, 8]);
    tf.dispose([x, w8, w3, ran as tf.Tensor]);
  });

  it('runs as one kernel of its own, which tf.profile records with its operands’ shapes, and leaks nothing', async () => {
    const x = normalTensor([2, 4, 4, 8], 1) as tf.Tensor4D;
    const w = normalTensor([3, 3, 8, 8], 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    let out: tf.Tensor | null = null;
    const profile = await tf.profile(() => {
      out = hostConv2d(x, w, { strides: 1, pad: 1, dilations: 1 });
    });
    expect(profile.kernels.map((k) => k.name)).toEqual([HOST_CONV_KERNEL]);
    expect(profile.kernels[0].inputShapes).toEqual([
      [2, 4, 4, 8],
      [3, 3, 8, 8],
    ]);
    expect(tf.memory().numTensors).toBe(before + 1);
    // the row of zeros it reads for the padding goes back to the backend
    const buffers = tf.backend().numDataIds();
    hostConv2d(x, w, { strides: 1, pad: 1, dilations: 1 })?.dispose();
    expect(tf.backend().numDataIds()).toBe(buffers);
    tf.dispose([x, w, out as unknown as tf.Tensor]);
  });
});
