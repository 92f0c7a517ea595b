import * as tf from '@tensorflow/tfjs-core';
import { biasAdd, channelSums } from '../core/biasAdd';
import { fastMatMul } from '../core/fastMatMul';
import { heapOrPool } from '../core/heapTuner';
import { hostConv2d, type ConvPad } from '../core/hostConv';
import { heapHolding, wasmHeap } from '../core/hostLoops';
import { hostPermute, type PermuteRead } from '../core/hostTranspose';

/**
 * How convolutions are computed; all three give the same numbers (to float32 rounding).
 * - `native`: tf.conv2d, whose gradient needs the Conv2DBackpropFilter kernel (webgl, webgpu
 *   and cpu have it; wasm does not, docs/backends.md §4).
 * - `forward-grads`: tf.conv2d with both gradients written as forward convolutions (and
 *   Conv2DBackpropInput for strided dx): what wasm runs. ResNet18 ×1/8, batch 16, Node wasm:
 *   7.5 steps/s against 1.05 for im2col; its eval pass is 30× faster.
 * - `im2col`: the k×k taps gathered with pad/slice/reshape and multiplied once (fastMatMul, no
 *   transposed operand); every op it uses has a gradient on every backend. The fallback.
 */
export type ConvMode = 'native' | 'im2col' | 'forward-grads';

/** The mode a backend needs: native where tf.conv2d can be differentiated. */
export function convModeFor(backend: string): ConvMode {
  return backend === 'wasm' ? 'forward-grads' : 'native';
}

/** Output size of a PyTorch Conv2d / pooling window along one axis. */
export function convOutSize(size: number, kernel: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

/**
 * PyTorch Conv2d (zero padding `pad` on every side, no dilation) on NHWC input with an
 * [kh, kw, in, out] filter.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
  mode: ConvMode,
  bias: tf.Tensor1D | null = null,
  /** false for a layer fed the network's input, whose gradient nobody uses (forward-grads) */
  inputGrad = true,
): tf.Tensor4D {
  if (mode === 'forward-grads') {
    return conv2dForwardGrads(x, filter, stride, pad, bias, inputGrad);
  }
  const y =
    mode === 'native' ? tf.conv2d(x, filter, stride, pad) : conv2dIm2col(x, filter, stride, pad);
  return bias ? biasAdd(y, bias) : y;
}

export function conv2dIm2col(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [B, H, W, C] = x.shape;
  const [kh, kw, cin, cout] = filter.shape;
  if (cin !== C) throw new Error(`conv2d: input has ${C} channels, the filter expects ${cin}`);
  const Ho = convOutSize(H, kh, stride, pad);
  const Wo = convOutSize(W, kw, stride, pad);
  const rows = im2colRows(x, kh, kw, stride, pad);
  const out = fastMatMul(rows, tf.reshape(filter, [kh * kw * C, cout]) as tf.Tensor2D);
  return tf.reshape(out, [B, Ho, Wo, cout]);
}

/** The k×k patches of every output position as rows: [B·Ho·Wo, kh·kw·C], channel order (i, j, c). */
function im2colRows(
  x: tf.Tensor4D,
  kh: number,
  kw: number,
  stride: number,
  pad: number,
): tf.Tensor2D {
  const [B, H, W, C] = x.shape;
  const Ho = convOutSize(H, kh, stride, pad);
  const Wo = convOutSize(W, kw, stride, pad);
  if (Ho < 1 || Wo < 1) throw new Error(`conv2d: a ${H}×${W} input is too small for ${kh}×${kw}`);
  // A strided tap takes stride·Ho rows from its offset; pad the far edge so that slice fits.
  const extraH = Math.max(0, kh - 1 + stride * Ho - (H + 2 * pad));
  const extraW = Math.max(0, kw - 1 + stride * Wo - (W + 2 * pad));
  const padded =
    pad > 0 || extraH > 0 || extraW > 0
      ? tf.pad(x, [
          [0, 0],
          [pad, pad + extraH],
          [pad, pad + extraW],
          [0, 0],
        ])
      : x;
  const taps: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) taps.push(tap(padded, i, j, Ho, Wo, stride));
  }
  // Channel order (i, j, c) matches the row-major [kh, kw, in, out] filter.
  const patches = taps.length === 1 ? taps[0] : tf.concat(taps, 3);
  return tf.reshape(patches, [B * Ho * Wo, kh * kw * C]) as tf.Tensor2D;
}

