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
export function logAxis(values: readonly (number | null | undefined)[]): Record<string, unknown> {
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
  const dtick = decades > 0.6 && decades <= 2 ? 'D2' : decades > 2 && decades <= 5 ? 1 : undefined;
  const axis: Record<string, unknown> = { ...LOG_AXIS, dtick };
  if (hi > 0 && lo < SMALLEST_PLAIN_LABEL) {
    // Plotly's powers of ten draw only decade ticks well: 1-2-5 ticks and narrow axes get '~e'
    if (dtick !== 'D2' && decades >= 1)
      Object.assign(axis, { tickformat: undefined, exponentformat: 'power' });
    else axis.tickformat = '~e';
  }
  if (!(hi > 0 && decades < MIN_LOG_DECADES)) return axis;
  // a log axis's range is in decades
  return { ...axis, range: [mid - MIN_LOG_DECADES / 2, mid + MIN_LOG_DECADES / 2] };
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
