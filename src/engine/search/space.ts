// A hyper-parameter search space: per config field a uniform, log-uniform, integer or choice
// dimension. Points map to and from the unit cube, where the Bayesian strategy models them.
import { z } from 'zod';
import type { Rng } from '../core/rng';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const uniform = z.strictObject({ type: z.literal('uniform'), low: finite, high: finite });
const logUniform = z.strictObject({
  type: z.literal('loguniform'),
  low: finite.refine((v) => v > 0, 'must be > 0 on a log scale'),
  high: finite.refine((v) => v > 0, 'must be > 0 on a log scale'),
});
const int = z.strictObject({
  type: z.literal('int'),
  low: z.number().int(),
  high: z.number().int(),
});
const choice = z.strictObject({
  type: z.literal('choice'),
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1, 'needs a value'),
});

export const dimensionSchema = z
  .discriminatedUnion('type', [uniform, logUniform, int, choice])
  .superRefine((d, ctx) => {
    if (d.type !== 'choice' && !(d.high > d.low))
      ctx.addIssue({ code: 'custom', message: `high (${d.high}) must exceed low (${d.low})` });
  });
export type Dimension = z.infer<typeof dimensionSchema>;

export const searchSpaceSchema = z
  .record(z.string().min(1), dimensionSchema)
  .refine((s) => Object.keys(s).length > 0, 'a search space needs at least one field');
export type SearchSpace = z.infer<typeof searchSpaceSchema>;

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** The value at u ∈ [0, 1] of one dimension (choice: the ⌊u·n⌋-th value). */
function fromUnit(d: Dimension, u: number): ParamValue {
  const t = Math.min(1, Math.max(0, u));
  switch (d.type) {
    case 'uniform':
      return d.low + t * (d.high - d.low);
    case 'loguniform':
      // The ends exactly: exp(log(x)) may land a rounding off.
      if (t === 0 || t === 1) return t === 0 ? d.low : d.high;
      return Math.exp(Math.log(d.low) + t * (Math.log(d.high) - Math.log(d.low)));
    case 'int':
      return Math.min(d.high, d.low + Math.floor(t * (d.high - d.low + 1)));
    case 'choice':
      return d.values[Math.min(d.values.length - 1, Math.floor(t * d.values.length))];
  }
}

/** Where a value sits in [0, 1] (choice and int: the centre of its cell). */
function toUnit(d: Dimension, v: ParamValue): number {
  switch (d.type) {
    case 'uniform':
      return ((v as number) - d.low) / (d.high - d.low);
    case 'loguniform':
      return (Math.log(v as number) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low));
    case 'int':
      return ((v as number) - d.low + 0.5) / (d.high - d.low + 1);
    case 'choice':
      return (d.values.indexOf(v) + 0.5) / d.values.length;
  }
}

export function pointFromUnit(space: SearchSpace, u: readonly number[]): Params {
  return Object.fromEntries(Object.entries(space).map(([k, d], i) => [k, fromUnit(d, u[i])]));
}

export function pointToUnit(space: SearchSpace, p: Params): number[] {
  return Object.entries(space).map(([k, d]) => toUnit(d, p[k]));
}

/** A uniform draw in the unit cube of the space's dimension. */
export function randomUnit(space: SearchSpace, rng: Rng): number[] {
  return Object.keys(space).map(() => rng.uniform());
}

/**
 * seed 002's default space (train_model_ho.py): lr log-uniform [1e-5, 0.5], γ ∈ {0.01, 0.1, 0.5}
 * and the loss's α uniform [0.01, 0.25].
 */
export const SEED_DEFAULT_SPACE: SearchSpace = {
  lr: { type: 'loguniform', low: 1e-5, high: 0.5 },
  lrGamma: { type: 'choice', values: [0.01, 0.1, 0.5] },
  lossAlpha: { type: 'uniform', low: 0.01, high: 0.25 },
};
