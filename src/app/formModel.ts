import {
  BACKEND_REQUESTS,
  ConfigError,
  LIMITS,
  OPTIMIZERS,
  parseConfig,
  type UfmConfig,
} from '../engine/config/schema';

/**
 * The config form's model: one entry per UfmConfig field (the schema decides validity; this
 * only says how to show and read each field). Text drafts are kept per field so a half-typed
 * value ("5e-") stays on screen with its error instead of being reset.
 */
export type FieldName = Exclude<keyof UfmConfig, 'experiment'>;
export type Draft = Record<FieldName, string>;
export type FieldErrors = Partial<Record<FieldName | '(config)', string>>;

export interface FieldSpec {
  name: FieldName;
  label: string;
  kind: 'list' | 'int' | 'number' | 'bool' | 'enum';
  options?: readonly string[];
  hint: string;
  group: 'Problem' | 'Regularisation' | 'Optimiser' | 'Run';
  /** The field only matters for some configs (it is still kept and shared). */
  relevant?: (c: Draft) => boolean;
}

const isSgd = (d: Draft) => d.optimizer === 'sgd';
const isAdam = (d: Draft) => d.optimizer === 'adam';

export const FIELDS: readonly FieldSpec[] = [
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
    hint: 'with bias → simplex ETF; without → orthogonal frame',
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

export function configToDraft(config: UfmConfig): Draft {
  const draft = {} as Draft;
  for (const f of FIELDS) {
    const v = config[f.name];
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
  fallback: UfmConfig,
): { config: UfmConfig | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  // Unreadable fields keep their last valid value, so the schema still checks all the others.
  const raw: Record<string, unknown> = { ...fallback, experiment: 'ufm' };
  for (const f of FIELDS) {
    const text = draft[f.name].trim();
    switch (f.kind) {
      case 'list': {
        const parts = text.split(/[,\s]+/).filter(Boolean);
        const nums = parts.map(toNumber);
        if (!parts.length || nums.some((n) => n === undefined)) {
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

export function sameConfig(a: UfmConfig | null, b: UfmConfig | null): boolean {
  if (a === null || b === null) return false;
  const keys = Object.keys(a).sort();
  return JSON.stringify(a, keys) === JSON.stringify(b, Object.keys(b).sort());
}
