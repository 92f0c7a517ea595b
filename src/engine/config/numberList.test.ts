import { describe, expect, it } from 'vitest';
import { formatNumberList, parseNumber, parseNumberList } from './numberList';

describe('parseNumber', () => {
  it('reads signed decimals with exponents, and trims spaces', () => {
    expect(parseNumber('5e-4')).toBe(5e-4);
    expect(parseNumber(' -1.5 ')).toBe(-1.5);
    expect(parseNumber('+.5')).toBe(0.5);
    expect(parseNumber('3.')).toBe(3);
  });
  it('refuses what is not a decimal number', () => {
    for (const t of ['', ' ', '0x10', '1e', 'Infinity', 'NaN', '1.2.3', 'abc', '1,2'])
      expect(parseNumber(t)).toBeUndefined();
  });
});

describe('parseNumberList', () => {
  it('separates entries by commas and/or spaces', () => {
    expect(parseNumberList('100, 100,50 25')).toEqual({ ok: true, values: [100, 100, 50, 25] });
    expect(parseNumberList('  0.1 ,\t0.2  ')).toEqual({ ok: true, values: [0.1, 0.2] });
  });
  it('skips empty entries: a trailing comma, doubled commas', () => {
    expect(parseNumberList('1, 2,')).toEqual({ ok: true, values: [1, 2] });
    expect(parseNumberList('1,,2')).toEqual({ ok: true, values: [1, 2] });
  });
  it('reads empty text as the empty list', () => {
    expect(parseNumberList('')).toEqual({ ok: true, values: [] });
    expect(parseNumberList(' , ')).toEqual({ ok: true, values: [] });
  });
  it('names the entry that is not a number', () => {
    expect(parseNumberList('1, x, 3')).toEqual({ ok: false, message: '"x" is not a number' });
  });
  it('names every bad entry when there are several', () => {
    expect(parseNumberList('a, 2, 0x3')).toEqual({
      ok: false,
      message: '"a", "0x3" are not numbers',
    });
  });
  it('with integer, refuses fractions by name', () => {
    expect(parseNumberList('0, 1.5', { integer: true })).toEqual({
      ok: false,
      message: '"1.5" is not an integer',
    });
    expect(parseNumberList('0, 12', { integer: true })).toEqual({ ok: true, values: [0, 12] });
  });
  it('reads back what formatNumberList writes', () => {
    const values = [100, 0.5, -3, 5e-4];
    expect(parseNumberList(formatNumberList(values))).toEqual({ ok: true, values });
  });
});
