import { describe, expect, it } from 'vitest';
import { theoryGrams, ufmGeometry } from './geometry';

describe('theoryGrams: the closed form on the measured Grams’ scale', () => {
  it('divides W Wᵀ and H̄ H̄ᵀ by their Frobenius norms', () => {
    const { gramW, gramH } = theoryGrams({
      WWt: [
        [3, 0],
        [0, 4],
      ],
      classMeanGram: [
        [2, -2],
        [-2, 2],
      ],
    });
    const rounded = (A: number[][]) => A.flat().map((v) => Number(v.toFixed(12)));
    expect(rounded(gramW)).toEqual([0.6, 0, 0, 0.8]);
    expect(rounded(gramH)).toEqual([0.5, -0.5, -0.5, 0.5]);
  });

  it('leaves a zero matrix as it is (no division by zero)', () => {
    const zero = [
      [0, 0],
      [0, 0],
    ];
    expect(theoryGrams({ WWt: zero, classMeanGram: zero })).toEqual({ gramW: zero, gramH: zero });
  });
});

describe("the 3-D view's samples", () => {
  const W = [
    [1, 0],
    [0, 1],
  ];
  // class means (2, 0) and (0, 0) of 1 and 3 samples: global mean (0.5, 0)
  const classMeans = [
    [2, 0],
    [0, 0],
  ];
  const samples = { values: [2, 0, 0, 1], dim: 2, labels: [0, 1] };

  it('are centred by the global mean as the means are (with a bias), padded to three axes', () => {
    const { view3d } = ufmGeometry(classMeans, [1, 3], W, [0, 0], null, samples).geometry;
    expect(view3d.means).toEqual([
      [1.5, 0, 0],
      [-0.5, 0, 0],
    ]);
    expect(view3d.samples).toEqual({
      points: [
        [1.5, 0, 0],
        [-0.5, 1, 0],
      ],
      labels: [0, 1],
    });
    // without a bias nothing is centred; without samples there are none
    const plain = ufmGeometry(classMeans, [1, 3], W, null, null, samples).geometry.view3d;
    expect(plain.samples?.points).toEqual([
      [2, 0, 0],
      [0, 1, 0],
    ]);
    expect(ufmGeometry(classMeans, [1, 3], W, null, null).geometry.view3d.samples).toBeUndefined();
  });

  it("go through the means' principal axes when d > 3", () => {
    const means = [
      [1, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 3, 0],
    ];
    const rows = { values: [0, 0, 3, 0, 1, 1, 1, 5], dim: 4, labels: [2, 0] };
    const { view3d } = ufmGeometry(means, [1, 1, 1], means, null, null, rows).geometry;
    expect(view3d.basis).toBe('pca');
    // a sample at a mean lands on that mean; the 4th coordinate (no mean spans it) is dropped
    view3d.samples?.points[0].forEach((v, a) => expect(v).toBeCloseTo(view3d.means[2][a], 12));
    expect(Math.hypot(...(view3d.samples?.points[1] ?? []))).toBeCloseTo(Math.sqrt(3), 12);
    expect(view3d.samples?.labels).toEqual([2, 0]);
  });
});
