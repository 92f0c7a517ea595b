// Config errors as sentences ("must be a whole number ≥ 1") instead of zod's library text ("Too
// small: expected number to be >=1"). Installed as zod's global error map by schema.ts, so the form,
// the URL banner and the CLI (all of which validate through the config schema) say the same thing.
// Messages written into the schema itself (e.g. "must be > 0 (the closed form needs weight
// decay)") take precedence over this map and are kept as they are.
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const fmt = (v: unknown): string =>
  typeof v === 'number' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);

const entries = (n: unknown): string => `${fmt(n)} ${Number(n) === 1 ? 'entry' : 'entries'}`;

/**
 * The sentence for one issue, or undefined to keep zod's text. `isInt` says whether the number
 * at the issue's path must be whole (zod's bound issues do not say).
 */
export function issueSentence(issue: RawIssue, isInt: boolean): string | undefined {
  const kind = isInt ? 'a whole number' : 'a number';
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int')
        return `must be ${kind} ${issue.inclusive ? '≥' : '>'} ${fmt(issue.minimum)}`;
      if (issue.origin === 'array') return `must list at least ${entries(issue.minimum)}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int')
        return `must be ${kind} ${issue.inclusive ? '≤' : '<'} ${fmt(issue.maximum)}`;
      if (issue.origin === 'array') return `must list at most ${entries(issue.maximum)}`;
      return undefined;
    case 'invalid_type':
      // zod leaves `input` out of the issue when the key was absent
      if (issue.input === undefined) return 'is missing';
      if (issue.expected === 'array') return `must be ${listOf(issue.inst)}`;
      return typeWords(issue.expected) ? `must be ${typeWords(issue.expected)}` : undefined;
    case 'invalid_union': {
      // a discriminated union (a search space's `type`): the values it accepts
      const options = (issue as { options?: unknown[] }).options;
      if (issue.note === 'No matching discriminator' && options?.length)
        return `must be one of ${options.map(fmt).join(', ')}`;
      if (issue.input === undefined) return 'is missing';
      const kinds = unionKinds(issue.inst);
      return kinds ? `must be ${kinds}` : undefined;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${fmt(issue.values[0])}`
        : `must be one of ${issue.values.map(fmt).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map(fmt).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${fmt(issue.divisor)}`;
    default:
      return undefined;
  }
}

/** A value of zod's type `expected`, in words ("a number", "an object"), or undefined. */
function typeWords(expected: string): string | undefined {
  const words: Record<string, string> = {
    int: 'a whole number',
    number: 'a number',
    boolean: 'true or false (1 or 0)',
    string: 'text',
    object: 'an object',
    record: 'an object',
    array: 'a list',
  };
  return words[expected];
}

/** The zod type name of a schema (from an issue's `inst`), if it has one. */
function typeOf(schema: unknown): string | undefined {
  const type = (schema as { def?: { type?: unknown } } | undefined)?.def?.type;
  return typeof type === 'string' ? type : undefined;
}

/** "a list of numbers" (the config's lists, a grid's seeds), "a list" (a grid's axes). */
function listOf(schema: unknown): string {
  const element = (schema as { def?: { element?: unknown } } | undefined)?.def?.element;
  return typeOf(element) === 'number' ? 'a list of numbers' : 'a list';
}

/** "an object or text" for a union of an object and a string, or undefined for other unions. */
function unionKinds(schema: unknown): string | undefined {
  const options = (schema as { def?: { options?: unknown[] } } | undefined)?.def?.options ?? [];
  const words = options.map((o) => typeWords(typeOf(o) ?? ''));
  if (!words.length || words.some((w) => w === undefined)) return undefined;
  return [...new Set(words)].join(' or ');
}

/**
 * A zod error map giving sentences. `intFields` names the config fields (and list fields, whose
 * entries are checked at path [field, i]) that hold whole numbers.
 */
export function sentenceErrorMap(intFields: ReadonlySet<string>): z.core.$ZodErrorMap {
  return (issue) => {
    const field = issue.path?.[0];
    const isInt =
      (typeof field === 'string' && intFields.has(field)) ||
      (issue.code === 'too_small' || issue.code === 'too_big' ? issue.origin === 'int' : false);
    return issueSentence(issue, isInt);
  };
}
