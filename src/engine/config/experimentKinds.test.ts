import { describe, expect, it } from 'vitest';
import { isNoiseExperiment, measuresMemorization } from './experimentKinds';
import { DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG, type NetConfig } from './schema';

const net = (over: Partial<NetConfig>): NetConfig => ({ ...DEFAULT_NET_CONFIG, ...over });

describe('experiment kinds', () => {
  it('a clean MLP run and any UFM are neither measured for MD nor a noise experiment', () => {
    for (const c of [DEFAULT_NET_CONFIG, DEFAULT_UFM_CONFIG]) {
      expect([measuresMemorization(c), isNoiseExperiment(c)]).toEqual([false, false]);
    }
  });

  it('seed 002’s model, label noise and the four-class construction measure MD', () => {
    for (const c of [
      net({ model: 'mlp-md' }),
      net({ labelNoise: 0.2 }),
      net({ fourClass: true }),
    ]) {
      expect([measuresMemorization(c), isNoiseExperiment(c)]).toEqual([true, true]);
    }
  });

  it('a clean paired run is a noise experiment (two losses compared) without MD measures', () => {
    const c = net({ pairWith: 'ls' });
    expect([measuresMemorization(c), isNoiseExperiment(c)]).toEqual([false, true]);
  });
});
