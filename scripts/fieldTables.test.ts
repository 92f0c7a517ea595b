import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, fieldTable, withFieldTables } from './fieldTables';
import { fieldDocs } from '../src/engine/config/fields';

describe('README field tables', () => {
  it('are what npm run docs:fields writes (run it after changing a field)', async () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(await withFieldTables(readme)).toBe(readme);
  });

  it('have one row per config field, with the default and limits of the schema', () => {
    for (const kind of ['ufm', 'net'] as const) {
      const rows = fieldTable(kind).split('\n').slice(2);
      expect(rows.map((r) => /^\| `(\w+)` \|/.exec(r)?.[1])).toEqual(
        fieldDocs(kind).map((f) => f.name),
      );
    }
    expect(fieldTable('ufm')).toContain(
      '| `hidden` | Hidden width d; feature and layer width, ≥ K for full collapse (≤ 4096) | int | 64 | 1 ≤ x ≤ 4096 |  |',
    );
    expect(fieldTable('net')).toContain(
      '| `momentum` | Momentum; SGD only; torch semantics: v ← μv + g | number | 0.9 | 0 ≤ x < 1 | optimizer = sgd |',
    );
  });

  it('replace only what lies between the markers, and name missing markers', async () => {
    const text =
      '# T\n\nbefore\n\n<!-- fields:ufm:start -->\nSTALE ROW\n<!-- fields:ufm:end -->\n\nmid\n\n<!-- fields:net:start -->\n<!-- fields:net:end -->\n\nafter\n';
    const out = await withFieldTables(text);
    expect(out).not.toContain('STALE ROW');
    expect(out).toMatch(/before\n\n<!-- fields:ufm:start -->\n\n\| field /);
    expect(out).toContain('mid');
    expect(out).toMatch(/<!-- fields:net:end -->\n\nafter\n$/);
    await expect(withFieldTables('# T\n')).rejects.toThrow(
      'README.md has no "<!-- fields:ufm:start -->" … "<!-- fields:ufm:end -->" markers for the ufm fields',
    );
  });
});
