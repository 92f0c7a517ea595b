// A report's memorization–dilation keys come from one library pass over the training rows
// (measureMdForReport) and must equal, bit for bit, what flattening the full measureMd gives:
// the blocks it skips (NC1–NC4 again, the fitted rows, the test class statistics) were discarded.
import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng';
import type { MdLibraryPass } from './measures';
import { measureMd } from './measures';
import { flatten, measureNetMd, toMdInput, type NetMdInput, type NetMdSplit } from './netMd';

interface Spec {
  K: number;
  dim: number;
  perClass: number;
  /** share of training rows whose observed label is moved to another class */
  noise: number;
  val: boolean;
  test: boolean;
  bias: boolean;
  latentOf?: number;
}

/** Gaussian clusters around random class means, with seeded label noise. */
function split(rng: ReturnType<typeof createRng>, spec: Spec, noise: number): NetMdSplit {
  const { dim, perClass } = spec;
  const classes = spec.latentOf ?? spec.K;
  const centre = Array.from({ length: classes }, (_, c) =>
    Array.from({ length: dim }, (_, j) => (j === c % dim ? 4 : 0) + c),
  );
  const n = classes * perClass;
  const features = new Float32Array(n * dim);
  const originalLabels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const labels = Int32Array.from(originalLabels, (c) => {
    if (rng.uniform() >= noise) return c;
    // the four-class problem moves a sample to its latent copy; otherwise to another class
    return spec.latentOf
      ? c + spec.latentOf
      : (c + 1 + Math.floor(rng.uniform() * (spec.K - 1))) % spec.K;
  });
  originalLabels.forEach((c, i) => {
    for (let j = 0; j < dim; j++) features[i * dim + j] = centre[c][j] + rng.normal(0, 1);
  });
  return { features, labels, originalLabels };
}

function netMdInput(seed: string, spec: Spec): NetMdInput {
  const rng = createRng(seed);
  const { K, dim } = spec;
  const test = spec.test ? split(rng, spec, 0) : null;
  return {
    K,
    dim,
    train: split(rng, spec, spec.noise),
    val: spec.val ? split(rng, spec, spec.noise) : null,
    test: test && { ...test, labels: test.originalLabels },
    W: Array.from({ length: K }, () => Array.from({ length: dim }, () => rng.normal(0, 1))),
    b: spec.bias ? Array.from({ length: K }, () => rng.normal(0, 0.5)) : null,
    latentOf: spec.latentOf,
  };
}

const CASES: [string, Spec][] = [
  [
    'noisy K = 2, p = 2, held-out rows and test (seed 002)',
    { K: 2, dim: 2, perClass: 60, noise: 0.2, val: true, test: true, bias: true },
  ],
  [
    'noisy K = 5, p = 8, no held-out rows, no bias',
    { K: 5, dim: 8, perClass: 30, noise: 0.3, val: false, test: true, bias: false },
  ],
  [
    'clean labels (class statistics stand in for the clean ones), no test',
    { K: 3, dim: 4, perClass: 20, noise: 0, val: true, test: false, bias: true },
  ],
  [
    'four-class problem, held-out rows and test',
    { K: 4, dim: 4, perClass: 40, noise: 0.5, val: true, test: true, bias: true, latentOf: 2 },
  ],
  [
    'every sample of a class corrupted (no clean mean): reasons, not numbers',
    { K: 3, dim: 3, perClass: 10, noise: 1, val: false, test: true, bias: true },
  ],
];

describe('measureNetMd: one library pass, the numbers of the full measureMd', () => {
  it.each(CASES)('%s', async (name, spec) => {
    const input = netMdInput(name, spec);
    const lean: MdLibraryPass[] = [];
    const full: MdLibraryPass[] = [];
    const got = await measureNetMd({ ...input, onLibraryPass: (p) => lean.push(p) });
    const want = flatten(
      await measureMd(toMdInput({ ...input, onLibraryPass: (p) => full.push(p) })),
    );
    expect(got).toEqual(want);
    const rows = spec.perClass * (spec.latentOf ?? spec.K) * (spec.val ? 2 : 1);
    expect(lean).toEqual([{ block: 'train', rows }]);
    // what the report used to compute besides, and discard
    expect(full.length).toBe(1 + (spec.test ? 1 : 0) + (spec.val ? 1 : 0));
  });

  it('the compared reports hold measured numbers, not only undefined keys', async () => {
    const [name, spec] = CASES[0];
    const { values, reasons } = await measureNetMd(netMdInput(name, spec));
    expect(values.md_memorization_avg).toBeGreaterThan(0);
    expect(values.md_dilation_avg).toBeGreaterThan(0);
    expect(values.md_acc_noisy_val).toBeGreaterThan(0);
    expect(values.md_test_ece15).toBeGreaterThanOrEqual(0);
    expect(reasons).toEqual({});
    const [allName, allSpec] = CASES[4];
    const none = await measureNetMd(netMdInput(allName, allSpec));
    expect(none.values.md_memorization).toBeNull();
    expect(none.reasons.md_memorization).toMatch(/clean|class/);
  });
});
