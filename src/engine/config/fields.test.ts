import { describe, expect, it } from 'vitest';
import {
  NET_FIELD_META,
  UFM_FIELD_META,
  fieldDocs,
  fieldText,
  limitsText,
  type FieldTable,
} from './fields';
import { netConfigSchema, ufmConfigSchema, type UfmConfig } from './schema';

describe('config field table', () => {
  it('describes every schema field but experiment, and nothing else', () => {
    const fieldsOf = (shape: object) =>
      Object.keys(shape)
        .filter((k) => k !== 'experiment')
        .sort();
    expect(Object.keys(UFM_FIELD_META).sort()).toEqual(fieldsOf(ufmConfigSchema.shape));
    expect(Object.keys(NET_FIELD_META).sort()).toEqual(fieldsOf(netConfigSchema.shape));
  });

  it('fails typecheck for a missing field or a field the schema does not have', () => {
    const { hidden: _dropped, ...missing } = UFM_FIELD_META;
    // @ts-expect-error: `hidden` has no metadata
    const incomplete: FieldTable<UfmConfig> = missing;
    const extra: FieldTable<UfmConfig> = {
      ...UFM_FIELD_META,
      // @ts-expect-error: `width` is not a UFM field
      width: { label: 'Width', group: 'Problem', hint: '' },
    };
    expect(Object.keys(incomplete)).not.toContain('hidden');
    expect(Object.keys(extra)).toContain('width');
  });

  it('reads kind, limits and options from the zod schema', () => {
    const ufm = new Map(fieldDocs('ufm').map((d) => [d.name, d]));
    expect(ufm.get('hidden')).toMatchObject({
      kind: 'int',
      min: { value: 1, inclusive: true },
      max: { value: 4096, inclusive: true },
    });
    expect(ufm.get('lambdaW')).toMatchObject({
      kind: 'number',
      min: { value: 0, inclusive: false },
      max: { value: 1, inclusive: true },
    });
    expect(ufm.get('classSizes')).toMatchObject({ kind: 'list', minItems: 2, maxItems: 64 });
    expect(ufm.get('loss')).toMatchObject({ kind: 'enum', options: ['mse', 'ce'] });
    expect(ufm.get('bias')?.kind).toBe('bool');
    const net = new Map(fieldDocs('net').map((d) => [d.name, d]));
    expect(net.get('pairWith')?.options).toEqual(['none', 'mse', 'ce', 'ls', 'lr']);
    expect(net.get('classes')).toMatchObject({ kind: 'list', optional: true, maxItems: 100 });
  });

  it('writes limits in words, with strict bounds as <', () => {
    const ufm = new Map(fieldDocs('ufm').map((d) => [d.name, d]));
    expect(limitsText(ufm.get('momentum')!)).toBe('0 ≤ x < 1');
    expect(limitsText(ufm.get('lambdaH')!)).toBe('0 < x ≤ 1');
    expect(limitsText(ufm.get('classSizes')!)).toBe('1 ≤ x ≤ 20000, 2–64 values');
    expect(limitsText(ufm.get('optimizer')!)).toBe('sgd | adam');
  });

  it('keeps the form order: augment sits with the data fields of a network', () => {
    const names = fieldDocs('net').map((d) => d.name);
    expect(names.slice(0, 3)).toEqual(['dataset', 'classes', 'perClass']);
    expect(names.indexOf('augment')).toBe(names.indexOf('depthLinear') + 1);
  });

  it('applies-when rules test the draft texts and say the rule in words', () => {
    const momentum = fieldDocs('ufm').find((d) => d.name === 'momentum')!;
    expect(momentum.appliesWhen?.text).toBe('optimizer = sgd');
    expect(momentum.appliesWhen?.test({ optimizer: 'sgd' })).toBe(true);
    expect(momentum.appliesWhen?.test({ optimizer: 'adam' })).toBe(false);
  });

  it('writes values as the form does: lists joined, booleans 1/0', () => {
    expect(fieldText([100, 50])).toBe('100, 50');
    expect(fieldText(true)).toBe('1');
    expect(fieldText(false)).toBe('0');
    expect(fieldText(5e-4)).toBe('0.0005');
  });
});
