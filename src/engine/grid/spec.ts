// A grid: a base config plus axes over config fields plus seeds, described by one zod-validated
// object (the same schema family as configs). Expanding it gives the cross product of the axes and
// the seeds, each member a validated config with a deterministic id.
import { z } from 'zod';
import { resolveConfig } from '../config/resolve';
import {
  ConfigError,
  defaultsFor,
  isConfigField,
  parseConfig,
  type ExperimentConfig,
  issueText,
} from '../config/schema';

/** Grids larger than this are refused unless the spec lowers or raises it (up to the hard cap). */
export const DEFAULT_MAX_MEMBERS = 200;
/** A grid never expands past this, whatever its `maxMembers` says. */
export const HARD_MAX_MEMBERS = 5000;
/** A range axis never yields more values than this (a step of 1e-9 over [0, 1] is a mistake). */
export const MAX_AXIS_VALUES = 1000;

const axisValue = z.union([z.number(), z.string(), z.boolean(), z.array(z.number())]);

const fieldName = z.string().min(1, 'must name a config field');

/** An explicit list of values. */
const listAxis = z.strictObject({
  field: fieldName,
  values: z.array(axisValue).min(1, 'needs at least one value'),
});

/** from, from + step, … up to `to` (inclusive, within rounding). */
const stepRange = z.strictObject({
  from: z.number(),
  to: z.number(),
  step: z.number().gt(0, 'must be > 0'),
});

/** from, from·10^logStep, … up to `to` (inclusive, within rounding): logStep 1 is a decade. */
const logRange = z.strictObject({
  from: z.number().gt(0, 'must be > 0 on a log range'),
  to: z.number().gt(0, 'must be > 0 on a log range'),
  logStep: z.number().gt(0, 'must be > 0'),
});

const rangeAxis = z.strictObject({
  field: fieldName,
  range: z.union([stepRange, logRange]),
});

export const gridAxisSchema = z.union([listAxis, rangeAxis]);
export type GridAxis = z.infer<typeof gridAxisSchema>;

export const gridSpecSchema = z.strictObject({
  /** A name for files and titles. */
  name: z.string().min(1).max(120).optional(),
  /** A (partial) config, optionally `{ preset: id, ...overrides }`, or a share URL / query. */
  base: z.union([z.record(z.string(), z.unknown()), z.string()]),
  axes: z.array(gridAxisSchema).max(8, 'at most 8 axes'),
  /** Seeds each point of the axes runs with (default: the base config's seed). */
  seeds: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(2 ** 31 - 1),
    )
    .min(1, 'needs at least one seed')
    .optional(),
  /** Refuse to expand past this many members (default DEFAULT_MAX_MEMBERS). */
  maxMembers: z.number().int().min(1).max(HARD_MAX_MEMBERS).optional(),
  /**
   * Reports between checkpoints of the running member, which a resume continues from (default
   * DEFAULT_GRID_CHECKPOINT_EVERY; 0: none, an interrupted member starts again from its seed).
   */
  checkpointEvery: z.number().int().min(0).max(100_000).optional(),
});

/** A grid member's checkpoint every this many reports unless its spec says otherwise. */
export const DEFAULT_GRID_CHECKPOINT_EVERY = 10;
export type GridSpec = z.infer<typeof gridSpecSchema>;

export type AxisValue = z.infer<typeof axisValue>;

/** One run of the grid. */
export interface GridMember {
  /** Position in the expansion (axes in order, the last varying fastest, then seeds). */
  index: number;
  /** Deterministic and readable: `depthLinear=3,lr=0.01,seed=2`. */
  id: string;
  /** The axis values (and seed) this member sets on the base config. */
  overrides: Record<string, AxisValue>;
  config: ExperimentConfig;
}

export interface ExpandedGrid {
  name: string;
  spec: GridSpec;
  base: ExperimentConfig;
  axes: { field: string; values: AxisValue[] }[];
  seeds: number[];
  members: GridMember[];
}

/** Names every problem of a grid spec; the same class of error as a bad config. */
export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridError';
  }
}

/** Parse and validate a grid object, throwing a GridError that names each bad field. */
export function parseGridSpec(raw: unknown): GridSpec {
  const parsed = gridSpecSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new GridError(`invalid grid: ${issueText(parsed.error, '(grid)')}`);
}

/** Rounds away float noise (0.1 + 0.2) so values and ids read as the user wrote them. */
const tidy = (v: number) => Number(v.toPrecision(12));

