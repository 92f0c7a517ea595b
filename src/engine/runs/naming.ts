import { PRESETS, type Preset } from '../config/presets';
import type { ExperimentConfig } from '../config/schema';

/** Fields that say how a run is executed, not what it computes: never part of a name. */
const IGNORED = new Set(['backend']);

type Fields = Record<string, unknown>;

function fieldsOf(config: ExperimentConfig): Fields {
  return config as unknown as Fields;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join('/');
  if (typeof value === 'number') return String(Number(value.toPrecision(4)));
  return String(value);
}

/** The fields where `a` differs from `b` (backend aside), in `a`'s field order. */
export function differingFields(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const fa = fieldsOf(a);
  const fb = fieldsOf(b);
  return Object.keys(fa).filter((k) => !IGNORED.has(k) && !same(fa[k], fb[k]));
}

/** The preset of the same kind that differs from `config` in the fewest fields. */
export function nearestPreset(
  config: ExperimentConfig,
): { preset: Preset; differ: string[] } | null {
  let best: { preset: Preset; differ: string[] } | null = null;
  for (const preset of PRESETS) {
    if (preset.config.experiment !== config.experiment) continue;
    const differ = differingFields(config, preset.config);
    if (!best || differ.length < best.differ.length) best = { preset, differ };
  }
  return best;
}

/**
 * A short automatic name: the nearest preset and what differs from it
 * ("seed-balanced-bias-m3 · lr=0.05, seed=3"); at most `maxFields` differences are spelled out.
 */
export function autoName(config: ExperimentConfig, maxFields = 4): string {
  const near = nearestPreset(config);
  if (!near) return config.experiment;
  const f = fieldsOf(config);
  const shown = near.differ.slice(0, maxFields).map((k) => `${k}=${formatValue(f[k])}`);
  const more = near.differ.length > maxFields ? ` +${near.differ.length - maxFields}` : '';
  return shown.length ? `${near.preset.id} · ${shown.join(', ')}${more}` : near.preset.id;
}

/**
 * For each config, what tells it apart from the others ("depth=3, bias=false"), for legends:
 * the fields whose values are not all equal; a kind of its own when kinds differ; "(same config)"
 * when nothing differs.
 */
export function distinguishingLabels(configs: readonly ExperimentConfig[]): string[] {
  if (configs.length === 0) return [];
  const keys = new Set<string>();
  for (const c of configs) for (const k of Object.keys(fieldsOf(c))) keys.add(k);
  const varying = [...keys].filter(
    (k) => !IGNORED.has(k) && configs.some((c) => !same(fieldsOf(c)[k], fieldsOf(configs[0])[k])),
  );
  return configs.map((c) => {
    const f = fieldsOf(c);
    const parts = varying.filter((k) => k in f).map((k) => `${k}=${formatValue(f[k])}`);
    return parts.length ? parts.join(', ') : '(same config)';
  });
}

/** The config diff of a selection: one row per varying field, one value per run. */
export function configDiff(
  configs: readonly ExperimentConfig[],
): { field: string; values: string[] }[] {
  const keys = new Set<string>();
  for (const c of configs) for (const k of Object.keys(fieldsOf(c))) keys.add(k);
  return [...keys]
    .filter((k) => configs.some((c) => !same(fieldsOf(c)[k], fieldsOf(configs[0])[k])))
    .map((field) => ({
      field,
      values: configs.map((c) => (field in fieldsOf(c) ? formatValue(fieldsOf(c)[field]) : '—')),
    }));
}
