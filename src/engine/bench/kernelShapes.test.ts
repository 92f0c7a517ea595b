import { describe, expect, it } from 'vitest';
import { HOST_CONV_KERNEL } from '../core/hostConv';
import { HOST_MATMUL_KERNEL } from '../core/hostGemm';
import {
  convOutputSize,
  inferConv,
  inferMatMul,
  isHostKernel,
  isPeakKernel,
  kernelCall,
} from './kernelShapes';

describe('inferMatMul', () => {
  it('reads each transpose combination back from non-square shapes', () => {
    // a: 2×3 (or its transpose), b: 3×4 (or its transpose), out 2×4
    expect(inferMatMul([2, 3], [3, 4], [2, 4])).toEqual({ transposeA: false, transposeB: false });
    expect(inferMatMul([2, 3], [4, 3], [2, 4])).toEqual({ transposeA: false, transposeB: true });
    expect(inferMatMul([3, 2], [3, 4], [2, 4])).toEqual({ transposeA: true, transposeB: false });
    expect(inferMatMul([3, 2], [4, 3], [2, 4])).toEqual({ transposeA: true, transposeB: true });
  });

  it('reads the last two axes of batched shapes', () => {
    expect(inferMatMul([5, 2, 3], [5, 4, 3], [5, 2, 4])).toEqual({
      transposeA: false,
      transposeB: true,
    });
  });

  it('takes a square product that fits either way as the plain one', () => {
    expect(inferMatMul([128, 512], [512, 512], [128, 512])).toEqual({
      transposeA: false,
      transposeB: false,
    });
  });

  it('refuses shapes no matmul produces', () => {
    expect(() => inferMatMul([2, 3], [5, 4], [2, 4])).toThrow(/no matmul/);
  });
});

describe('inferConv', () => {
  it('finds the forward convolutions of ResNet18 / VGG16 (3×3 pad 1, strided 3×3 and 1×1)', () => {
    expect(inferConv([32, 32], [3, 3], [32, 32])).toEqual({ strides: 1, pad: 1, dilations: 1 });
    expect(inferConv([32, 32], [3, 3], [16, 16])).toEqual({ strides: 2, pad: 1, dilations: 1 });
    expect(inferConv([8, 8], [3, 3], [4, 4])).toEqual({ strides: 2, pad: 1, dilations: 1 });
    expect(inferConv([32, 32], [1, 1], [16, 16])).toEqual({ strides: 2, pad: 0, dilations: 1 });
  });

  it('finds the weight gradients the lab writes as convolutions (dy as a dilated filter)', () => {
    // stride-1 layer: x [C, 32, 32, B] with dy [32, 32, B, O] as the filter, pad 1 → 3×3
    expect(inferConv([32, 32], [32, 32], [3, 3])).toEqual({ strides: 1, pad: 1, dilations: 1 });
    // stride-2 3×3 layers on 16×16 and 8×8: dy is 8×8 / 4×4, dilated by 2, pad 1 → 4×4
    expect(inferConv([16, 16], [8, 8], [4, 4])).toEqual({ strides: 1, pad: 1, dilations: 2 });
    // 8×8 → 4×4 also fits stride 2 on an undilated 4×4 filter: the same multiply-adds
    expect(inferConv([8, 8], [4, 4], [4, 4])).toEqual({ strides: 1, pad: 1, dilations: 2 });
    // the 1×1 stride-2 shortcut: 32×32 with a 16×16 dy dilated by 2, no padding → 2×2
    expect(inferConv([32, 32], [16, 16], [2, 2])).toEqual({ strides: 1, pad: 0, dilations: 2 });
  });

  it("falls back to 'same' where no symmetric padding fits", () => {
    // 2×2 filter, stride 1, output as large as the input: one row of padding on one side only
    expect(inferConv([5, 5], [2, 2], [5, 5])).toEqual({ strides: 1, pad: 'same', dilations: 1 });
  });

  it('gives the output size it was asked for, by tfjs rule', () => {
    for (const [inHW, k, out] of [
      [32, 3, 16],
      [16, 8, 4],
      [5, 2, 5],
      [7, 3, 4],
    ]) {
      const g = inferConv([inHW, inHW], [k, k], [out, out]);
      expect(convOutputSize(inHW, k, g)).toBe(out);
    }
  });

  it('refuses sizes no convolution produces', () => {
    expect(() => inferConv([4, 4], [3, 3], [9, 9])).toThrow(/no convolution/);
  });
});

