import { isConvModel, type ExperimentConfig, type NetConfig } from '../config/schema';
import { MAX_WASM_THREADS, type ThreadChoice } from './threadChoice';

export { MAX_WASM_THREADS, parseThreadChoice, type ThreadChoice } from './threadChoice';

/**
 * How many threads the wasm backend runs a job with. XNNPACK splits each matmul and convolution
 * across its thread pool; every other kernel (and the JS between kernels) stays on one thread,
 * and the pool costs time on every small kernel. The lab's heap kernels run on one thread, and
 * with a pool each product shape goes to whichever of them and XNNPACK was timed faster
 * (core/heapTuner.ts). So threads pay off only when a step's products are large: the lab
 * estimates them from the config and goes threaded above a size measured on two 2-core
 * machines, one for convolutional nets and one for the rest (README, "Threads per step size").
 */

/**
 * Mean multiply–adds per product kernel from which n threads beat one. Headless Chromium on
 * the 2-core development machine, two interleaved rounds of 2 ÷ 1 threads with the heap tuner
 * (2026-12-07): 3.3 M a product (UFM d = 2 048, M = 1) 1.18–1.30×, the M = 3 / 6 UFMs (12–15 M)
 * 1.17–1.23×, seed 000's MLP (49 M) 1.17–1.30×, ResNet18 / VGG16 at ⅛ width (6.1 / 4.9 M)
 * 1.03 / 0.96–1.00×; seed 002's MLP (3.15 M, batch 16: many element-wise kernels per product)
 * 0.73–0.79× and the d = 64 UFMs (≤ 0.1 M) 0.57–0.92×. The two sides meet at ~3.2 M here; a
 * machine with more cores shifts the balance towards threads, and the tuner keeps a product on
 * the heap wherever the pool does not beat it.
 */
export const THREADED_FROM_MACS = 3.2e6;

/**
 * The same for a convolutional network (ResNet18, VGG16). At ⅛ width (6.1 / 4.9 M a product)
 * two threads gained nothing on either machine measured: 1.03 / 0.96–1.00× on the Zen 5
 * development machine, 0.76–0.82 / 0.92–0.93× on a 2.1 GHz Xeon (2026-12-07), where the other
 * workloads kept their sides of 3.2 M. Many of those convolutions stay on the heap (the tuner),
 * and the rest of such a step (BatchNorm, ReLU, residual adds, pooling) runs on one thread either
 * way. The MNIST ResNet18 preset (the same net at batch 64, 24 M) trained 1.18× faster on two
 * threads on the development machine and 1.12–1.16× on the Xeon.
 */
export const CONV_THREADED_FROM_MACS = 12e6;

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
    return { macs: 3 * inner * K * d * d + 3 * N * K * d, kernels: 3 * inner + 3 };
  }
  const batch = config.batchSize || FULL_BATCH;
  const w = config.width;
  const headMacs = (config.depthLinear - 1) * w * w + w * 10;
  const head = { macs: 3 * batch * headMacs, kernels: 3 * config.depthLinear };
  if (isConvModel(config.model)) {
    const backbone = CONV_BACKBONES[config.model as keyof typeof CONV_BACKBONES];
    const macs = 3 * batch * backbone.macs * config.widthMult ** 2;
    return { macs: macs + head.macs, kernels: 3 * backbone.layers + head.kernels };
  }
  const input = inputSize ?? netInputSize(config);
  const mlp = input * w + (config.depthRelu - 1) * w * w;
  return { macs: 3 * batch * mlp + head.macs, kernels: 3 * config.depthRelu + head.kernels };
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
  const { macs, kernels } = stepProducts(config, inputSize);
  const perProduct = macs / kernels;
  const size = `${formatMacs(perProduct)} multiply–adds a product`;
  const conv = config.experiment === 'net' && isConvModel(config.model);
  const threshold = conv ? CONV_THREADED_FROM_MACS : THREADED_FROM_MACS;
  const from = `${formatMacs(threshold)}${conv ? ' for a convolutional net' : ''}`;
  return perProduct >= threshold
    ? { threads: most, why: `auto: ${size} (threaded from ${from})` }
    : { threads: 1, why: `auto: ${size} (one thread below ${from})` };
}

function formatMacs(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toPrecision(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toPrecision(2)} M`;
  return `${Math.round(n / 1e3)} k`;
}
