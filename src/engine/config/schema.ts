import { z } from 'zod';
import { sentenceErrorMap } from './messages';

/**
 * The one experiment config schema: the UI form, the URL, the presets, the CLI and
 * `window.ncLab` all parse through it. Bump SCHEMA_VERSION when a field changes meaning.
 */
export const SCHEMA_VERSION = 1;

export const BACKEND_REQUESTS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export const UFM_LOSSES = ['mse', 'ce'] as const;

/** Hard resource caps, so that a shared link cannot allocate gigabytes. */
export const LIMITS = {
  maxClasses: 64,
  maxClassSize: 20_000,
  maxSamples: 50_000,
  maxHidden: 4096,
  maxDepth: 12,
  maxSteps: 1_000_000,
  /** float32 entries of H plus all layer weights (≈ 480 MB). */
  maxParameters: 120_000_000,
} as const;

const positiveSeed = z
  .number()
  .int()
  .min(1, 'must be a positive integer (tfjs treats seed 0 as unseeded)')
  .max(2 ** 31 - 1);

/** Unconstrained-features model with M linear layers (Dang et al. 2023, synthetic experiments). */
export const ufmConfigSchema = z
  .object({
    experiment: z.literal('ufm'),
    classSizes: z
      .array(z.number().int().min(1).max(LIMITS.maxClassSize))
      .min(2, 'needs at least 2 classes')
      .max(LIMITS.maxClasses),
    hidden: z.number().int().min(1).max(LIMITS.maxHidden),
    depth: z.number().int().min(1).max(LIMITS.maxDepth),
    bias: z.boolean(),
    /** Data term: squared error (Dang et al.'s synthetic scripts) or softmax cross-entropy. */
    loss: z.enum(UFM_LOSSES),
    /** Label smoothing α of the cross-entropy: targets (1 − α) e_y + α/K (0 = plain CE). */
    labelSmoothing: z.number().min(0).lt(1),
    // λ > 0: without decay the objective has no minimiser and the closed form is undefined.
    lambdaW: z.number().gt(0, 'must be > 0 (the closed form needs weight decay)').max(1),
    lambdaH: z.number().gt(0, 'must be > 0 (the closed form needs feature decay)').max(1),
    optimizer: z.enum(OPTIMIZERS),
    lr: z.number().gt(0).max(10),
    momentum: z.number().min(0).lt(1),
    adamBeta1: z.number().min(0).lt(1),
    adamBeta2: z.number().min(0).lt(1),
    adamEpsilon: z.number().gt(0).max(1),
    steps: z.number().int().min(1).max(LIMITS.maxSteps),
    seed: positiveSeed,
    initStd: z.number().gt(0).max(10),
    reportEvery: z.number().int().min(1).max(LIMITS.maxSteps),
    backend: z.enum(BACKEND_REQUESTS),
  })
  .superRefine((c, ctx) => {
    if (c.loss !== 'ce' && c.labelSmoothing !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['labelSmoothing'],
        message:
          'label smoothing applies to the cross-entropy only: set loss=ce, or labelSmoothing=0',
      });
    }
    const N = c.classSizes.reduce((a, n) => a + n, 0);
    if (N > LIMITS.maxSamples) {
      ctx.addIssue({
        code: 'custom',
        path: ['classSizes'],
        message: `total of ${N} samples exceeds the limit of ${LIMITS.maxSamples}`,
      });
    }
    const params = ufmParameterCount(c);
    if (params > LIMITS.maxParameters) {
      ctx.addIssue({
        code: 'custom',
        path: ['hidden'],
        message: `${params.toExponential(2)} parameters (N·d + layers) exceed the limit of ${LIMITS.maxParameters.toExponential(1)}; lower hidden, depth or the class sizes`,
      });
    }
  });

export type UfmConfig = z.infer<typeof ufmConfigSchema>;

export const DATASETS = [
  'mnist',
  'fashion-mnist',
  'cifar10',
  'cifar100',
  'svhn',
  'gaussian',
] as const;
export const NET_MODELS = ['mlp', 'mlp-md', 'resnet18', 'resnet18-tv', 'vgg16'] as const;
export type NetModelName = (typeof NET_MODELS)[number];

