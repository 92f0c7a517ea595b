import { MD_PRESETS, NET_PRESETS } from './netPresets';
import { DEFAULT_UFM_CONFIG, type ExperimentConfig } from './schema';

/**
 * A one-click starting point; `summary` says in its first sentence what it shows (at most two
 * short notes follow: what it needs, a caveat).
 */
export type PresetGroup =
  | 'Dang et al. 2023: balanced UFM'
  | 'Dang et al. 2023: imbalanced UFM'
  | 'Minority collapse'
  | 'Teaching'
  | 'Networks in the browser'
  | 'Dang et al. 2023: MLP on CIFAR-10'
  | 'Dang et al. 2023: ResNet18 / VGG16'
  | 'Dang et al. 2023: imbalanced MLP'
  | 'Memorization–dilation (Nguyen et al. 2023)';

export interface Preset {
  id: string;
  group: PresetGroup;
  title: string;
  summary: string;
  config: ExperimentConfig;
  /** The preset the form switches to when the user picks this experiment kind. */
  starter?: boolean;
}

const base = DEFAULT_UFM_CONFIG;

function balanced(depth: number, bias: boolean): Preset {
  const frame = bias ? 'a simplex ETF' : 'an orthogonal frame';
  return {
    id: `seed-balanced-${bias ? 'bias' : 'nobias'}-m${depth}`,
    group: 'Dang et al. 2023: balanced UFM',
    title: `Balanced UFM, M = ${depth}, ${bias ? 'with' : 'no'} bias`,
    summary: `The balanced experiment of Dang et al. 2023 (K = 4, n = 100, d = 64, 30 000 steps): every one of the ${depth} layer${depth > 1 ? 's' : ''} collapses to ${frame}, as the closed form predicts.`,
    config: { ...base, depth, bias },
  };
}

/**
 * With d = 2048 and M > 1 the seed's N(0, 0.1) initialisation makes the product W_M⋯W_1 so
 * large (each layer's spectral norm ≈ 0.1·2√d ≈ 9) that SGD at lr 0.1 diverges within 3 steps —
 * in the reference script as here. Those presets start from N(0, 0.02), the same spectral scale
 * as the seed's d = 64 runs, and say so.
 */
function imbalanced(depth: number): Preset {
  const initStd = depth > 1 ? 0.02 : base.initStd;
  const note =
    depth > 1
      ? " Initial std 0.02: the paper's 0.1 diverges at d = 2048 with M > 1 (set initStd = 0.1 to see it)."
      : '';
  return {
    id: `seed-imbalanced-m${depth}`,
    group: 'Dang et al. 2023: imbalanced UFM',
    title: `Imbalanced UFM (200/100/50/50), M = ${depth}, d = 2048`,
    summary:
      'The imbalanced experiment of Dang et al. 2023: classifier rows and class means become orthogonal with class-size-dependent lengths (a "general orthogonal frame"), bigger classes getting longer classifiers but shorter means.' +
      note,
    config: { ...base, classSizes: [200, 100, 50, 50], hidden: 2048, depth, bias: false, initStd },
  };
}