/** Rows i, i+s, …, i+s(Ho−1) and the same columns from j: plain slices (StridedSlice has no gradient). */
function tap(
  x: tf.Tensor4D,
  i: number,
  j: number,
  Ho: number,
  Wo: number,
  stride: number,
): tf.Tensor4D {
  const [B, , , C] = x.shape;
  if (stride === 1) return tf.slice(x, [0, i, j, 0], [B, Ho, Wo, C]);
  const block = tf.slice(x, [0, i, j, 0], [B, stride * Ho, stride * Wo, C]);
  const split = tf.reshape(block, [B, Ho, stride, Wo, stride, C]);
  const first = tf.slice(split, [0, 0, 0, 0, 0, 0], [B, Ho, 1, Wo, 1, C]);
  return tf.reshape(first, [B, Ho, Wo, C]);
}

/**
 * tf.conv2d with its gradients written as forward convolutions, for backends without the
 * Conv2DBackpropFilter kernel (wasm), whose native Conv2D (XNNPACK) is 10× faster than
 * gathering patches with slices:
 * - dx: stride 1 is the convolution of dy with the rotated, in/out-swapped filter (padding
 *   k − 1 − p); a larger stride is one convolution of dy with each output phase's taps
 *   (phasedInputGradient, on the wasm heap) or the stride-1 one of dy spread out with zeros
 *   (stridedInputGradient);
 * - dW[i, j, c, o] = Σ_{b,y,x} x_pad[b, s·y + i, s·x + j, c] · dy[b, y, x, o]: a convolution of x
 *   (batch ↔ channels swapped) with dy as the filter, dilated by the stride.
 * With `inputGrad` false x is no input of the op and gets no gradient (a layer fed the network's
 * input: a custom gradient computes every input's gradient, used or not).
 */
export function conv2dForwardGrads(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  pad: number,
  bias: tf.Tensor1D | null = null,
  inputGrad = true,
): tf.Tensor4D {
  // A variable filter is read where it is (unchanged until the update that follows the
  // backward pass): saving it would copy it (an Identity kernel) on every step.
  const saveFilter = !(filter instanceof tf.Variable);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    // without an input gradient x is no input of the op: saving it keeps it for the weights'
    const [xs, w, b] = (inputGrad ? inputs : [x, ...inputs]) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor1D?,
    ];
    save(saveFilter ? [xs, w] : [xs]);
    return {
      // the bias inside the convolution (XNNPACK starts each sum from it): a broadcasting Add
      // was a kernel of its own, and its gradient a Sum over three axes (VGG16 ⅛: 1.6 ms a step)
      value: convolve(xs, w, stride, pad, 1, b ?? null),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sx = saved[0] as tf.Tensor4D;
        const sw = saveFilter ? (saved[1] as tf.Tensor4D) : filter;
        const g = dy as tf.Tensor4D;
        const grads: tf.Tensor[] = [filterGradient(sx, g, sw.shape, stride, pad)];
        if (b) grads.push(channelSums(g));
        return inputGrad ? [inputGradient(g, sw, sx.shape, stride, pad), ...grads] : grads;
      },
    };
  });
  const inputs = [...(inputGrad ? [x] : []), filter, ...(bias ? [bias] : [])];
  return op(...inputs) as tf.Tensor4D;
}

/** dx of a convolution as forward convolutions (see conv2dForwardGrads). */
function inputGradient(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (stride === 1 && kh === kw) return convolve(dy, flippedFilter(w), 1, kh - 1 - pad);
  return (
    phasedInputGradient(dy, w, xShape, stride, pad) ??
    stridedInputGradient(dy, w, xShape, stride, pad)
  );
}

