import { ConfigError, parseConfig, type ExperimentConfig } from './schema';
import { findPreset } from './presets';
import { parseQuery } from './url';

/**
 * Turn what a user hands over — a share URL or query string, or a (partial) config object,
 * optionally `{ preset: id, ...overrides }` — into a validated config. Throws ConfigError.
 */
export function resolveConfig(input: unknown): ExperimentConfig {
  if (typeof input === 'string') return parseQuery(input).config;
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const { preset, ...overrides } = input as Record<string, unknown>;
    if (preset === undefined) return parseConfig(overrides);
    const found = typeof preset === 'string' ? findPreset(preset) : undefined;
    if (!found)
      throw new ConfigError([{ field: 'preset', message: `unknown preset "${String(preset)}"` }]);
    return parseConfig({ ...found.config, ...overrides });
  }
  throw new ConfigError([
    { field: '(config)', message: 'expected a share URL or a config object' },
  ]);
}