/** The values of one axis, in order. */
export function axisValues(axis: GridAxis): AxisValue[] {
  if ('values' in axis) return axis.values;
  const r = axis.range;
  if (r.to < r.from)
    throw new GridError(`axis ${axis.field}: range goes from ${r.from} down to ${r.to}`);
  const out: number[] = [];
  const push = (v: number) => {
    if (out.length >= MAX_AXIS_VALUES)
      throw new GridError(
        `axis ${axis.field}: the range gives more than ${MAX_AXIS_VALUES} values`,
      );
    out.push(tidy(v));
  };
  if ('step' in r) {
    const n = Math.floor((r.to - r.from) / r.step + 1e-9);
    for (let i = 0; i <= n; i++) push(r.from + i * r.step);
  } else {
    const lo = Math.log10(r.from);
    const n = Math.floor((Math.log10(r.to) - lo) / r.logStep + 1e-9);
    for (let i = 0; i <= n; i++) push(10 ** (lo + i * r.logStep));
  }
  return out;
}

const fmtValue = (v: AxisValue) => (Array.isArray(v) ? v.join('/') : String(v));

/** The member id: its overrides as `field=value`, comma-separated, in axis order. */
export function memberId(overrides: Record<string, AxisValue>): string {
  return Object.entries(overrides)
    .map(([k, v]) => `${k}=${fmtValue(v)}`)
    .join(',');
}

function resolveBase(base: GridSpec['base']): ExperimentConfig {
  try {
    return resolveConfig(base);
  } catch (error) {
    throw new GridError(`grid base: ${(error as Error).message}`);
  }
}

/** Axes and seeds resolved, with the member count, before any member is built. */
export function gridShape(spec: GridSpec): {
  base: ExperimentConfig;
  axes: { field: string; values: AxisValue[] }[];
  seeds: number[];
  count: number;
} {
  const base = resolveBase(spec.base);
  const defaults = defaultsFor(base.experiment);
  const seen = new Set<string>();
  const axes = spec.axes.map((axis) => {
    if (axis.field === 'seed')
      throw new GridError('axis seed: list seeds in "seeds", not as an axis');
    if (axis.field === 'experiment' || axis.field === 'backend')
      throw new GridError(`axis ${axis.field}: a grid cannot vary ${axis.field}`);
    if (!isConfigField(defaults, axis.field))
      throw new GridError(`axis ${axis.field}: not a field of a ${base.experiment} config`);
    if (seen.has(axis.field)) throw new GridError(`axis ${axis.field}: listed twice`);
    seen.add(axis.field);
    const values = axisValues(axis);
    const keys = values.map((v) => JSON.stringify(v));
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup !== undefined) throw new GridError(`axis ${axis.field}: value ${dup} is listed twice`);
    return { field: axis.field, values };
  });
  const seeds = spec.seeds ?? [base.seed];
  if (new Set(seeds).size !== seeds.length) throw new GridError('seeds: a seed is listed twice');
  const count = axes.reduce((n, a) => n * a.values.length, seeds.length);
  return { base, axes, seeds, count };
}

/**
 * The cross product of the axes (in order, the last varying fastest) and the seeds (fastest of
 * all), every member validated against the config schema. Refused above the member limit before
 * anything is built; a bad value is named by its axis.
 */
export function expandGrid(raw: unknown): ExpandedGrid {
  const spec = parseGridSpec(raw);
  const { base, axes, seeds, count } = gridShape(spec);
  const limit = spec.maxMembers ?? DEFAULT_MAX_MEMBERS;
  if (count > limit)
    throw new GridError(
      `the grid has ${count} members, more than its limit of ${limit}: drop values or seeds, or raise maxMembers (at most ${HARD_MAX_MEMBERS})`,
    );
  // Check each axis value alone first, so the message names the axis rather than a member.
  for (const axis of axes) {
    for (const value of axis.values) validate(base, { [axis.field]: value }, axis.field);
  }
  const members: GridMember[] = [];
  const combos = axes.reduce<Record<string, AxisValue>[]>(
    (acc, axis) => acc.flatMap((o) => axis.values.map((v) => ({ ...o, [axis.field]: v }))),
    [{}],
  );
  for (const combo of combos) {
    for (const seed of seeds) {
      const overrides = { ...combo, seed };
      members.push({
        index: members.length,
        id: memberId(overrides),
        overrides,
        config: validate(base, overrides, null),
      });
    }
  }
  return {
    name: spec.name ?? (axes.map((a) => a.field).join('×') || 'grid'),
    spec,
    base,
    axes,
    seeds,
    members,
  };
}

function validate(
  base: ExperimentConfig,
  overrides: Record<string, AxisValue>,
  axis: string | null,
): ExperimentConfig {
  try {
    return parseConfig({ ...base, ...overrides });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const where =
      axis !== null
        ? `axis ${axis}, value ${fmtValue(overrides[axis])}`
        : `member ${memberId(overrides)}`;
    throw new GridError(`${where}: ${error.message}`);
  }
}

/** Total optimiser steps of the members (UFM steps, or epochs × batches for networks: epochs here). */
export function gridWork(members: readonly GridMember[]): number {
  return members.reduce(
    (n, m) => n + (m.config.experiment === 'ufm' ? m.config.steps : m.config.epochs),
    0,
  );
}
