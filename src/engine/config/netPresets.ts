import { DEFAULT_NET_CONFIG, type NetConfig } from './schema';
import type { Preset } from './presets';

/**
 * Network presets: every README command of seed 000 with its exact settings (they need the
 * user's CIFAR-10 file), and browser-sized variants on the embedded MNIST / FashionMNIST that
 * show collapse within minutes.
 */
const seed = DEFAULT_NET_CONFIG;

function net(over: Partial<NetConfig>): NetConfig {
  return { ...seed, ...over };
}

const CIFAR_NOTE = ' Needs your CIFAR-10 file (drop cifar-10-binary.tar.gz on the Datasets panel).';

/** README #1: `train_1st_order.py --model MLP --depth_relu 6 --width W --loss MSE --lr 1e-4 --optimizer Adam --sep_decay`. */
function balancedMlp(width: number, depthLinear: number, bias: boolean): Preset {
  return {
    id: `seed-mlp-w${width}-m${depthLinear}-${bias ? 'bias' : 'nobias'}`,
    group: 'Dang et al. 2023: MLP on CIFAR-10',
    title: `MLP width ${width}, M = ${depthLinear}, ${bias ? 'bias' : 'no bias'}`,
    summary:
      `The balanced MLP experiment of Dang et al. 2023 (6 ReLU blocks with BN, Adam 1e-4, --sep_decay 1e-4, batch 128, 200 epochs) with a ${depthLinear}-layer linear head: every head layer's features and classifier collapse to ${bias ? 'a simplex ETF' : 'an orthogonal frame'}.` +
      CIFAR_NOTE,
    config: net({ dataset: 'cifar10', width, depthLinear, bias }),
  };
}

/** README #2: `train_1st_order.py --model ResNet18|VGG16 --depth_linear M --width 512` (SGD 1e-3, wd 1e-4 coupled). */
function deepNet(model: 'resnet18' | 'vgg16', depthLinear: number): Preset {
  return {
    id: `seed-${model}-m${depthLinear}`,
    group: 'Dang et al. 2023: ResNet18 / VGG16',
    title: `${model === 'resnet18' ? 'ResNet18' : 'VGG16'}, M = ${depthLinear}`,
    summary:
      `The ${model === 'resnet18' ? 'ResNet18' : 'VGG16'} experiment of Dang et al. 2023: MSE, SGD lr 1e-3 momentum 0.9, weight decay 1e-4 on every parameter, batch 128, StepLR 50, 200 epochs, a ${depthLinear}-layer head of width 512.` +
      CIFAR_NOTE,
    config: net({
      dataset: 'cifar10',
      model,
      width: 512,
      depthLinear,
      bias: true,
      optimizer: 'sgd',
      lr: 1e-3,
      momentum: 0.9,
      weightDecay: 1e-4,
      sepDecay: false,
      featureDecay: 0,
    }),
  };
}

/** README #4: `train_1st_order_unbalanced.py --width 2048 --no-bias --lr 1e-4 --weight_decay 1e-5 --sep_decay --epochs 12000 --patience 6000`. */
function imbalancedMlp(depthLinear: number): Preset {
  return {
    id: `seed-mlp-imbalanced-m${depthLinear}`,
    group: 'Dang et al. 2023: imbalanced MLP',
    title: `Imbalanced MLP (100…500 a class), M = ${depthLinear}`,
    summary:
      `The imbalanced experiment of Dang et al. 2023: the first 100, 100, 200, …, 500 CIFAR-10 images of each class, full batch in index order, bias-free, no BN, MSE/2, Adam 1e-4, --sep_decay 1e-5, 12 000 epochs: features and classifier approach the general orthogonal frame.` +
      CIFAR_NOTE,
    config: net({
      dataset: 'cifar10',
      perClass: [100, 100, 200, 200, 300, 300, 400, 400, 500, 500],
      width: 2048,
      depthLinear,
      bias: false,
      batchnorm: false,
      mseHalf: true,
      weightDecay: 1e-5,
      featureDecay: 1e-5,
      // The script's --patience 6000 is its StepLR step, not early stopping.
      lrStep: 6000,
      epochs: 12_000,
      patience: 0,
      batchSize: 0,
      shuffle: false,
      measureEvery: 100,
    }),
  };
}

