import {
  ConfigError,
  SCHEMA_VERSION,
  defaultsFor,
  experimentConfigSchema,
  isConfigField,
  issuesOf,
  type ExperimentConfig,
} from './schema';
import { fieldDocs, type FieldShape } from './fields';
import { parseNumber, parseNumberList } from './numberList';
import { findPreset, type Preset } from './presets';

type ExperimentKind = ExperimentConfig['experiment'];

/**
 * Config ⇄ URL query. Every config field is a flat, human-readable key (`hidden=64&depth=3`),
 * arrays are comma lists, booleans 1/0, and `v` carries the schema version. Links stay editable
 * by hand, like TensorFlow Playground's, but every value goes through the zod schema.
 */
export const MAX_QUERY_LENGTH = 4096;

/** Query keys that are not config fields. */
// `grid` carries a grid spec (src/engine/grid/url.ts), read by the Grid panel, not the form;
// `compare` a set of runs (src/engine/runs/compareLink.ts), read by the run library; `threads`
// the wasm backend's threads on this machine (src/engine/run/wasmThreads.ts), not part of a run.
const CONTROL_KEYS = new Set(['v', 'preset', 'autorun', 'grid', 'compare', 'threads']);

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

export interface ConfigIssue {
  field: string;
  message: string;
}

/** What a link says, as far as it can be read: the page keeps the good fields of a bad link. */
export interface UrlReading extends UrlState {
  /** Every problem, each naming its field (empty when the link is valid). */
  issues: ConfigIssue[];
  /** The link's text of each refused config field, to show in the form beside its error. */
  rejected: Record<string, string>;
}

/** Parse `?v=1&…`, a full URL, or URLSearchParams; throws ConfigError naming every bad field. */
export function parseQuery(input: string | URLSearchParams): UrlState {
  const { issues, config, presetId, autorun } = readQuery(input);
  if (issues.length) throw new ConfigError(issues);
  return { config, presetId, autorun };
}

/**
 * Read a link field by field. Never throws: a bad field is named in `issues`, keeps its text in
 * `rejected`, and leaves the preset's (or the default) value in `config`, while every other field
 * of the link is kept.
 */
export function readQuery(input: string | URLSearchParams): UrlReading {
  const params = toParams(input);
  const issues: ConfigIssue[] = [];
  const rejected: Record<string, string> = {};
  const length = params.toString().length;
  if (length > MAX_QUERY_LENGTH) {
    issues.push({
      field: '(url)',
      message: `query of ${length} characters exceeds ${MAX_QUERY_LENGTH}`,
    });
    return { config: defaultsFor('ufm'), presetId: null, autorun: false, issues, rejected };
  }
  const repeated = repeatedKeys(params, issues);
  const version = params.get('v');
  if (version !== null && version !== String(SCHEMA_VERSION)) {
    issues.push({
      field: 'v',
      message: `schema version ${version} is not supported (this lab reads version ${SCHEMA_VERSION})`,
    });
  }
  const { preset, kind } = presetAndKind(params, repeated, issues, rejected);
  const defaults = defaultsFor(kind);
  const start = preset && preset.config.experiment === kind ? preset.config : defaults;
  const raw = readFields(params, kind, { ...start }, repeated, issues, rejected);
  for (const key of repeated)
    if (isConfigField(defaults, key)) rejected[key] = params.getAll(key).join(' | ');
  const config = schemaChecked(params, raw, start, defaults, issues, rejected);
  return {
    config,
    presetId: preset ? preset.id : null,
    autorun: readAutorun(params, issues),
    issues: dedupe(issues),
    rejected,
  };
}

/** `autorun=1` (or true) starts the run; 0 / false does not; anything else is named, not ignored. */
function readAutorun(params: URLSearchParams, issues: ConfigIssue[]): boolean {
  const text = params.get('autorun');
  if (text === null || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  issues.push({
    field: 'autorun',
    message: `"${text}" is not 1 or 0 (start the run on load or not)`,
  });
  return false;
}

/** Keys given more than once: each named once in `issues`, and none of their values read. */
function repeatedKeys(params: URLSearchParams, issues: ConfigIssue[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key) && !repeated.has(key)) {
      issues.push({
        field: key,
        message: `"${key}" appears more than once in the link: give it once`,
      });
      repeated.add(key);
    }
    seen.add(key);
  }
  return repeated;
}