/** Models that take NHWC images; the others (MLPs) take flat vectors. */
export const CONV_MODELS = [
  'resnet18',
  'resnet18-tv',
  'vgg16',
] as const satisfies readonly NetModelName[];

/**
 * The one answer to "is this model convolutional" (image input, augmentation, batch-norm batch
 * sizes, the form's fields, the benchmarks). Takes the form's text too, hence `string`.
 */
export function isConvModel(model: string): boolean {
  return (CONV_MODELS as readonly string[]).includes(model);
}
export const LOSSES = ['mse', 'ce', 'ls', 'lr'] as const;

/**
 * A real network trained on a dataset (seed 000 §A, seed 002 §1): a backbone (MLP, ResNet18 or
 * VGG16), a deep linear head of `depthLinear` layers, and NC metrics at the input of every head
 * layer every `measureEvery` epochs. One optimiser step = one mini-batch.
 */
export const netConfigSchema = z
  .object({
    experiment: z.literal('net'),
    dataset: z.enum(DATASETS),
    /** Chosen classes in the dataset's labels (empty = all), remapped to 0..K−1 in this order. */
    classes: z.array(z.number().int().min(0).max(99)).max(100),
    /** Training samples per class: empty = all, one value = the same for every class, else one per class. */
    perClass: z
      .array(
        z
          .number()
          .int()
          .min(1)
          .max(LIMITS.maxClassSize * 3),
      )
      .max(100),
    /** seed 002: hold out the first `valFraction` of the stored training set as validation. */
    valSplit: z.boolean(),
    /** The held-out share when `valSplit` is on (seed 002's `--val_split_prop`, 0.2 there). */
    valFraction: z.number().gt(0).lt(1),
    /** Label noise η: each training label replaced with probability η by a uniform class. */
    labelNoise: z.number().min(0).max(1),
    /** seed 002's four-class problem: a latent copy (label + 2) of each of two classes. */
    fourClass: z.boolean(),
    /** Fraction of the samples moved to the latent class (`--fc_noise_degree`). */
    fourClassNoise: z.number().min(0).max(1),
    /** Gaussian mixture: classes, dimension, separation of the means (in units of the noise std). */
    gaussClasses: z.number().int().min(2).max(LIMITS.maxClasses),
    gaussDim: z.number().int().min(1).max(LIMITS.maxHidden),
    gaussSeparation: z.number().min(0).max(100),
    /** Random crop (padding 4) + horizontal flip of every training batch, seeded (image models). */
    augment: z.boolean(),
    /** MNIST family: grey → 3 channels and 28 → 32 (the reference's 3072-d input). */
    resize32: z.boolean(),
    model: z.enum(NET_MODELS),
    /** MLP width d (and the width of the deep linear head's hidden layers). */
    width: z.number().int().min(1).max(LIMITS.maxHidden),
    /** ReLU blocks of the MLP backbone. */
    depthRelu: z.number().int().min(1).max(12),
    /** Linear layers of the head, M (W_1 … W_M). */
    depthLinear: z.number().int().min(1).max(LIMITS.maxDepth),
    /** Bias of the last head layer. */
    bias: z.boolean(),
    batchnorm: z.boolean(),
    /** seed 002 MLP (mlp-md) `--act_fn`: none also drops the penultimate BatchNorm/LayerNorm. */
    mlpActivation: z.enum(['relu', 'sigmoid', 'none']),
    /** seed 002 MLP `--use_layer_norm`: LayerNorm after every Linear (after its BatchNorm). */
    layerNorm: z.boolean(),
    /** seed 002 MLP penultimate dimension p (0 = K; 2 = `--fourclass_twofeatures` with K = 4). */
    penultimateDim: z.number().int().min(0).max(LIMITS.maxHidden),
    /** Channel multiplier of ResNet18/VGG16 (1 = the reference widths 64…512). */
    widthMult: z.number().gt(0).max(1),
    loss: z.enum(LOSSES),
    /** Train a twin from identical weights and identical noisy labels with this loss, side by side. */
    pairWith: z.enum(['none', ...LOSSES]),
    /** MSE halved: seed 000's imbalanced script uses nn.MSELoss()/2 (its balanced one does not). */
    mseHalf: z.boolean(),
    /** Label smoothing α (loss ls) or label relaxation α (loss lr). */
    lossAlpha: z.number().min(0).lt(1),
    /** The twin's own α (seed 002's separate `--ls_alpha`, `--lr_alpha`); 0 = the same lossAlpha. */
    twinAlpha: z.number().min(0).lt(1),
    optimizer: z.enum(OPTIMIZERS),
    lr: z.number().gt(0).max(10),
    momentum: z.number().min(0).lt(1),
    adamBeta1: z.number().min(0).lt(1),
    adamBeta2: z.number().min(0).lt(1),
    adamEpsilon: z.number().gt(0).max(1),
    /** Coupled L2 on every parameter, or (sepDecay) decay of the head weights only. */
    weightDecay: z.number().min(0).max(1),
    /** seed 000 `--sep_decay`: wd/2·Σ‖W_head‖² + fd/2·Σ_batch‖h_i‖², backbone unregularised. */
    sepDecay: z.boolean(),
    featureDecay: z.number().min(0).max(1),
    /** StepLR: lr × lrGamma every lrStep epochs (0 = constant). */
    lrStep: z.number().int().min(0).max(100_000),
    lrGamma: z.number().gt(0).max(1),
    /** MultiStepLR: lr × lrGamma at each of these epochs (seed 002's `--decay_type step_a_b_c`). */
    lrMilestones: z.array(z.number().int().min(1).max(100_000)).max(32),
    epochs: z.number().int().min(1).max(100_000),
    /** Mini-batch size; 0 = full batch. */
    batchSize: z.number().int().min(0).max(LIMITS.maxSamples),
    /** Reshuffle every epoch (seeded); off = fixed index order, as seed 000's imbalanced runs. */
    shuffle: z.boolean(),
    /**
     * Early stopping: end when the epoch-mean training loss has not improved for this many epochs
     * (0 = never). The seeds' `--patience` is their StepLR step: that is `lrStep` here.
     */
    patience: z.number().int().min(0).max(100_000),
    /** Measure NC metrics every this many epochs (and at the end). */
    measureEvery: z.number().int().min(1).max(100_000),
    /** Samples per split fed to the metrics (0 = all): bounds the cost of a report. */
    measureSamples: z.number().int().min(0).max(200_000),
    seed: positiveSeed,
    backend: z.enum(BACKEND_REQUESTS),
  })
  .superRefine((c, ctx) => {
    if (c.fourClass && c.classes.length !== 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: 'the four-class problem starts from exactly two classes (e.g. 0, 1)',
      });
    }
    if (c.pairWith !== 'none' && c.pairWith === c.loss) {
      ctx.addIssue({
        code: 'custom',
        path: ['pairWith'],
        message: `the twin must use another loss than ${c.loss}`,
      });
    }
    if (c.perClass.length > 1 && c.classes.length > 0 && c.perClass.length !== c.classes.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['perClass'],
        message: `${c.perClass.length} counts for ${c.classes.length} chosen classes: give one count, or one per class`,
      });
    }
    if (c.lrMilestones.some((m, i) => i > 0 && m <= c.lrMilestones[i - 1])) {
      ctx.addIssue({
        code: 'custom',
        path: ['lrMilestones'],
        message: 'milestones must be strictly increasing epochs (e.g. 60, 120, 160)',
      });
    }
    if (c.lrMilestones.length > 0 && c.lrStep > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['lrMilestones'],
        message:
          'choose one schedule: milestones (MultiStepLR) or lrStep (StepLR), set the other to 0 / empty',
      });
    }
    if (new Set(c.classes).size !== c.classes.length) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: 'a class is listed twice' });
    }
    if (c.dataset === 'gaussian' && c.classes.some((k) => k >= c.gaussClasses)) {
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: `the Gaussian mixture has classes 0…${c.gaussClasses - 1}`,
      });
    }
    if (
      c.model !== 'mlp-md' &&
      (c.mlpActivation !== 'relu' || c.layerNorm || c.penultimateDim !== 0)
    ) {
      const field =
        c.mlpActivation !== 'relu' ? 'mlpActivation' : c.layerNorm ? 'layerNorm' : 'penultimateDim';
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `an option of Nguyen et al. 2023's MLP: set model=mlp-md, or leave it at its default`,
      });
    }
    if (c.augment && !isConvModel(c.model)) {
      ctx.addIssue({
        code: 'custom',
        path: ['augment'],
        message:
          'random crop and flip need image inputs: use a convolutional model (resnet18, vgg16)',
      });
    }
    if (isConvModel(c.model) && c.dataset === 'gaussian') {
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: 'convolutional models need images; the Gaussian mixture is vectors (use mlp)',
      });
    }
  });

