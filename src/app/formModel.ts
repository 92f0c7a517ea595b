import {
  BACKEND_REQUESTS,
  ConfigError,
  DATASETS,
  LIMITS,
  LOSSES,
  NET_MODELS,
  OPTIMIZERS,
  UFM_LOSSES,
  defaultsFor,
  parseConfig,
  type ExperimentConfig,
  type ExperimentKind,
} from '../engine/config/schema';

/**
 * The config form's model: one entry per config field of each experiment kind (the schema
 * decides validity; this only says how to show and read each field). Text drafts are kept per
 * field so a half-typed value ("5e-") stays on screen with its error instead of being reset.
 */
export type FieldName = string;
/** Field texts by name, plus `experiment` (the kind whose fields the form shows). */
export type Draft = Record<FieldName, string>;
export type FieldErrors = Partial<Record<FieldName | '(config)', string>>;

export const FIELD_GROUPS = [
  'Problem',
  'Data',
  'Model',
  'Regularisation',
  'Optimiser',
  'Run',
] as const;

export interface FieldSpec {
  name: FieldName;
  label: string;
  kind: 'list' | 'int' | 'number' | 'bool' | 'enum';
  options?: readonly string[];
  hint: string;
  group: (typeof FIELD_GROUPS)[number];
  /** A list field that may be left empty (meaning "all"). */
  optional?: boolean;
  /** The field only matters for some configs (it is still kept and shared). */
  relevant?: (c: Draft) => boolean;
}

const isSgd = (d: Draft) => d.optimizer === 'sgd';
const isAdam = (d: Draft) => d.optimizer === 'adam';
const isGaussian = (d: Draft) => d.dataset === 'gaussian';
const isMnistFamily = (d: Draft) => d.dataset === 'mnist' || d.dataset === 'fashion-mnist';
const isMlp = (d: Draft) => d.model === 'mlp' || d.model === 'mlp-md';
const isConv = (d: Draft) => !isMlp(d);
const isMd = (d: Draft) => d.model === 'mlp-md';
const smooths = (d: Draft) => d.loss === 'ls' || d.loss === 'lr';

const UFM_FIELDS: readonly FieldSpec[] = [
  {
    name: 'classSizes',
    label: 'Class sizes',
    kind: 'list',
    group: 'Problem',
    hint: `n_k per class, comma-separated (K = 2…${LIMITS.maxClasses})`,
  },
  {
    name: 'hidden',
    label: 'Hidden width d',
    kind: 'int',
    group: 'Problem',
    hint: `feature and layer width, ≥ K for full collapse (≤ ${LIMITS.maxHidden})`,
  },
  {
    name: 'depth',
    label: 'Depth M',
    kind: 'int',
    group: 'Problem',
    hint: `linear layers W_M⋯W_1 (≤ ${LIMITS.maxDepth})`,
  },
  {
    name: 'bias',
    label: 'Last-layer bias',
    kind: 'bool',
    group: 'Problem',
    hint: 'with bias → simplex ETF; without → orthogonal frame (MSE)',
  },
  {
    name: 'loss',
    label: 'Loss',
    kind: 'enum',
    options: UFM_LOSSES,
    group: 'Problem',
    hint: 'mse (one-hot targets) or ce (softmax cross-entropy)',
  },
  {
    name: 'labelSmoothing',
    label: 'Label smoothing α',
    kind: 'number',
    group: 'Regularisation',
    hint: 'cross-entropy only: targets (1 − α) one-hot + α/K',
    relevant: (d) => d.loss === 'ce',
  },
  {
    name: 'lambdaW',
    label: 'λ_W',
    kind: 'number',
    group: 'Regularisation',
    hint: 'weight decay on every layer',
  },
  {
    name: 'lambdaH',
    label: 'λ_H',
    kind: 'number',
    group: 'Regularisation',
    hint: 'feature decay on H',
  },
  {
    name: 'optimizer',
    label: 'Optimiser',
    kind: 'enum',
    options: OPTIMIZERS,
    group: 'Optimiser',
    hint: '',
  },
  { name: 'lr', label: 'Learning rate', kind: 'number', group: 'Optimiser', hint: '' },
  {
    name: 'momentum',
    label: 'Momentum',
    kind: 'number',
    group: 'Optimiser',
    hint: 'SGD only',
    relevant: isSgd,
  },
  {
    name: 'adamBeta1',
    label: 'Adam β₁',
    kind: 'number',
    group: 'Optimiser',
    hint: 'Adam only',
    relevant: isAdam,
  },
  {
    name: 'adamBeta2',
    label: 'Adam β₂',
    kind: 'number',
    group: 'Optimiser',
    hint: 'Adam only',
    relevant: isAdam,
  },
  {
    name: 'adamEpsilon',
    label: 'Adam ε',
    kind: 'number',
    group: 'Optimiser',
    hint: 'Adam only',
    relevant: isAdam,
  },
  { name: 'steps', label: 'Steps', kind: 'int', group: 'Run', hint: '' },
  {
    name: 'reportEvery',
    label: 'Report every',
    kind: 'int',
    group: 'Run',
    hint: 'steps between measurements',
  },
  {
    name: 'seed',
    label: 'Seed',
    kind: 'int',
    group: 'Run',
    hint: 'positive; same seed → same init',
  },
  {
    name: 'initStd',
    label: 'Init std',
    kind: 'number',
    group: 'Run',
    hint: 'σ of the Gaussian init of H and W',
  },
  {
    name: 'backend',
    label: 'Backend',
    kind: 'enum',
    options: BACKEND_REQUESTS,
    group: 'Run',
    hint: 'auto: hardware WebGPU, else wasm',
  },
];

