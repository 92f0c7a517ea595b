import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { HOST_CONV_KERNEL } from '../core/hostConv';
import { HOST_MATMUL_KERNEL } from '../core/hostGemm';

/**
 * The matmul and convolution kernels whose time the network efficiency compares with XNNPACK's
 * peak (netEfficiency.ts), and how to call one again from what `tf.profile` recorded of it: its
 * name and its inputs' and outputs' shapes, but no attributes. Transposes, strides, padding and
 * dilation are read back from the shapes. Pure: no tensors.
 */
export const PEAK_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
] as const;
export type PeakKernelName = (typeof PEAK_KERNELS)[number];

export function isPeakKernel(name: string): name is PeakKernelName {
  return (PEAK_KERNELS as readonly string[]).includes(name);
}

/** The lab's own products on the wasm heap (core/hostGemm.ts, core/hostConv.ts). */
export const HOST_KERNELS = [HOST_MATMUL_KERNEL, HOST_CONV_KERNEL] as const;
export type HostKernelName = (typeof HOST_KERNELS)[number];

export function isHostKernel(name: string): name is HostKernelName {
  return (HOST_KERNELS as readonly string[]).includes(name);
}

/** A product a step runs: tfjs's kernels, or the lab's heap ones. */
export type ProductKernelName = PeakKernelName | HostKernelName;

export interface MatMulGeometry {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * The transposes that make a·b (last two axes) produce `out`; untransposed first, so a square
 * product that fits either way reads as the plain one (the lab's phrasing on every backend).
 */
export function inferMatMul(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[],
): MatMulGeometry {
  const [M, N] = out.slice(-2);
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const [a0, a1] = a.slice(-2);
      const [b0, b1] = b.slice(-2);
      const [rows, innerA] = transposeA ? [a1, a0] : [a0, a1];
      const [innerB, cols] = transposeB ? [b1, b0] : [b0, b1];
      if (rows === M && cols === N && innerA === innerB) return { transposeA, transposeB };
    }
  }
  throw new Error(`no matmul of [${a.join(',')}]·[${b.join(',')}] gives [${out.join(',')}]`);
}

export interface ConvGeometry {
  strides: number;
  /** symmetric zero padding (PyTorch's), or tfjs's 'same' where no symmetric one fits */
  pad: number | 'same';
  dilations: number;
}

/** tfjs's output size of a convolution along one axis (computeConv2DInfo). */
export function convOutputSize(
  size: number,
  filter: number,
  { strides, pad, dilations }: ConvGeometry,
): number {
  if (pad === 'same') return Math.ceil(size / strides);
  const effective = dilations * (filter - 1) + 1;
  return Math.floor((size + 2 * pad - effective) / strides) + 1;
}

const fits = (
  g: ConvGeometry,
  inHW: readonly number[],
  filterHW: readonly number[],
  outHW: readonly number[],
) => [0, 1].every((i) => convOutputSize(inHW[i], filterHW[i], g) === outHW[i]);

/**
 * Stride, padding and dilation of a convolution taking an `inHW` image through a `filterHW`
 * filter to `outHW`. Stride 1 first (symmetric padding, then 'same'); then, as the lab phrases
 * convolutions, larger strides for a filter smaller than its output, but dilations (≤ 4) first
 * for one as large: a weight gradient written as a convolution, whose filter is dy dilated by
 * the forward stride. At small sizes both readings can fit; they do the same multiply-adds, so
 * only the access pattern differs.
 */
export function inferConv(
  inHW: readonly number[],
  filterHW: readonly number[],
  outHW: readonly number[],
  allowDilation = true,
): ConvGeometry {
  const maxPad = (d: number) => d * (Math.max(filterHW[0], filterHW[1]) - 1);
  const symmetric = (strides: number, dilations: number): ConvGeometry[] => {
    const out: ConvGeometry[] = [];
    for (let pad = 0; pad <= maxPad(dilations); pad++) out.push({ strides, pad, dilations });
    return out;
  };
  const strided = [2, 3, 4].flatMap((s) => [
    ...symmetric(s, 1),
    { strides: s, pad: 'same' as const, dilations: 1 },
  ]);
  const dilated = allowDilation ? [2, 3, 4].flatMap((d) => symmetric(1, d)) : [];
  const gradientLike = filterHW[0] >= outHW[0] && filterHW[1] >= outHW[1];
  const order = [
    ...symmetric(1, 1),
    { strides: 1, pad: 'same' as const, dilations: 1 },
    ...(gradientLike ? [...dilated, ...strided] : [...strided, ...dilated]),
  ];
  const g = order.find((c) => fits(c, inHW, filterHW, outHW));
  if (!g) {
    throw new Error(
      `no convolution takes ${inHW.join('×')} through a ${filterHW.join('×')} filter to ${outHW.join('×')}`,
    );
  }
  return g;
}

/** A kernel to call again: its name, its inputs' shapes by the kernel's input names, attributes. */
export interface KernelCall {
  name: ProductKernelName;
  inputs: Record<string, number[]>;
  attrs: NamedAttrMap;
  /** the inferred attributes in words ("transposeB", "stride 2, pad 1") */
  geometry: string;
}

