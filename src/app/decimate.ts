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

/** A plotted trace as decimateTraces sees it: per-point arrays beside x and y. */
type Trace = Record<string, unknown> & { type?: string; x?: unknown; y?: unknown };

/** Per-point arrays a trace may carry besides x and y, kept in step with them. */
const POINT_KEYS = ['text', 'hovertext', 'customdata', 'ids'] as const;
const MARKER_POINT_KEYS = ['color', 'size', 'symbol'] as const;

/**
 * Every 2-D line trace of a figure cut to min/max pairs of `columns` buckets (`columns` = the
 * plot's width in pixels: two points a pixel column keep each column's extent, which is all a
 * line can show there). Spikes survive; per-point arrays (text, marker colours…) follow x and y;
 * other traces, and traces already that short, are returned as they are.
 */
export function decimateTraces<T>(data: readonly T[], columns: number): T[] {
  if (!Number.isInteger(columns) || columns < 2)
    throw new Error(`decimateTraces: columns must be a whole number ≥ 2 (got ${columns})`);
  const maxPoints = 2 * columns + 2;
  return data.map((d) => {
    const trace = d as Trace;
    const { x, y } = trace;
    if ((trace.type ?? 'scatter') !== 'scatter' || !Array.isArray(x) || !Array.isArray(y)) return d;
    const n = y.length;
    if (n <= maxPoints || x.length !== n) return d;
    const keep = minMaxIndices(y as (number | null)[], maxPoints);
    const pick = (a: unknown) =>
      Array.isArray(a) && a.length === n ? keep.map((i) => a[i] as unknown) : a;
    const out: Trace = { ...trace, x: pick(x), y: pick(y) };
    for (const k of POINT_KEYS) if (k in trace) out[k] = pick(trace[k]);
    const marker = trace.marker as Record<string, unknown> | undefined;
    if (marker && MARKER_POINT_KEYS.some((k) => Array.isArray(marker[k]))) {
      const m: Record<string, unknown> = { ...marker };
      for (const k of MARKER_POINT_KEYS) if (k in marker) m[k] = pick(marker[k]);
      out.marker = m;
    }
    return out as T;
  });
}
