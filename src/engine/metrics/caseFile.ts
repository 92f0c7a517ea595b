// The metric_vectors.json-style case file, validated with a schema (like configs) so that a bad
// element is refused with its path (cases[2].inputs.H[5][1]) and the value found there, never an
// internal error: non-finite numbers (1e999 parses to Infinity), strings or null inside arrays,
// K beyond the class limit, arrays nested where numbers belong.
import { z } from 'zod';
import { MAX_CLASSES } from './validate';
import type { OracleCase } from './oracle';

const finite = z.number({ error: 'expected a finite number' });
const vector = z.array(finite, { error: 'expected an array of finite numbers' });
const matrix = z.array(vector, { error: 'expected an array of rows of finite numbers' });
const label = z
  .number({ error: 'expected an integer label' })
  .int('expected an integer label')
  .min(0, 'a label is a class index ≥ 0')
  .max(MAX_CLASSES - 1, `a label is a class index below the class limit ${MAX_CLASSES}`);
const labels = z.array(label, { error: 'expected an array of integer labels' });

const inputsSchema = z.looseObject({
  K: z
    .number({ error: 'expected the number of classes K' })
    .int('K must be an integer')
    .min(1, 'K must be at least 1')
    .max(MAX_CLASSES, `K must be at most ${MAX_CLASSES} (NC Lab's class limit)`),
  d: z.number().int().min(1).optional(),
  N: z.number().int().min(1).optional(),
  H: matrix,
  y: labels,
  W: matrix.nullish(),
  b: vector.nullish(),
  H_test: matrix.nullish(),
  y_test: labels.nullish(),
  y_orig: labels.nullish(),
  ood_global_mean: vector.nullish(),
  layers: z.array(matrix, { error: 'expected an array of matrices' }).nullish(),
  gof: z.object({ lambda_W: finite, lambda_H: finite, depth: z.number().int().min(1) }).nullish(),
});

const caseSchema = z.looseObject(
  {
    name: z.string({ error: 'a case name is a string' }).optional(),
    inputs: inputsSchema,
  },
  { error: 'expected a case object {"name", "inputs": {...}}' },
);

const fileSchema = z.looseObject(
  { cases: z.array(caseSchema, { error: 'expected "cases": [...]' }).min(1, '"cases" is empty') },
  { error: 'expected {"cases": [...]}' },
);

/** A problem with a case file; the message names the file, the element's path and the value. */
export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** How a found value is shown: short, and Infinity named as what 1e999 became. */
function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'number' && !Number.isFinite(v))
    return `${v} (a number too large for float64, e.g. 1e999)`;
  if (Array.isArray(v)) return 'an array';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Validates a parsed case file; throws CaseFileError naming the first bad element. */
export function parseCaseFile(doc: unknown, fileName: string): OracleCase[] {
  const cases = (doc as { cases?: unknown } | null)?.cases;
  if (Array.isArray(cases) && cases.length === 0)
    throw new CaseFileError(`${fileName}: "cases" is empty`);
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = pathText(issue.path) || '(file)';
    throw new CaseFileError(
      `${fileName}: ${where}: ${issue.message}, found ${shown(valueAt(doc, issue.path))}`,
    );
  }
  for (const [i, c] of parsed.data.cases.entries()) {
    const rows = [c.inputs.H, c.inputs.W, c.inputs.H_test];
    const names = ['H', 'W', 'H_test'];
    rows.forEach((m, r) => {
      if (!m || m.length === 0) return;
      const bad = m.findIndex((row) => row.length !== m[0].length);
      if (bad >= 0) {
        throw new CaseFileError(
          `${fileName}: cases[${i}].inputs.${names[r]}[${bad}]: row of ${m[bad].length} entries, row 0 has ${m[0].length}`,
        );
      }
    });
  }
  return parsed.data.cases as unknown as OracleCase[];
}
