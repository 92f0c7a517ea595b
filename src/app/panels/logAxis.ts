/** The lab's log axes (Plotly layout), for every figure with a log scale. */
import { trailingZerosFrom } from '../format';
import type { Layout } from '../plotly';

/** Log axes with few, plain labels (0.05, 0.1, 1e-6) instead of every 2 and 5. */
export const LOG_AXIS = { type: 'log', tickformat: '~g', nticks: 5 } as const;

/** The narrowest log axis drawn, in decades (a factor of 2). */
export const MIN_LOG_DECADES = 0.3;

/**
 * Below this the plain labels grow past the figure's left margin ("0.000001", clipped to
 * ".000001"), so the axis switches to exponents.
 */
export const SMALLEST_PLAIN_LABEL = 1e-4;

/**
 * A log axis for these values: 1-2-5 labels over up to two decades (nine labels over three
 * crowded the NC panel's small figures), decades only beyond. A nearly
 * flat series (NC2 of two classes, a converged run) gets at least MIN_LOG_DECADES around it:
 * Plotly put its ticks a few parts in a million apart, every label the same "0.0123739". Values
 * under SMALLEST_PLAIN_LABEL get short labels: decades as powers of ten (10⁻⁶), 1-2-5 ticks and
 * narrow axes as 2e-6.
 */
export function logAxis(
  values: readonly (number | null | undefined)[],
  /** At most this many labels (a short figure: labels 14 px high overlapped, "35 30"). */
  maxTicks?: number,
): Record<string, unknown> {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (typeof v === 'number' && v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const decades = hi > 0 ? Math.log10(hi / lo) : 0;
  const mid = hi > 0 ? (Math.log10(lo) + Math.log10(hi)) / 2 : 0;
  // Plotly's own choice for 2–3 decades is 1-2-5 again (nine labels): every decade is asked for
  // up to five decades; beyond, Plotly spaces the decades itself.
  // A short figure: 1-2-5 labels over one decade at most, decades beyond.
  const d2Max = maxTicks !== undefined && maxTicks < 7 ? 1 : 2;
  const dtick =
    decades > 0.6 && decades <= d2Max ? 'D2' : decades > d2Max && decades <= 5 ? 1 : undefined;
  const axis: Record<string, unknown> = { ...LOG_AXIS, dtick };
  if (hi > 0 && lo < SMALLEST_PLAIN_LABEL) {
    // Plotly's powers of ten draw only decade ticks well: 1-2-5 ticks and narrow axes get '~e'
    if (dtick !== 'D2' && decades >= 1)
      Object.assign(axis, { tickformat: undefined, exponentformat: 'power' });
    else axis.tickformat = '~e';
  }
  const narrow = hi > 0 && decades < MIN_LOG_DECADES;
  // a log axis's range is in decades
  const range = narrow ? [mid - MIN_LOG_DECADES / 2, mid + MIN_LOG_DECADES / 2] : null;
  if (maxTicks !== undefined && hi > 0 && dtick === undefined && decades <= 0.6) {
    // Under a decade Plotly labels the axis linearly, about twice nticks labels (0.35 to 0.65
    // by 0.05): a linear step that leaves at most maxTicks.
    const [a, b] = range ? range.map((r) => 10 ** r) : [lo, hi];
    Object.assign(axis, { tick0: 0, dtick: `L${linearStep((b - a) * 1.1, maxTicks)}` });
  }
  return range ? { ...axis, range } : axis;
}

/** The smallest 1-2-5 step that puts at most `ticks` labels on a span (of at least 1e-12). */
export function linearStep(span: number, ticks: number): number {
  const rough = Math.max(span, 1e-12) / Math.max(1, ticks - 1);
  const decade = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * decade).find((s) => s >= rough) ?? 10 * decade;
  // 0.1 + 0.2 style float noise would print as 0.30000000000000004
  return Number(step.toPrecision(3));
}

/**
 * Says where curves end in exact zeros, which a log axis cannot draw (`lines`: one per curve,
 * "= 0 from step 600"): in the bottom right corner of the figure or of subplot `subplot` ("2"
 * for x2/y2), where the curves would have gone on.
 */
export function zeroNote(lines: string[], subplot = ''): Partial<Layout['annotations'][number]> {
  return {
    text: lines.join('<br>'),
    hovertext: 'Exactly 0 from there on: a log axis cannot draw 0.',
    xref: `x${subplot} domain` as 'paper',
    yref: `y${subplot} domain` as 'paper',
    x: 1,
    y: 0,
    xanchor: 'right',
    yanchor: 'bottom',
    align: 'right',
    showarrow: false,
    font: { size: 9, color: '#5f6b7a' },
  };
}

/** A zero note names at most this many curves (the rest as "and n more"). */
const ZERO_NOTE_LINES = 4;

/**
 * The lines of a zero note for the curves that end in exact zeros: "label: = 0 from step 600",
 * `at` writing the x where the zeros start.
 */
export function zeroLines(
  curves: readonly { label: string; x: readonly number[]; y: readonly (number | null)[] }[],
  at: (x: number) => string,
): string[] {
  const out: string[] = [];
  for (const curve of curves) {
    const from = trailingZerosFrom(curve.y);
    if (from !== null) out.push(`${curve.label}: = 0 from ${at(curve.x[from])}`);
  }
  return out.length > ZERO_NOTE_LINES
    ? [...out.slice(0, ZERO_NOTE_LINES - 1), `and ${out.length - ZERO_NOTE_LINES + 1} more`]
    : out;
}