/** The link's preset, and the experiment kind that decides which keys exist (else the preset's, else UFM). */
function presetAndKind(
  params: URLSearchParams,
  repeated: ReadonlySet<string>,
  issues: ConfigIssue[],
  rejected: Record<string, string>,
): { preset: Preset | undefined; kind: ExperimentKind } {
  const presetText = repeated.has('preset') ? null : params.get('preset');
  const preset = presetText ? findPreset(presetText) : undefined;
  if (presetText && !preset)
    issues.push({ field: 'preset', message: `unknown preset "${presetText}"` });
  const kindText = repeated.has('experiment') ? null : params.get('experiment');
  let kind: ExperimentKind = preset?.config.experiment ?? 'ufm';
  if (preset && (kindText === 'ufm' || kindText === 'net') && kindText !== kind) {
    // the preset would be dropped without a word for the other kind's defaults
    issues.push({
      field: 'experiment',
      message: `"${kindText}" contradicts preset ${preset.id} (a ${kind} preset): give one of them`,
    });
    rejected.experiment = kindText;
  } else if (kindText === 'ufm' || kindText === 'net') kind = kindText;
  else if (kindText !== null) {
    issues.push({ field: 'experiment', message: `unknown experiment "${kindText}" (ufm or net)` });
    rejected.experiment = kindText;
  }
  return { preset, kind };
}

/** Each config field of the link parsed by its kind onto `raw` (the start config); bad ones named. */
function readFields(
  params: URLSearchParams,
  kind: ExperimentKind,
  raw: Record<string, unknown>,
  repeated: ReadonlySet<string>,
  issues: ConfigIssue[],
  rejected: Record<string, string>,
): Record<string, unknown> {
  const defaults = defaultsFor(kind);
  for (const [key, text] of params) {
    if (CONTROL_KEYS.has(key) || key === 'experiment' || repeated.has(key)) continue;
    if (!isConfigField(defaults, key)) {
      issues.push({ field: key, message: `unknown parameter for experiment ${kind}` });
      continue;
    }
    const fieldKind = fieldKinds[kind].get(key) ?? 'enum';
    const value = parseValue(text, fieldKind);
    if (value === undefined) {
      const list = fieldKind === 'list' ? parseNumberList(text) : null;
      const detail = list && !list.ok ? `: ${list.message}` : '';
      issues.push({ field: key, message: `"${text}" is not ${describe(fieldKind)}${detail}` });
      rejected[key] = text;
    } else {
      raw[key] = value;
    }
  }
  return raw;
}

/**
 * The schema's own checks (ranges, fields that depend on each other): a field it refuses goes
 * back to the start value, then the rest is checked again.
 */
function schemaChecked(
  params: URLSearchParams,
  raw: Record<string, unknown>,
  start: ExperimentConfig,
  defaults: ExperimentConfig,
  issues: ConfigIssue[],
  rejected: Record<string, string>,
): ExperimentConfig {
  for (let attempt = 0; attempt < 4; attempt++) {
    const parsed = experimentConfigSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const found = issuesOf(parsed.error);
    issues.push(...found);
    for (const { field } of found) {
      const key = field.split('.')[0];
      if (isConfigField(defaults, key) && params.has(key)) {
        rejected[key] ??= params.get(key) ?? '';
        raw[key] = (start as Record<string, unknown>)[key];
      }
    }
    if (!found.some(({ field }) => params.has(field.split('.')[0]))) return start;
  }
  return defaults;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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

/** Each field's kind, from the field table (so the URL reads a field as the form does). */
const fieldKinds = {
  ufm: new Map(fieldDocs('ufm').map((f) => [f.name, f.kind])),
  net: new Map(fieldDocs('net').map((f) => [f.name, f.kind])),
};

/** Parse `text` as a value of this kind of field; undefined when it does not fit. */
function parseValue(text: string, kind: FieldShape['kind']): unknown {
  switch (kind) {
    case 'list': {
      const list = parseNumberList(text);
      return list.ok ? list.values : undefined;
    }
    case 'bool':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    case 'int':
    case 'number':
      return parseNumber(text);
    case 'enum':
      return text;
  }
}

function describe(kind: FieldShape['kind']): string {
  if (kind === 'list') return 'a comma-separated list of numbers';
  if (kind === 'bool') return '1 or 0';
  if (kind === 'int' || kind === 'number') return 'a number';
  return 'text';
}
