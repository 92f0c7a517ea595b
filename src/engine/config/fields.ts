import { z } from 'zod';
import {
  LIMITS,
  isConvModel,
  netConfigSchema,
  ufmConfigSchema,
  type ExperimentKind,
  type NetConfig,
  type UfmConfig,
} from './schema';

/**
 * What a person needs to know about each config field (label, hint, group, unit, when it
 * applies), written once: the form, the CLI help and the README tables are built from it. What
 * the schema already says (kind, options, limits) is read from the zod schema, not restated.
 */

export const FIELD_GROUPS = [
  'Problem',
  'Data',
  'Model',
  'Regularisation',
  'Optimiser',
  'Run',
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** Field values as text (lists "1, 2", booleans "1" / "0"): what a form draft holds. */
export type FieldTexts = Readonly<Record<string, string>>;

/** "The field only matters when …": a test on the other fields, and the same rule in words. */
export interface AppliesWhen {
  text: string;
  test: (values: FieldTexts) => boolean;
}

export interface FieldMeta {
  label: string;
  hint: string;
  group: FieldGroup;
  unit?: string;
  /** More than the form has room for, for the README tables and the CLI help. */
  note?: string;
  /** A list field that may be left empty (meaning "all"). */
  optional?: boolean;
  appliesWhen?: AppliesWhen;
}

/** One entry per field of the config but `experiment`: a missing or extra field fails typecheck. */
export type FieldTable<C> = { readonly [K in Exclude<keyof C, 'experiment'>]: FieldMeta };

const when = (text: string, test: AppliesWhen['test']): AppliesWhen => ({ text, test });
const isSgd = when('optimizer = sgd', (d) => d.optimizer === 'sgd');
const isAdam = when('optimizer = adam', (d) => d.optimizer === 'adam');
const isGaussian = when('dataset = gaussian', (d) => d.dataset === 'gaussian');
const isMnistFamily = when(
  'dataset = mnist or fashion-mnist',
  (d) => d.dataset === 'mnist' || d.dataset === 'fashion-mnist',
);
const isMlp = when('model = mlp or mlp-md', (d) => !isConvModel(d.model));
const isConv = when('model = resnet18, resnet18-tv or vgg16', (d) => isConvModel(d.model));
const isMd = when('model = mlp-md', (d) => d.model === 'mlp-md');

/** UFM fields, in the form's order. */
/** The optimiser's fields: the same in both experiments. */
const OPTIMISER_FIELDS = {
  optimizer: { label: 'Optimiser', group: 'Optimiser', hint: '' },
  lr: { label: 'Learning rate', group: 'Optimiser', hint: '' },
  momentum: {
    label: 'Momentum',
    group: 'Optimiser',
    hint: 'SGD only',
    appliesWhen: isSgd,
    note: 'torch semantics: v ← μv + g',
  },
  adamBeta1: { label: 'Adam β₁', group: 'Optimiser', hint: 'Adam only', appliesWhen: isAdam },
  adamBeta2: { label: 'Adam β₂', group: 'Optimiser', hint: 'Adam only', appliesWhen: isAdam },
  adamEpsilon: { label: 'Adam ε', group: 'Optimiser', hint: 'Adam only', appliesWhen: isAdam },
} satisfies Partial<FieldTable<UfmConfig & NetConfig>>;

export const UFM_FIELD_META: FieldTable<UfmConfig> = {
  classSizes: {
    label: 'Class sizes',
    group: 'Problem',
    unit: 'samples',
    hint: `n_k per class, comma-separated (K = 2…${LIMITS.maxClasses})`,
    note: 'K = the number of entries (balanced = all equal); N = Σ n_k ≤ 50 000',
  },
  hidden: {
    label: 'Hidden width d',
    group: 'Problem',
    hint: `feature and layer width, ≥ K for full collapse (≤ ${LIMITS.maxHidden})`,
  },
  depth: {
    label: 'Depth M',
    group: 'Problem',
    hint: `linear layers W_M⋯W_1 (≤ ${LIMITS.maxDepth})`,
  },
  bias: {
    label: 'Last-layer bias',
    group: 'Problem',
    hint: 'with bias → simplex ETF; without → orthogonal frame (MSE)',
    note: 'the bias is never decayed',
  },
  loss: {
    label: 'Loss',
    group: 'Problem',
    hint: 'mse (one-hot targets) or ce (softmax cross-entropy)',
  },
  labelSmoothing: {
    label: 'Label smoothing α',
    group: 'Regularisation',
    hint: 'cross-entropy only: targets (1 − α) one-hot + α/K',
    appliesWhen: when('loss = ce', (d) => d.loss === 'ce'),
  },
  lambdaW: { label: 'λ_W', group: 'Regularisation', hint: 'weight decay on every layer' },
  lambdaH: { label: 'λ_H', group: 'Regularisation', hint: 'feature decay on H' },
  ...OPTIMISER_FIELDS,
  steps: {
    label: 'Steps',
    group: 'Run',
    unit: 'steps',
    hint: '',
    note: 'full-batch optimiser steps',
  },
  reportEvery: {
    label: 'Report every',
    group: 'Run',
    unit: 'steps',
    hint: 'steps between measurements',
  },
  seed: {
    label: 'Seed',
    group: 'Run',
    hint: 'positive; same seed → same init',
    note: "seeds the labels' permutation and H, W ~ N(0, initStd), bias ~ U(±1/√d)",
  },
  initStd: { label: 'Init std', group: 'Run', hint: 'σ of the Gaussian init of H and W' },
  backend: { label: 'Backend', group: 'Run', hint: 'auto: hardware WebGPU, else wasm' },
};

/** Network fields, in the form's order. */
export const NET_FIELD_META: FieldTable<NetConfig> = {
  dataset: {
    label: 'Dataset',
    group: 'Data',
    hint: 'MNIST and FashionMNIST are embedded; CIFAR and SVHN need your files',
  },
  classes: {
    label: 'Classes',
    group: 'Data',
    optional: true,
    hint: 'labels to keep, e.g. 0, 1 (empty = all)',
    note: 'relabelled 0…K−1 in this order',
  },
  perClass: {
    label: 'Samples per class',
    group: 'Data',
    optional: true,
    unit: 'samples',
    hint: 'first n of each class in index order: one n, or one per class (empty = all)',
  },
  valSplit: {
    label: 'Validation split',
    group: 'Data',
    hint: 'hold out the first part of the training set (Nguyen et al. 2023)',
  },
  valFraction: {
    label: 'Validation share',
    group: 'Data',
    hint: 'share held out, e.g. 0.2 (Nguyen et al. 2023)',
    appliesWhen: when('valSplit on', (d) => d.valSplit === '1'),
  },
  labelNoise: {
    label: 'Label noise η',
    group: 'Data',
    hint: 'each label replaced with probability η by a uniform class',
    note: 'flip rate η(K−1)/K',
  },
  fourClass: {
    label: 'Four-class problem',
    group: 'Data',
    hint: 'latent copy (label + 2) of each of two classes (Nguyen et al. 2023, appendix)',
  },
  fourClassNoise: {
    label: 'Latent fraction',
    group: 'Data',
    hint: 'share moved to the latent class',
    appliesWhen: when('fourClass on', (d) => d.fourClass === '1'),
  },
  gaussClasses: { label: 'Mixture classes', group: 'Data', hint: '', appliesWhen: isGaussian },
  gaussDim: { label: 'Mixture dimension', group: 'Data', hint: '', appliesWhen: isGaussian },
  gaussSeparation: {
    label: 'Mixture separation',
    group: 'Data',
    unit: 'noise stds',
    hint: 'distance of the means in noise stds',
    appliesWhen: isGaussian,
  },
  resize32: {
    label: '3×32×32 input',
    group: 'Data',
    hint: 'grey → 3 channels, 28 → 32 (the reference)',
    appliesWhen: isMnistFamily,
    note: 'always on for ResNet and VGG',
  },
  model: {
    label: 'Model',
    group: 'Model',
    hint: 'mlp: Dang et al. 2023; mlp-md: Nguyen et al. 2023 (K-dim penultimate); resnet18-tv: torchvision ResNet18 (Nguyen et al. 2023 large scale)',
    note: "mlp-md's blocks are Linear→BN→ReLU, its penultimate non-negative; resnet18 and vgg16 are the CIFAR nets of Dang et al. 2023; resnet18-tv has a 7×7/2 stem, a max-pool, Kaiming init and no feature BN (11 181 642 parameters for K = 10, as PyTorch)",
  },
  width: { label: 'Width', group: 'Model', hint: 'MLP width and head width d' },
  depthRelu: {
    label: 'ReLU blocks',
    group: 'Model',
    hint: 'MLP backbone depth',
    appliesWhen: isMlp,
  },
  depthLinear: {
    label: 'Linear head depth M',
    group: 'Model',
    hint: `linear layers of the head (≤ ${LIMITS.maxDepth})`,
  },
  augment: {
    label: 'Augmentation',
    group: 'Data',
    hint: 'random crop (padding 4) + horizontal flip, seeded (convolutional models)',
    appliesWhen: isConv,
    note: 'black padding; seeded per (seed, epoch, batch)',
  },
  bias: { label: 'Last-layer bias', group: 'Model', hint: '' },
  batchnorm: { label: 'BatchNorm', group: 'Model', hint: 'MLP backbone', appliesWhen: isMlp },
  mlpActivation: {
    label: 'Activation',
    group: 'Model',
    hint: 'Nguyen et al. 2023 MLP; none also drops the penultimate norm',
    appliesWhen: isMd,
  },
  layerNorm: {
    label: 'LayerNorm',
    group: 'Model',
    hint: 'Nguyen et al. 2023 MLP: after every Linear',
    appliesWhen: isMd,
  },
  penultimateDim: {
    label: 'Penultimate dim p',
    group: 'Model',
    hint: 'Nguyen et al. 2023 MLP: 0 = K; 2 with the four-class problem = two features',
    appliesWhen: isMd,
  },
  widthMult: {
    label: 'Channel multiplier',
    group: 'Model',
    hint: '1 = reference widths 64…512',
    appliesWhen: isConv,
  },
  loss: {
    label: 'Loss',
    group: 'Regularisation',
    hint: 'mse (one-hot), ce, ls (label smoothing), lr (label relaxation)',
    note: "mse takes torch's mean",
  },
  pairWith: {
    label: 'Twin run with loss',
    group: 'Regularisation',
    hint: 'same weights and noisy labels, another loss',
    note: 'identical weights, labels and batch order, side by side',
  },
  mseHalf: {
    label: 'MSE ÷ 2',
    group: 'Regularisation',
    hint: "as in Dang et al. 2023's imbalanced runs",
    appliesWhen: when('loss = mse', (d) => d.loss === 'mse'),
  },
  lossAlpha: {
    label: 'Loss α',
    group: 'Regularisation',
    hint: 'smoothing / relaxation',
    appliesWhen: when('loss = ls or lr', (d) => d.loss === 'ls' || d.loss === 'lr'),
  },
  twinAlpha: {
    label: 'Twin α',
    group: 'Regularisation',
    hint: "the twin's smoothing / relaxation α (0 = the same as Loss α)",
    appliesWhen: when('pairWith = ls or lr', (d) => d.pairWith === 'ls' || d.pairWith === 'lr'),
    note: "the noise sweep keeps it for the twin's loss",
  },
  weightDecay: {
    label: 'Weight decay',
    group: 'Regularisation',
    hint: 'coupled L2, or head weights only with sep. decay',
  },
  sepDecay: {
    label: 'Separate decay',
    group: 'Regularisation',
    hint: "Dang et al. 2023's --sep_decay",
    note: 'wd/2·Σ‖W_head‖² + fd/2·Σ_batch‖h‖², backbone unregularised',
  },
  featureDecay: {
    label: 'Feature decay',
    group: 'Regularisation',
    hint: 'on the penultimate features (sep. decay)',
    appliesWhen: when('sepDecay on', (d) => d.sepDecay === '1'),
  },
  ...OPTIMISER_FIELDS,
  lrStep: {
    label: 'LR step (epochs)',
    group: 'Optimiser',
    unit: 'epochs',
    hint: 'lr × γ every this many epochs (0 = constant)',
  },
  lrGamma: { label: 'LR γ', group: 'Optimiser', hint: '' },
  lrMilestones: {
    label: 'LR milestones (epochs)',
    group: 'Optimiser',
    optional: true,
    unit: 'epochs',
    hint: 'MultiStepLR: lr × γ at each, e.g. 60, 120, 160 (empty = use LR step)',
    note: 'needs LR step 0',
  },
  epochs: { label: 'Epochs', group: 'Run', unit: 'epochs', hint: '' },
  batchSize: { label: 'Batch size', group: 'Run', unit: 'samples', hint: '0 = full batch' },
  shuffle: { label: 'Shuffle', group: 'Run', hint: 'seeded reshuffle every epoch' },
  patience: {
    label: 'Patience',
    group: 'Run',
    unit: 'epochs',
    hint: 'epochs without improvement before stopping (0 = never)',
  },
  measureEvery: {
    label: 'Measure every',
    group: 'Run',
    unit: 'epochs',
    hint: 'epochs between NC measurements',
  },
  measureSamples: {
    label: 'Samples measured',
    group: 'Run',
    unit: 'samples',
    hint: 'per split (0 = all)',
    note: 'seeded, per class, at least 1 a class',
  },
  seed: {
    label: 'Seed',
    group: 'Run',
    hint: 'positive; same seed → same init, order and noise',
    note: 'seeds the init, the batch order, the noise and the subsets',
  },
  backend: { label: 'Backend', group: 'Run', hint: 'auto: hardware WebGPU, else wasm' },
};

/** A bound of a number field; `inclusive` false for gt / lt. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

/** What the schema says about a field's values (for lists: about each element). */
export interface FieldShape {
  kind: 'list' | 'int' | 'number' | 'bool' | 'enum';
  options?: readonly string[];
  min?: Bound;
  max?: Bound;
  /** Lists: bounds on the number of elements. */
  minItems?: number;
  maxItems?: number;
}

/** A field with everything known about it: name, metadata and the schema's shape. */
export interface FieldDoc extends FieldMeta, FieldShape {
  name: string;
}

function numberBounds(schema: z.ZodNumber): Pick<FieldShape, 'min' | 'max'> {
  const out: Pick<FieldShape, 'min' | 'max'> = {};
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def;
    if (def.check === 'greater_than') {
      const { value, inclusive } = def as z.core.$ZodCheckGreaterThanDef;
      out.min = { value: Number(value), inclusive };
    } else if (def.check === 'less_than') {
      const { value, inclusive } = def as z.core.$ZodCheckLessThanDef;
      out.max = { value: Number(value), inclusive };
    }
  }
  return out;
}

