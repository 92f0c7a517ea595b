// Property-based fuzzing of checkpoints (issue 14's fuzzing, extended to saved states): real
// checkpoints of a tiny UFM run (Adam, SGD with momentum) and of a tiny BatchNorm + Adam network
// run are mutated — shapes, base64 data cut or with characters changed, optimiser slots, β powers,
// the step, the config, values set to hostile ones (1e999, 2^53, huge shapes, a value nested
// 100 000 levels deep), fields deleted or duplicated, `__proto__` keys, bytes of the file flipped
// — then parsed and resumed. Every outcome is a CheckpointError naming the file from
// parseCheckpoint, a refusal by the session before any step (a message about the checkpoint, no
// tensor left behind), or a resume that reports from the checkpoint's step on (and, where the
// damage left the checkpoint as it was, the same numbers as the undamaged one), within the
// per-case time and memory bounds.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import type { ExperimentConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { ExperimentRunner } from '../run/runner';
import { CheckpointError, parseCheckpoint, type Checkpoint } from '../session/checkpoint';
import type { Report } from '../session/types';
import {
  checkBounds,
  checkRefusal,
  fuzzParameters,
  maybeMutations,
  mutate,
  runCase,
} from '../testing/fuzz';
import { editJson, jsonEdits, toText } from './jsonMutations';

let backend: BackendInfo;
const loadData = (c: Parameters<typeof loadNetData>[0]) =>
  loadNetData(c, () => Promise.reject(new Error('only the mixture is used here')));

const CONFIGS: Record<'ufm-adam' | 'ufm-momentum' | 'net', ExperimentConfig> = {
  'ufm-adam': resolveConfig({
    preset: 'tiny-check',
    steps: 40,
    reportEvery: 10,
    depth: 2,
    bias: true,
    optimizer: 'adam',
    lr: 0.01,
  }),
  'ufm-momentum': resolveConfig({ preset: 'tiny-check', steps: 40, reportEvery: 10 }),
  net: resolveConfig({
    experiment: 'net',
    dataset: 'gaussian',
    gaussClasses: 3,
    gaussDim: 4,
    perClass: [10],
    model: 'mlp',
    width: 6,
    depthRelu: 1,
    batchnorm: true,
    optimizer: 'adam',
    lr: 1e-2,
    batchSize: 10,
    epochs: 3,
    measureEvery: 1,
    measureSamples: 0,
  }),
};
type Kind = keyof typeof CONFIGS;
const KINDS = Object.keys(CONFIGS) as Kind[];

/** The run's second checkpoint (one report in), as a file holds it. */
async function checkpointOf(config: ExperimentConfig): Promise<unknown> {
  let kept: Checkpoint | null = null;
  const runner = await ExperimentRunner.create(
    config,
    backend,
    { loadData },
    {
      checkpointEvery: 1,
      onCheckpoint: (c) => {
        if (c.step > 0 && !kept) {
          kept = c;
          runner.stop();
        }
      },
    },
  );
  await runner.run();
  runner.dispose();
  if (!kept) throw new Error('no checkpoint');
  return JSON.parse(JSON.stringify(kept));
}

/** Resume from the checkpoint and take two reports (the resumed state and one interval on). */
async function resume(checkpoint: Checkpoint): Promise<{ reports: Report[]; status: string }> {
  const reports: Report[] = [];
  const runner = await ExperimentRunner.create(
    checkpoint.config,
    backend,
    { loadData, resumeFrom: checkpoint },
    {
      onReport: (r) => {
        reports.push(r);
        if (reports.length >= 2) runner.stop();
      },
    },
  );
  try {
    const result = await runner.run();
    return { reports, status: result.status };
  } catch (error) {
    throw new AfterResume(error);
  } finally {
    runner.dispose();
  }
}

/** An error once the session had resumed: never an acceptable outcome. */
class AfterResume extends Error {
  constructor(readonly error: unknown) {
    super(`the resumed run threw: ${String((error as Error)?.stack ?? error)}`);
  }
}

const saved = {} as Record<Kind, { raw: unknown; parsed: string; reports: Report[] }>;
beforeAll(async () => {
  backend = await initBackend('cpu');
  for (const kind of KINDS) {
    const raw = await checkpointOf(CONFIGS[kind]);
    const parsed = parseCheckpoint(raw);
    saved[kind] = { raw, parsed: JSON.stringify(parsed), reports: (await resume(parsed)).reports };
  }
});

