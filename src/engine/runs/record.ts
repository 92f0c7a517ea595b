import { z } from 'zod';
import { issueText, parseConfig, SCHEMA_VERSION, type ExperimentConfig } from '../config/schema';
import type { BackendInfo } from '../core/backend';
import { isReportKey } from '../metrics/reportKeys';
import { autoName } from './naming';
import type {
  Breakdown,
  HistoryEntry,
  MetricsRecord,
  Report,
  RunStatus,
  Timing,
} from '../session/types';
import { RUN_STATUS_VALUES } from '../session/types';
import type { RunResult } from '../run/result';
import type { UfmTheory } from '../ufm/theory';

/**
 * A kept run, as the run library stores it. The record itself is small (what the list shows);
 * the history lives in numbered chunks beside it, appended as reports arrive, and the final
 * report and latest checkpoint under their own keys. Bump RUN_RECORD_VERSION when a field
 * changes meaning: records of another version are dropped with a note.
 */
export const RUN_RECORD_VERSION = 1;

/** A run's statuses, and 'interrupted': the page went away (reload, closed tab, crashed worker) while it was live. */
export const RUN_STATUSES = [...RUN_STATUS_VALUES, 'interrupted'] as const;
export type KeptStatus = (typeof RUN_STATUSES)[number];

/** Where a kept run came from; 'grid': a member of a grid run in the page. */
export const RUN_SOURCES = ['page', 'ncLab', 'import', 'grid'] as const;

const metricValue: z.ZodType<unknown> = z.union([
  z.number(),
  z.null(),
  z.array(z.union([z.number(), z.null(), z.array(z.union([z.number(), z.null()]))])),
  z.array(z.array(z.union([z.number(), z.array(z.number()), z.null()]).nullable())),
]);

export const historyEntrySchema = z.object({
  step: z.number().int().min(0),
  metrics: z.record(z.string(), metricValue).superRefine((metrics, ctx) => {
    for (const key of Object.keys(metrics))
      if (!isReportKey(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'not a metric any run reports' });
  }),
});
export const historyChunkSchema = z.array(historyEntrySchema);

const timingSchema = z.object({
  trainMs: z.number(),
  measureMs: z.number(),
  stepsPerSecond: z.number(),
});

/** What the list shows of a run's end: the headline numbers, read from its last report. */
export interface RunSummary {
  loss: number | null;
  nc1: number | null;
  accuracy: number | null;
}

/** A checkpoint the user pinned: kept beside the rolling latest until unpinned. */
export const pinnedCheckpointSchema = z.object({
  step: z.number().int().min(0),
  createdAt: z.number(),
  /** Size of the checkpoint as JSON, for the storage shown in the Runs panel. */
  bytes: z.number().int().min(0),
});
export type PinnedCheckpoint = z.infer<typeof pinnedCheckpointSchema>;

export const runRecordSchema = z.object({
  v: z.literal(RUN_RECORD_VERSION),
  id: z.string().min(1),
  name: z.string(),
  /** The automatic name (what differs from the nearest preset); `name` may be edited. */
  autoName: z.string(),
  tags: z.array(z.string()),
  source: z.enum(RUN_SOURCES),
  config: z.unknown(),
  backend: z.looseObject({ backend: z.string() }).nullable(),
  status: z.enum(RUN_STATUSES),
  message: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(0),
  /** History chunks written so far (keys 0 … chunks − 1). */
  chunks: z.number().int().min(0),
  summary: z
    .object({
      loss: z.number().nullable(),
      nc1: z.number().nullable(),
      accuracy: z.number().nullable(),
    })
    .nullable(),
  timing: timingSchema.nullable(),
  /** Step of the latest checkpoint kept, null when none. */
  checkpointStep: z.number().int().min(0).nullable(),
  /** Pinned checkpoints, by step (records written before pinning existed have none). */
  pinned: z.array(pinnedCheckpointSchema).default([]),
});

export interface RunRecord extends Omit<z.infer<typeof runRecordSchema>, 'config' | 'backend'> {
  config: ExperimentConfig;
  backend: BackendInfo | null;
}

/**
 * The record the library keeps of a finished result (an imported file, a grid member, a search's
 * retrained best), made at time `t` under `id` and dated by its `createdAt` (an export's) or
 * else `t`; an import is tagged `imported`.
 */
export function resultRecord(
  run: { name: string; tags: readonly string[]; result: RunResult; createdAt?: string },
  source: 'import' | 'grid',
  id: string,
  t: number,
): RunRecord {
  const { result } = run;
  const created = run.createdAt === undefined ? NaN : Date.parse(run.createdAt);
  const auto = autoName(result.config);
  const last = result.final ?? result.history[result.history.length - 1] ?? null;
  return {
    v: RUN_RECORD_VERSION,
    id,
    name: run.name || auto,
    autoName: auto,
    tags: [...new Set([...(source === 'import' ? ['imported'] : []), ...run.tags])],
    source,
    config: result.config,
    backend: result.backend,
    status: result.status,
    message: result.message,
    createdAt: Number.isFinite(created) ? created : t,
    updatedAt: t,
    step: last?.step ?? 0,
    totalSteps: result.final?.totalSteps ?? last?.step ?? 0,
    chunks: 1,
    summary: summarize(last?.metrics),
    timing: result.timing,
    checkpointStep: null,
    pinned: [],
  };
}

/** A stored record, validated; throws a sentence naming the problem (the library drops it). */
export function parseRunRecord(raw: unknown): RunRecord {
  const version = (raw as { v?: unknown } | null)?.v;
  if (version !== RUN_RECORD_VERSION)
    throw new Error(
      `record version ${JSON.stringify(version)} (this lab keeps version ${RUN_RECORD_VERSION})`,
    );
  const parsed = runRecordSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(issueText(parsed.error, '(record)', true));
  }
  const config = parseConfig(parsed.data.config);
  return { ...parsed.data, config, backend: parsed.data.backend as BackendInfo | null };
}

export function parseHistoryChunk(raw: unknown): HistoryEntry[] {
  const parsed = historyChunkSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`history chunk: ${issueText(parsed.error, '(chunk)', true)}`);
  }
  return parsed.data as HistoryEntry[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Loss, NC1 and accuracy of a report's metrics (train accuracy of a network, else of the head). */
export function summarize(metrics: MetricsRecord | undefined): RunSummary | null {
  if (!metrics) return null;
  return {
    loss: num(metrics.loss),
    nc1: num(metrics.nc1_pinv),
    accuracy: num(metrics.train_acc) ?? num(metrics.net_accuracy_train),
  };
}

/** What a run leaves at its end besides its history (kept under its own key). */
export interface RunEnd {
  final: Report | null;
  theory: UfmTheory | null;
  breakdown: Breakdown | null;
}

/** Rebuild a RunResult (the download format) from a record, its history and its end. */
export function recordToResult(
  record: RunRecord,
  history: HistoryEntry[],
  end: RunEnd | null,
  appVersion: string,
): RunResult {
  const timing: Timing = record.timing ?? { trainMs: 0, measureMs: 0, stepsPerSecond: 0 };
  return {
    schemaVersion: SCHEMA_VERSION,
    app: { name: 'nc-lab', version: appVersion },
    config: record.config,
    backend: record.backend as BackendInfo,
    status: (record.status === 'interrupted' ? 'stopped' : record.status) as RunStatus,
    message: record.message,
    history,
    final: end?.final ?? null,
    theory: end?.theory ?? null,
    timing,
    breakdown: end?.breakdown ?? null,
  };
}