/** Browser-sized: small enough for a laptop GPU (or wasm) in minutes. */
const browser: Preset[] = [
  {
    id: 'net-mnist-mlp',
    group: 'Networks in the browser',
    title: 'MLP on MNIST, 3-layer linear head',
    summary:
      'Embedded MNIST, 500 images a class, 784 → 3×256 ReLU+BN → a 3-layer linear head, MSE with separate decay: train accuracy reaches 100 % and NC1 falls at every head layer.',
    starter: true,
    config: net({
      dataset: 'mnist',
      perClass: [500],
      resize32: false,
      width: 256,
      depthRelu: 3,
      depthLinear: 3,
      optimizer: 'adam',
      lr: 1e-3,
      weightDecay: 1e-4,
      featureDecay: 1e-4,
      lrStep: 40,
      epochs: 60,
      measureEvery: 2,
      measureSamples: 2000,
    }),
  },
  {
    id: 'net-fashion-mlp',
    group: 'Networks in the browser',
    title: 'MLP on FashionMNIST, bias-free head',
    summary:
      'Embedded FashionMNIST (500 a class), a bias-free 2-layer head: the class means and classifier rows approach an orthogonal frame rather than a simplex.',
    config: net({
      dataset: 'fashion-mnist',
      perClass: [500],
      resize32: false,
      width: 256,
      depthRelu: 3,
      depthLinear: 2,
      bias: false,
      optimizer: 'adam',
      lr: 1e-3,
      lrStep: 40,
      epochs: 60,
      measureEvery: 2,
      measureSamples: 2000,
    }),
  },
  {
    id: 'net-mnist-imbalanced',
    group: 'Networks in the browser',
    title: 'Imbalanced MNIST (20…100 a class), full batch',
    summary:
      'The imbalanced construction on MNIST (the first 20, 20, 40, …, 100 images of each digit), bias-free, full batch in index order: compare the class-mean lengths with the general orthogonal frame.',
    config: net({
      dataset: 'mnist',
      perClass: [20, 20, 40, 40, 60, 60, 80, 80, 100, 100],
      resize32: false,
      width: 256,
      depthRelu: 3,
      depthLinear: 3,
      bias: false,
      batchnorm: false,
      mseHalf: true,
      optimizer: 'adam',
      lr: 1e-3,
      weightDecay: 1e-4,
      featureDecay: 1e-4,
      lrStep: 0,
      epochs: 600,
      batchSize: 0,
      shuffle: false,
      measureEvery: 20,
      measureSamples: 0,
    }),
  },
  {
    id: 'net-mnist-resnet18',
    group: 'Networks in the browser',
    title: 'ResNet18 (⅛ width) on MNIST',
    summary:
      'ResNet18 with 8…64 channels on 3×32×32 MNIST (200 a class), a 3-layer head, Adam: the convolutional features collapse too. Best on a GPU.',
    config: net({
      dataset: 'mnist',
      perClass: [200],
      model: 'resnet18',
      widthMult: 0.125,
      width: 64,
      depthLinear: 3,
      optimizer: 'adam',
      lr: 1e-3,
      sepDecay: true,
      lrStep: 20,
      epochs: 30,
      batchSize: 64,
      measureEvery: 2,
      measureSamples: 1000,
    }),
  },
  {
    id: 'net-fashion-vgg16',
    group: 'Networks in the browser',
    title: 'VGG16 (⅛ width) on FashionMNIST',
    summary:
      'VGG16 with 8…64 channels on 3×32×32 FashionMNIST (200 a class), a 3-layer head, Adam. Best on a GPU.',
    config: net({
      dataset: 'fashion-mnist',
      perClass: [200],
      model: 'vgg16',
      widthMult: 0.125,
      width: 64,
      depthLinear: 3,
      optimizer: 'adam',
      lr: 1e-3,
      lrStep: 20,
      epochs: 30,
      batchSize: 64,
      measureEvery: 2,
      measureSamples: 1000,
    }),
  },
  {
    id: 'net-gauss-tiny',
    group: 'Networks in the browser',
    title: 'Tiny MLP on a Gaussian mixture',
    summary:
      'Four Gaussian classes in 16 dimensions, a small MLP and a 2-layer head, full batch: collapse in seconds, even on a CPU.',
    config: net({
      dataset: 'gaussian',
      gaussClasses: 4,
      gaussDim: 16,
      gaussSeparation: 3,
      perClass: [100],
      width: 32,
      depthRelu: 2,
      depthLinear: 2,
      optimizer: 'adam',
      lr: 1e-2,
      lrStep: 0,
      epochs: 300,
      batchSize: 0,
      measureEvery: 10,
      measureSamples: 0,
    }),
  },
];