function listBounds(schema: z.ZodArray): Pick<FieldShape, 'minItems' | 'maxItems'> {
  const out: Pick<FieldShape, 'minItems' | 'maxItems'> = {};
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def;
    if (def.check === 'min_length') out.minItems = (def as z.core.$ZodCheckMinLengthDef).minimum;
    else if (def.check === 'max_length')
      out.maxItems = (def as z.core.$ZodCheckMaxLengthDef).maximum;
  }
  return out;
}

/** The kind, options and limits of one field, read from its zod schema. */
export function shapeOf(name: string, schema: z.ZodType): FieldShape {
  if (schema instanceof z.ZodArray) {
    const element = schema.element as z.ZodType;
    if (!(element instanceof z.ZodNumber))
      throw new Error(`field ${name}: only lists of numbers are supported`);
    return { kind: 'list', ...numberBounds(element), ...listBounds(schema) };
  }
  if (schema instanceof z.ZodNumber)
    return { kind: schema.isInt ? 'int' : 'number', ...numberBounds(schema) };
  if (schema instanceof z.ZodBoolean) return { kind: 'bool' };
  if (schema instanceof z.ZodEnum) return { kind: 'enum', options: schema.options.map(String) };
  throw new Error(`field ${name}: no form kind for this schema type`);
}

