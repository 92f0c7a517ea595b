import type { ExperimentConfig } from './schema';

/**
 * Which kind of study a config is, decided once here for the panels, the guides and the
 * sessions. Memorization–dilation (Nguyen et al. 2023) is measured for seed 002's model (η = 0
 * too: the sweep's baseline) and for any run whose labels are made noisy.
 */
export function measuresMemorization(config: ExperimentConfig): boolean {
  return (
    config.experiment === 'net' &&
    (config.model === 'mlp-md' || config.labelNoise > 0 || config.fourClass)
  );
}

/** A label-noise experiment: it measures memorization–dilation, or pairs two losses. */
export function isNoiseExperiment(config: ExperimentConfig): boolean {
  return (
    measuresMemorization(config) || (config.experiment === 'net' && config.pairWith !== 'none')
  );
}
