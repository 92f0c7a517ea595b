import {
  ConfigError,
  SCHEMA_VERSION,
  defaultsFor,
  experimentConfigSchema,
  issuesOf,
  type ExperimentConfig,
} from './schema';
import { findPreset } from './presets';

/**
 * Config ⇄ URL query. Every config field is a flat, human-readable key (`hidden=64&depth=3`),
 * arrays are comma lists, booleans 1/0, and `v` carries the schema version. Links stay editable
 * by hand, like TensorFlow Playground's, but every value goes through the zod schema.
 */
export const MAX_QUERY_LENGTH = 4096;

/** Query keys that are not config fields. */
const CONTROL_KEYS = new Set(['v', 'preset', 'autorun']);

export interface UrlState {
  config: ExperimentConfig;
  presetId: string | null;
  autorun: boolean;
}

export function configToQuery(
  config: ExperimentConfig,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ v: String(SCHEMA_VERSION) });
  for (const [key, value] of Object.entries(config)) {
    params.set(key, formatValue(value));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

export function shareUrl(base: string, config: ExperimentConfig, autorun = false): string {
  const url = new URL(base);
  url.search = configToQuery(config, autorun ? { autorun: '1' } : {});
  url.hash = '';
  return url.toString();
}

/** Parse `?v=1&…`, a full URL, or URLSearchParams; throws ConfigError naming every bad field. */
export function parseQuery(input: string | URLSearchParams): UrlState {
  const params = toParams(input);
  const problems: { field: string; message: string }[] = [];
  const length = params.toString().length;
  if (length > MAX_QUERY_LENGTH) {
    throw new ConfigError([
      { field: '(url)', message: `query of ${length} characters exceeds ${MAX_QUERY_LENGTH}` },
    ]);
  }

  const version = params.get('v');
  if (version !== null && version !== String(SCHEMA_VERSION)) {
    problems.push({
      field: 'v',
      message: `schema version ${version} is not supported (this lab reads version ${SCHEMA_VERSION})`,
    });
  }

  const presetId = params.get('preset');
  const preset = presetId ? findPreset(presetId) : undefined;
  if (presetId && !preset)
    problems.push({ field: 'preset', message: `unknown preset "${presetId}"` });

  // The experiment kind decides which keys exist: the URL's own, else the preset's, else UFM.
  const kind = params.get('experiment') ?? preset?.config.experiment ?? 'ufm';
  if (kind !== 'ufm' && kind !== 'net') {
    throw new ConfigError([
      ...problems,
      { field: 'experiment', message: `unknown experiment "${kind}" (ufm or net)` },
    ]);
  }
  const defaults = defaultsFor(kind);
  const start = preset && preset.config.experiment === kind ? preset.config : defaults;
  const raw: Record<string, unknown> = { ...start };
  for (const [key, text] of params) {
    if (CONTROL_KEYS.has(key)) continue;
    if (!(key in defaults)) {
      problems.push({ field: key, message: `unknown parameter for experiment ${kind}` });
      continue;
    }
    const template = (defaults as Record<string, unknown>)[key];
    const value = parseValue(text, template);
    if (value === undefined) {
      problems.push({ field: key, message: `"${text}" is not ${describe(template)}` });
    } else {
      raw[key] = value;
    }
  }

  const parsed = experimentConfigSchema.safeParse(raw);
  if (!parsed.success) problems.push(...issuesOf(parsed.error));
  if (problems.length || !parsed.success) throw new ConfigError(problems);

  const autorun = params.get('autorun');
  return {
    config: parsed.data,
    presetId: preset ? preset.id : null,
    autorun: autorun === '1' || autorun === 'true',
  };
}

function toParams(input: string | URLSearchParams): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  const text = input.trim();
  if (/^[a-z]+:\/\//i.test(text)) {
    if (!URL.canParse(text))
      throw new ConfigError([{ field: '(url)', message: 'not a valid URL' }]);
    return new URL(text).searchParams;
  }
  return new URLSearchParams(text.startsWith('?') ? text.slice(1) : text);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** Parse `text` into the type of `template`; undefined when it does not fit. */
function parseValue(text: string, template: unknown): unknown {
  if (Array.isArray(template)) {
    if (text.trim() === '') return [];
    const parts = text.split(',').map((s) => s.trim());
    const numbers = parts.map(parseNumber);
    return numbers.every((n) => n !== undefined) ? numbers : undefined;
  }
  if (typeof template === 'boolean') {
    if (text === '1' || text === 'true') return true;
    if (text === '0' || text === 'false') return false;
    return undefined;
  }
  if (typeof template === 'number') return parseNumber(text);
  return text;
}

function parseNumber(text: string): number | undefined {
  if (text === '' || !/^[-+0-9.eE]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function describe(template: unknown): string {
  if (Array.isArray(template)) return 'a comma-separated list of numbers';
  if (typeof template === 'boolean') return '1 or 0';
  if (typeof template === 'number') return 'a number';
  return 'text';
}
