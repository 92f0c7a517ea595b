import { z } from 'zod';
import { SCHEMA_VERSION, issueText, parseConfig } from '../config/schema';
import { canonicalJson, describeValue as describe } from '../core/jsonValues';
import { isReportKey } from '../metrics/reportKeys';
import type { HistoryEntry, MetricsRecord } from '../session/types';
import type { RunResult } from '../run/result';
import { historyChunkSchema, historyEntrySchema, RUN_STATUSES } from './record';

/**
 * Moving runs between machines: a JSON bundle of RunResults (what "Export JSON" writes and
 * import reads, besides single RunResult files), and a long-format CSV
 * (run, step, key, layer, value) that `pandas.read_csv` loads as it is.
 */
export const RUNS_BUNDLE_FORMAT = 'nc-lab-runs';
export const RUNS_BUNDLE_VERSION = 1;

export interface NamedResult {
  name: string;
  tags: string[];
  result: RunResult;
  /**
   * When the run was first kept (ISO 8601), written per run in an export bundle so that an
   * imported run keeps its date; absent (bundles written before it, single RunResult files): the
   * library dates the run at its import.
   */
  createdAt?: string;
}

export interface RunsBundle {
  format: typeof RUNS_BUNDLE_FORMAT;
  version: typeof RUNS_BUNDLE_VERSION;
  exportedAt: string;
  runs: NamedResult[];
}

export function toBundle(runs: NamedResult[], exportedAt = new Date().toISOString()): RunsBundle {
  return { format: RUNS_BUNDLE_FORMAT, version: RUNS_BUNDLE_VERSION, exportedAt, runs };
}

/**
 * An import that cannot be read: not JSON, not a result, a damaged field, a CSV row that does not
 * parse. The message starts with the file's name and says what is wrong and where.
 */
export class RunImportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunImportError';
  }
}

/** Deeper than any result nests (a grid member's final report's sample points: about 10 levels). */
export const MAX_IMPORT_DEPTH = 32;

/**
 * The path of the first value nested deeper than `limit` in parsed JSON, or null. Iterative: the
 * value may be nested far deeper than the call stack allows (JSON.parse reads such a text, but
 * JSON.stringify, a structured clone or a recursive walk of it then throws a RangeError).
 */
export function tooDeep(raw: unknown, limit: number): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: raw, depth: 0, path: '(root)' },
  ];
  while (stack.length) {
    const { value, depth, path } = stack.pop() as (typeof stack)[number];
    if (!value || typeof value !== 'object') continue;
    if (depth >= limit) return path;
    for (const [k, v] of Object.entries(value))
      if (v && typeof v === 'object')
        stack.push({ value: v, depth: depth + 1, path: `${path}.${k}` });
  }
  return null;
}

const nonNegative = z.number().min(0);
const count = z.number().int().min(0);

const runResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  app: z.looseObject({ name: z.literal('nc-lab'), version: z.string() }),
  config: z.unknown(),
  backend: z.looseObject({ backend: z.string() }).nullable(),
  status: z.enum(RUN_STATUSES),
  message: z.string().nullable(),
  history: historyChunkSchema,
  // What the library keeps of the end (its step, total and summary) is read from here: checked as
  // the history is, so an imported run reads back from the library as it came in.
  final: z
    .looseObject({ step: count, totalSteps: count, metrics: historyEntrySchema.shape.metrics })
    .nullable(),
  theory: z.looseObject({}).nullable(),
  timing: z.object({
    trainMs: nonNegative,
    measureMs: nonNegative,
    stepsPerSecond: nonNegative,
  }),
  breakdown: z
    .object({ step: count, lastFiniteStep: count, lastFiniteLoss: z.number().nullable() })
    .nullable()
    .optional(),
});

/** Validate one RunResult (parsed JSON); throws a RunImportError naming the field at fault. */
export function parseRunResult(raw: unknown, where = 'run'): RunResult {
  const deep = tooDeep(raw, MAX_IMPORT_DEPTH);
  if (deep !== null)
    throw new RunImportError(
      `${where}: ${deep} is nested more than ${MAX_IMPORT_DEPTH} levels deep`,
    );
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RunImportError(`${where}: ${issueText(parsed.error, '(root)', true)}`);
  }
  let config;
  try {
    config = parseConfig(parsed.data.config);
  } catch (e) {
    throw new RunImportError(`${where}: config: ${(e as Error).message}`, { cause: e });
  }
  return {
    ...(parsed.data as unknown as RunResult),
    config,
    breakdown: (parsed.data.breakdown ?? null) as RunResult['breakdown'],
  };
}

