import { z } from 'zod';
import { SCHEMA_VERSION, issueText, parseConfig } from '../config/schema';
import { isReportKey } from '../metrics/reportKeys';
import type { HistoryEntry, MetricsRecord } from '../session/types';
import type { RunResult } from '../run/result';
import { historyChunkSchema, RUN_STATUSES } from './record';

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

const runResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  app: z.looseObject({ name: z.literal('nc-lab'), version: z.string() }),
  config: z.unknown(),
  backend: z.looseObject({ backend: z.string() }).nullable(),
  status: z.enum(RUN_STATUSES),
  message: z.string().nullable(),
  history: historyChunkSchema,
  final: z.looseObject({ step: z.number(), metrics: z.record(z.string(), z.unknown()) }).nullable(),
  theory: z.unknown().nullable(),
  timing: z.looseObject({ trainMs: z.number(), measureMs: z.number() }),
  breakdown: z.unknown().nullable().optional(),
});

/** Validate one RunResult (parsed JSON); throws naming the field at fault. */
export function parseRunResult(raw: unknown, where = 'run'): RunResult {
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${where}: ${issueText(parsed.error, '(root)', true)}`);
  }
  let config;
  try {
    config = parseConfig(parsed.data.config);
  } catch (e) {
    throw new Error(`${where}: config: ${(e as Error).message}`, { cause: e });
  }
  return {
    ...(parsed.data as unknown as RunResult),
    config,
    breakdown: (parsed.data.breakdown ?? null) as RunResult['breakdown'],
  };
}

/**
 * The runs in an imported file: an export bundle, one RunResult, or a list of them. Throws a
 * sentence naming the file's problem (which run, which field).
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
      throw new Error(
        `${fileName}: runs bundle version ${JSON.stringify(bundle.version)} is not supported`,
      );
    if (!Array.isArray(bundle.runs)) throw new Error(`${fileName}: "runs" must be a list`);
    return bundle.runs.map((entry: unknown, i) => {
      const e = (entry ?? {}) as { name?: unknown; tags?: unknown; result?: unknown };
      const tags = Array.isArray(e.tags)
        ? e.tags.filter((t): t is string => typeof t === 'string')
        : [];
      return {
        name: typeof e.name === 'string' ? e.name : `${base} #${i + 1}`,
        tags,
        result: parseRunResult(e.result, `${fileName}, run ${i + 1}`),
      };
    });
  }
  if (raw && typeof raw === 'object' && (raw as { kind?: unknown }).kind === GRID_KIND)
    return gridRuns(raw as { name?: unknown; members?: unknown }, fileName, base);
  if (raw && typeof raw === 'object' && 'history' in raw)
    return [{ name: base, tags: ['imported'], result: parseRunResult(raw, fileName) }];
  throw new Error(
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
  if (!Array.isArray(raw.members)) throw new Error(`${fileName}: a grid file without "members"`);
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

// --- long-format CSV ----------------------------------------------------------------------

export const CSV_HEADER = 'run,step,key,layer,value';

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A number exactly as JavaScript prints it (round-trips float64); null as an empty field. */
function cell(v: number | null): string {
  return v === null ? '' : String(v);
}

/**
 * One row per (run, step, key, layer): scalars have an empty layer; per-layer values are
 * numbered from 1 (W_1 … W_M); a value of a 2-D list is numbered "i.j".
 */
export function toLongCsv(runs: { name: string; history: readonly HistoryEntry[] }[]): string {
  const lines = [CSV_HEADER];
  for (const run of runs) {
    const name = csvField(run.name);
    for (const { step, metrics } of run.history) {
      for (const [key, value] of Object.entries(metrics)) {
        const k = csvField(key);
        if (!Array.isArray(value)) {
          lines.push(`${name},${step},${k},,${cell(value)}`);
          continue;
        }
        value.forEach((v, i) => {
          if (Array.isArray(v))
            v.forEach((w, j) =>
              lines.push(`${name},${step},${k},${i + 1}.${j + 1},${cell(w as number | null)}`),
            );
          else lines.push(`${name},${step},${k},${i + 1},${cell(v)}`);
        });
      }
    }
  }
  return lines.join('\n') + '\n';
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let text = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          text += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else text += line[i++];
      }
      out.push(text);
      i++; // the comma
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      out.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return out;
}

/** Read a long-format CSV back into histories by run name (the inverse of toLongCsv). */
export function parseLongCsv(text: string): Map<string, HistoryEntry[]> {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== CSV_HEADER)
    throw new Error(`not a long-format runs CSV: the first line must be "${CSV_HEADER}"`);
  const runs = new Map<string, Map<number, MetricsRecord>>();
  lines.slice(1).forEach((line, n) => {
    const fields = parseCsvLine(line);
    if (fields.length !== 5)
      throw new Error(`CSV line ${n + 2}: expected 5 fields, found ${fields.length}`);
    const [run, stepText, key, layer, valueText] = fields;
    const step = Number(stepText);
    if (!Number.isInteger(step) || step < 0)
      throw new Error(`CSV line ${n + 2}: step "${stepText}" is not a whole number`);
    if (!isReportKey(key))
      throw new Error(`CSV line ${n + 2}: "${key}" is not a metric any run reports`);
    const value = valueText === '' ? null : Number(valueText);
    if (value !== null && Number.isNaN(value) && valueText !== 'NaN')
      throw new Error(`CSV line ${n + 2}: value "${valueText}" is not a number`);
    const steps = runs.get(run) ?? new Map<number, MetricsRecord>();
    runs.set(run, steps);
    const metrics = steps.get(step) ?? {};
    steps.set(step, metrics);
    if (layer === '') {
      metrics[key] = value;
      return;
    }
    const [i, j] = layer.split('.').map((x) => Number(x) - 1);
    const list = (metrics[key] ??= []) as unknown[];
    if (j === undefined) list[i] = value;
    else ((list[i] ??= []) as unknown[])[j] = value;
  });
  return new Map(
    [...runs].map(([name, steps]) => [
      name,
      [...steps].map(([step, metrics]) => ({ step, metrics })),
    ]),
  );
}