const int = (
  name: string,
  label: string,
  group: FieldSpec['group'],
  hint = '',
  relevant?: (d: Draft) => boolean,
): FieldSpec => ({ name, label, kind: 'int', group, hint, relevant });
const num = (
  name: string,
  label: string,
  group: FieldSpec['group'],
  hint = '',
  relevant?: (d: Draft) => boolean,
): FieldSpec => ({ name, label, kind: 'number', group, hint, relevant });
const bool = (
  name: string,
  label: string,
  group: FieldSpec['group'],
  hint = '',
  relevant?: (d: Draft) => boolean,
): FieldSpec => ({ name, label, kind: 'bool', group, hint, relevant });
const choice = (
  name: string,
  label: string,
  group: FieldSpec['group'],
  options: readonly string[],
  hint = '',
  relevant?: (d: Draft) => boolean,
): FieldSpec => ({ name, label, kind: 'enum', group, options, hint, relevant });

const NET_FIELDS: readonly FieldSpec[] = [
  choice(
    'dataset',
    'Dataset',
    'Data',
    DATASETS,
    'MNIST and FashionMNIST are embedded; CIFAR and SVHN need your files',
  ),
  {
    name: 'classes',
    label: 'Classes',
    kind: 'list',
    group: 'Data',
    optional: true,
    hint: 'labels to keep, e.g. 0, 1 (empty = all)',
  },
  {
    name: 'perClass',
    label: 'Samples per class',
    kind: 'list',
    group: 'Data',
    optional: true,
    hint: 'first n of each class in index order: one n, or one per class (empty = all)',
  },
  bool(
    'valSplit',
    'Validation split',
    'Data',
    'hold out the first part of the training set (Nguyen et al. 2023)',
  ),
  num(
    'valFraction',
    'Validation share',
    'Data',
    'share held out, e.g. 0.2 (Nguyen et al. 2023)',
    (d) => d.valSplit === '1',
  ),
  num(
    'labelNoise',
    'Label noise η',
    'Data',
    'each label replaced with probability η by a uniform class',
  ),
  bool(
    'fourClass',
    'Four-class problem',
    'Data',
    'latent copy (label + 2) of each of two classes (Nguyen et al. 2023, appendix)',
  ),
  num(
    'fourClassNoise',
    'Latent fraction',
    'Data',
    'share moved to the latent class',
    (d) => d.fourClass === '1',
  ),
  int('gaussClasses', 'Mixture classes', 'Data', '', isGaussian),
  int('gaussDim', 'Mixture dimension', 'Data', '', isGaussian),
  num(
    'gaussSeparation',
    'Mixture separation',
    'Data',
    'distance of the means in noise stds',
    isGaussian,
  ),
  bool(
    'resize32',
    '3×32×32 input',
    'Data',
    'grey → 3 channels, 28 → 32 (the reference)',
    isMnistFamily,
  ),
  choice(
    'model',
    'Model',
    'Model',
    NET_MODELS,
    'mlp: Dang et al. 2023; mlp-md: Nguyen et al. 2023 (K-dim penultimate); resnet18-tv: torchvision ResNet18 (Nguyen et al. 2023 large scale)',
  ),
  int('width', 'Width', 'Model', 'MLP width and head width d'),
  int('depthRelu', 'ReLU blocks', 'Model', 'MLP backbone depth', isMlp),
  int(
    'depthLinear',
    'Linear head depth M',
    'Model',
    `linear layers of the head (≤ ${LIMITS.maxDepth})`,
  ),
  bool(
    'augment',
    'Augmentation',
    'Data',
    'random crop (padding 4) + horizontal flip, seeded (convolutional models)',
    isConv,
  ),
  bool('bias', 'Last-layer bias', 'Model'),
  bool('batchnorm', 'BatchNorm', 'Model', 'MLP backbone', isMlp),
  choice(
    'mlpActivation',
    'Activation',
    'Model',
    ['relu', 'sigmoid', 'none'],
    'Nguyen et al. 2023 MLP; none also drops the penultimate norm',
    isMd,
  ),
  bool('layerNorm', 'LayerNorm', 'Model', 'Nguyen et al. 2023 MLP: after every Linear', isMd),
  int(
    'penultimateDim',
    'Penultimate dim p',
    'Model',
    'Nguyen et al. 2023 MLP: 0 = K; 2 with the four-class problem = two features',
    isMd,
  ),
  num('widthMult', 'Channel multiplier', 'Model', '1 = reference widths 64…512', isConv),
  choice(
    'loss',
    'Loss',
    'Regularisation',
    LOSSES,
    'mse (one-hot), ce, ls (label smoothing), lr (label relaxation)',
  ),
  choice(
    'pairWith',
    'Twin run with loss',
    'Regularisation',
    ['none', ...LOSSES],
    'same weights and noisy labels, another loss',
  ),
  bool(
    'mseHalf',
    'MSE ÷ 2',
    'Regularisation',
    "as in Dang et al. 2023's imbalanced runs",
    (d) => d.loss === 'mse',
  ),
  num('lossAlpha', 'Loss α', 'Regularisation', 'smoothing / relaxation', smooths),
  num(
    'twinAlpha',
    'Twin α',
    'Regularisation',
    "the twin's smoothing / relaxation α (0 = the same as Loss α)",
    (d) => d.pairWith === 'ls' || d.pairWith === 'lr',
  ),
  num(
    'weightDecay',
    'Weight decay',
    'Regularisation',
    'coupled L2, or head weights only with sep. decay',
  ),
  bool('sepDecay', 'Separate decay', 'Regularisation', "Dang et al. 2023's --sep_decay"),
  num(
    'featureDecay',
    'Feature decay',
    'Regularisation',
    'on the penultimate features (sep. decay)',
    (d) => d.sepDecay === '1',
  ),
  choice('optimizer', 'Optimiser', 'Optimiser', OPTIMIZERS),
  num('lr', 'Learning rate', 'Optimiser'),
  num('momentum', 'Momentum', 'Optimiser', 'SGD only', isSgd),
  num('adamBeta1', 'Adam β₁', 'Optimiser', 'Adam only', isAdam),
  num('adamBeta2', 'Adam β₂', 'Optimiser', 'Adam only', isAdam),
  num('adamEpsilon', 'Adam ε', 'Optimiser', 'Adam only', isAdam),
  int('lrStep', 'LR step (epochs)', 'Optimiser', 'lr × γ every this many epochs (0 = constant)'),
  num('lrGamma', 'LR γ', 'Optimiser'),
  {
    name: 'lrMilestones',
    label: 'LR milestones (epochs)',
    kind: 'list',
    group: 'Optimiser',
    optional: true,
    hint: 'MultiStepLR: lr × γ at each, e.g. 60, 120, 160 (empty = use LR step)',
  },
  int('epochs', 'Epochs', 'Run'),
  int('batchSize', 'Batch size', 'Run', '0 = full batch'),
  bool('shuffle', 'Shuffle', 'Run', 'seeded reshuffle every epoch'),
  int('patience', 'Patience', 'Run', 'epochs without improvement before stopping (0 = never)'),
  int('measureEvery', 'Measure every', 'Run', 'epochs between NC measurements'),
  int('measureSamples', 'Samples measured', 'Run', 'per split (0 = all)'),
  int('seed', 'Seed', 'Run', 'positive; same seed → same init, order and noise'),
  choice('backend', 'Backend', 'Run', BACKEND_REQUESTS, 'auto: hardware WebGPU, else wasm'),
];

