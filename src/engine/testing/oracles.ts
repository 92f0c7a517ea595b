import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UfmInitState } from '../ufm/initState';

/**
 * The reference numbers the tests compare against, kept in the repository with their provenance
 * (test/oracles/README.md). Tests read them at run time; no expected number is pasted into code.
 */
export const ORACLE_DIR = fileURLToPath(new URL('../../../test/oracles/', import.meta.url));

export function readOracle<T>(relative: string): T {
  return JSON.parse(readFileSync(ORACLE_DIR + relative, 'utf8')) as T;
}

export const UFM_CASES = [
  'balanced_M1_nobias',
  'balanced_M3_bias',
  'imbalanced_M1',
  'imbalanced_M3',
] as const;

interface LayerMetrics {
  NC2_ETF_W: number;
  NC2_Identity_W: number;
  NC2_ETF_H: number;
  NC2_Identity_H: number;
  NC3_ETF_WH: number;
  NC3_Identity_WH: number;
  NC3_W_sub_H: number;
  NC3_W_sub_H_centered: number;
  NC1_extra: number;
}

/** The `config` block of an oracle file (the reference script's settings). */
export interface UfmOracleConfig {
  num_class_samples: number[];
  N: number;
  K: number;
  hidden: number;
  depth_linear: number;
  bias: boolean;
  weight_decay: number;
  feature_decay: number;
  lr: number;
  momentum: number;
  num_iteration: number;
  seed: number;
}

export interface UfmOracle {
  config: UfmOracleConfig;
  init: UfmInitState & { loss_at_init: number };
  trajectory: {
    step: number;
    loss_pre_step: number;
    loss_post_step: number;
    loss_terms_post_step: { mse: number; weight_decay: number; feature_decay: number };
    train_acc: number;
    spec: {
      NC1: number;
      /** W_list order: i = 0 is W_M with the features entering it; i = M−1 is the product with H. */
      per_layer: LayerMetrics[];
      gof?: {
        NC2_W_GOF: number;
        NC2_H_GOF_normalized: number;
        NC3_WH_GOF: number;
        NC3_W_sub_H_GOF_normalized: number;
        NC3_W_div_H: number;
      };
    };
    state?: { H: number[][]; fc_weights: number[][][]; fc_last_bias: number[] | null };
  }[];
  final: Record<string, unknown>;
  closed_form: Record<string, number | boolean | number[] | number[][]>;
}

export function readUfmOracle(name: (typeof UFM_CASES)[number]): UfmOracle {
  return readOracle<UfmOracle>(`ufm/ref_ufm_${name}_it5000.json`);
}
