import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { PRESETS } from '../config/presets';
import type { ExperimentConfig } from '../config/schema';
import { configToQuery, readQuery, type ConfigIssue } from '../config/url';

/**
 * A comparison in a link: `?compare=<base64url of a deflated JSON list>`, one entry per run, each
 * entry a config query naming its nearest preset and only the fields that differ from it
 * ("preset=tiny-check&steps=40&seed=2"). Each entry is read by the same field-by-field reader as
 * the page's own URL, so a comparison link is validated exactly like any link.
 */
export const COMPARE_PARAM = 'compare';
export const MAX_COMPARE_RUNS = 8;
/** The page reads at most 4096 characters of query: the comparison keeps well inside it. */
export const MAX_COMPARE_CHARS = 3000;
/** A bound on the inflated list, so a crafted link cannot make the page inflate megabytes. */
const MAX_INFLATED_CHARS = 64 * 1024;
/** Keys an entry may not carry: they control the page, not a run. */
const PAGE_KEYS = ['autorun', 'grid', COMPARE_PARAM];

export class CompareLinkError extends Error {
  override name = 'CompareLinkError';
}

/** One config as a short query: its nearest preset (same kind) and the fields that differ. */
export function configEntry(config: ExperimentConfig): string {
  const full = new URLSearchParams(configToQuery(config));
  let best: { id: string; query: URLSearchParams } | null = null;
  for (const preset of PRESETS) {
    if (preset.config.experiment !== config.experiment) continue;
    const base = new URLSearchParams(configToQuery(preset.config));
    const query = new URLSearchParams({ preset: preset.id });
    for (const [key, value] of full) if (base.get(key) !== value) query.set(key, value);
    if (!best || [...query].length < [...best.query].length) best = { id: preset.id, query };
  }
  if (best) return best.query.toString();
  full.delete('v');
  return full.toString();
}

/** The `compare` value for these configs (1 to MAX_COMPARE_RUNS); throws when too many or long. */
export function encodeComparison(configs: readonly ExperimentConfig[]): string {
  if (configs.length === 0) throw new CompareLinkError('a comparison needs at least one run');
  if (configs.length > MAX_COMPARE_RUNS)
    throw new CompareLinkError(
      `a comparison link names at most ${MAX_COMPARE_RUNS} runs (${configs.length} selected)`,
    );
  const json = JSON.stringify(configs.map(configEntry));
  const text = toBase64Url(deflateSync(strToU8(json), { level: 9 }));
  if (text.length > MAX_COMPARE_CHARS)
    throw new CompareLinkError(
      `the comparison would take ${text.length} characters of link (limit ${MAX_COMPARE_CHARS}): export the runs as JSON instead`,
    );
  return text;
}

/** A page link that opens the comparison. */
export function comparisonUrl(base: string, configs: readonly ExperimentConfig[]): string {
  const url = new URL(base);
  url.search = `${COMPARE_PARAM}=${encodeComparison(configs)}`;
  url.hash = '';
  return url.toString();
}

export interface ComparisonReading {
  /** The runs that can be made, in link order (entries with any problem are left out). */
  configs: ExperimentConfig[];
  /** Every problem, each naming the entry and field (`compare #2 · lr`). */
  issues: ConfigIssue[];
}

/**
 * The comparison a query carries: null when it names none. Never throws: a link that cannot be
 * read at all gives one issue and no configs; a bad entry is named and left out, the others kept.
 */
export function readComparison(search: string | URLSearchParams): ComparisonReading | null {
  const params =
    typeof search === 'string'
      ? new URLSearchParams(search.includes('?') ? search.slice(search.indexOf('?') + 1) : search)
      : search;
  const all = params.getAll(COMPARE_PARAM);
  if (all.length === 0) return null;
  const refuse = (message: string): ComparisonReading => ({
    configs: [],
    issues: [{ field: COMPARE_PARAM, message }],
  });
  if (all.length > 1) return refuse('"compare" appears more than once in the link: give it once');
  const text = all[0];
  if (text.length > MAX_COMPARE_CHARS)
    return refuse(`${text.length} characters exceed the limit of ${MAX_COMPARE_CHARS}`);

  let entries: unknown;
  try {
    const json = inflateText(fromBase64Url(text));
    entries = JSON.parse(json);
  } catch (error) {
    return refuse(`not a comparison (base64url of a deflated JSON list): ${errorMessage(error)}`);
  }
  if (!Array.isArray(entries) || entries.length === 0)
    return refuse('the comparison is not a non-empty list of configs');
  if (entries.length > MAX_COMPARE_RUNS)
    return refuse(
      `the comparison names ${entries.length} runs: at most ${MAX_COMPARE_RUNS} are allowed`,
    );

  const configs: ExperimentConfig[] = [];
  const issues: ConfigIssue[] = [];
  entries.forEach((entry: unknown, i) => {
    const found = readEntry(entry);
    const where = `${COMPARE_PARAM} #${i + 1}`;
    if ('config' in found) configs.push(found.config);
    else
      issues.push(
        ...found.issues.map((x) => ({ field: `${where} · ${x.field}`, message: x.message })),
      );
  });
  return { configs, issues };
}

function readEntry(entry: unknown): { config: ExperimentConfig } | { issues: ConfigIssue[] } {
  if (typeof entry !== 'string')
    return {
      issues: [{ field: '(entry)', message: 'not a config query (text such as "preset=…&lr=…")' }],
    };
  const params = new URLSearchParams(entry);
  const control = PAGE_KEYS.filter((k) => params.has(k));
  if (control.length)
    return {
      issues: control.map((k) => ({
        field: k,
        message: 'controls the page, not a run: not allowed in a comparison',
      })),
    };
  if (!params.has('preset') && !params.has('experiment'))
    return {
      issues: [{ field: 'preset', message: 'an entry names its preset or its experiment kind' }],
    };
  const reading = readQuery(params);
  return reading.issues.length ? { issues: reading.issues } : { config: reading.config };
}

function inflateText(bytes: Uint8Array): string {
  const out = inflateSync(bytes);
  if (out.length > MAX_INFLATED_CHARS)
    throw new CompareLinkError(`inflates to ${out.length} bytes (limit ${MAX_INFLATED_CHARS})`);
  return strFromU8(out);
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text))
    throw new CompareLinkError('holds characters outside base64url (A–Z, a–z, 0–9, - and _)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
