import { describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../engine/config/resolve';
import type { ExperimentConfig } from '../engine/config/schema';

const runToEnd = vi.fn((config: ExperimentConfig) => Promise.resolve({ config }));
vi.mock('./labClient', () => ({ labClient: { runToEnd }, errorText: String }));

const { createNcLabApi } = await import('./ncLabApi');

describe('window.ncLab.run reads its input as the CLI does (resolveConfig)', () => {
  it('accepts { preset, ...overrides } like npm run experiment -- --config', async () => {
    const input = { preset: 'tiny-check', steps: 5 };
    await createNcLabApi().run(input);
    const config = runToEnd.mock.calls.at(-1)?.[0];
    expect(config).toEqual(resolveConfig(input));
    expect(config).toMatchObject({ steps: 5 });
  });

  it('reads a share query and a partial config the same way as the CLI', async () => {
    for (const input of ['?preset=tiny-check&steps=7', { hidden: 8, steps: 9 }]) {
      await createNcLabApi().run(input);
      expect(runToEnd.mock.calls.at(-1)?.[0]).toEqual(resolveConfig(input));
    }
  });

  it('rejects an unknown preset naming it, as the CLI does', async () => {
    await expect(createNcLabApi().run({ preset: 'nope' })).rejects.toThrow(
      'preset: unknown preset "nope"',
    );
  });
});
