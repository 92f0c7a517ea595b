import { describe, expect, it } from 'vitest';
import { theoryGrams } from './geometry';

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