export type NetConfig = z.infer<typeof netConfigSchema>;

/** The config of a paired run's twin: its loss and its α (twinAlpha, or lossAlpha when 0). */
export function twinConfig(config: NetConfig): NetConfig {
  if (config.pairWith === 'none') throw new Error('this run has no twin (pairWith is none)');
  return {
    ...config,
    loss: config.pairWith,
    pairWith: 'none',
    lossAlpha: config.twinAlpha || config.lossAlpha,
    twinAlpha: 0,
  };
}

/** Every experiment kind, told apart by `experiment`. */
export type ExperimentConfig = UfmConfig | NetConfig;
export const experimentConfigSchema = z.discriminatedUnion('experiment', [
  ufmConfigSchema,
  netConfigSchema,
]);
export type ExperimentKind = ExperimentConfig['experiment'];

/** Fields holding whole numbers (or lists of them): their bound errors say "a whole number". */
function intFieldsOf(...schemas: { shape: Record<string, z.ZodType> }[]): Set<string> {
  const out = new Set<string>();
  for (const s of schemas) {
    for (const [name, field] of Object.entries(s.shape)) {
      const inner = field instanceof z.ZodArray ? field.element : field;
      if (inner instanceof z.ZodNumber && inner.isInt) out.add(name);
    }
  }
  return out;
}
export const INT_FIELDS: ReadonlySet<string> = intFieldsOf(ufmConfigSchema, netConfigSchema);
// Every parse of the config (form, URL, CLI) reports sentences, not zod's library text.
z.config({ customError: sentenceErrorMap(INT_FIELDS) });

