/**
 * Bilinear resize of 8-bit images exactly as Pillow's `Image.resize(size, BILINEAR)` (what
 * torchvision's `Resize` does on a PIL image, e.g. MNIST 28 → 32): Pillow's triangle filter with
 * support 1·max(scale, 1), coefficients normalised per output pixel and rounded to 22-bit fixed
 * point, a horizontal pass rounded to uint8, then a vertical pass (src/libImaging/Resample.c).
 * For upscaling this is half-pixel-centre bilinear (align_corners = false) up to those roundings.
 */
const PRECISION_BITS = 22;

export interface ResampleAxis {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of taps per output index. */
  taps: Int32Array;
  /** Fixed-point coefficients, `ksize` per output index. */
  coeffs: Int32Array;
  ksize: number;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter. */
export function bilinearAxis(inSize: number, outSize: number): ResampleAxis {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const taps = new Int32Array(outSize);
  const coeffs = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      k[x] = t < 1 ? 1 - t : 0;
      ww += k[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      coeffs[xx * ksize + x] =
        w < 0
          ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS))
          : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    taps[xx] = xmax;
  }
  return { start, taps, coeffs, ksize };
}

function clip8(ss: number): number {
  const v = Math.floor(ss / (1 << PRECISION_BITS));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

export interface Resizer {
  outH: number;
  outW: number;
  /**
   * Resizes channel `c` of an HWC image with `channels` channels (at `src[offset]`) into `dst`
   * (outH·outW bytes, row-major).
   */
  resizeChannel(
    src: Uint8Array,
    offset: number,
    channels: number,
    c: number,
    dst: Uint8Array,
  ): void;
}

export function createResizer(inH: number, inW: number, outH: number, outW: number): Resizer {
  const hx = bilinearAxis(inW, outW);
  const vy = bilinearAxis(inH, outH);
  const tmp = new Uint8Array(inH * outW);
  const half = 1 << (PRECISION_BITS - 1);
  return {
    outH,
    outW,
    resizeChannel(src, offset, channels, c, dst) {
      // Horizontal pass over every source row (Pillow limits it to the rows the vertical pass
      // reads, which for these sizes is all of them).
      for (let y = 0; y < inH; y++) {
        const row = offset + y * inW * channels + c;
        for (let xx = 0; xx < outW; xx++) {
          const k = xx * hx.ksize;
          const s0 = hx.start[xx];
          let ss = half;
          for (let x = 0; x < hx.taps[xx]; x++)
            ss += src[row + (s0 + x) * channels] * hx.coeffs[k + x];
          tmp[y * outW + xx] = clip8(ss);
        }
      }
      for (let yy = 0; yy < outH; yy++) {
        const k = yy * vy.ksize;
        const s0 = vy.start[yy];
        for (let xx = 0; xx < outW; xx++) {
          let ss = half;
          for (let y = 0; y < vy.taps[yy]; y++) ss += tmp[(s0 + y) * outW + xx] * vy.coeffs[k + y];
          dst[yy * outW + xx] = clip8(ss);
        }
      }
    },
  };
}
