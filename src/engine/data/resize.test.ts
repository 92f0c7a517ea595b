import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng';
import { bilinearAxis, createResizer } from './resize';

function resize(img: number[], inH: number, inW: number, outH: number, outW: number): number[] {
  const out = new Uint8Array(outH * outW);
  createResizer(inH, inW, outH, outW).resizeChannel(Uint8Array.from(img), 0, 1, 0, out);
  return Array.from(out);
}

describe('Pillow bilinear resize', () => {
  it('upscales 2×2 → 4×4 with the half-pixel weights ¾/¼, each pass rounded to a byte', () => {
    // Rows: [0, 100] → [0, 25, 75, 100]; [200, 40] → [200, 160, 80, 40] (25.5 rounds down: the
    // +½ is part of Pillow's fixed point, the value is exactly 25 + ½ → floor). Columns likewise.
    expect(resize([0, 100, 200, 40], 2, 2, 4, 4)).toEqual([
      0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40,
    ]);
  });

  it('widens the filter when downscaling (support 2 for a factor 2): weights 3/7, 3/7, 1/7', () => {
    const axis = bilinearAxis(4, 2);
    expect(Array.from(axis.start)).toEqual([0, 1]);
    expect(Array.from(axis.taps)).toEqual([3, 3]);
    expect(resize([0, 70, 140, 210], 1, 4, 1, 2)).toEqual([50, 160]);
  });

  it('leaves a same-size image and a constant image unchanged', () => {
    const rng = createRng(3);
    const img = Array.from({ length: 28 * 28 }, () => Math.floor(rng.uniform() * 256));
    expect(resize(img, 28, 28, 28, 28)).toEqual(img);
    expect(new Set(resize(new Array(28 * 28).fill(77), 28, 28, 32, 32))).toEqual(new Set([77]));
  });

  it('28 → 32 is within one byte of float bilinear with half-pixel centres (align_corners = false)', () => {
    const rng = createRng(5);
    const img = Array.from({ length: 28 * 28 }, () => Math.floor(rng.uniform() * 256));
    const got = resize(img, 28, 28, 32, 32);
    const s = 28 / 32;
    const at = (y: number, x: number) =>
      img[Math.min(27, Math.max(0, y)) * 28 + Math.min(27, Math.max(0, x))];
    let maxDiff = 0;
    let exact = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const sy = (y + 0.5) * s - 0.5;
        const sx = (x + 0.5) * s - 0.5;
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const fy = sy - y0;
        const fx = sx - x0;
        const v =
          (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
          fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
        const d = Math.abs(got[y * 32 + x] - v);
        maxDiff = Math.max(maxDiff, d);
        if (Math.round(v) === got[y * 32 + x]) exact++;
      }
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(exact / 1024).toBeGreaterThan(0.8);
  });
});
