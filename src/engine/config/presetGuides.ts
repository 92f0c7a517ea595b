// What to look at while a preset runs, and the teaching-mode walk-throughs: one data file keyed by
// preset id (presetGuides.test.ts fails on an id that is not a preset, and on a preset without a
// note). Panels are named by their data-testid. User-facing: cite papers, never local files.
import { PRESETS, type Preset } from './presets';
import { measuresMemorization } from './experimentKinds';
import type { ExperimentConfig } from './schema';

export const PANEL_IDS = [
  'panel-loss',
  'panel-theory',
  'panel-md',
  'panel-nc',
  'panel-gram',
  'panel-3d',
  'panel-sweep',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

/** One step of a teaching walk-through. */
export interface GuideStep {
  title: string;
  text: string;
  /** the panel the step is about (highlighted and scrolled to) */
  panel?: PanelId;
  /**
   * Pause the run once it reaches this point (UFM: step; network: epoch) and show this step:
   * what to notice now. Steps without it are read before / after the run.
   */
  pauseAt?: number;
}

export interface PresetGuide {
  /** the "what to look at" note shown beside the panels while the preset runs */
  lookAt: string;
  /** the panels that matter most, key panel first */
  panels: PanelId[];
  /** teaching mode: what is trained, what to watch, what theory predicts, pause points */
  steps?: GuideStep[];
}

const UFM_TRAINED =
  'The unconstrained-features model: the features H are free parameters trained together with a linear classifier W under MSE loss and weight decay, the setting in which Dang et al. 2023 solve the optimum in closed form.';

/** Guides written for one preset. */
export const PRESET_GUIDES = {
  'teach-etf-3d': {
    lookAt:
      'Watch the 3-D view: the samples (small dots) gather onto their class means, and the four means (and the classifier rows on top of them) spread into a regular tetrahedron. NC1 falls towards 0, and the NC2 ETF error follows once the means have separated.',
    panels: ['panel-3d', 'panel-nc', 'panel-theory', 'panel-loss'],
    steps: [
      {
        title: 'What is trained',
        text: `${UFM_TRAINED} Here K = 4 classes of 25 samples live in d = 3 dimensions, with a bias.`,
        panel: 'panel-loss',
      },
      {
        title: 'Early: the features gather by class',
        text: 'The run is paused early. In the 3-D view each class is already a tight cloud of dots around its mean (at step 0 they were one random cloud): within-class variability is collapsing, so NC1 (hover its name in the NC panel) is falling fast. The means are not yet equally spaced.',
        panel: 'panel-3d',
        pauseAt: 100,
      },
      {
        title: 'Mid-run: a simplex appears',
        text: 'The means are moving apart to equal angles of arccos(−1/3) ≈ 109.5°, the corners of a tetrahedron: NC2 (the distance from a simplex ETF) is dropping. Rotate the 3-D view to see it.',
        panel: 'panel-nc',
        pauseAt: 600,
      },
      {
        title: 'What the theory predicts',
        text: 'With a bias and balanced classes the global minimum is a simplex equiangular tight frame with the classifier rows parallel to the class means (NC3). The Theory panel draws the closed-form norms next to the measured ones: the bars should meet the ticks.',
        panel: 'panel-theory',
      },
    ],
  },
  'teach-orthogonal-3d': {
    lookAt:
      'Without a bias the optimum is not a simplex: in the 3-D view the three class means line up with three orthogonal axes. Compare the NC2 error against the orthogonal frame (falls to 0) with the one against a simplex (does not).',
    panels: ['panel-3d', 'panel-nc', 'panel-theory', 'panel-loss'],
    steps: [
      {
        title: 'What is trained',
        text: `${UFM_TRAINED} Three classes in three dimensions, without a bias.`,
        panel: 'panel-loss',
      },
      {
        title: 'Watch the angles',
        text: 'The run is paused. The class means are separating, but towards right angles, not the 120° of a triangle: without a bias the MSE optimum is an orthogonal frame (Dang et al. 2023).',
        panel: 'panel-3d',
        pauseAt: 400,
      },
      {
        title: 'What the theory predicts',
        text: 'The orthogonal-frame errors of the means and the classifier go to 0 while the simplex-ETF error stays away from it. The Theory panel compares the measured lengths with the closed form.',
        panel: 'panel-nc',
      },
    ],
  },
  'teach-ce-ufm': {
    lookAt:
      'Cross-entropy instead of MSE, and no bias: in the 3-D view the four class means still spread into a regular tetrahedron (with MSE they would line up with orthogonal axes). The Theory panel compares the measured norms with the cross-entropy closed form.',
    panels: ['panel-3d', 'panel-theory', 'panel-nc', 'panel-loss'],
    steps: [
      {
        title: 'What is trained',
        text: 'The unconstrained-features model: the features H are free parameters trained together with a linear classifier W, here under softmax cross-entropy with weight and feature decay. Four classes of 25 samples in d = 3 dimensions, without a bias.',
        panel: 'panel-loss',
      },
      {
        title: 'A simplex even without a bias',
        text: 'The run is paused. The class means are moving apart towards the corners of a tetrahedron. Cross-entropy only sees differences of logits, so a bias has nothing to add: the optimum is a simplex ETF with or without one (Dang et al. 2023; Zhu et al. 2021 for one layer). Compare the orthogonal-frame preset, which uses MSE.',
        panel: 'panel-3d',
        pauseAt: 200,
      },
      {
        title: 'What the theory predicts',
        text: 'The margin z (own logit minus any other) minimises log(1 + (K−1)e^(−z)) plus the decays’ cost c·z; from z follow the singular values of W and the class-mean norms. The Theory panel draws them as ticks: the bars meet them once the run has converged. With two or more layers the lab warns that a lower-rank configuration can beat the ETF.',
        panel: 'panel-theory',
      },
    ],
  },
  'teach-deep-m3': {
    lookAt:
      'Three linear layers between the features and the output: NC1–NC3 are drawn per layer. Watch every layer collapse, the deeper layers alongside the first, towards the closed-form values in the Theory panel.',
    panels: ['panel-nc', 'panel-theory', 'panel-loss', 'panel-gram'],
    steps: [
      {
        title: 'What is trained',
        text: `${UFM_TRAINED} The classifier is a product of M = 3 linear layers W₃W₂W₁; NC metrics are measured at the input of every layer.`,
        panel: 'panel-loss',
      },
      {
        title: 'The loss drops in stages',
        text: 'The run is paused. A deep linear product starts slowly (the gradient of a product of small matrices is small), then the loss drops quickly: this is the saddle-to-minimum escape typical of deep linear networks.',
        panel: 'panel-loss',
        pauseAt: 300,
      },
      {
        title: 'Collapse at every depth',
        text: 'Each NC curve has one line per layer. NC1 falls at every layer; NC2 and NC3 follow. The Gram panel shows the class-mean Gram matrix becoming the ETF pattern (equal diagonal, equal off-diagonal).',
        panel: 'panel-nc',
        pauseAt: 1500,
      },
      {
        title: 'What the theory predicts',
        text: 'Dang et al. 2023 show that at the global minimum every layer’s features and classifier form a simplex ETF (with a bias) with closed-form norms. The Theory panel’s bars meet the ticks once training has converged.',
        panel: 'panel-theory',
      },
    ],
  },
  'teach-imbalanced': {
    lookAt:
      'Imbalanced classes without a bias: the classifier rows stay orthogonal but their lengths depend on the class size (bigger classes, longer rows; their means shorter). Compare the GOF errors and the Theory panel’s predicted lengths.',
    panels: ['panel-theory', 'panel-nc', 'panel-gram', 'panel-loss'],
    steps: [
      {
        title: 'What is trained',
        text: `${UFM_TRAINED} Class sizes 60, 30, 15 and 15, no bias.`,
        panel: 'panel-loss',
      },
      {
        title: 'Unequal lengths',
        text: 'The run is paused. In the Theory panel the bars of the large class are already longer for the classifier and shorter for the mean: collapse under imbalance is a general orthogonal frame, not an ETF.',
        panel: 'panel-theory',
        pauseAt: 500,
      },
      {
        title: 'What the theory predicts',
        text: 'Dang et al. 2023 give the lengths in closed form from the class sizes and the decay: the GOF errors (hover them in the NC panel) fall to 0 as the run approaches that frame.',
        panel: 'panel-nc',
      },
    ],
  },
  'tiny-check': {
    lookAt:
      'A smoke test: the loss should fall and NC1 should drop by orders of magnitude within a few hundred steps. If it does, this machine and backend train correctly.',
    panels: ['panel-loss', 'panel-nc'],
    steps: [
      {
        title: 'What is trained',
        text: `${UFM_TRAINED} The smallest useful size: four classes of ten samples in eight dimensions, two layers.`,
        panel: 'panel-loss',
      },
      {
        title: 'Check the curves',
        text: 'The run is paused halfway. The loss has fallen and NC1 is dropping: the backend works. Resume to finish.',
        panel: 'panel-nc',
        pauseAt: 150,
      },
    ],
  },
  'minority-collapse-m1': {
    lookAt:
      'The two 50-sample classes are past the minority-collapse threshold: in the Theory panel their classifier rows and means shrink to zero while the two large classes survive.',
    panels: ['panel-theory', 'panel-nc', 'panel-loss'],
  },
  'minority-collapse-m3': {
    lookAt:
      'At depth 3 the threshold is lower: the 50-sample classes collapse to the origin at every layer (Theory panel), the others form an orthogonal frame.',
    panels: ['panel-theory', 'panel-nc', 'panel-loss'],
  },
  'net-mnist-mlp': {
    lookAt:
      'A real network: watch train accuracy reach 100 % (Loss panel), then NC1 keep falling at every head layer long after, the “terminal phase of training” in which collapse happens.',
    panels: ['panel-nc', 'panel-loss', 'panel-gram'],
  },
  'net-gauss-tiny': {
    lookAt:
      'Four Gaussian classes through a small MLP: NC1 and the ETF errors fall within seconds; the Gram panel shows the class means approaching a simplex.',
    panels: ['panel-nc', 'panel-loss', 'panel-gram'],
  },
  'md-mnist-quick': {
    lookAt:
      'Two runs from the same weights and noisy labels, cross-entropy and label smoothing. In the memorization–dilation panel, compare memorization (corrupted samples’ distance to their true class) and dilation (spread of the clean samples): label smoothing should memorise less for a given dilation.',
    panels: ['panel-md', 'panel-loss', 'panel-nc'],
    steps: [
      {
        title: 'What is trained',
        text: 'MNIST digits 0 and 1 with 20 % of the training labels resampled at random, a small MLP whose penultimate layer has two non-negative features, trained twice from the same start: with cross-entropy and with label smoothing (Nguyen et al. 2023).',
        panel: 'panel-md',
      },
      {
        title: 'Corrupted samples stay with their digit, at first',
        text: 'The run is paused after the first epochs. In the scatter the crosses (samples whose label was changed) still sit mostly among the clean samples of their true digit: the network has not memorised them yet. Memorization is large, the noisy-labels-fitted fraction small.',
        panel: 'panel-md',
        pauseAt: 2,
      },
      {
        title: 'Memorization and dilation',
        text: 'Later the network fits more of the wrong labels: memorization falls and the clean clusters spread out (dilation). Compare the two losses: the paper predicts that label smoothing keeps memorization lower for the same dilation, which is why it is more robust to noise.',
        panel: 'panel-md',
        pauseAt: 8,
      },
      {
        title: 'What the theory predicts',
        text: 'The memorization–dilation model of Nguyen et al. 2023 says noisy labels can only be fitted by moving features (memorization), which costs dilation of the clean classes; the test accuracy depends on that trade-off. Check the test accuracy of both runs in the table.',
        panel: 'panel-md',
      },
    ],
  },
  'md-fourclass-mnist': {
    lookAt:
      'Labels 2 and 3 are latent copies of digits 0 and 1 that look identical, so they can be fitted only by memorising. Memorization and dilation are per original digit (the latent classes have no clean samples by construction). NC1 over the four labels stays large because a latent copy cannot be separated from its digit; the merged test accuracy is the meaningful one.',
    panels: ['panel-md', 'panel-loss', 'panel-nc'],
    steps: [
      {
        title: 'What is trained',
        text: 'MNIST digits 0 and 1; half of each digit’s training samples get the label of a new latent class (0 → 2, 1 → 3). Nothing in the images distinguishes a latent sample from its digit: the latent-class problem of Nguyen et al. 2023 (appendix).',
        panel: 'panel-md',
      },
      {
        title: 'Training accuracy is capped at first',
        text: 'The run is paused. Without memorising, the best the network can do on the training labels is about 50 %: it cannot tell a “0” from a “latent 0”. Accuracy against the original labels (0/1) is already high.',
        panel: 'panel-loss',
        pauseAt: 2,
      },
      {
        title: 'What is defined and what is not',
        text: 'Memorization: distance of the latent samples to the clean mean of their digit; dilation: spread of the digit’s remaining samples. The corruption bias is undefined (no sample labelled 0 or 1 belongs elsewhere), and NC1 over four labels is large by design. The test set has only digits 0 and 1: test accuracy counts a latent prediction as wrong, the merged accuracy counts it as its digit.',
        panel: 'panel-md',
      },
    ],
  },
} satisfies Record<string, PresetGuide>;

export type GuidedPresetId = keyof typeof PRESET_GUIDES;

/** A note for the presets without a written guide, by family. */
function familyGuide(p: Preset): PresetGuide {
  const c = p.config;
  if (c.experiment === 'ufm') {
    const imbalanced = new Set(c.classSizes).size > 1;
    return imbalanced
      ? {
          lookAt:
            'Imbalanced classes without a bias: compare the measured classifier and mean lengths with the closed-form general orthogonal frame (Theory panel) and watch the GOF errors fall (Dang et al. 2023).',
          panels: ['panel-theory', 'panel-nc', 'panel-loss', 'panel-gram'],
        }
      : {
          lookAt: `Balanced classes: NC1 falls at every layer and the means and classifier approach ${c.bias ? 'a simplex ETF' : 'an orthogonal frame'}; the Theory panel's bars should meet the closed-form ticks (Dang et al. 2023).`,
          panels: ['panel-nc', 'panel-theory', 'panel-loss', 'panel-gram'],
        };
  }
  if (measuresMemorization(c))
    return {
      lookAt:
        'Label noise: the memorization–dilation panel compares how far corrupted samples stay from their true class (memorization) with the spread of the clean samples (dilation), for each loss (Nguyen et al. 2023).',
      panels: ['panel-md', 'panel-loss', 'panel-nc'],
    };
  return {
    lookAt:
      'A network: watch train accuracy reach 100 %, then NC1 keep falling at every head layer while the means and classifier approach their frame (NC2, NC3).',
    panels: ['panel-nc', 'panel-loss', 'panel-gram'],
  };
}

/** The guide of a preset: its written one, or its family's note. */
export function guideFor(presetId: string): PresetGuide | null {
  if (Object.hasOwn(PRESET_GUIDES, presetId)) return PRESET_GUIDES[presetId as GuidedPresetId];
  const p = PRESETS.find((x) => x.id === presetId);
  return p ? familyGuide(p) : null;
}

/**
 * Fields that change how long a run goes, which draw it is or how often it is measured, not what
 * it shows: a preset run with another seed or more steps keeps the preset's note and teaching.
 */
const RUN_LENGTH_FIELDS = new Set([
  'backend',
  'seed',
  'steps',
  'epochs',
  'reportEvery',
  'measureEvery',
]);

/** The fields of `b` that differ from `a`, by name. */
function differingFields(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/**
 * The preset a config runs and the run-length fields it changed ("seed", "steps"): the preset
 * itself (on any backend) first, else the one it differs from only in RUN_LENGTH_FIELDS; null for
 * a config of the user's own.
 */
export function presetVariantOf(
  config: ExperimentConfig,
): { id: string; changed: string[] } | null {
  let variant: { id: string; changed: string[] } | null = null;
  for (const p of PRESETS) {
    const differ = differingFields(p.config, config);
    if (!differ.every((k) => RUN_LENGTH_FIELDS.has(k))) continue;
    const changed = differ.filter((k) => k !== 'backend');
    if (changed.length === 0) return { id: p.id, changed };
    variant ??= { id: p.id, changed };
  }
  return variant;
}

/** The preset a config runs (on any backend, with its own seed or length), or null. */
export function presetOfConfig(config: ExperimentConfig): string | null {
  return presetVariantOf(config)?.id ?? null;
}