function docsOf(
  shape: Record<string, z.ZodType>,
  meta: Readonly<Record<string, FieldMeta>>,
): readonly FieldDoc[] {
  return Object.entries(meta).map(([name, m]) => ({ name, ...m, ...shapeOf(name, shape[name]) }));
}

const FIELD_DOCS: Record<ExperimentKind, readonly FieldDoc[]> = {
  ufm: docsOf(ufmConfigSchema.shape, UFM_FIELD_META),
  net: docsOf(netConfigSchema.shape, NET_FIELD_META),
};

/** Every field of an experiment kind, in the form's order. */
export function fieldDocs(kind: ExperimentKind): readonly FieldDoc[] {
  return FIELD_DOCS[kind];
}

/** The limits of a field in words: "1 ≤ x ≤ 4096", "0 < x < 1"; lists add their length. */
export function limitsText(doc: FieldShape): string {
  const parts: string[] = [];
  if (doc.min || doc.max) {
    const lo = doc.min ? `${doc.min.value} ${doc.min.inclusive ? '≤' : '<'} ` : '';
    const hi = doc.max ? ` ${doc.max.inclusive ? '≤' : '<'} ${doc.max.value}` : '';
    parts.push(`${lo}x${hi}`);
  }
  if (doc.minItems !== undefined || doc.maxItems !== undefined)
    parts.push(`${doc.minItems ?? 0}–${doc.maxItems ?? '∞'} values`);
  if (doc.options) parts.push(doc.options.join(' | '));
  return parts.join(', ');
}

/** A config value as field text: lists "1, 2", booleans "1" / "0" (the form's draft format). */
export function fieldText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}
