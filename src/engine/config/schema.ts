import { z } from 'zod';

/**
 * The one experiment config schema: the UI form, the URL, the presets, the CLI and
 * `window.ncLab` all parse through it. Bump SCHEMA_VERSION when a field changes meaning.
 */
export const SCHEMA_VERSION = 1;

export const BACKEND_REQUESTS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;

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
/** Every experiment kind; more join this union as the lab grows. */
export type ExperimentConfig = UfmConfig;
export const experimentConfigSchema = ufmConfigSchema;

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

/** A readable list of problems, each naming its field: "hidden: Too big: expected …". */
export class ConfigError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'ConfigError';
  }
}

export function issuesOf(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join('.') : '(config)',
    message: i.message,
  }));
}

/** Fill missing fields from the defaults, validate, and throw a ConfigError naming each bad field. */
export function parseConfig(raw: unknown): ExperimentConfig {
  const input =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? { ...DEFAULT_UFM_CONFIG, ...(raw as Record<string, unknown>) }
      : raw;
  if (input && typeof input === 'object') {
    const unknown = Object.keys(input).filter((k) => !(k in DEFAULT_UFM_CONFIG));
    if (unknown.length) {
      throw new ConfigError(unknown.map((k) => ({ field: k, message: 'unknown config field' })));
    }
  }
  const parsed = experimentConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(issuesOf(parsed.error));
  return parsed.data;
}