describe('kernelCall', () => {
  it('names a matmul transposed on the right as such', () => {
    const c = kernelCall(
      'BatchMatMul',
      [
        [6, 4],
        [5, 4],
      ],
      [6, 5],
    );
    expect(c.inputs).toEqual({ a: [6, 4], b: [5, 4] });
    expect(c.attrs).toEqual({ transposeA: false, transposeB: true });
    expect(c.geometry).toBe('transposeB');
  });

  it('calls a fused matmul with its bias, linear', () => {
    const c = kernelCall('_FusedMatMul', [[6, 4], [4, 5], [5]], [6, 5]);
    expect(c.inputs).toEqual({ a: [6, 4], b: [4, 5], bias: [5] });
    expect(c.attrs).toMatchObject({ transposeA: false, transposeB: false, activation: 'linear' });
  });

  it('calls a fused matmul without PReLU weights, recorded as a null input, with its bias only', () => {
    const c = kernelCall('_FusedMatMul', [[6, 4], [4, 4], [4], null], [6, 4]);
    expect(c.inputs).toEqual({ a: [6, 4], b: [4, 4], bias: [4] });
    expect(c.attrs).toMatchObject({ activation: 'linear' });
  });

  it('reads a strided Conv2DBackpropInput from dy back to the input it rebuilds', () => {
    const c = kernelCall(
      'Conv2DBackpropInput',
      [
        [16, 16, 16, 16],
        [3, 3, 8, 16],
      ],
      [16, 32, 32, 8],
    );
    expect(c.inputs).toEqual({ dy: [16, 16, 16, 16], filter: [3, 3, 8, 16] });
    expect(c.attrs).toEqual({
      strides: 2,
      pad: 1,
      dataFormat: 'NHWC',
      inputShape: [16, 32, 32, 8],
    });
    expect(c.geometry).toBe('stride 2, pad 1');
  });

  it('reads Conv2DBackpropFilter from x and dy to the filter', () => {
    const c = kernelCall(
      'Conv2DBackpropFilter',
      [
        [2, 8, 8, 3],
        [2, 4, 4, 5],
      ],
      [3, 3, 3, 5],
    );
    expect(c.inputs).toEqual({ x: [2, 8, 8, 3], dy: [2, 4, 4, 5] });
    expect(c.attrs).toMatchObject({ strides: 2, pad: 1, filterShape: [3, 3, 3, 5] });
  });

  it('times the lab’s heap product as XNNPACK’s plain BatchMatMul of the same operands', () => {
    const c = kernelCall(
      HOST_MATMUL_KERNEL,
      [
        [128, 3072],
        [3072, 512],
      ],
      [128, 512],
    );
    expect(c).toEqual({
      name: 'BatchMatMul',
      inputs: { a: [128, 3072], b: [3072, 512] },
      attrs: { transposeA: false, transposeB: false },
      geometry: 'heap product',
    });
    expect(() =>
      kernelCall(
        HOST_MATMUL_KERNEL,
        [
          [3072, 128],
          [3072, 512],
        ],
        [128, 512],
      ),
    ).toThrow('takes no transposed operand');
  });

  it('times the lab’s heap convolution as XNNPACK’s Conv2D, or FusedConv2D with its bias, of the same shapes', () => {
    const plain = kernelCall(
      HOST_CONV_KERNEL,
      [
        [16, 32, 32, 8],
        [3, 3, 8, 8],
      ],
      [16, 32, 32, 8],
    );
    expect(plain.name).toBe('Conv2D');
    expect(plain.inputs).toEqual({ x: [16, 32, 32, 8], filter: [3, 3, 8, 8] });
    expect(plain.attrs).toMatchObject({ strides: 1, pad: 1, dilations: 1 });
    expect(plain.geometry).toBe('heap convolution, stride 1, pad 1');
    // a weight gradient: dy as a filter dilated by the forward stride
    const grad = kernelCall(
      HOST_CONV_KERNEL,
      [[8, 32, 32, 16], [16, 16, 16, 16], [16]],
      [8, 4, 4, 16],
    );
    expect(grad.name).toBe('FusedConv2D');
    expect(grad.inputs.bias).toEqual([16]);
    expect(grad.attrs).toMatchObject({ strides: 1, pad: 1, dilations: 2 });
    expect(isHostKernel(HOST_CONV_KERNEL)).toBe(true);
    expect(isHostKernel('Conv2D')).toBe(false);
  });

  it('says which kernels it can time', () => {
    expect(isPeakKernel('Conv2D')).toBe(true);
    expect(isPeakKernel('Multiply')).toBe(false);
  });
});