export function ufmParameterCount(c: Pick<UfmConfig, 'classSizes' | 'hidden' | 'depth'>): number {
  const N = c.classSizes.reduce((a, n) => a + n, 0);
  const K = c.classSizes.length;
  return N * c.hidden + (c.depth - 1) * c.hidden * c.hidden + K * c.hidden + K;
}

/** Defaults: the seed's balanced command (K = 4, n = 100, d = 64, lr 0.1, λ = 5e-4). */
export const DEFAULT_UFM_CONFIG: UfmConfig = {
  experiment: 'ufm',
  classSizes: [100, 100, 100, 100],
  hidden: 64,
  depth: 1,
  bias: true,
  loss: 'mse',
  labelSmoothing: 0,
  lambdaW: 5e-4,
  lambdaH: 5e-4,
  optimizer: 'sgd',
  lr: 0.1,
  momentum: 0.9,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  steps: 30_000,
  seed: 2,
  initStd: 0.1,
  reportEvery: 100,
  backend: 'auto',
};

/**
 * Defaults: seed 000's balanced MLP command (MLP, depth_relu 6, width 512, depth_linear 1, MSE,
 * Adam lr 1e-4, --sep_decay with wd = fd = 1e-4, batch 128, StepLR 50/0.1, 200 epochs), on MNIST.
 */