/** Whether a text that is not JSON is the long CSV export (its header, or a .csv name). */
function looksLikeCsvExport(text: string, fileName: string): boolean {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]
    .trim();
  return first === CSV_HEADER || /\.csv$/i.test(fileName);
}

/**
 * The runs in an imported file's text (JSON); throws a RunImportError naming the file. The CSV
 * export is refused with a sentence of its own: it holds histories only, no config, so it cannot
 * become a kept run (it is for pandas).
 */
export function parseImportText(text: string, fileName: string): NamedResult[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (looksLikeCsvExport(text, fileName))
      throw new RunImportError(
        `${fileName}: the CSV export is for pandas and cannot be imported (it holds no config to run or resume); import the JSON export`,
        { cause: error },
      );
    throw new RunImportError(`${fileName} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseImport(raw, fileName);
}

/** A bundle entry's `createdAt` as ISO 8601; absent stays absent, a non-date is refused. */
function parseCreatedAt(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(t))
    throw new RunImportError(`${where}: createdAt ${describe(value)} is not a date`);
  return new Date(t).toISOString();
}

/**
 * The runs in an imported file: an export bundle, one RunResult, or a list of them. Throws a
 * RunImportError, a sentence naming the file's problem (which run, which field).
 */
export function parseImport(raw: unknown, fileName: string): NamedResult[] {
  const base = fileName.replace(/\.json$/i, '');
  if (Array.isArray(raw))
    return raw.map((r, i) => ({
      name: `${base} #${i + 1}`,
      tags: ['imported'],
      result: parseRunResult(r, `${fileName}, run ${i + 1}`),
    }));
  if (
    raw &&
    typeof raw === 'object' &&
    (raw as { format?: unknown }).format === RUNS_BUNDLE_FORMAT
  ) {
    const bundle = raw as { version?: unknown; runs?: unknown };
    if (bundle.version !== RUNS_BUNDLE_VERSION)
      throw new RunImportError(
        `${fileName}: runs bundle version ${describe(bundle.version)} is not supported (this lab reads version ${RUNS_BUNDLE_VERSION})`,
      );
    if (!Array.isArray(bundle.runs)) throw new RunImportError(`${fileName}: "runs" must be a list`);
    return bundle.runs.map((entry: unknown, i) => {
      const e = (entry ?? {}) as {
        name?: unknown;
        tags?: unknown;
        result?: unknown;
        createdAt?: unknown;
      };
      const tags = Array.isArray(e.tags)
        ? e.tags.filter((t): t is string => typeof t === 'string')
        : [];
      const where = `${fileName}, run ${i + 1}`;
      const createdAt = parseCreatedAt(e.createdAt, where);
      return {
        name: typeof e.name === 'string' ? e.name : `${base} #${i + 1}`,
        tags,
        result: parseRunResult(e.result, where),
        ...(createdAt === undefined ? {} : { createdAt }),
      };
    });
  }
  if (raw && typeof raw === 'object' && (raw as { kind?: unknown }).kind === GRID_KIND)
    return gridRuns(raw as { name?: unknown; members?: unknown }, fileName, base);
  if (raw && typeof raw === 'object' && 'history' in raw)
    return [{ name: base, tags: ['imported'], result: parseRunResult(raw, fileName) }];
  throw new RunImportError(
    `${fileName}: not an NC Lab result: expected a RunResult ("Download results"), a list of them, a runs export or a grid's results`,
  );
}

/**
 * A grid's results: `npm run grid -- merge DIR` writes DIR/merged.json (a grid run on a cluster),
 * the Grids panel downloads the same kind. Each member becomes a run named by the grid and the
 * member id, tagged `grid:<name>` so the Runs panel can select and overlay the whole grid.
 */
const GRID_KIND = 'nc-lab-grid';

