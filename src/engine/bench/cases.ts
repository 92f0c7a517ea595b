import { findPreset } from '../config/presets';
import { expectUfm, type UfmConfig } from '../config/schema';

/** The preset sizes the benchmark times (seed 000's balanced and imbalanced commands). */
export const BENCH_PRESETS = [
  'seed-balanced-bias-m1',
  'seed-balanced-bias-m3',
  'seed-balanced-bias-m6',
  'seed-balanced-bias-m9',
  'seed-imbalanced-m1',
  'seed-imbalanced-m3',
  'seed-imbalanced-m6',
] as const;

export function benchConfig(id: string): UfmConfig {
  const preset = findPreset(id);
  if (!preset) throw new Error(`unknown preset ${id}`);
  return expectUfm(preset.config);
}