export const PRESETS: Preset[] = [
  ...[1, 3, 6, 9].map((m) => balanced(m, true)),
  ...[1, 3, 6, 9].map((m) => balanced(m, false)),
  ...[1, 3, 6].map(imbalanced),
  {
    id: 'minority-collapse-m1',
    group: 'Minority collapse',
    title: 'Minority collapse, M = 1 (λ = 0.02)',
    summary:
      'With λ_W = λ_H = 0.02 the two 50-sample classes are past the threshold n_k > N²λ_Wλ_H, so their classifier rows and means shrink to zero while the large classes survive.',
    config: {
      ...base,
      classSizes: [200, 100, 50, 50],
      hidden: 16,
      depth: 1,
      bias: false,
      lambdaW: 0.02,
      lambdaH: 0.02,
      steps: 5000,
      reportEvery: 50,
    },
  },
  {
    id: 'minority-collapse-m3',
    group: 'Minority collapse',
    title: 'Minority collapse, M = 3 (λ = 0.0135)',
    summary:
      'Three linear layers and λ = 0.0135 put the 50-sample classes beyond the depth-3 threshold b/n_k ≤ 2^{2/3}/3, so they collapse to the origin at every layer while the others form an orthogonal frame.',
    // With M ≥ 2, x = 0 is always a local minimum: a small initialisation can trap a surviving
    // class there too, hence the wider layers and larger initial std.
    config: {
      ...base,
      classSizes: [200, 100, 50, 50],
      hidden: 32,
      depth: 3,
      bias: false,
      lambdaW: 0.0135,
      lambdaH: 0.0135,
      initStd: 0.35,
      steps: 8000,
      reportEvery: 50,
    },
  },
  {
    id: 'teach-etf-3d',
    group: 'Teaching',
    title: 'Simplex ETF in 3-D (K = 4, d = 3, bias)',
    summary:
      'Four classes in three dimensions: with a bias the class means and classifier rows spread into a regular tetrahedron within a few seconds.',
    config: {
      ...base,
      classSizes: [25, 25, 25, 25],
      hidden: 3,
      depth: 1,
      bias: true,
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      steps: 2000,
      reportEvery: 20,
    },
  },
  {
    id: 'teach-orthogonal-3d',
    group: 'Teaching',
    title: 'Orthogonal frame in 3-D (K = 3, d = 3, no bias)',
    summary:
      'Without a bias the optimum is not a simplex: three classes line up with three orthogonal axes, classifier rows on top of their means.',
    config: {
      ...base,
      classSizes: [25, 25, 25],
      hidden: 3,
      depth: 1,
      bias: false,
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      steps: 2000,
      reportEvery: 20,
    },
  },
  {
    id: 'teach-ce-ufm',
    group: 'Teaching',
    title: 'Cross-entropy: a tetrahedron without a bias (K = 4, d = 3)',
    summary:
      'The UFM trained with softmax cross-entropy instead of MSE: even without a bias the four class means and classifier rows form a regular tetrahedron (a simplex ETF), with the closed-form margin and norms.',
    config: {
      ...base,
      classSizes: [25, 25, 25, 25],
      hidden: 3,
      depth: 1,
      bias: false,
      loss: 'ce',
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      steps: 2000,
      reportEvery: 20,
    },
  },
  {
    id: 'teach-deep-m3',
    group: 'Teaching',
    title: 'Collapse through 3 linear layers (quick)',
    summary:
      'A small deep linear head (d = 16, M = 3) in which NC1–NC3 fall at every depth within a minute, the deeper layers collapsing alongside the first.',
    // Initial std 0.25: at 0.1 the product W_3W_2W_1 starts so small that some directions stay
    // in the local minimum at 0 that every deep (M ≥ 2) linear head has.
    config: {
      ...base,
      classSizes: [30, 30, 30, 30],
      hidden: 16,
      depth: 3,
      bias: true,
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      initStd: 0.25,
      steps: 3000,
      reportEvery: 25,
    },
  },
  {
    id: 'teach-imbalanced',
    group: 'Teaching',
    title: 'Imbalanced classes, general orthogonal frame (quick)',
    summary:
      'Class sizes 60/30/15/15 without a bias: orthogonal classifier rows whose lengths grow with class size, next to the closed-form lengths.',
    config: {
      ...base,
      classSizes: [60, 30, 15, 15],
      hidden: 16,
      depth: 1,
      bias: false,
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      steps: 3000,
      reportEvery: 25,
    },
  },
  {
    id: 'tiny-check',
    group: 'Teaching',
    title: 'Tiny check run (K = 4, n = 10, d = 8)',
    summary:
      'The smallest run that still collapses: a few hundred steps for checking a machine or a backend.',
    config: {
      ...base,
      classSizes: [10, 10, 10, 10],
      hidden: 8,
      depth: 2,
      bias: true,
      lambdaW: 5e-3,
      lambdaH: 5e-3,
      steps: 300,
      reportEvery: 20,
    },
  },
  ...NET_PRESETS,
  ...MD_PRESETS,
];

export const DEFAULT_PRESET_ID = 'teach-deep-m3';

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
