import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../core/backend';
import { runExperiment } from '../run/runner';
import { theoryForConfig } from '../ufm/theory';
import { PRESETS } from './presets';
import { parseConfig, expectUfm } from './schema';

let backend: BackendInfo;
beforeAll(async () => {
  backend = await initBackend('wasm');
});

/**
 * Split prose into sentences: a full stop, ! or ? followed by a space and a capital letter ends
 * one, except after the abbreviations the summaries use ("Dang et al. 2023", "e.g.").
 */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z])/).reduce<string[]>((out, part) => {
    const prev = out[out.length - 1];
    if (prev !== undefined && /\b(al|e\.g|i\.e|vs)\.$/.test(prev))
      out[out.length - 1] += ` ${part}`;
    else out.push(part);
    return out;
  }, []);
}

describe('presets', () => {
  it('the sentence splitter keeps "et al." inside a sentence and splits at a real full stop', () => {
    expect(sentences('Dang et al. 2023 on K = 4: it collapses. Best on a GPU.')).toEqual([
      'Dang et al. 2023 on K = 4: it collapses.',
      'Best on a GPU.',
    ]);
    expect(sentences('One sentence, e.g. This, still one.')).toEqual([
      'One sentence, e.g. This, still one.',
    ]);
  });

  it('every preset is a valid config whose summary opens with one sentence on what it shows, then at most two notes', () => {
    for (const p of PRESETS) {
      expect(parseConfig(p.config), p.id).toEqual(p.config);
      const parts = sentences(p.summary);
      // The first sentence is what the picker's line shows: a whole sentence of real content.
      expect(parts[0], p.id).toMatch(/^[A-Zλ].*[.!?]$/);
      expect(
        parts[0].split(/\s+/).length,
        `${p.id}: words in its first sentence`,
      ).toBeGreaterThanOrEqual(8);
      // Further sentences are short notes (what it needs: a file, a GPU; a caveat), never a list.
      expect(parts.length, `${p.id}: sentences`).toBeLessThanOrEqual(3);
      for (const note of parts.slice(1)) expect(note, p.id).toMatch(/^[A-Z].*[.!?]$/);
    }
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  // The quick presets must show what they say: a run reaches the closed-form global minimum.
  const quick = PRESETS.filter(
    (p) => p.group === 'Teaching' || p.group === 'Minority collapse',
  ).filter((p) => p.id !== 'tiny-check');
  it('the teaching and minority-collapse groups hold the quick presets checked below', () => {
    expect(quick.map((p) => p.id)).toEqual(
      expect.arrayContaining(['minority-collapse-m1', 'teach-etf-3d', 'teach-deep-m3']),
    );
  });
  for (const preset of quick) {
    it(`${preset.id} converges to the closed-form minimum`, async () => {
      const result = await runExperiment(preset.config, backend);
      const loss = Number(result.final!.metrics.loss);
      const theory = theoryForConfig(expectUfm(preset.config));
      if (!theory) throw new Error(`${preset.id} has no closed form`);
      const { lossMin } = theory;
      expect(result.status).toBe('completed');
      expect(Math.abs(loss - lossMin) / lossMin).toBeLessThan(1e-4);
      expect(Number(result.final!.metrics.nc1_pinv)).toBeLessThan(1e-8);
    });
  }
});
