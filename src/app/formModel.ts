import { FIELD_GROUPS, fieldDocs, fieldText, type FieldDoc } from '../engine/config/fields';
import { parseNumber, parseNumberList } from '../engine/config/numberList';
import {
  ConfigError,
  defaultsFor,
  parseConfig,
  type ExperimentConfig,
  type ExperimentKind,
} from '../engine/config/schema';

/**
 * The config form's model: one entry per config field of each experiment kind, built from the
 * engine's field table (`engine/config/fields.ts`); the schema decides validity, this only says
 * how to show and read each field. Text drafts are kept per
 * field so a half-typed value ("5e-") stays on screen with its error instead of being reset.
 */
export type FieldName = string;
/** Field texts by name, plus `experiment` (the kind whose fields the form shows). */
export type Draft = Record<FieldName, string>;
export type FieldErrors = Partial<Record<FieldName | '(config)', string>>;

export { FIELD_GROUPS };

export interface FieldSpec {
  name: FieldName;
  label: string;
  kind: 'list' | 'int' | 'number' | 'bool' | 'enum';
  options?: readonly string[];
  hint: string;
  group: (typeof FIELD_GROUPS)[number];
  /** A list field that may be left empty (meaning "all"). */
  optional?: boolean;
  /** The field only matters for some configs (it is still kept and shared). */
  relevant?: (c: Draft) => boolean;
}

function specOf(doc: FieldDoc): FieldSpec {
  const spec: FieldSpec = {
    name: doc.name,
    label: doc.label,
    kind: doc.kind,
    hint: doc.hint,
    group: doc.group,
  };
  if (doc.options) spec.options = doc.options;
  if (doc.optional) spec.optional = true;
  if (doc.appliesWhen) spec.relevant = doc.appliesWhen.test;
  return spec;
}

const UFM_FIELDS: readonly FieldSpec[] = fieldDocs('ufm').map(specOf);
const NET_FIELDS: readonly FieldSpec[] = fieldDocs('net').map(specOf);

export const EXPERIMENT_LABELS: Record<ExperimentKind, string> = {
  ufm: 'Unconstrained features (UFM)',
  net: 'Network on a dataset',
};

export function fieldsFor(kind: ExperimentKind): readonly FieldSpec[] {
  return kind === 'net' ? NET_FIELDS : UFM_FIELDS;
}

export function configToDraft(config: ExperimentConfig): Draft {
  const draft: Draft = { experiment: config.experiment };
  const values = config as unknown as Record<string, unknown>;
  for (const f of fieldsFor(config.experiment)) {
    draft[f.name] = fieldText(values[f.name]);
  }
  return draft;
}

/** The draft as a config, or the errors by field (format errors first, then the schema's). */
export function draftToConfig(
  draft: Draft,
  fallback: ExperimentConfig,
): { config: ExperimentConfig | null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const kind = draft.experiment === 'net' ? 'net' : 'ufm';
  // Unreadable fields keep their last valid value, so the schema still checks all the others.
  const base = fallback.experiment === kind ? fallback : defaultsFor(kind);
  const raw: Record<string, unknown> = { ...base };
  for (const f of fieldsFor(kind)) {
    const text = (draft[f.name] ?? '').trim();
    switch (f.kind) {
      case 'list': {
        const list = parseNumberList(text);
        if (!list.ok)
          errors[f.name] = `${list.message} (a comma-separated list, e.g. 100, 100, 100)`;
        else if (!list.values.length && !f.optional)
          errors[f.name] = 'must be a comma-separated list of numbers, e.g. 100, 100, 100';
        else raw[f.name] = list.values;
        break;
      }
      case 'int':
      case 'number': {
        const n = parseNumber(text);
        if (n === undefined)
          errors[f.name] = text === '' ? 'required' : `"${text}" is not a number`;
        else raw[f.name] = n;
        break;
      }
      case 'bool':
        raw[f.name] = text === '1' || text === 'true';
        break;
      case 'enum':
        raw[f.name] = text;
        break;
    }
  }
  try {
    const config = parseConfig(raw);
    return { config: Object.keys(errors).length ? null : config, errors };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      const field = issue.field.split('.')[0] as FieldName | '(config)';
      if (errors[field] === undefined) errors[field] = issue.message;
      else if (!errors[field]?.includes(issue.message))
        errors[field] = `${errors[field]}; ${issue.message}`;
    }
    return { config: null, errors };
  }
}

export function sameConfig(a: ExperimentConfig | null, b: ExperimentConfig | null): boolean {
  if (a === null || b === null) return false;
  const keys = Object.keys(a).sort();
  return JSON.stringify(a, keys) === JSON.stringify(b, Object.keys(b).sort());
}