function gridRuns(
  raw: { name?: unknown; members?: unknown },
  fileName: string,
  base: string,
): NamedResult[] {
  if (!Array.isArray(raw.members))
    throw new RunImportError(`${fileName}: a grid file without "members"`);
  const grid = typeof raw.name === 'string' && raw.name ? raw.name : base;
  return raw.members.map((entry: unknown, i) => {
    const m = (entry ?? {}) as { id?: unknown; result?: unknown };
    const id = typeof m.id === 'string' ? m.id : `member ${i + 1}`;
    return {
      name: `${grid} · ${id}`,
      tags: ['grid', `grid:${grid}`],
      result: parseRunResult(m.result, `${fileName}, member ${id}`),
    };
  });
}

// --- identity of a run, for imports ------------------------------------------------------

/**
 * What makes two results the same run: config, status, final step, total and metrics, and the
 * whole history, compared as a JSON export writes them (NaN and ±Infinity as null, so a run and
 * its own export are the same run). Name, tags, timing, backend and date are left out: a renamed
 * or re-tagged copy is still the same run.
 */
export function runIdentity(result: RunResult): string {
  const { final } = result;
  return canonicalJson({
    config: result.config,
    status: result.status,
    final: final && { step: final.step, totalSteps: final.totalSteps, metrics: final.metrics },
    history: result.history,
  });
}

// --- long-format CSV ----------------------------------------------------------------------