export const NET_PRESETS: Preset[] = [
  ...browser,
  ...[512, 1024, 2048].flatMap((w) =>
    [1, 3, 6, 9].flatMap((m) => [balancedMlp(w, m, true), balancedMlp(w, m, false)]),
  ),
  ...(['resnet18', 'vgg16'] as const).flatMap((model) =>
    [1, 3, 6, 9].map((m) => deepNet(model, m)),
  ),
  ...[1, 3, 6].map(imbalancedMlp),
];

/**
 * seed 002: label noise, CE against label smoothing. The MLP is Linear→BN→ReLU blocks with a
 * K-dimensional non-negative penultimate layer and a K×K classifier; SGD momentum 0.9 with
 * coupled weight decay on every parameter.
 */
const md = (over: Partial<NetConfig>): NetConfig =>
  net({
    model: 'mlp-md',
    depthLinear: 1,
    bias: true,
    batchnorm: true,
    loss: 'ce',
    lossAlpha: 0.1,
    optimizer: 'sgd',
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 1e-3,
    sepDecay: false,
    featureDecay: 0,
    valSplit: true,
    lrGamma: 0.1,
    measureEvery: 1,
    measureSamples: 4000,
    ...over,
  });

export const MD_PRESETS: Preset[] = [
  {
    id: 'md-mnist-quick',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'CE vs LS on noisy MNIST 0/1 (quick)',
    summary:
      'MNIST digits 0 and 1 (1 000 a class), 20 % label noise, a 3-block MLP with a 2-d non-negative penultimate layer, cross-entropy and its label-smoothing twin from the same weights and labels: watch the corrupted samples stay near their true class (memorization) while the clean ones spread (dilation), for each loss.',
    config: md({
      dataset: 'mnist',
      classes: [0, 1],
      perClass: [1000],
      resize32: false,
      labelNoise: 0.2,
      width: 128,
      depthRelu: 3,
      pairWith: 'ls',
      batchSize: 32,
      lrStep: 6,
      epochs: 12,
      seed: 42,
    }),
  },
  {
    id: 'md-mnist-reference',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'The reference run: MNIST 0/1, η = 0.2, 30 epochs',
    summary:
      "The conventional-noise experiment of Nguyen et al. 2023 on MNIST {0, 1}, as the lab's reference run: 3072 → 3×256 → 2 with BN and ReLU, batch 16, wd 1e-3, lr 0.1 × 0.1 every 10 epochs, 30 epochs, CE with its LS twin.",
    config: md({
      dataset: 'mnist',
      classes: [0, 1],
      labelNoise: 0.2,
      width: 256,
      depthRelu: 4,
      pairWith: 'ls',
      batchSize: 16,
      lrStep: 10,
      epochs: 30,
      seed: 42,
    }),
  },
  {
    id: 'md-svhn-seed',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: "The paper's command: SVHN 0/1, depth 9, width 2048",
    summary:
      "The memorization–dilation paper's published command (Nguyen et al. 2023): SVHN digits 0 and 1, η = 0.2, LS (α = 0.1) with a CE twin, MLP depth 9 width 2048, batch 16, wd 1e-3, lr 0.1 × 0.1 every 40 epochs, 200 epochs. Needs your SVHN files (train_32x32.mat, test_32x32.mat).",
    config: md({
      dataset: 'svhn',
      classes: [0, 1],
      labelNoise: 0.2,
      loss: 'ls',
      pairWith: 'ce',
      width: 2048,
      depthRelu: 9,
      batchSize: 16,
      lrStep: 40,
      epochs: 200,
      measureEvery: 5,
      seed: 42,
    }),
  },
  {
    id: 'md-fourclass-mnist',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'Four-class latent-noise problem (MNIST 0/1)',
    summary:
      'The latent-class problem of Nguyen et al. 2023 (appendix): half of the digits 0 and 1 are relabelled as latent copies (labels 2 and 3) that look exactly like the originals, so the network can fit them only by memorising. K = 4, penultimate dimension 4. Memorization and dilation are measured per original class; test accuracy counts a latent prediction as wrong (as the paper’s code does), the merged accuracy counts it as its digit.',
    config: md({
      dataset: 'mnist',
      classes: [0, 1],
      perClass: [1000],
      resize32: false,
      fourClass: true,
      fourClassNoise: 0.5,
      width: 128,
      depthRelu: 3,
      batchSize: 32,
      lrStep: 6,
      epochs: 12,
      // The paper's simple pipeline holds out the first 20 % here too.
      valSplit: true,
      seed: 42,
    }),
  },
  {
    id: 'md-fourclass-mnist-2d',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'Four-class problem with two features (MNIST 0/1)',
    summary:
      'The latent-class problem with a two-dimensional penultimate layer (the paper’s --fourclass_twofeatures): four labels, two features, so the memorised latent samples can be seen directly in the feature scatter.',
    config: md({
      dataset: 'mnist',
      classes: [0, 1],
      perClass: [1000],
      resize32: false,
      fourClass: true,
      fourClassNoise: 0.5,
      penultimateDim: 2,
      width: 128,
      depthRelu: 3,
      batchSize: 32,
      lrStep: 6,
      epochs: 12,
      valSplit: true,
      seed: 42,
    }),
  },
  {
    id: 'md-large-resnet18-cifar10',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'Large scale: ResNet18 on CIFAR-10 with 20 % noise',
    summary:
      'All ten CIFAR-10 classes with resample noise η = 0.2, the torchvision ResNet18 of Nguyen et al. 2023 (7×7 stem, max-pool, single fc), SGD lr 0.1 momentum 0.9, wd 5e-4, batch 128, StepLR(40, 0.1), 200 epochs, CE with an LS twin; top-5 accuracy is logged. Needs your CIFAR-10 file and a GPU.',
    config: md({
      dataset: 'cifar10',
      model: 'resnet18-tv',
      labelNoise: 0.2,
      width: 512,
      pairWith: 'ls',
      weightDecay: 5e-4,
      batchSize: 128,
      lrStep: 40,
      epochs: 200,
      valSplit: false,
      measureEvery: 5,
      measureSamples: 10_000,
    }),
  },
  {
    id: 'md-large-resnet18-mnist',
    group: 'Memorization–dilation (Nguyen et al. 2023)',
    title: 'Large scale, browser-sized: ResNet18 (⅛ width) on noisy MNIST',
    summary:
      'The large-scale setting on all ten MNIST digits (300 a class), η = 0.2, the torchvision ResNet18 of Nguyen et al. 2023 with 8…64 channels, CE with an LS twin: memorization and dilation with ten classes. Best on a GPU.',
    config: md({
      dataset: 'mnist',
      model: 'resnet18-tv',
      widthMult: 0.125,
      perClass: [300],
      labelNoise: 0.2,
      width: 64,
      pairWith: 'ls',
      weightDecay: 5e-4,
      batchSize: 64,
      lrStep: 8,
      epochs: 12,
      valSplit: false,
      measureSamples: 2000,
    }),
  },
];