export const EXPERIMENT_LABELS: Record<ExperimentKind, string> = {
  ufm: 'Unconstrained features (UFM)',
  net: 'Network on a dataset',
};

export function fieldsFor(kind: ExperimentKind): readonly FieldSpec[] {
  return kind === 'net' ? NET_FIELDS : UFM_FIELDS;
}

export function configToDraft(config: ExperimentConfig): Draft {
  const draft: Draft = { experiment: config.experiment };
  const values = config as unknown as Record<string, unknown>;
  for (const f of fieldsFor(config.experiment)) {
    const v = values[f.name];
    draft[f.name] = Array.isArray(v)
      ? v.join(', ')
      : typeof v === 'boolean'
        ? v
          ? '1'
          : '0'
        : String(v);
  }
  return draft;
}

/** The draft as a config, or the errors by field (format errors first, then the schema's). */
export function draftToConfig(
  draft: Draft,
  fallback: ExperimentConfig,
): { config: ExperimentConfig | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const kind = draft.experiment === 'net' ? 'net' : 'ufm';
  // Unreadable fields keep their last valid value, so the schema still checks all the others.
  const base = fallback.experiment === kind ? fallback : defaultsFor(kind);
  const raw: Record<string, unknown> = { ...base };
  for (const f of fieldsFor(kind)) {
    const text = (draft[f.name] ?? '').trim();
    switch (f.kind) {
      case 'list': {
        const parts = text.split(/[,\s]+/).filter(Boolean);
        const nums = parts.map(toNumber);
        if (!parts.length && f.optional) raw[f.name] = [];
        else if (!parts.length || nums.some((n) => n === undefined)) {
          errors[f.name] = 'must be a comma-separated list of numbers, e.g. 100, 100, 100';
        } else raw[f.name] = nums;
        break;
      }
      case 'int':
      case 'number': {
        const n = toNumber(text);
        if (n === undefined)
          errors[f.name] = text === '' ? 'required' : `"${text}" is not a number`;
        else raw[f.name] = n;
        break;
      }
      case 'bool':
        raw[f.name] = text === '1' || text === 'true';
        break;
      case 'enum':
        raw[f.name] = text;
        break;
    }
  }
  try {
    const config = parseConfig(raw);
    return { config: Object.keys(errors).length ? null : config, errors };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      const field = issue.field.split('.')[0] as FieldName | '(config)';
      if (errors[field] === undefined) errors[field] = issue.message;
      else if (!errors[field]?.includes(issue.message))
        errors[field] = `${errors[field]}; ${issue.message}`;
    }
    return { config: null, errors };
  }
}

function toNumber(text: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function sameConfig(a: ExperimentConfig | null, b: ExperimentConfig | null): boolean {
  if (a === null || b === null) return false;
  const keys = Object.keys(a).sort();
  return JSON.stringify(a, keys) === JSON.stringify(b, Object.keys(b).sort());
}
