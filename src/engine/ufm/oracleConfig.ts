import { DEFAULT_UFM_CONFIG, type UfmConfig } from '../config/schema';

/** The lab config equivalent to an oracle file's `config` block (seed 000 synthetic scripts). */
export function configFromOracle(c: {
  num_class_samples: number[];
  hidden: number;
  depth_linear: number;
  bias: boolean;
  weight_decay: number;
  feature_decay: number;
  lr: number;
  momentum: number;
  num_iteration: number;
  seed: number;
}): UfmConfig {
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