/** dW of a convolution: x (batch ↔ channels swapped) convolved with dy as a dilated filter. */
function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  [kh, kw, cin, cout]: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D {
  const xT = permute(x, [3, 1, 2, 0]); // [C, H, W, B]
  const dyT = permute(dy, [1, 2, 0, 3]); // [Ho, Wo, B, O]
  const padding: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [pad, pad],
    [pad, pad],
    [0, 0],
  ];
  const corr = convolve(xT, dyT, 1, padding, stride); // [C, ≥kh, ≥kw, O]
  return permute(corr, [1, 2, 0, 3], { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] });
}

/**
 * tf.conv2d (+ bias) by the lab's heap convolution where it runs (hostConv.ts: wasm, out
 * channels a multiple of 8; with tfjs's thread pool where it is the faster, heapTuner.ts), else
 * by tfjs. XNNPACK packs every new filter first, and
 * in a step every filter is new (the weights just updated; dy, the filter of the weight
 * gradient): ResNet18 ⅛'s convolutions took 1.4× their time at XNNPACK's best. The heap one
 * packs nothing and gives the same numbers to the last bit.
 */
function convolve(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  strides: number,
  pad: ConvPad,
  dilations = 1,
  bias: tf.Tensor1D | null = null,
): tf.Tensor4D {
  return heapOrPool(
    () =>
      `conv ${x.shape}*${w.shape} s${strides} p${JSON.stringify(pad)} d${dilations}${bias ? ' b' : ''}`,
    () => hostConv2d(x, w, { strides, pad, dilations }, bias),
    () =>
      bias
        ? tf.fused.conv2d({ x, filter: w, strides, pad, dilations, bias })
        : tf.conv2d(x, w, strides, pad, 'NHWC', dilations),
  );
}

/**
 * tf.transpose(tf.slice(t, begin, size), perm), by one loop over the wasm heap where there is
 * one (hostPermute: tfjs's Transpose kernel cost 1.3 ns a number here).
 */
function permute(t: tf.Tensor4D, perm: number[], slice: PermuteRead = {}): tf.Tensor4D {
  const host = hostPermute(t, perm, slice);
  if (host) return host as tf.Tensor4D;
  const { begin, size } = slice;
  return tf.transpose(begin && size ? tf.slice(t, [...begin], [...size]) : t, perm);
}

const HOST_MEMORY_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The filter rotated by 180° with in and out swapped, [kh, kw, in, out] → [kh, kw, out, in]:
 * F′[i, j, o, c] = F[kh−1−i, kw−1−j, c, o], the filter of dx as a forward convolution. Where
 * tensors live in the page's memory (wasm, cpu) it is rearranged on the host: wasm's Reverse
 * kernel took 1.3 ms for a 3×3×64×64 filter (35 ns an element) and its Transpose 0.4 ms, 11 % of
 * VGG16 ⅛'s step. On wasm one heap loop does it (hostPermute; reading the filter back, a loop
 * in JavaScript and a new tensor took 0.25 ms for 3×3×64×64); on cpu, or wasm without SIMD, a
 * read-back and a loop.
 */
export function flippedFilter(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const host = hostPermute(w, [0, 1, 3, 2], { reverse: [0, 1] });
  if (host) return host as tf.Tensor4D;
  if (!HOST_MEMORY_BACKENDS.has(tf.getBackend())) {
    return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
  }
  const v = w.dataSync() as Float32Array;
  const out = new Float32Array(v.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout;
      const to = (i * kw + j) * cout * cin;
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) out[to + o * cin + c] = v[from + c * cout + o];
      }
    }
  }
  return tf.tensor4d(out, [kh, kw, cout, cin]);
}

