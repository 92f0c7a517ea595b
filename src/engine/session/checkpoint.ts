import { z } from 'zod';
import { issueText, parseConfig, type ExperimentConfig } from '../config/schema';
import { describeValue as describe } from '../core/jsonValues';
import { CheckpointError, encodedArraySchema, type EncodedArray } from '../core/state/arrays';
import { checkOptimizerState, optimizerStateSchema } from '../core/state/optimizerState';

export { CheckpointError } from '../core/state/arrays';

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
  lastTerms: z.array(z.number()).length(4).nullable(),
  patience: z.object({
    best: z.number().nullable(),
    epochsSinceBest: z.number().int().min(0),
    epochLossSum: z.number().nullable(),
    stoppedEarly: z.boolean(),
  }),
});

const timingSchema = z.object({ trainMs: z.number().min(0), measureMs: z.number().min(0) });

/**
 * A paired (CE/LS twin) network run: both members' states and their own timings (the
 * checkpoint's timing is the pair's sum), so each continues from exactly where it was.
 */
const pairedStateSchema = z.object({
  kind: z.literal('paired'),
  main: netStateSchema,
  twin: netStateSchema,
  timing: z.object({ main: timingSchema, twin: timingSchema }),
});

export const sessionStateSchema = z.discriminatedUnion('kind', [
  ufmStateSchema,
  netStateSchema,
  pairedStateSchema,
]);
export type SessionState = z.infer<typeof sessionStateSchema>;
export type UfmSessionState = z.infer<typeof ufmStateSchema>;
export type NetSessionState = z.infer<typeof netStateSchema>;
export type PairedSessionState = z.infer<typeof pairedStateSchema>;

const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  /** The run library's id of the run it came from (null for the CLI). */
  runId: z.string().nullable(),
  createdAt: z.string(),
  config: z.unknown(),
  step: z.number().int().min(0),
  timing: timingSchema,
  state: sessionStateSchema,
});

export interface Checkpoint extends Omit<z.infer<typeof checkpointSchema>, 'config'> {
  config: ExperimentConfig;
}

/**
 * Validate a checkpoint (parsed JSON); throws a CheckpointError naming what is wrong, prefixed
 * with `source` (the file) when given: not a checkpoint, another version, a field of the wrong
 * type, base64 data that is not base64 or does not fill its shape, a bad config, or a state of
 * another kind of run than its config. (What the state holds is checked on resuming:
 * checkCheckpointState.)
 */
