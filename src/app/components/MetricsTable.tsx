import { fmt } from '../format';
import { useLab } from '../store';
import { MetricTerm } from '../guide/MetricTerm';

/** Every metric of the last report as text: the accessible alternative to the charts. */
export function MetricsTable() {
  const report = useLab((s) => s.lastReport);
  if (!report) return null;
  const rows = Object.entries(report.metrics).filter(
    ([, v]) => !Array.isArray(v) || v.every((x) => typeof x === 'number' || x === null),
  );
  return (
    <details className="metrics-table">
      <summary>All metrics at step {report.step} (table)</summary>
      <table className="values">
        <thead>
          <tr>
            <th scope="col">key</th>
            <th scope="col">value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, v]) => (
            <tr key={key}>
              <th scope="row">
                <MetricTerm metric={key} />
              </th>
              <td>
                {v === null || v === undefined ? (
                  <span className="undefined">
                    undefined: {report.undefinedReasons[key] ?? 'no reason given'}
                  </span>
                ) : Array.isArray(v) ? (
                  (v as (number | null)[])
                    .map((x) => (x === null ? 'undefined' : fmt(x, 4)))
                    .join(', ')
                ) : typeof v === 'number' ? (
                  fmt(v, 5)
                ) : (
                  String(v)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
