/** Display helpers only: formatting and reading values the engine computed. */
import type { ReportKey } from '../engine/metrics/reportKeys';
import type { MetricsRecord } from '../engine/session/types';

export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1000 && a < 1e6) return Math.round(value).toLocaleString('en-US');
  if (a >= 1e6 || a < 1e-3) return value.toExponential(digits - 1);
  return value
    .toPrecision(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

export function fmtInt(value: number): string {
  return value.toLocaleString('en-US');
}

/** A scalar metric, or null (undefined for this state, or not reported). */
export function scalar(metrics: MetricsRecord | undefined, key: ReportKey): number | null {
  const v = metrics?.[key];
  return typeof v === 'number' ? v : null;
}

/** Entry l of a per-layer metric array, or null. */
export function layerValue(
  metrics: MetricsRecord | undefined,
  key: ReportKey,
  l: number,
): number | null {
  const v = metrics?.[key];
  if (!Array.isArray(v)) return null;
  const x: unknown = v[l];
  return typeof x === 'number' ? x : null;
}

/**
 * Where a series ends in exact zeros (a metric collapsed below float32's precision, as NC1 of a
 * converged tetrahedron): the index its trailing zeros start at, else null. A log axis leaves
 * them out, so a figure says so rather than show a curve that seems to stop.
 */
export function trailingZerosFrom(values: readonly (number | null)[]): number | null {
  let i = values.length;
  while (i > 0 && values[i - 1] === 0) i--;
  return i < values.length ? i : null;
}

/** Log axes cannot show 0 or negative numbers: such values become gaps (not fake points). */
export function forLog(v: number | null): number | null {
  return v !== null && v > 0 && Number.isFinite(v) ? v : null;
}

export const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

export function classColor(k: number): string {
  return CLASS_COLORS[k % CLASS_COLORS.length];
}

/** Depth l = 0 (H, dark) … M−1 (light), a viridis-like ramp. */
export function depthColor(l: number, M: number): string {
  const ramp = ['#440154', '#3b528b', '#21918c', '#5ec962', '#b5de2b', '#fde725'];
  if (M <= 1) return ramp[0];
  const x = (l / (M - 1)) * (ramp.length - 1);
  return ramp[Math.round(x)];
}

export function dateStamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** 1536 → "1.5 kB", 3.2e9 → "3.2 GB" (decimal units). */
export function fmtBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}
