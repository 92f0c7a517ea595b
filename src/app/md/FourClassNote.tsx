import type { ReportKey } from '../../engine/metrics/reportKeys';
import { fmt } from '../format';
import { MetricTerm } from '../guide/MetricTerm';
import { useLab } from '../store';

const perClass = (v: unknown): (number | null)[] | null =>
  Array.isArray(v) ? (v as unknown[]).map((x) => (typeof x === 'number' ? x : null)) : null;

/**
 * The four-class (latent-class) problem of Nguyen et al. 2023's appendix: the measures per
 * original digit, and a plain statement of what is not defined and why.
 */
export function FourClassNote() {
  const fourClass = useLab((s) => s.loadedConfig?.experiment === 'net' && s.loadedConfig.fourClass);
  const report = useLab((s) => s.lastReport);
  if (!fourClass || !report) return null;
  const m = report.metrics;
  const rows: [string, ReportKey][] = [
    ['latent samples (moved to the copy)', 'md_n_corrupted'],
    ['memorization', 'md_memorization'],
    ['memorization (relative)', 'md_memorization_rel'],
    ['dilation', 'md_dilation'],
    ['dilation (relative)', 'md_dilation_rel'],
  ];
  return (
    <div className="four-class" data-testid="md-fourclass">
      <h3>Four-class problem: latent classes 2 and 3</h3>
      <p>
        Labels 2 and 3 are latent copies of digits 0 and 1: the same images under a new label, so
        the network can fit them only by memorising. Memorization is measured per original digit
        (the latent samples’ distance to the clean mean of their digit), dilation is the spread of
        the samples that kept their label.
      </p>
      <table className="values compact">
        <thead>
          <tr>
            <th scope="col">per original digit</th>
            <th scope="col">0 (latent copy: 2)</th>
            <th scope="col">1 (latent copy: 3)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([title, key]) => {
            const v = perClass(m[key]);
            return (
              <tr key={key}>
                <th scope="row">
                  <MetricTerm metric={key}>
                    {title} <code>{key}</code>
                  </MetricTerm>
                </th>
                {[0, 1].map((c) => (
                  <td key={c} data-testid={`md4-${key}-${c}`}>
                    {v?.[c] != null ? (
                      fmt(v[c] as number, 4)
                    ) : (
                      <span className="undefined">{report.undefinedReasons[key] ?? '—'}</span>
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p>
        <strong>Not defined here, and why:</strong> the corruption bias (no sample labelled 0 or 1
        belongs to another class, and a latent class holds only moved samples); clean means of
        classes 2 and 3 (every sample in them was moved, none is clean).{' '}
        <strong>Large by design:</strong> NC1 over the four labels, because a latent class cannot be
        separated from its digit by the features. <strong>Test accuracy</strong> counts a prediction
        of a latent class as an error, as the paper’s code does (the test set has digits 0 and 1
        only); the merged accuracy counts it as its digit.
      </p>
    </div>
  );
}
