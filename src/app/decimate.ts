/**
 * Min/max decimation of a series for drawing: the first and the last point, and in each of
 * ⌊(maxPoints − 2)/2⌋ equal index buckets between them the lowest and the highest value (in
 * their order), so spikes and dips survive however long the run. Nulls (undefined values) are
 * skipped, but a bucket of nulls keeps one, so the gap still shows. The data itself is untouched.
 */
export function minMaxIndices(y: ArrayLike<number | null>, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 4)
    throw new Error(`minMaxIndices: maxPoints must be a whole number ≥ 4 (got ${maxPoints})`);
  const n = y.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor((maxPoints - 2) / 2);
  const out = [0];
  const inner = n - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = -1;
    let hi = -1;
    let firstNull = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (v === null || !Number.isFinite(v)) {
        if (firstNull < 0) firstNull = i;
        continue;
      }
      if (lo < 0 || v < (y[lo] as number)) lo = i;
      if (hi < 0 || v > (y[hi] as number)) hi = i;
    }
    if (lo < 0) {
      if (firstNull >= 0) out.push(firstNull);
    } else if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

/** The points of (x, y) that minMaxIndices keeps. */
export function decimateSeries<X>(
  x: readonly X[],
  y: readonly (number | null)[],
  maxPoints: number,
): { x: X[]; y: (number | null)[] } {
  if (x.length !== y.length)
    throw new Error(`decimateSeries: x has ${x.length} points but y has ${y.length}`);
  const keep = minMaxIndices(y, maxPoints);
  return { x: keep.map((i) => x[i]), y: keep.map((i) => y[i]) };
}

/** Points per trace that the live charts draw (the history keeps every report it holds). */
export const DRAW_POINTS = 1500;
