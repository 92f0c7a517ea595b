import { describe, expect, it } from 'vitest';
import { importRunFiles } from './transfer';

const file = (name: string, text: string) => ({ name, text: async () => text });

describe('importing dropped files', () => {
  it('imports the files after a damaged one and names each failure', async () => {
    const seen: string[] = [];
    const importOne = async (text: string, name: string) => {
      if (text !== 'ok') throw new Error(`${name}: not an NC Lab result`);
      seen.push(name);
    };
    const out = await importRunFiles(
      [file('a.json', 'ok'), file('bad.json', '{}'), file('b.json', 'ok'), file('worse.json', 'x')],
      importOne,
    );
    expect(seen).toEqual(['a.json', 'b.json']);
    expect(out).toEqual({
      imported: ['a.json', 'b.json'],
      failures: ['bad.json: not an NC Lab result', 'worse.json: not an NC Lab result'],
    });
  });
});
