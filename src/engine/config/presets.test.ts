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

describe('presets', () => {
  it('every preset is a valid config with a one-sentence summary', () => {
    for (const p of PRESETS) {
      expect(parseConfig(p.config), p.id).toEqual(p.config);
      expect(p.summary.length, p.id).toBeGreaterThan(40);
    }
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  // The quick presets must show what they say: a run reaches the closed-form global minimum.
  const quick = PRESETS.filter(
    (p) => p.group === 'Teaching' || p.group === 'Minority collapse',
  ).filter((p) => p.id !== 'tiny-check');
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
