import { useState } from 'react';
import { reportEntries } from '../../engine/metrics/reportKeys';
import { fmt } from '../format';
import { useLab } from '../store';
import { MetricTerm } from '../guide/MetricTerm';

/**
 * Every metric of the last report as text: the accessible alternative to the charts. Its rows
 * are rendered only while it is open (a hundred rows re-rendered per report cost the page more
 * than the charts).
 */
export function MetricsTable() {
  const report = useLab((s) => s.lastReport);
  const [open, setOpen] = useState(false);
  if (!report) return null;
  const rows = reportEntries(report.metrics).filter(
    ([, v]) => !Array.isArray(v) || v.every((x) => typeof x === 'number' || x === null),
  );
  return (
    <details className="metrics-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>All metrics at step {report.step} (table)</summary>
      {open && (
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
      )}
    </details>
  );
}