export const DEFAULT_NET_CONFIG: NetConfig = {
  experiment: 'net',
  dataset: 'mnist',
  classes: [],
  perClass: [],
  valSplit: false,
  valFraction: 0.2,
  labelNoise: 0,
  fourClass: false,
  fourClassNoise: 0.5,
  gaussClasses: 4,
  gaussDim: 32,
  gaussSeparation: 4,
  augment: false,
  resize32: true,
  model: 'mlp',
  width: 512,
  depthRelu: 6,
  depthLinear: 1,
  bias: true,
  batchnorm: true,
  mlpActivation: 'relu',
  layerNorm: false,
  penultimateDim: 0,
  widthMult: 1,
  loss: 'mse',
  pairWith: 'none',
  mseHalf: false,
  lossAlpha: 0.1,
  twinAlpha: 0,
  optimizer: 'adam',
  lr: 1e-4,
  momentum: 0.9,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  weightDecay: 1e-4,
  sepDecay: true,
  featureDecay: 1e-4,
  lrStep: 50,
  lrGamma: 0.1,
  lrMilestones: [],
  epochs: 200,
  batchSize: 128,
  shuffle: true,
  patience: 0,
  measureEvery: 10,
  measureSamples: 10_000,
  seed: 1,
  backend: 'auto',
};

export const DEFAULT_CONFIGS: {
  [K in ExperimentKind]: Extract<ExperimentConfig, { experiment: K }>;
} = {
  ufm: DEFAULT_UFM_CONFIG,
  net: DEFAULT_NET_CONFIG,
};

/** The defaults of the experiment `raw` names (UFM when it names none or an unknown one). */
export function defaultsFor(experiment: unknown): ExperimentConfig {
  return experiment === 'net' ? DEFAULT_NET_CONFIG : DEFAULT_UFM_CONFIG;
}

/** The config as a UFM config, or an error saying it is another kind (tests, UFM-only tools). */
export function expectUfm(config: ExperimentConfig): UfmConfig {
  if (config.experiment !== 'ufm')
    throw new Error(`expected a UFM config, got "${config.experiment}"`);
  return config;
}

/** A readable list of problems, each naming its field: "hidden: Too big: expected …". */
export class ConfigError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'ConfigError';
  }
}

export function issuesOf(
  error: z.ZodError,
  root = '(config)',
): { field: string; message: string }[] {
  return error.issues.filter(looserBound).map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : root,
    message: i.message,
  }));
}

type Issue = z.ZodError['issues'][number];

/**
 * False for a bound that a tighter one on the same field makes moot: `steps=1e20` broke both
 * int()'s safe-integer maximum and the field's own, and was told "≤ 9007199254740991" and
 * "≤ 1000000" at once.
 */
function looserBound(issue: Issue, _index: number, all: readonly Issue[]): boolean {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return true;
  const path = issue.path.join('.');
  return !all.some((other) => {
    if (other === issue || other.code !== issue.code || other.path.join('.') !== path) return false;
    if (issue.code === 'too_big' && other.code === 'too_big')
      return Number(other.maximum) < Number(issue.maximum);
    if (issue.code === 'too_small' && other.code === 'too_small')
      return Number(other.minimum) > Number(issue.minimum);
    return false;
  });
}

/**
 * "path: message" for a zod error (every issue joined by '; ', or only the first), the root named
 * `root`: how every parser of a file or spec names what is wrong.
 */
export function issueText(error: z.ZodError, root: string, firstOnly = false): string {
  const issues = issuesOf(error, root);
  return (firstOnly ? issues.slice(0, 1) : issues)
    .map((i) => `${i.field}: ${i.message}`)
    .join('; ');
}

/**
 * True when `key` is a field of this kind of config. An own-property test: `in` would also accept
 * what every object inherits (`constructor`, `toString`, `__proto__`).
 */
export function isConfigField(defaults: ExperimentConfig, key: string): boolean {
  return Object.hasOwn(defaults, key);
}

/** Fill missing fields from the defaults, validate, and throw a ConfigError naming each bad field. */
export function parseConfig(raw: unknown): ExperimentConfig {
  const defaults =
    raw && typeof raw === 'object'
      ? defaultsFor((raw as { experiment?: unknown }).experiment)
      : null;
  const input =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? { ...defaults, ...(raw as Record<string, unknown>) }
      : raw;
  if (input && typeof input === 'object' && defaults) {
    const unknown = Object.keys(input).filter((k) => !isConfigField(defaults, k));
    if (unknown.length) {
      throw new ConfigError(unknown.map((k) => ({ field: k, message: 'unknown config field' })));
    }
  }
  const parsed = experimentConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error));
  return parsed.data;
}
