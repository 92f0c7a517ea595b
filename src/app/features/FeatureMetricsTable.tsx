import type { MetricKey } from '../../engine/metrics/keys';
import type { MetricValue, MetricsResult } from '../../engine/metrics/types';
import { fmt } from '../format';
import { MetricTerm } from '../guide/MetricTerm';

/** Entries of a long array shown in the table; the download has them all. */
const SHOWN = 10;

function list(values: readonly (number | null)[]): string {
  const shown = values.slice(0, SHOWN).map((x) => (x === null ? 'undefined' : fmt(x, 4)));
  return values.length > SHOWN
    ? `${shown.join(', ')}, … (${values.length} values)`
    : shown.join(', ');
}

function isMatrix(v: unknown[]): v is (number[] | null)[] {
  return v.some((row) => Array.isArray(row));
}

/** A metric value as text: scalars, per-layer/per-class lists, matrices row by row. */
function MetricCell({ value, reason }: { value: MetricValue | undefined; reason?: string }) {
  if (value === null || value === undefined)
    return <span className="undefined">undefined: {reason ?? 'no reason given'}</span>;
  if (typeof value === 'number') return <>{fmt(value, 5)}</>;
  const arr = value as unknown[];
  if (!isMatrix(arr)) return <>{list(arr as (number | null)[])}</>;
  const cols = arr.find((r): r is number[] => Array.isArray(r))?.length ?? 0;
  return (
    <div className="fm-matrix">
      <span className="fm-shape">
        {arr.length} × {cols}
      </span>
      {arr.slice(0, SHOWN).map((row, i) => (
        <div key={i}>
          <span className="fm-row">[{i}]</span>{' '}
          {row === null ? <span className="undefined">undefined (empty group)</span> : list(row)}
        </div>
      ))}
      {arr.length > SHOWN && <div>… ({arr.length} rows)</div>}
    </div>
  );
}

/** Every metric the worker computed, with the reason for each undefined one. */
export function FeatureMetricsTable({ result }: { result: MetricsResult }) {
  const entries = Object.entries(result.values) as [MetricKey, MetricValue][];
  const undefinedCount = entries.filter(([, v]) => v === null).length;
  return (
    <div className="fm-table-wrap">
      <p className="panel-sub">
        {entries.length} metrics (hover, focus or tap a key for its definition), {undefinedCount}{' '}
        undefined for this input.
      </p>
      <table className="values fm-table" data-testid="features-metrics">
        <thead>
          <tr>
            <th scope="col">key</th>
            <th scope="col">value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([key, v]) => (
            <tr key={key} data-testid={`fmetric-${key}`}>
              <th scope="row">
                <MetricTerm metric={key} />
              </th>
              <td>
                <MetricCell
                  value={v}
                  reason={result.undefinedReasons[key as keyof MetricsResult['undefinedReasons']]}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
