import { DEFAULT_UFM_CONFIG, type UfmConfig } from '../config/schema';
import type { UfmOracleConfig } from './oracles';

/** The lab config equivalent to an oracle file's `config` block (seed 000 synthetic scripts). */
export function configFromOracle(c: UfmOracleConfig): UfmConfig {
  return {
    ...DEFAULT_UFM_CONFIG,
    classSizes: c.num_class_samples,
    hidden: c.hidden,
    depth: c.depth_linear,
    bias: c.bias,
    lambdaW: c.weight_decay,
    lambdaH: c.feature_decay,
    optimizer: 'sgd',
    lr: c.lr,
    momentum: c.momentum,
    steps: c.num_iteration,
    seed: c.seed,
  };
}
