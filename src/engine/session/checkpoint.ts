import { z } from 'zod';
import { issueText, parseConfig, type ExperimentConfig } from '../config/schema';
import { encodedArraySchema } from '../core/state/arrays';
import { optimizerStateSchema } from '../core/state/optimizerState';

/**
 * A run's resumable state, JSON-safe: the config, the optimiser step, the session's tensors
 * (base64 Float32) and its optimiser state. The browser keeps the latest one per run, "Save
 * state" downloads it, and `npm run experiment -- --resume <file>` continues it: one format.
 */
export const CHECKPOINT_FORMAT = 'nc-lab-checkpoint';
export const CHECKPOINT_VERSION = 1;

const namedArray = z.object({ name: z.string(), value: encodedArraySchema });

const ufmStateSchema = z.object({
  kind: z.literal('ufm'),
  H: encodedArraySchema,
  layers: z.array(encodedArraySchema),
  bias: encodedArraySchema.nullable(),
  optimizer: optimizerStateSchema,
});

const netStateSchema = z.object({
  kind: z.literal('net'),
  /** Parameters and buffers (BatchNorm running statistics) by PyTorch-style name. */
  params: z.array(namedArray),
  buffers: z.array(namedArray),
  optimizer: optimizerStateSchema,
  /** [total, data, wd, fd] of the last step, so the first report after a resume matches. */
  lastTerms: z.array(z.number()).nullable(),
  patience: z.object({
    best: z.number().nullable(),
    epochsSinceBest: z.number().int().min(0),
    epochLossSum: z.number().nullable(),
    stoppedEarly: z.boolean(),
  }),
});

export const sessionStateSchema = z.discriminatedUnion('kind', [ufmStateSchema, netStateSchema]);
export type SessionState = z.infer<typeof sessionStateSchema>;
export type UfmSessionState = z.infer<typeof ufmStateSchema>;
export type NetSessionState = z.infer<typeof netStateSchema>;

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  /** The run library's id of the run it came from (null for the CLI). */
  runId: z.string().nullable(),
  createdAt: z.string(),
  config: z.unknown(),
  step: z.number().int().min(0),
  timing: z.object({ trainMs: z.number().min(0), measureMs: z.number().min(0) }),
  state: sessionStateSchema,
});

export interface Checkpoint extends Omit<z.infer<typeof checkpointSchema>, 'config'> {
  config: ExperimentConfig;
}

/** Validate a checkpoint (parsed JSON); throws one message naming what is wrong. */
export function parseCheckpoint(raw: unknown): Checkpoint {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error('not an NC Lab checkpoint: expected a JSON object');
  const r = raw as Record<string, unknown>;
  if (r.format !== CHECKPOINT_FORMAT)
    throw new Error(
      `not an NC Lab checkpoint: "format" is ${JSON.stringify(r.format)}, expected "${CHECKPOINT_FORMAT}"`,
    );
  if (r.version !== CHECKPOINT_VERSION)
    throw new Error(
      `checkpoint version ${JSON.stringify(r.version)} is not supported (this lab reads version ${CHECKPOINT_VERSION})`,
    );
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`damaged checkpoint: ${issueText(parsed.error, '(root)', true)}`);
  }
  const config = parseConfig(parsed.data.config);
  if (config.experiment !== parsed.data.state.kind)
    throw new Error(
      `damaged checkpoint: its config is a ${config.experiment} run but its state is a ${parsed.data.state.kind} session`,
    );
  return { ...parsed.data, config };
}

export function makeCheckpoint(fields: Omit<Checkpoint, 'format' | 'version'>): Checkpoint {
  return { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...fields };
}