type Outcome =
  | { stage: 'parse'; error: unknown }
  | { stage: 'restore'; error: unknown; checkpoint: Checkpoint }
  | { stage: 'resumed'; checkpoint: Checkpoint; reports: Report[]; status: string };

async function property(kind: Kind, text: string): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return; // not JSON: every caller refuses that before parseCheckpoint (readJson, loadStateFile)
  }
  const tensors = tf.memory().numTensors;
  const r = await runCase(async (): Promise<Outcome> => {
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(raw, 'state.json');
    } catch (error) {
      return { stage: 'parse', error };
    }
    try {
      return { stage: 'resumed', checkpoint, ...(await resume(checkpoint)) };
    } catch (error) {
      return { stage: 'restore', error, checkpoint };
    }
  });
  checkBounds(r, 'state.json');
  if (!r.ok) throw r.error;
  const o = r.value;
  if (o.stage === 'parse') return checkRefusal(o.error, [CheckpointError], ['state.json']);
  if (o.stage === 'restore') {
    if (o.error instanceof AfterResume) throw o.error;
    // refused before any step: a damaged state (checkCheckpointState, a CheckpointError) or one
    // that does not fit the session's model (its own check, naming the checkpoint), cleaning up
    const e = o.error;
    if (
      !(e instanceof CheckpointError) &&
      (!(e instanceof Error) ||
        e instanceof TypeError ||
        e instanceof RangeError ||
        !/checkpoint/.test(e.message))
    )
      throw new Error(
        `resume failed without a checkpoint refusal: ${String((e as Error)?.stack ?? e)}`,
      );
    expect(tf.memory().numTensors).toBe(tensors);
    return;
  }
  const { checkpoint, reports, status } = o;
  expect(['completed', 'stopped', 'diverged']).toContain(status);
  expect(reports[0]?.step).toBe(checkpoint.step);
  for (let i = 1; i < reports.length; i++)
    expect(reports[i].step).toBeGreaterThan(reports[i - 1].step);
  if (JSON.stringify(checkpoint) === saved[kind].parsed)
    expect(reports.map((x) => x.metrics)).toEqual(saved[kind].reports.map((x) => x.metrics));
}

const kinds = fc.constantFrom(...KINDS);
/** Where a checkpoint's meaning lives: the state's arrays and counters, the step, the config. */
const STATE_PATH = /^(step|timing|config|state)(\.|$)/;

describe('fuzz: checkpoints', () => {
  it('a UFM or network checkpoint with values replaced, deleted, duplicated or keyed __proto__ is refused by name or resumes consistently', async () => {
    await fc.assert(
      fc.asyncProperty(kinds, jsonEdits, async (kind, edits) => {
        await property(
          kind,
          editJson(saved[kind].raw, edits, (s) => STATE_PATH.test(s.path)),
        );
      }),
      fuzzParameters(40),
    );
  });

  it('a checkpoint whose base64 data is cut, padded or has a character changed is refused by name or resumes consistently', async () => {
    await fc.assert(
      fc.asyncProperty(
        kinds,
        fc.nat(),
        fc.nat(),
        fc.constantFrom('cut', 'char', 'pad', 'drop'),
        fc.constantFrom(...'A/+=!é \n'),
        async (kind, which, at, op, char) => {
          const doc = structuredClone(saved[kind].raw);
          const arrays: { data: string }[] = [];
          const stack: unknown[] = [doc];
          while (stack.length) {
            const v = stack.pop();
            if (!v || typeof v !== 'object') continue;
            if (typeof (v as { data?: unknown }).data === 'string')
              arrays.push(v as { data: string });
            stack.push(...Object.values(v));
          }
          const a = arrays[which % arrays.length];
          const i = at % (a.data.length + 1);
          if (op === 'cut') a.data = a.data.slice(0, i);
          else if (op === 'char') a.data = a.data.slice(0, i) + char + a.data.slice(i + 1);
          else if (op === 'pad') a.data += char.repeat(1 + (at % 4));
          else a.data = a.data.slice(0, i) + a.data.slice(i + 4);
          await property(kind, toText(doc));
        },
      ),
      fuzzParameters(40),
    );
  });

  it('a checkpoint file cut or with bytes flipped, deleted or duplicated is refused by name or resumes consistently', async () => {
    await fc.assert(
      fc.asyncProperty(kinds, maybeMutations, async (kind, muts) => {
        const bytes = mutate(new TextEncoder().encode(toText(saved[kind].raw)), muts);
        await property(kind, new TextDecoder().decode(bytes));
      }),
      fuzzParameters(30),
    );
  });
});
