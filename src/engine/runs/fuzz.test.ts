// Property-based fuzzing of the run library's imports (issue 14's fuzzing, extended to the run
// library): valid exports written by the code itself (a RunResult, a list of them, a runs bundle,
// a grid's merged results, the long CSV) are mutated — truncation, bit and character flips,
// values set to hostile ones (1e999, 2^53, huge lists, NaN strings, a value nested 100 000
// levels deep), fields deleted or duplicated, `__proto__` / `constructor` keys, CSV rows with
// hostile steps, layers and values, huge lines. Every outcome is a consistent import (what the
// library keeps of it reads back, and it exports and re-imports to itself) or a RunImportError
// naming the file, within the per-case time and memory bounds (src/engine/testing/fuzz.ts).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { resolveConfig } from '../config/resolve';
import { parseConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { runExperiment } from '../run/runner';
import type { RunResult } from '../run/result';
import type { HistoryEntry } from '../session/types';
import {
  checkBounds,
  checkRefusal,
  fuzzParameters,
  maybeMutations,
  mutate,
  runCase,
} from '../testing/fuzz';
import {
  parseImportText,
  parseLongCsv,
  RunImportError,
  toBundle,
  toLongCsv,
  type NamedResult,
} from './exchange';
import { editJson, jsonEdits, toText } from './jsonMutations';
import { parseHistoryChunk, resultRecord, runRecordSchema } from './record';

let ufm: RunResult;
let deep: RunResult;
let noisy: RunResult;
beforeAll(async () => {
  const backend = await initBackend('cpu');
  ufm = await runExperiment(resolveConfig({ preset: 'tiny-check', steps: 30 }), backend);
  deep = await runExperiment(
    resolveConfig({ preset: 'tiny-check', steps: 30, depth: 3, seed: 5 }),
    backend,
  );
  // label noise: its reports carry md_corrupted_means, a 3-D value (class × class × dimension)
  const config = resolveConfig({
    experiment: 'net',
    dataset: 'gaussian',
    gaussClasses: 2,
    gaussDim: 3,
    perClass: [10],
    model: 'mlp-md',
    width: 4,
    depthRelu: 1,
    depthLinear: 1,
    labelNoise: 0.3,
    batchSize: 10,
    epochs: 2,
    measureEvery: 1,
    measureSamples: 0,
  });
  const loadData = (c: Parameters<typeof loadNetData>[0]) =>
    loadNetData(c, () => Promise.reject(new Error('only the mixture is used here')));
  noisy = await runExperiment(config, backend, { loadData });
});

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The files an export or a download writes, as parsed JSON, by kind. */
function sources(): Record<'single' | 'list' | 'bundle' | 'grid', unknown> {
  return json({
    single: ufm,
    list: [ufm, noisy],
    bundle: toBundle(
      [
        { name: 'deep, "quoted"\nsecond line', tags: ['m3'], result: deep },
        { name: 'noisy', tags: [], result: noisy },
      ],
      '2026-12-08T00:00:00.000Z',
    ),
    grid: {
      kind: 'nc-lab-grid',
      name: 'depth',
      spec: {},
      members: [
        { index: 0, id: 'depth=1', overrides: { depth: 1 }, result: ufm },
        { index: 1, id: 'depth=3', overrides: { depth: 3 }, result: deep },
      ],
      summary: [],
    },
  });
}

/**
 * An import is consistent when everything the run library keeps of it reads back (the record
 * importResults keeps, resultRecord, and the history chunk) and when it exports
 * as a bundle and re-imports to itself.
 */
function checkImported(runs: NamedResult[]): void {
  for (const { name, tags, result } of runs) {
    if (typeof name !== 'string' || !tags.every((t) => typeof t === 'string'))
      throw new Error('a name or tag that is not a string');
    parseConfig(result.config);
    parseHistoryChunk(json(result.history));
    const record = resultRecord({ name, tags, result }, 'import', 'r', 0);
    const kept = runRecordSchema.safeParse(json(record));
    if (!kept.success)
      throw new Error(`the library would drop the imported run: ${kept.error.message}`);
  }
  const text = JSON.stringify(toBundle(runs, 'now'));
  expect(json(parseImportText(text, 'again.json'))).toEqual(json(runs));
}

async function importProperty(text: string, fileName: string): Promise<void> {
  const r = await runCase(() => parseImportText(text, fileName));
  checkBounds(r, fileName);
  if (!r.ok) checkRefusal(r.error, [RunImportError], [fileName]);
  else checkImported(r.value);
}

const kinds = fc.constantFrom(
  'single' as const,
  'list' as const,
  'bundle' as const,
  'grid' as const,
);

describe('fuzz: run imports (JSON)', () => {
  it('a RunResult, a list, a bundle or a grid with values replaced, deleted, duplicated or keyed __proto__ imports consistently or is refused naming the file', async () => {
    const all = sources();
    await fc.assert(
      fc.asyncProperty(kinds, jsonEdits, async (kind, edits) => {
        await importProperty(editJson(all[kind], edits), `${kind}.json`);
      }),
      fuzzParameters(60),
    );
  });

  it('the same files with their fields, steps, timing and final report set to hostile values import consistently or are refused naming the file', async () => {
    const all = sources();
    // where an import's meaning lives: not deep inside the metrics' numbers
    const key =
      /(^|\.)(step|totalSteps|timing|trainMs|measureMs|stepsPerSecond|final|metrics|breakdown|theory|history|config|backend|app|status|schemaVersion|format|version|runs|members|result|name|tags|id|kind)$/;
    await fc.assert(
      fc.asyncProperty(kinds, jsonEdits, async (kind, edits) => {
        const text = editJson(all[kind], edits, (s) => key.test(s.path));
        await importProperty(text, `${kind}.json`);
      }),
      fuzzParameters(60),
    );
  });

  it('the files cut or with bytes flipped, deleted or duplicated import consistently or are refused naming the file', async () => {
    const all = sources();
    await fc.assert(
      fc.asyncProperty(kinds, maybeMutations, async (kind, muts) => {
        const bytes = mutate(new TextEncoder().encode(toText(all[kind])), muts);
        await importProperty(new TextDecoder().decode(bytes), `${kind}.json`);
      }),
      fuzzParameters(40),
    );
  });
});

/** Steps whole and in range, keys reported, values numbers or dense lists of them. */
function checkHistory(history: HistoryEntry[]): void {
  const dense = (v: unknown, depth: number): void => {
    if (v === null || typeof v === 'number') return;
    if (!Array.isArray(v) || depth >= 3) throw new Error(`a value ${JSON.stringify(v)}`);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) throw new Error(`a list with a hole at ${i}`);
      dense(v[i], depth + 1);
    }
  };
  for (const { step, metrics } of history) {
    if (!Number.isSafeInteger(step) || step < 0) throw new Error(`step ${step}`);
    for (const value of Object.values(metrics)) dense(value, 0);
  }
}

