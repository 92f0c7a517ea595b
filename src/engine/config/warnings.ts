// Warnings for configs that are valid but degenerate: the run will work, but will not show what a
// user probably expects. Each says what will happen. Shown under the form and printed by the CLI.
import type { ExperimentConfig, NetConfig, UfmConfig } from './schema';

export interface ConfigWarning {
  /** the field to change (as in the form) */
  field: string;
  message: string;
}

const DATASET_CLASSES: Record<Exclude<NetConfig['dataset'], 'gaussian'>, number> = {
  mnist: 10,
  'fashion-mnist': 10,
  cifar10: 10,
  cifar100: 100,
  svhn: 10,
};

export function configWarnings(config: ExperimentConfig): ConfigWarning[] {
  return config.experiment === 'ufm' ? ufmWarnings(config) : netWarnings(config);
}

/** Collapse geometry needs room: a simplex of K points spans K − 1 dimensions, an orthogonal frame K. */
function dimensionWarning(
  field: string,
  d: number,
  K: number,
  bias: boolean,
  what: string,
): ConfigWarning | null {
  const need = bias ? K - 1 : K;
  if (d >= need) return null;
  const frame = bias ? 'a simplex ETF' : 'an orthogonal frame';
  return {
    field,
    message: `${what} d = ${d} is below ${bias ? 'K − 1' : 'K'} = ${need}: the ${K} class means cannot form ${frame} in ${d} dimension${d === 1 ? '' : 's'}, so the NC2 and NC3 errors will not reach 0.`,
  };
}

function ufmWarnings(c: UfmConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const K = c.classSizes.length;
  // Cross-entropy collapses to a simplex ETF with or without a bias (K − 1 dimensions suffice).
  const simplex = c.bias || c.loss === 'ce';
  const dim = dimensionWarning('hidden', c.hidden, K, simplex, 'Hidden dimension');
  if (dim) out.push(dim);
  const single = c.classSizes.flatMap((n, k) => (n === 1 ? [k] : []));
  if (single.length) {
    out.push({
      field: 'classSizes',
      message: `${single.length === 1 ? `Class ${single[0]} has` : `Classes ${single.join(', ')} have`} a single sample: its within-class variability is 0 from the first step, so NC1 cannot show it collapsing.`,
    });
  }
  if (c.reportEvery >= c.steps) {
    out.push({
      field: 'reportEvery',
      message: `Reporting every ${c.reportEvery} steps in a run of ${c.steps}: the charts will show only the start and the end.`,
    });
  }
  return out;
}

function netWarnings(c: NetConfig): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const source = c.dataset === 'gaussian' ? c.gaussClasses : DATASET_CLASSES[c.dataset];
  const K0 = c.classes.length || source;
  const K = c.fourClass ? 2 * K0 : K0;
  // mlp-md's penultimate layer has K features; the others' width is the feature dimension.
  if (c.model !== 'mlp-md') {
    const dim = dimensionWarning('width', c.width, K, c.bias, 'Feature width');
    if (dim) out.push(dim);
  }
  if (c.perClass.some((n) => n === 1)) {
    out.push({
      field: 'perClass',
      message:
        c.perClass.length === 1
          ? 'One training sample a class: every class is collapsed from the start, so NC1 has nothing to show.'
          : 'A class with a single training sample is collapsed from the start: NC1 cannot show it collapsing.',
    });
  }
  if (c.measureSamples > 0 && c.measureSamples < K) {
    out.push({
      field: 'measureSamples',
      message: `Measuring ${c.measureSamples} sample${c.measureSamples === 1 ? '' : 's'} a split for ${K} classes: some classes will have no measured sample, and the metrics that need every class will be undefined.`,
    });
  }
  if (c.labelNoise === 1) {
    out.push({
      field: 'labelNoise',
      message:
        'Label noise 1: every training label is redrawn at random, so there is nothing to learn but memorisation.',
    });
  }
  if (c.fourClass && (c.fourClassNoise === 0 || c.fourClassNoise === 1)) {
    out.push({
      field: 'fourClassNoise',
      message:
        c.fourClassNoise === 0
          ? 'Latent fraction 0: no sample moves to the latent classes 2 and 3, so they stay empty and memorization is undefined.'
          : 'Latent fraction 1: every sample moves to a latent class, so classes 0 and 1 have no clean samples and memorization and dilation are undefined.',
    });
  }
  if (c.measureEvery > c.epochs) {
    out.push({
      field: 'measureEvery',
      message: `Measuring every ${c.measureEvery} epochs in a run of ${c.epochs}: the charts will show only the start and the end.`,
    });
  }
  return out;
}
