import { describe, expect, it } from 'vitest';
import { specFromText } from './gridStore';

describe("the grid editor's text", () => {
  it('reads as JSON, or says that the grid spec is not valid JSON', () => {
    expect(specFromText('{"base": {"preset": "tiny-check"}, "axes": []}')).toEqual({
      base: { preset: 'tiny-check' },
      axes: [],
    });
    expect(() => specFromText('{ "base": ')).toThrow(/^the grid spec is not valid JSON: /);
  });
});