/**
 * dx of a strided convolution by phases (sub-pixel convolution), on the wasm heap: the rows of
 * dx numbered i·s + r (r < s) take only the taps a ≡ r + pad (mod s), so each of the s² phases
 * is a stride-1 convolution of dy with some taps of the filter. All phases are one convolution
 * of dy, their taps side by side in its output channels ([window, window, O, s²·C], zeros where
 * a phase has no tap), and one heap permute puts each phase's channels at its place in dx (a
 * depth-to-space). stridedInputGradient convolves a zero-spread dy with every tap instead: for
 * ResNet's 3 × 3 stride-2 layers 36 against 16 multiply-adds per phase pixel and channel pair,
 * mostly on zeros, and a ScatterNd. The same sums of the same products (a zero tap adds 0).
 * Null off the wasm heap (tfjs's Pack, StridedSlice and DepthToSpace took 1–5 ms there), where
 * a phase would need dy cropped, or where the input is not a whole number of strides.
 */
function phasedInputGradient(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D | null {
  const [B, Ho, Wo] = dy.shape;
  const [, H, W, C] = xShape;
  const [k, kw] = w.shape;
  if (k !== kw || H % stride !== 0 || W % stride !== 0 || !wasmHeap()) return null;
  const [n, m] = [H / stride, W / stride];
  const rows = axisPhases(k, stride, pad, n, Ho);
  const cols = axisPhases(k, stride, pad, m, Wo);
  if (!rows || !cols) return null;
  const filter = phaseFilter(w, rows, cols, stride);
  if (!filter) return null;
  const phases = convolve(dy, filter, 1, [
    [0, 0],
    [rows.top, rows.bottom],
    [cols.top, cols.bottom],
    [0, 0],
  ]); // [B, n, m, s²·C]: phase (r, r′) in channels (r·s + r′)·C …
  // … to dx[b, i·s + r, j·s + r′, c]: [B·n, m, s, s·C] read as [B·n, s, m, s·C]
  const spaced = hostPermute(tf.reshape(phases, [B * n, m, stride, stride * C]), [0, 2, 1, 3]);
  return spaced && (tf.reshape(spaced, [B, H, W, C]) as tf.Tensor4D);
}

/** One phase's taps along an axis: how many, and where the first sits in the common window. */
interface PhaseTaps {
  /** the tap a0 ≡ r + pad (mod s), the phase's first; the others are a0 + s, a0 + 2s … */
  a0: number;
  count: number;
  /** its offset in the window of dy that all phases share */
  offset: number;
}

/** Along one axis: every phase's taps (null: none), and the window's size and padding of dy. */
interface AxisPhases {
  phases: (PhaseTaps | null)[];
  window: number;
  top: number;
  bottom: number;
}

/**
 * Along one axis, the outputs i·s + r of dx (n of them, from dy's length d): the taps
 * a = a0 + s·t meet dy at i + q − t (q = (r + pad − a0)/s), so the phase reads dy from
 * i + q − count + 1 on, taps back to front. The phases share one window of dy from i − top;
 * null when dy would need cropping.
 */
function axisPhases(k: number, s: number, pad: number, n: number, d: number): AxisPhases | null {
  const reads = Array.from({ length: s }, (_, r) => {
    const a0 = (r + pad) % s;
    if (a0 >= k) return null;
    const count = Math.ceil((k - a0) / s);
    return { a0, count, from: (r + pad - a0) / s - count + 1 };
  });
  const present = reads.filter((x) => x !== null);
  if (present.length === 0) return null;
  const top = -Math.min(...present.map((x) => x.from));
  const window = Math.max(...present.map((x) => x.from + top + x.count));
  const bottom = n - d - top + window - 1;
  if (top < 0 || bottom < 0) return null;
  const phases = reads.map((x) => x && { a0: x.a0, count: x.count, offset: x.from + top });
  return { phases, window, top, bottom };
}

/**
 * The phases' taps side by side, read from the filter on the wasm heap: out[u, v, o, p·C + c]
 * = W[ay, ax, c, o] for phase p = r·s + r′ whose taps cover window position (u, v) (taps back to
 * front: u = offset + count − 1 − t for the tap a0 + s·t), else 0.
 */
function phaseFilter(
  w: tf.Tensor4D,
  rows: AxisPhases,
  cols: AxisPhases,
  s: number,
): tf.Tensor4D | null {
  const heap = heapHolding(w);
  if (!heap) return null;
  const [k, , C, O] = w.shape;
  const P = s * s;
  const out = heap.output([rows.window, cols.window, O, P * C]) as tf.Tensor4D;
  // views after the output exists: allocating may grow the heap and detach earlier ones
  const [src, dst] = [heap.view(w), heap.view(out)];
  dst.fill(0);
  rows.phases.forEach((py, r) =>
    cols.phases.forEach((px, r2) => {
      if (!py || !px) return;
      const channel = (r * s + r2) * C;
      for (let t = 0; t < py.count; t++) {
        for (let t2 = 0; t2 < px.count; t2++) {
          const u = py.offset + py.count - 1 - t;
          const v = px.offset + px.count - 1 - t2;
          const from = ((py.a0 + s * t) * k + px.a0 + s * t2) * C * O;
          for (let o = 0; o < O; o++) {
            const to = ((u * cols.window + v) * O + o) * P * C + channel;
            for (let c = 0; c < C; c++) dst[to + c] = src[from + c * O + o];
          }
        }
      }
    }),
  );
  return out;
}

/**
 * dx of a strided convolution as a stride-1 forward one (where phasedInputGradient declines:
 * off the wasm heap, or an input of a part stride): dy's entries placed every `stride`
 * rows and columns of a zero image (ScatterNd), convolved with the flipped filter, padded so
 * that the output is the input's size. Its multiply-adds on zeros cost less than wasm's
 * Conv2DBackpropInput, a plain loop outside XNNPACK: ResNet18 ⅛'s three 3×3 stride-2 layers
 * 4.6 / 3.2 / 2.6 ms → 2.1 / 1.9 / 1.3 ms, equal to the last bit. A padding of the kernel size
 * or more (not a layer the lab builds) keeps Conv2DBackpropInput.
 */
function stridedInputGradient(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  xShape: [number, number, number, number],
  stride: number,
  pad: number,
): tf.Tensor4D {
  const [B, Ho, Wo, O] = dy.shape;
  const [, H, W] = xShape;
  const [kh, kw] = w.shape;
  const [top, left] = [kh - 1 - pad, kw - 1 - pad];
  // the spread image is stride·Ho tall; the forward pass may have left up to stride − 1 rows
  const [bottom, right] = [H + pad - stride * Ho, W + pad - stride * Wo];
  if (top < 0 || left < 0 || bottom < 1 - stride || right < 1 - stride) {
    return tf.conv2dTranspose(dy, w, xShape, stride, pad);
  }
  const spread = tf.scatterND(
    tf.tensor2d(spreadIndices(B, Ho, Wo, stride), [B * Ho * Wo, 3], 'int32'),
    tf.reshape(dy, [B * Ho * Wo, O]),
    [B, stride * Ho, stride * Wo, O],
  ) as tf.Tensor4D;
  const cropped =
    bottom < 0 || right < 0
      ? tf.slice(
          spread,
          [0, 0, 0, 0],
          [B, stride * Ho + Math.min(bottom, 0), stride * Wo + Math.min(right, 0), O],
        )
      : spread;
  return convolve(cropped, flippedFilter(w), 1, [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ]);
}

/** (b, stride·y, stride·x) for every dy position, row-major: where ScatterNd puts dy's rows. */
function spreadIndices(B: number, Ho: number, Wo: number, stride: number): Int32Array {
  const out = new Int32Array(B * Ho * Wo * 3);
  let k = 0;
  for (let b = 0; b < B; b++) {
    for (let y = 0; y < Ho; y++) {
      for (let x = 0; x < Wo; x++) {
        out[k++] = b;
        out[k++] = stride * y;
        out[k++] = stride * x;
      }
    }
  }
  return out;
}
