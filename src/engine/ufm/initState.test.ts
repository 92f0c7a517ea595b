import { describe, expect, it } from 'vitest';
import { DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG, type UfmConfig } from '../config/schema';
import { configForState, type UfmInitState } from './initState';

/** K = 3 with n = (1, 2, 3), d = 4, M = 2 layers (4×4 then 3×4), no bias. */
const state: UfmInitState = {
  H: Array.from({ length: 6 }, (_, i) => [i, 0, 0, 1]),
  fc_weights: [
    Array.from({ length: 4 }, () => [1, 0, 0, 0]),
    Array.from({ length: 3 }, () => [0, 1, 0, 0]),
  ],
  fc_last_bias: null,
  targets: [2, 1, 0, 2, 1, 2],
};

describe('configForState: the config a saved state file runs under', () => {
  it('reads K, n_k, d, M and the bias off the shapes when the file has no config', () => {
    const current: UfmConfig = { ...DEFAULT_UFM_CONFIG, lr: 0.05, seed: 7 };
    const config = configForState(state, undefined, current);
    expect(config).toEqual({
      ...current,
      classSizes: [1, 2, 3],
      hidden: 4,
      depth: 2,
      bias: false,
    });
  });

  it('takes a bias from fc_last_bias, and the UFM defaults when the form holds a network', () => {
    const withBias = { ...state, fc_last_bias: [0.1, 0.2, 0.3] };
    expect(configForState(withBias, undefined, DEFAULT_NET_CONFIG)).toEqual({
      ...DEFAULT_UFM_CONFIG,
      classSizes: [1, 2, 3],
      hidden: 4,
      depth: 2,
      bias: true,
    });
  });

  it('uses the config NC Lab saved beside the state, and names a bad field in it', () => {
    const saved = { ...DEFAULT_UFM_CONFIG, classSizes: [1, 2, 3], hidden: 4, depth: 2, lr: 0.3 };
    expect(configForState(state, saved, DEFAULT_UFM_CONFIG)).toEqual(saved);
    expect(() => configForState(state, { ...saved, lr: -1 }, DEFAULT_UFM_CONFIG)).toThrow(/lr/);
  });
});