const FUSED_INPUTS = ['bias', 'preluActivationWeights'];

function trimNulls(shapes: readonly (number[] | null)[]): (number[] | null)[] {
  const out = [...shapes];
  while (out.length > 2 && out[out.length - 1] === null) out.pop();
  return out;
}

function convWords(g: ConvGeometry): string {
  const parts = [`stride ${g.strides}`, `pad ${g.pad}`];
  if (g.dilations > 1) parts.push(`dilation ${g.dilations}`);
  return parts.join(', ');
}

function need(shape: number[] | null | undefined, what: string): number[] {
  if (!shape) throw new Error(`the profile has no shape for ${what}`);
  return shape;
}

/**
 * The call a profiled kernel made, from its input shapes (in the order its op passed them, the
 * kernel's input names) and its first output's shape. A fused kernel's third and fourth inputs
 * are its bias and PReLU weights; its activation is not recorded, so it is called linear (or
 * prelu with those weights): elementwise work beside the product.
 */
export function kernelCall(
  name: ProductKernelName,
  inputShapes: readonly (number[] | null)[],
  outputShape: readonly number[],
): KernelCall {
  if (name === HOST_MATMUL_KERNEL) return xnnpackCallFor(inputShapes, outputShape);
  if (name === HOST_CONV_KERNEL) {
    // the heap convolution takes tf.conv2d's inputs (x, filter, bias) and attributes
    const biased = inputShapes.length > 2 && inputShapes[2] !== null;
    const call = kernelCall(biased ? 'FusedConv2D' : 'Conv2D', inputShapes, outputShape);
    return { ...call, geometry: `heap convolution, ${call.geometry}` };
  }
  // a fused kernel's absent bias / PReLU weights are recorded as null after its operands
  const present = inputShapes.length > 2 ? trimNulls(inputShapes) : inputShapes;
  const shapes = present.map((s, i) => need(s, `${name}'s input ${i}`));
  const out = [...outputShape];
  const named = (names: string[]) =>
    Object.fromEntries(shapes.map((s, i) => [names[i] ?? `input${i}`, s]));
  const fused =
    name === '_FusedMatMul' || name === 'FusedConv2D' || name === 'FusedDepthwiseConv2D';
  const activation = shapes.length > 3 ? { activation: 'prelu' } : { activation: 'linear' };
  if (name === 'BatchMatMul' || name === '_FusedMatMul') {
    const m = inferMatMul(shapes[0], shapes[1], out);
    const words = [m.transposeA && 'transposeA', m.transposeB && 'transposeB'].filter(Boolean);
    return {
      name,
      inputs: named(['a', 'b', ...FUSED_INPUTS]),
      attrs: { ...m, ...(fused ? { ...activation, leakyreluAlpha: 0.2 } : {}) },
      geometry: words.join(', ') || 'plain',
    };
  }
  const nhwc = { dataFormat: 'NHWC' } as const;
  const hw = (s: readonly number[]) => [s[1], s[2]];
  if (name === 'Conv2DBackpropInput') {
    // dy [B, Ho, Wo, out] and the filter back to the forward input `out`
    const g = inferConv(hw(out), shapes[1].slice(0, 2), hw(shapes[0]), false);
    return {
      name,
      inputs: named(['dy', 'filter']),
      attrs: { strides: g.strides, pad: g.pad, ...nhwc, inputShape: out },
      geometry: convWords(g),
    };
  }
  if (name === 'Conv2DBackpropFilter') {
    // x and dy to the filter `out`
    const g = inferConv(hw(shapes[0]), out.slice(0, 2), hw(shapes[1]), false);
    return {
      name,
      inputs: named(['x', 'dy']),
      attrs: { strides: g.strides, pad: g.pad, ...nhwc, filterShape: out },
      geometry: convWords(g),
    };
  }
  const g = inferConv(hw(shapes[0]), shapes[1].slice(0, 2), hw(out));
  return {
    name,
    inputs: named(['x', 'filter', ...FUSED_INPUTS]),
    attrs: { ...g, ...nhwc, ...(fused ? { ...activation, leakyreluAlpha: 0.2 } : {}) },
    geometry: convWords(g),
  };
}

/**
 * The lab's heap product a·b as XNNPACK's best call of the same M × K × N, a plain BatchMatMul:
 * its peak is what the step's product is compared with, whoever ran it in the step.
 */
function xnnpackCallFor(
  inputShapes: readonly (number[] | null)[],
  outputShape: readonly number[],
): KernelCall {
  const [a, b] = [0, 1].map((i) => need(inputShapes[i], `${HOST_MATMUL_KERNEL}'s input ${i}`));
  const m = inferMatMul(a, b, outputShape);
  if (m.transposeA || m.transposeB)
    throw new Error(`${HOST_MATMUL_KERNEL} takes no transposed operand ([${a}]·[${b}])`);
  return {
    name: 'BatchMatMul',
    inputs: { a: [...a], b: [...b] },
    attrs: { transposeA: false, transposeB: false },
    geometry: 'heap product',
  };
}