const CSV_TOKENS = [
  '',
  '-1',
  '1e999',
  '1e20',
  'NaN',
  '-Infinity',
  '0x10',
  ' 7',
  '1,5',
  '"x"',
  '"',
  '0',
  '0.5',
  '1.2.3.4',
  '99999999',
  '4294967296',
  '1.0',
  '__proto__',
  'constructor',
  'loss',
  'nc1_pinv',
  'x'.repeat(100_000),
  `"${'y'.repeat(100_000)}"`,
  '"a\nb"',
];

describe('fuzz: run imports (long CSV)', () => {
  const csvOf = () =>
    toLongCsv([
      { name: 'deep, "quoted"\nsecond line', history: deep.history },
      { name: 'noisy', history: noisy.history },
    ]);

  it('the exports of a UFM and a noisy-label network run read back to themselves', () => {
    const back = parseLongCsv(csvOf(), 'runs.csv');
    expect(back.get('deep, "quoted"\nsecond line')).toEqual(json(deep.history));
    expect(back.get('noisy')).toEqual(json(noisy.history));
  });

  it('a CSV with fields replaced by hostile values, lines duplicated or cut, or bytes damaged reads back consistently or is refused naming the file', async () => {
    const csv = csvOf();
    const lines = csv.split('\n');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat(4),
            fc.constantFrom(...CSV_TOKENS),
            fc.constantFrom('field', 'line', 'duplicate'),
          ),
          { maxLength: 3 },
        ),
        maybeMutations,
        async (edits, muts) => {
          const edited = [...lines];
          for (const [at, field, token, op] of edits) {
            const i = 1 + (at % (edited.length - 1));
            if (op === 'duplicate') edited.splice(i, 0, edited[i]);
            else if (op === 'line') edited[i] = token;
            else {
              const fields = edited[i].split(',');
              fields[field % fields.length] = token;
              edited[i] = fields.join(',');
            }
          }
          const text = new TextDecoder().decode(
            mutate(new TextEncoder().encode(edited.join('\n')), muts),
          );
          const r = await runCase(() => parseLongCsv(text, 'runs.csv'));
          checkBounds(r, 'runs.csv');
          if (!r.ok) return checkRefusal(r.error, [RunImportError], ['runs.csv']);
          for (const history of r.value.values()) checkHistory(history);
          const runs = [...r.value].map(([name, history]) => ({ name, history }));
          expect(parseLongCsv(toLongCsv(runs), 'again.csv')).toEqual(r.value);
        },
      ),
      fuzzParameters(80),
    );
  });

  it('a layer numbered past the rows of the file is refused at once, without a list of that size', async () => {
    for (const layer of ['999999999', '2.999999999', '4294967296']) {
      const r = await runCase(() =>
        parseLongCsv(`run,step,key,layer,value\nr,0,deep_nc1_pinv,${layer},1\n`, 'big.csv'),
      );
      checkBounds(r, 'big.csv');
      expect(r.ok).toBe(false);
      if (!r.ok) checkRefusal(r.error, [RunImportError], ['big.csv']);
    }
  });
});
