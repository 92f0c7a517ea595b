import type { ReportKey } from './reportKeys';
import type { RunShape } from '../session/types';

/**
 * Which NC2/NC3 target a config converges to (seed000 §C.4–C.5): with a bias the simplex ETF;
 * without, balanced → orthogonal frame; imbalanced → general orthogonal frame (GOF). This only
 * picks which engine metric keys to show first; every value comes from the engine.
 */
export type TargetKind = 'etf' | 'identity' | 'gof';

export const TARGET_LABEL: Record<TargetKind, string> = {
  etf: 'simplex ETF',
  identity: 'orthogonal frame',
  gof: 'general orthogonal frame',
};

interface TargetKeySet {
  nc2W: ReportKey;
  nc2H: ReportKey;
  nc3WH: ReportKey;
  nc3Dual: ReportKey;
}

export interface TargetKeys extends TargetKeySet {
  /** Per-layer versions (deep_*), null where the engine has none (GOF). */
  deep: TargetKeySet | null;
}

export const TARGET_KEYS: Record<TargetKind, TargetKeys> = {
  etf: {
    nc2W: 'nc2_etf_error_weights',
    nc2H: 'nc2_etf_error_means',
    nc3WH: 'nc3_wh_etf_error',
    nc3Dual: 'nc3_w_sub_h_centred',
    deep: {
      nc2W: 'deep_nc2_etf_error_weights',
      nc2H: 'deep_nc2_etf_error_means',
      nc3WH: 'deep_nc3_wh_etf_error',
      nc3Dual: 'deep_nc3_w_sub_h_centred',
    },
  },
  identity: {
    nc2W: 'nc2_identity_error_weights',
    nc2H: 'nc2_identity_error_means',
    nc3WH: 'nc3_wh_identity_error',
    nc3Dual: 'nc3_w_sub_h_uncentred',
    deep: {
      nc2W: 'deep_nc2_identity_error_weights',
      nc2H: 'deep_nc2_identity_error_means',
      nc3WH: 'deep_nc3_wh_identity_error',
      nc3Dual: 'deep_nc3_w_sub_h_uncentred',
    },
  },
  gof: {
    nc2W: 'gof_nc2_w',
    nc2H: 'gof_nc2_h',
    nc3WH: 'gof_nc3_wh',
    nc3Dual: 'gof_nc3_w_sub_h',
    deep: null,
  },
};

export function isBalanced(config: Pick<RunShape, 'classSizes'>): boolean {
  return config.classSizes.every((n) => n === config.classSizes[0]);
}

type TargetShape = Pick<RunShape, 'bias' | 'classSizes' | 'crossEntropy'>;

export function rightTarget(config: TargetShape): TargetKind {
  if (config.bias || config.crossEntropy) return 'etf';
  return isBalanced(config) ? 'identity' : 'gof';
}

export function targetReason(config: TargetShape): string {
  if (config.crossEntropy) return 'cross-entropy: a simplex ETF, with or without a bias';
  if (config.bias) return 'with a bias the optimum is a simplex ETF';
  return isBalanced(config)
    ? 'bias-free and balanced: an orthogonal frame'
    : 'bias-free and imbalanced: a general orthogonal frame (lengths depend on n_k)';
}
