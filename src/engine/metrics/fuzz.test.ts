// Property-based fuzzing of the metrics inputs (issue 14, finding 7): .npy feature / label files
// (byte mutations, header sizes) and metric case files (JSON tokens replaced by hostile values:
// 1e999, 1e308, null, strings, nested arrays, huge labels and K). Every outcome is a result whose
// nulls all carry a reason and whose numbers are finite, or a FeatureFileError naming the file /
// MetricsInputError, within the per-case time and memory bounds.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { featureFilesToInput, FeatureFileError, readCaseFile } from './featureFiles';
import { computeMetricsFromArrays, type MetricsResult } from './index';
import { writeNpy } from './npy';
import { oracleToArrays, type OracleFile } from './oracle';
import { MetricsInputError } from './validate';
import { readOracle } from '../testing/oracles';
import {
  checkBounds,
  checkRefusal,
  fuzzParameters,
  HOSTILE_WORDS,
  maybeMutations,
  mutate,
  runCase,
} from '../testing/fuzz';

function checkResult(r: MetricsResult): void {
  for (const [k, v] of Object.entries(r.values)) {
    if (v === null && !r.undefinedReasons[k as keyof typeof r.undefinedReasons])
      throw new Error(`${k} is null without a reason`);
    const bad = JSON.stringify(v, (_, x: unknown) =>
      typeof x === 'number' && !Number.isFinite(x) ? 'NONFINITE' : x,
    );
    if (bad.includes('NONFINITE')) throw new Error(`${k} holds a non-finite number`);
  }
}

async function property(names: string[], run: () => Promise<MetricsResult>): Promise<void> {
  const r = await runCase(run);
  checkBounds(r, names[0]);
  if (r.ok) checkResult(r.value);
  else if (r.error instanceof MetricsInputError) return;
  else checkRefusal(r.error, [FeatureFileError], names);
}

describe('fuzz: .npy features and labels', () => {
  it('every mutated .npy pair gives a clean result or a named refusal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('f4' as const, 'f8' as const),
        fc.constantFrom('i4' as const, 'i8' as const),
        fc.constantFrom('features', 'labels'),
        maybeMutations,
        fc.option(fc.constantFrom(...HOSTILE_WORDS, 1e308, 3e38, -1e300)),
        async (N, d, ft, lt, target, muts, hostile) => {
          const H = Array.from({ length: N * d }, (_, i) => Math.sin(i + 1) * (1 + (i % 3)));
          const y = Array.from({ length: N }, (_, i) => i % 3);
          if (hostile !== null) {
            if (target === 'labels' && Number.isSafeInteger(hostile) && lt === 'i8')
              y[N - 1] = hostile;
            else H[(N * d) >> 1] = hostile;
          }
          const features = writeNpy(H, [N, d], ft);
          const labels = writeNpy(y, [N], lt);
          const names = ['H.npy', 'y.npy'];
          await property(names, async () => {
            const { input } = featureFilesToInput({
              features: {
                name: names[0],
                bytes: target === 'features' ? mutate(features, muts) : features,
              },
              labels: {
                name: names[1],
                bytes: target === 'labels' ? mutate(labels, muts) : labels,
              },
            });
            return computeMetricsFromArrays(input, 'core');
          });
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: metric case files', () => {
  const oracle = readOracle<OracleFile>('metrics/metric_vectors.json');
  const small = oracle.cases.filter((c) => c.inputs.N * c.inputs.d <= 400);
  const HOSTILE_TOKENS = [
    '1e999',
    '-1e999',
    '1e308',
    '-1e308',
    '3.4e38',
    'null',
    '"7"',
    '[[1]]',
    '{}',
    '[]',
    '2147483648',
    '4294967296',
    '1e9',
    '-1',
    '0.5',
    '1000',
    '999',
    'true',
  ];

  it('every case file with hostile tokens gives a clean result or a refusal naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(small.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_TOKENS)), {
          minLength: 1,
          maxLength: 3,
        }),
        async (which, edits) => {
          const c = small[which];
          let text = JSON.stringify({ cases: [{ name: c.name, inputs: c.inputs }] });
          for (const [at, token] of edits) {
            // replace the at-th value token (number, null, true/false)
            const tokens = [...text.matchAll(/-?\d+(\.\d+)?([eE][-+]?\d+)?|null|true|false/g)];
            const t = tokens[at % tokens.length];
            text = text.slice(0, t.index) + token + text.slice(t.index + t[0].length);
          }
          const name = 'cases.json';
          await property([name], async () => {
            const [one] = readCaseFile({ name, bytes: new TextEncoder().encode(text) });
            return computeMetricsFromArrays(oracleToArrays(one.case), 'core');
          });
        },
      ),
      fuzzParameters(150),
    );
  });
});
