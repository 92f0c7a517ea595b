// Figure presets: grids that redraw the papers' figures. Each has a browser-sized variant on
// embedded data (minutes on a laptop CPU) and the full-size one (the user's CIFAR-10 / SVHN files,
// meant for a GPU or a cluster: `npm run grid -- --spec … --shard i/n`).
import type { NetConfig } from '../config/schema';
import { aggregateSweep, type MdSweep, type SweepRun } from '../md/sweep';
import type { ReportKey } from '../metrics/reportKeys';
import type { RunResult } from '../run/result';
import type { MetricsRecord } from '../session/types';
import type { GridSpec } from './spec';

export interface FigureMetric {
  key: ReportKey;
  title: string;
  log: boolean;
}

/** Curves: one line per member of each metric against step/epoch; md: the noise-sweep plots. */
export type FigureKind = { kind: 'curves'; metrics: FigureMetric[] } | { kind: 'md' };

export interface FigurePreset {
  id: string;
  title: string;
  /** The paper and figure it redraws. */
  source: string;
  /** One sentence: what to see, and what the paper reports there. */
  whatToSee: string;
  figure: FigureKind;
  browser: GridSpec;
  full: GridSpec;
}

const DEPTHS = [1, 3, 6, 9];

const ETF_METRICS: FigureMetric[] = [
  { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', log: true },
  { key: 'nc2_etf_error_weights', title: 'NC2  classifier vs simplex ETF', log: true },
  { key: 'nc3_w_sub_h_centred', title: 'NC3  ‖W/‖W‖ − H̄/‖H̄‖‖', log: true },
];

const GOF_METRICS: FigureMetric[] = [
  { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', log: true },
  { key: 'gof_nc2_w', title: 'NC2  classifier vs general orthogonal frame', log: true },
  { key: 'gof_nc2_h', title: 'NC2  class means vs general orthogonal frame', log: true },
  { key: 'gof_nc3_wh', title: 'NC3  W H̄ vs general orthogonal frame', log: true },
];

const depthAxis = (field: 'depth' | 'depthLinear') => [{ field, values: DEPTHS }];

/** A small MLP on an embedded dataset, as seed 000's MLP runs but sized for a browser tab. */
const browserMlp: Partial<NetConfig> = {
  experiment: 'net',
  model: 'mlp',
  width: 64,
  depthRelu: 3,
  bias: true,
  batchnorm: true,
  loss: 'mse',
  optimizer: 'adam',
  lr: 1e-3,
  sepDecay: true,
  weightDecay: 1e-4,
  featureDecay: 1e-4,
  lrStep: 0,
  batchSize: 0,
  measureSamples: 0,
};

export const FIGURE_PRESETS: FigurePreset[] = [
  {
    id: 'fig-mlp-depth-gauss',
    title: 'MLP, M ∈ {1, 3, 6, 9}: NC1, NC2, NC3 against epoch (Gaussian mixture)',
    source: 'Dang et al. 2023, MLP experiments (balanced, with bias)',
    whatToSee:
      'NC1 falls by one to two orders of magnitude for every head depth M while NC2 and NC3 fall more slowly on this small problem; the paper reports, on CIFAR-10 over hundreds of epochs, collapse to a simplex ETF for M = 1, 3, 6 and 9.',
    figure: { kind: 'curves', metrics: ETF_METRICS },
    browser: {
      name: 'MLP depth (Gaussian mixture)',
      base: { preset: 'net-gauss-tiny' },
      axes: depthAxis('depthLinear'),
    },
    full: {
      name: 'MLP depth (CIFAR-10, width 2048)',
      base: { preset: 'seed-mlp-w2048-m1-bias' },
      axes: depthAxis('depthLinear'),
    },
  },
  {
    id: 'fig-mlp-depth-mnist',
    title: 'MLP, M ∈ {1, 3, 6, 9}: NC1, NC2, NC3 against epoch (MNIST subset)',
    source: 'Dang et al. 2023, MLP experiments (balanced, with bias)',
    whatToSee:
      'On 100 MNIST digits a class training accuracy reaches 1 and NC1 falls by an order of magnitude or more for every head depth M (the deeper heads lowest) while NC3 moves only a little in 40 epochs; the paper reports full collapse for M = 1, 3, 6 and 9 on CIFAR-10 over hundreds of epochs.',
    figure: { kind: 'curves', metrics: ETF_METRICS },
    browser: {
      name: 'MLP depth (MNIST subset)',
      base: {
        ...browserMlp,
        dataset: 'mnist',
        perClass: [100],
        resize32: false,
        batchSize: 100,
        epochs: 40,
        measureEvery: 5,
      },
      axes: depthAxis('depthLinear'),
    },
    full: {
      name: 'MLP depth (CIFAR-10, width 1024)',
      base: { preset: 'seed-mlp-w1024-m1-bias' },
      axes: depthAxis('depthLinear'),
    },
  },
  {
    id: 'fig-mlp-width',
    title: 'MLP widths at M = 3: NC1, NC2, NC3 against epoch',
    source: 'Dang et al. 2023, MLP experiments across widths',
    whatToSee:
      'Wider MLPs collapse at least as fast: the paper reports collapse for widths 512, 1024 and 2048 alike.',
    figure: { kind: 'curves', metrics: ETF_METRICS },
    browser: {
      name: 'MLP width (Gaussian mixture)',
      base: { preset: 'net-gauss-tiny', depthLinear: 3 },
      axes: [{ field: 'width', values: [16, 32, 128] }],
    },
    full: {
      name: 'MLP width (CIFAR-10, M = 3)',
      base: { preset: 'seed-mlp-w512-m3-bias' },
      axes: [{ field: 'width', values: [512, 1024, 2048] }],
    },
  },
  {
    id: 'fig-deepnet-depth',
    title: 'ResNet18 / VGG16 heads, M ∈ {1, 3, 6, 9}: NC against epoch',
    source: 'Dang et al. 2023, ResNet18 and VGG16 experiments',
    whatToSee:
      'Convolutional backbones with a deep linear head collapse as the MLP does; the browser variant is a narrow ResNet18 on 20 MNIST digits a class, the full one the paper’s CIFAR-10 runs.',
    figure: { kind: 'curves', metrics: ETF_METRICS },
    browser: {
      name: 'ResNet18 depth (MNIST subset)',
      base: {
        preset: 'net-mnist-resnet18',
        perClass: [20],
        epochs: 6,
        measureEvery: 2,
        measureSamples: 200,
      },
      axes: depthAxis('depthLinear'),
    },
    full: {
      name: 'ResNet18 / VGG16 depth (CIFAR-10)',
      base: { preset: 'seed-resnet18-m1' },
      axes: [
        { field: 'model', values: ['resnet18', 'vgg16'] },
        { field: 'depthLinear', values: DEPTHS },
      ],
    },
  },
  {
    id: 'fig-mlp-imbalanced',
    title: 'Imbalanced MLP, M ∈ {1, 3, 6}: NC1 and GOF measures against epoch',
    source: 'Dang et al. 2023, imbalanced MLP experiments',
    whatToSee:
      'With imbalanced classes and no bias the classifier and class means approach a general orthogonal frame (orthogonal, with class-size-dependent lengths), as the paper’s imbalanced figure reports.',
    figure: { kind: 'curves', metrics: GOF_METRICS },
    browser: {
      name: 'Imbalanced MLP depth (MNIST subset)',
      base: { preset: 'net-mnist-imbalanced', epochs: 200, measureEvery: 10 },
      axes: [{ field: 'depthLinear', values: [1, 3, 6] }],
    },
    full: {
      name: 'Imbalanced MLP depth (CIFAR-10)',
      base: { preset: 'seed-mlp-imbalanced-m1' },
      axes: [{ field: 'depthLinear', values: [1, 3, 6] }],
    },
  },
  {
    id: 'fig-ufm-depth',
    title: 'UFM, M ∈ {1, 3, 6, 9}: loss and NC against iteration, with the closed form',
    source: 'Dang et al. 2023, Thm 3.1 and the synthetic UFM experiments',
    whatToSee:
      'The loss of every depth falls towards its closed-form minimum f* (dashed; the browser variant stops 10–45 % above it, the deeper heads farther) while NC1, NC2 and NC3 go to zero: the balanced deep linear UFM collapses to a simplex ETF at every layer, as the paper proves and shows.',
    figure: {
      kind: 'curves',
      metrics: [
        { key: 'loss', title: 'loss (dashed: closed-form f*)', log: true },
        { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', log: true },
        { key: 'nc2_etf_error_weights', title: 'NC2  classifier vs simplex ETF', log: true },
        { key: 'nc3_wh_etf_error', title: 'NC3  W H̄ᵀ vs its target', log: true },
      ],
    },
    browser: {
      name: 'UFM depth (n = 25 a class, 3 000 steps)',
      base: {
        preset: 'seed-balanced-bias-m1',
        classSizes: [25, 25, 25, 25],
        steps: 3000,
        reportEvery: 100,
      },
      axes: depthAxis('depth'),
    },
    full: {
      name: 'UFM depth (the paper’s K = 4, n = 100, d = 64, 30 000 steps)',
      base: { preset: 'seed-balanced-bias-m1' },
      axes: depthAxis('depth'),
    },
  },
  {
    id: 'fig-md-ce-ls',
    title: 'CE vs LS: dilation against memorization across η, and test accuracy against η',
    source: 'Nguyen et al. 2023, the memorization–dilation figures',
    whatToSee:
      'Dilation grows with memorization, a line per loss, with label smoothing lower than cross-entropy in both at small η (one seed of the browser variant: LS below CE for η ≤ 0.3); the paper reports that LS memorizes less than CE at the same η and so generalizes better.',
    figure: { kind: 'md' },
    browser: {
      name: 'CE vs LS across η (MNIST 0/1)',
      base: {
        preset: 'md-mnist-quick',
        pairWith: 'none',
        perClass: [300],
        epochs: 6,
        lrStep: 4,
        measureEvery: 6,
      },
      axes: [
        { field: 'loss', values: ['ce', 'ls'] },
        { field: 'labelNoise', values: [0.1, 0.2, 0.3, 0.4] },
      ],
    },
    full: {
      name: 'CE vs LS across η (SVHN, the seed’s network)',
      base: { preset: 'md-svhn-seed', pairWith: 'none' },
      axes: [
        { field: 'loss', values: ['ce', 'ls'] },
        { field: 'labelNoise', range: { from: 0.1, to: 0.5, step: 0.1 } },
      ],
      seeds: [1, 2, 3],
    },
  },
];

export function findFigurePreset(id: string): FigurePreset | undefined {
  return FIGURE_PRESETS.find((f) => f.id === id);
}

/** A noise-sweep figure from grid members over loss × labelNoise (their final measures). */
export function mdSweepOfMembers(members: readonly { result: RunResult }[]): MdSweep {
  const num = (m: MetricsRecord, k: ReportKey) => {
    const v = m[k];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const runs: SweepRun[] = members.map(({ result }) => {
    if (result.config.experiment !== 'net')
      throw new Error('the memorization–dilation figure needs network runs');
    const m = result.final?.metrics ?? {};
    return {
      loss: result.config.loss,
      eta: result.config.labelNoise,
      seed: result.config.seed,
      memorization: num(m, 'md_memorization_rel_avg'),
      dilation: num(m, 'md_dilation_rel_avg'),
      testAccuracy: num(m, 'net_accuracy_test'),
    };
  });
  return aggregateSweep(runs);
}