export function parseCheckpoint(raw: unknown, source?: string): Checkpoint {
  const fail = (message: string, cause?: unknown): never => {
    throw new CheckpointError(source ? `${source}: ${message}` : message, { cause });
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return fail('not an NC Lab checkpoint: expected a JSON object');
  const r = raw as Record<string, unknown>;
  if (r.format !== CHECKPOINT_FORMAT)
    return fail(
      `not an NC Lab checkpoint: "format" is ${describe(r.format)}, expected "${CHECKPOINT_FORMAT}"`,
    );
  if (r.version !== CHECKPOINT_VERSION)
    return fail(
      `checkpoint version ${describe(r.version)} is not supported (this lab reads version ${CHECKPOINT_VERSION})`,
    );
  const parsed = checkpointSchema.safeParse(raw);
  if (!parsed.success)
    return fail(`damaged checkpoint: ${issueText(parsed.error, '(root)', true)}`);
  let config: ExperimentConfig;
  try {
    config = parseConfig(parsed.data.config);
  } catch (e) {
    return fail(`damaged checkpoint: config: ${(e as Error).message}`, e);
  }
  const kind = stateKindOf(config);
  const { state } = parsed.data;
  if (kind !== state.kind)
    return fail(
      `damaged checkpoint: its config is a ${kind} run but its state is a ${state.kind} session`,
    );
  return { ...parsed.data, config };
}

/**
 * Throws a CheckpointError ("damaged checkpoint: …") unless the checkpoint's state is one a
 * session of its config captures: the UFM's layers and bias as the config has them, the arrays'
 * ranks, no parameter named twice, the optimiser's slots and β powers matching the variables
 * (checkOptimizerState) and its iteration count the checkpoint's step; a UFM's step within its
 * run. Resuming checks this before a session is made (runs/resume.ts); shapes against the model
 * itself are checked when the session restores the state, before any step.
 */
export function checkCheckpointState(checkpoint: Checkpoint): void {
  try {
    checkState(checkpoint.state, checkpoint.config, checkpoint.step);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    throw new CheckpointError(`damaged checkpoint: ${e.message}`, { cause: e });
  }
}

function checkRank(a: EncodedArray, rank: number, what: string): void {
  if (a.shape.length !== rank)
    throw new CheckpointError(
      `${what}: shape [${a.shape.join(', ')}] is not ${rank === 1 ? 'a vector' : 'a matrix'}`,
    );
}

/** Throws a CheckpointError unless `state` is what a session of `config` captures at `step`. */
function checkState(state: SessionState, config: ExperimentConfig, step: number): void {
  if (state.kind === 'ufm') {
    if (config.experiment !== 'ufm') return;
    if (step > config.steps)
      throw new CheckpointError(`step ${step} is past the run's ${config.steps} steps`);
    if (state.layers.length !== config.depth)
      throw new CheckpointError(
        `state.layers: ${state.layers.length} layers, the config's depth is ${config.depth}`,
      );
    if (!state.bias !== !config.bias)
      throw new CheckpointError(
        `state.bias: ${state.bias ? 'a bias' : 'no bias'}, the config has bias=${config.bias}`,
      );
    checkRank(state.H, 2, 'state.H');
    state.layers.forEach((l, j) => checkRank(l, 2, `state.layers.${j}`));
    if (state.bias) checkRank(state.bias, 1, 'state.bias');
    const variables = [
      { what: 'H', shape: state.H.shape },
      ...state.layers.map((l, j) => ({ what: `layer ${j + 1}`, shape: l.shape })),
      ...(state.bias ? [{ what: 'the bias', shape: state.bias.shape }] : []),
    ];
    checkOptimizerState(state.optimizer, config, variables, 'state.optimizer');
    checkIterations(state.optimizer.iterations, step, 'state.optimizer');
    return;
  }
  if (config.experiment !== 'net') return;
  if (state.kind === 'paired') {
    checkNet(state.main, config, step, 'state.main');
    checkNet(state.twin, config, step, 'state.twin');
    return;
  }
  checkNet(state, config, step, 'state');
}

/**
 * The optimiser counts one iteration per step: a step that disagrees was edited or damaged (a
 * network's step has no other bound here: its steps per epoch depend on the data).
 */
function checkIterations(iterations: number, step: number, where: string): void {
  if (iterations !== step)
    throw new CheckpointError(
      `${where}.iterations: the optimiser has taken ${iterations} steps, the checkpoint is at step ${step}`,
    );
}

function checkNet(
  state: NetSessionState,
  config: { optimizer: 'sgd' | 'adam'; momentum: number },
  step: number,
  where: string,
): void {
  for (const part of ['params', 'buffers'] as const) {
    const seen = new Set<string>();
    state[part].forEach(({ name }, i) => {
      if (seen.has(name))
        throw new CheckpointError(`${where}.${part}.${i}: "${name}" appears twice`);
      seen.add(name);
    });
  }
  const variables = state.params.map((p) => ({
    what: `parameter ${p.name}`,
    shape: p.value.shape,
  }));
  checkOptimizerState(state.optimizer, config, variables, `${where}.optimizer`);
  checkIterations(state.optimizer.iterations, step, `${where}.optimizer`);
}

/** The session state a config's runs capture: a network paired with its twin is its own kind. */
export function stateKindOf(config: ExperimentConfig): SessionState['kind'] {
  if (config.experiment === 'net' && config.pairWith !== 'none') return 'paired';
  return config.experiment;
}

export function makeCheckpoint(fields: Omit<Checkpoint, 'format' | 'version'>): Checkpoint {
  return { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...fields };
}