export const CSV_HEADER = 'run,step,key,layer,value';

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A number exactly as JavaScript prints it (round-trips float64); null as an empty field. */
function cell(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/**
 * One row per (run, step, key, layer): scalars have an empty layer; per-layer values are
 * numbered from 1 (W_1 … W_M); a value of a 2-D list is numbered "i.j", of a 3-D one (the
 * corrupted samples' means, class × class × dimension) "i.j.k". A null or undefined value, or
 * a null row of a list, is an empty field.
 */
export function toLongCsv(runs: { name: string; history: readonly HistoryEntry[] }[]): string {
  const lines = [CSV_HEADER];
  for (const run of runs) {
    const name = csvField(run.name);
    for (const { step, metrics } of run.history) {
      for (const [key, value] of Object.entries(metrics)) {
        const k = csvField(key);
        const put = (v: unknown, layer: string): void => {
          if (Array.isArray(v))
            v.forEach((w, i) => put(w, layer ? `${layer}.${i + 1}` : `${i + 1}`));
          else lines.push(`${name},${step},${k},${layer},${cell(v as number | null | undefined)}`);
        };
        put(value, '');
      }
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * The records of a CSV text (RFC 4180: a quoted field may hold commas, quotes doubled and line
 * breaks), each with the line it starts on; blank lines are skipped. Throws naming the line
 * where a quote is not closed or a quoted field runs on past its closing quote.
 */
function csvRecords(text: string, fail: (line: number, message: string) => never) {
  const records: { line: number; fields: string[] }[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        const parts: string[] = [];
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) fail(start, 'a quoted field is not closed');
          for (let at = i; at < q; at++) if (text.charCodeAt(at) === 10) line++;
          if (text[q + 1] === '"') {
            parts.push(text.slice(from, q + 1));
            i = from = q + 2;
            continue;
          }
          parts.push(text.slice(from, q));
          i = q + 1;
          break;
        }
        field = parts.join('');
        if (
          i < n &&
          text[i] !== ',' &&
          text[i] !== '\n' &&
          !(text[i] === '\r' && text[i + 1] === '\n')
        )
          fail(line, 'a quoted field goes on after its closing quote');
      } else {
        let end = i;
        while (end < n && text[end] !== ',' && text[end] !== '\n') end++;
        field = text.slice(i, end);
        if (end < n && text[end] === '\n' && field.endsWith('\r')) field = field.slice(0, -1);
        if (field.includes('"')) fail(line, 'a quote inside a field that is not quoted');
        i = end;
      }
      fields.push(field);
      if (text[i] === '\r') i++;
      if (i >= n || text[i] === '\n') {
        if (i < n) line++;
        i++;
        break;
      }
      i++; // the comma
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return records;
}

const STEP = /^\d{1,16}$/;
const LAYER = /^[1-9]\d{0,8}(\.[1-9]\d{0,8}){0,2}$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A value field: empty (null), NaN, ±Infinity or a decimal number that a float64 holds. */
function cellValue(text: string): number | null | undefined {
  if (text === '') return null;
  if (text === 'NaN') return NaN;
  if (text === 'Infinity' || text === '-Infinity') return Number(text);
  if (!NUMBER.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

type Cell = number | null | Cell[];

/**
 * Read a long-format CSV back into histories by run name (the inverse of toLongCsv). Throws a
 * RunImportError naming `fileName` and the line: a malformed row, a step that is not a whole
 * number, a key no run reports, a value that is not a number, a layer numbered past what the file
 * could hold, a value that is a scalar on one row and a list on another, or a layer missing from
 * a list (rows `1` and `3` without `2`).
 */
export function parseLongCsv(text: string, fileName = 'runs.csv'): Map<string, HistoryEntry[]> {
  const fail = (line: number, message: string): never => {
    throw new RunImportError(`${fileName}: CSV line ${line}: ${message}`);
  };
  const records = csvRecords(text, fail);
  if (records[0]?.fields.join(',') !== CSV_HEADER)
    throw new RunImportError(
      `${fileName}: not a long-format runs CSV: the first line must be "${CSV_HEADER}"`,
    );
  // a list has at most one entry per row: a larger index claims rows the file does not have
  const rows = records.length - 1;
  const runs = new Map<string, Map<number, Map<string, Cell>>>();
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== 5) fail(line, `expected 5 fields, found ${fields.length}`);
    const [run, stepText, key, layer, valueText] = fields;
    const step = Number(stepText);
    if (!STEP.test(stepText) || !Number.isSafeInteger(step))
      fail(line, `step "${stepText.slice(0, 40)}" is not a whole number`);
    if (!isReportKey(key)) fail(line, `"${key.slice(0, 80)}" is not a metric any run reports`);
    const value = cellValue(valueText);
    if (value === undefined) fail(line, `value "${valueText.slice(0, 40)}" is not a number`);
    if (layer !== '' && !LAYER.test(layer))
      fail(line, `layer "${layer.slice(0, 40)}" is not a layer number (1, 2, … or i.j, i.j.k)`);
    const at = layer === '' ? [] : layer.split('.').map((x) => Number(x) - 1);
    if (at.some((i) => i >= rows))
      fail(line, `layer "${layer}" numbers more entries than the file has rows`);
    const steps = runs.get(run) ?? new Map<number, Map<string, Cell>>();
    runs.set(run, steps);
    const metrics = steps.get(step) ?? new Map<string, Cell>();
    steps.set(step, metrics);
    if (at.length === 0) {
      if (Array.isArray(metrics.get(key)))
        fail(line, `"${key}" at step ${step} is a list on another row, a single value here`);
      metrics.set(key, value as number | null);
      continue;
    }
    let list = metrics.get(key) ?? [];
    if (!Array.isArray(list))
      fail(line, `"${key}" at step ${step} is a single value on another row, a list here`);
    metrics.set(key, list);
    for (let d = 0; d < at.length; d++) {
      const i = at[d];
      const here = (list as Cell[])[i];
      const last = d === at.length - 1;
      if (last ? Array.isArray(here) : here !== undefined && !Array.isArray(here))
        fail(
          line,
          `"${key}" layer ${at
            .slice(0, d + 1)
            .map((x) => x + 1)
            .join('.')} at step ${step} is both a value and a list`,
        );
      if (last) (list as Cell[])[i] = value as number | null;
      else list = (list as Cell[])[i] ??= [];
    }
  }
  const missing = (value: Cell, where: string, layer: string): void => {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value))
        throw new RunImportError(
          `${fileName}: ${where}: no row for layer ${layer}${i + 1} (the list has ${value.length} entries)`,
        );
      missing(value[i], where, `${layer}${i + 1}.`);
    }
  };
  const out = new Map<string, HistoryEntry[]>();
  for (const [name, steps] of runs) {
    const history: HistoryEntry[] = [];
    for (const [step, metrics] of steps) {
      for (const [key, value] of metrics)
        missing(value, `run "${name.slice(0, 80)}", step ${step}, "${key}"`, '');
      history.push({ step, metrics: Object.fromEntries(metrics) as MetricsRecord });
    }
    out.set(name, history);
  }
  return out;
}
