import { isConvModel, type ExperimentConfig, type NetConfig } from '../config/schema';
import { scaledWidth } from '../nets/resnet';
import { MAX_WASM_THREADS, type ThreadChoice } from './threadChoice';

export { MAX_WASM_THREADS, parseThreadChoice, type ThreadChoice } from './threadChoice';

/**
 * How many threads the wasm backend runs a job with. XNNPACK splits each matmul and convolution
 * across its thread pool; every other kernel (and the JS between kernels) stays on one thread,
 * and the pool costs time on every small kernel. So threads pay off only when a step's products
 * are large: the lab estimates them from the config and goes threaded above a size measured on
 * the development machine (README, "Threads per step size").
 */

/**
 * Mean multiply–adds per product kernel from which n threads beat one. XNNPACK's pool speeds up
 * one large product (~1.5× on 2 cores here) but costs time on every small one. Measured in
 * headless Chromium on the 2-core development machine (README, "Threads per step size"), three
 * rounds of 2 ÷ 1 threads after the tiled transposes (2026-12-06, later): 3.28 M a product (UFM
 * d = 2 048, M = 1) 1.11–1.41×, 4.9–6.1 M (VGG16 / ResNet18 at ⅛ width) 0.94–1.22×, 12–49 M
 * 1.07–1.49×; 3.15 M (seed 002's MLP, batch 16: many element-wise kernels per product)
 * 0.62–0.98×, and the d = 64 UFMs (≤ 0.1 M) 0.3–1.0×. The two sides meet at ~3.2 M here; a
 * machine with more cores shifts the balance towards threads.
 */
export const THREADED_FROM_MACS = 3.2e6;

/**
 * The same for a step whose products run on the lab's own heap kernels (core/hostGemm.ts,
 * core/hostConv.ts), which pack nothing and beat XNNPACK's best on one thread but do not run
 * threaded: two threads of XNNPACK then lose to one of them until the products are large.
 * Headless Chromium, 2 cores, two interleaved rounds of 2 ÷ 1 threads (2026-12-07, night):
 * ResNet18 / VGG16 ⅛ (4.9–6.1 M a product) 0.74–0.90, the d = 2 048, M = 3 / 6 UFMs (~11 M)
 * 0.88–0.97, seed 000's MLP (~50 M) 1.23–1.25. The threshold lies between, at 30 M.
 */
export const HEAP_THREADED_FROM_MACS = 3e7;

/** Values of one flattened net input (the MNIST family is 28×28×1 unless resized to 32×32×3). */
export function netInputSize(config: NetConfig): number {
  if (config.dataset === 'gaussian') return config.gaussDim;
  const mnistLike = config.dataset === 'mnist' || config.dataset === 'fashion-mnist';
  return mnistLike && !config.resize32 ? 28 * 28 : 32 * 32 * 3;
}

/**
 * A CIFAR-size image through the convolutional backbones at width 1: forward multiply–adds
 * (torchvision-style counts) and convolution layers (ResNet18's 1×1 shortcuts included).
 */
const CONV_BACKBONES = {
  resnet18: { macs: 0.56e9, layers: 20 },
  'resnet18-tv': { macs: 0.56e9, layers: 20 },
  vgg16: { macs: 0.31e9, layers: 13 },
} as const;

/** A training step's products (matmuls and convolutions): their multiply–adds and their count. */
export interface StepProducts {
  macs: number;
  kernels: number;
  /**
   * Whether the largest of them fit the heap kernels on one thread (rows a multiple of 4,
   * columns or out channels of 8): the UFM's K × d chain products for M ≥ 2, an MLP's layers
   * of a width of 8s, convolutions of 8s of channels. The UFM's N × K products have K columns.
   */
  onHeap: boolean;
}

/**
 * Estimated from the config. A layer costs three products a step (forward, input gradient,
 * weight gradient). The UFM multiplies its chain from the K side (src/engine/ufm/model.ts): each
 * d×d layer meets K-row products only, so its products are K·d² each, plus three N·K·d ones.
 */
export function stepProducts(config: ExperimentConfig, inputSize?: number): StepProducts {
  if (config.experiment === 'ufm') {
    const N = config.classSizes.reduce((a, n) => a + n, 0);
    const K = config.classSizes.length;
    const d = config.hidden;
    const inner = config.depth - 1;
    return {
      macs: 3 * inner * K * d * d + 3 * N * K * d,
      kernels: 3 * inner + 3,
      onHeap: inner > 0 ? K % 4 === 0 && d % 8 === 0 : K % 8 === 0,
    };
  }
  const batch = config.batchSize || FULL_BATCH;
  const w = config.width;
  const headMacs = (config.depthLinear - 1) * w * w + w * 10;
  const head = { macs: 3 * batch * headMacs, kernels: 3 * config.depthLinear };
  if (isConvModel(config.model)) {
    const backbone = CONV_BACKBONES[config.model as keyof typeof CONV_BACKBONES];
    const macs = 3 * batch * backbone.macs * config.widthMult ** 2;
    return {
      macs: macs + head.macs,
      kernels: 3 * backbone.layers + head.kernels,
      onHeap: scaledWidth(64, config.widthMult) % 8 === 0,
    };
  }
  const input = inputSize ?? netInputSize(config);
  const mlp = input * w + (config.depthRelu - 1) * w * w;
  return {
    macs: 3 * batch * mlp + head.macs,
    kernels: 3 * config.depthRelu + head.kernels,
    onHeap: w % 8 === 0,
  };
}

/** Samples a full-batch step is taken to have (its size is the data's, unknown here). */
const FULL_BATCH = 1024;

export interface ThreadPlan {
  threads: number;
  /** Why, in words, for the backend note. */
  why: string;
}

/** The threads for a job of `config` on a machine with `cores` logical cores. */
export function threadsFor(
  config: ExperimentConfig,
  cores: number,
  choice: ThreadChoice,
  inputSize?: number,
): ThreadPlan {
  const most = Math.max(1, Math.min(cores, MAX_WASM_THREADS));
  if (choice !== 'auto') {
    const threads = Math.min(choice, MAX_WASM_THREADS);
    return { threads, why: `threads=${choice} asked for` };
  }
  if (most === 1) return { threads: 1, why: 'auto: one core' };
  const { macs, kernels, onHeap } = stepProducts(config, inputSize);
  const perProduct = macs / kernels;
  const size = `${formatMacs(perProduct)} multiply–adds a product`;
  const from = `${formatMacs(onHeap ? HEAP_THREADED_FROM_MACS : THREADED_FROM_MACS)}${onHeap ? ' on the heap kernels' : ''}`;
  return perProduct >= (onHeap ? HEAP_THREADED_FROM_MACS : THREADED_FROM_MACS)
    ? { threads: most, why: `auto: ${size} (threaded from ${from})` }
    : { threads: 1, why: `auto: ${size} (one thread below ${from})` };
}

function formatMacs(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(2)} M`;
  return `${Math.round(n / 1e3)} k`;
}
