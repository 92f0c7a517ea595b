// Where the metric families write their results: a value or a null with its reason, for the
// requested keys only. Each family writes through a view limited to the keys it declares, so a
// family can neither compute nor explain another family's metric.
import type { MetricKey } from './keys';
import type { MetricValue, MetricsResult } from './types';

const NOT_FINITE =
  'not a finite number: the computation overflowed (inputs too large in magnitude for its ' +
  'precision; float32 engines hold |x| < 3.4e38)';

/** Whether a value holds NaN or ±Infinity anywhere (null entries are allowed). */
function hasNonFinite(v: MetricValue | number[] | null): boolean {
  if (v === null) return false;
  if (typeof v === 'number') return !Number.isFinite(v);
  return (v as (number | null | MetricValue)[]).some((x) =>
    typeof x === 'number' ? !Number.isFinite(x) : hasNonFinite(x as MetricValue),
  );
}

/** Writing access to some keys: what a family is handed. */
export interface KeySink {
  /** whether any of these keys was requested */
  want(...keys: MetricKey[]): boolean;
  /** store v for k when k was requested; a null (or undefined) value needs a reason */
  put(k: MetricKey, v: MetricValue | undefined, reason?: string): void;
  /** every still-unset requested key among `keys` becomes null with this reason */
  nullAll(keys: readonly MetricKey[], reason: string): void;
}

export class Sink implements KeySink {
  private readonly values: Partial<Record<MetricKey, MetricValue>> = {};
  private readonly reasons: Partial<Record<MetricKey, string>> = {};
  private readonly wanted: ReadonlySet<MetricKey>;

  /** `keys`: the requested keys, in the order the result lists them */
  constructor(private readonly keys: readonly MetricKey[]) {
    this.wanted = new Set(keys);
  }

  want(...keys: MetricKey[]): boolean {
    return keys.some((k) => this.wanted.has(k));
  }

  /**
   * A value holding NaN or ±Infinity (overflow on huge inputs, which a number or JSON cannot
   * carry) is stored as null with that reason, so it is never confused with a measure undefined
   * by design.
   */
  put(k: MetricKey, v: MetricValue | undefined, reason?: string): void {
    if (!this.wanted.has(k)) return;
    if (v === null || v === undefined) {
      this.values[k] = null;
      this.reasons[k] = reason ?? 'undefined for this input';
    } else if (hasNonFinite(v)) {
      this.values[k] = null;
      this.reasons[k] = NOT_FINITE;
    } else {
      this.values[k] = v;
    }
  }

  nullAll(keys: readonly MetricKey[], reason: string): void {
    for (const k of keys) if (this.wanted.has(k) && !(k in this.values)) this.put(k, null, reason);
  }

  /** a view that accepts only `owned` keys and throws on any other (a family's own keys) */
  restrictedTo(owner: string, owned: readonly MetricKey[]): KeySink {
    const own: ReadonlySet<MetricKey> = new Set(owned);
    const check = (keys: readonly MetricKey[]): void => {
      for (const k of keys)
        if (!own.has(k)) throw new Error(`metric family ${owner} touched "${k}", not its key`);
    };
    return {
      want: (...keys) => {
        check(keys);
        return this.want(...keys);
      },
      put: (k, v, reason) => {
        check([k]);
        this.put(k, v, reason);
      },
      nullAll: (keys, reason) => {
        check(keys);
        this.nullAll(keys, reason);
      },
    };
  }

  /** values and reasons in spec key order (stable JSON output) */
  result(diagnostics: MetricsResult['diagnostics']): MetricsResult {
    const values: MetricsResult['values'] = {};
    const undefinedReasons: MetricsResult['undefinedReasons'] = {};
    for (const k of this.keys) {
      if (k in this.values) values[k] = this.values[k];
      if (k in this.reasons) undefinedReasons[k] = this.reasons[k];
    }
    return { values, undefinedReasons, diagnostics };
  }
}
