import type { FeatureMeasurement, MeasuredFile } from '../../engine/features/measure';
import { ROLE_NAMES } from '../../engine/metrics/featureFiles';
import { saveJson } from '../download';
import { dateStamp, fmtInt } from '../format';
import { FeatureGramPanel } from './FeatureGramPanel';
import { FeatureMetricsTable } from './FeatureMetricsTable';
import { FeatureView3dPanel } from './FeatureView3dPanel';
import { currentCase, featureActions, useFeatures } from './featuresStore';

/** The download: what `npm run metrics` prints for the same files (a result, or one per case). */
function resultsJson(m: FeatureMeasurement): unknown {
  if (m.kind === 'arrays') return m.cases[0].result;
  return Object.fromEntries(m.cases.map((c) => [c.name, c.result ?? { error: c.error }]));
}

function download(m: FeatureMeasurement): void {
  const base = (m.files[0]?.name ?? 'features').replace(/\.[^.]*$/, '');
  saveJson(`nc-lab-metrics-${base}-${dateStamp()}.json`, resultsJson(m), 1);
}

function fileText(f: MeasuredFile): string {
  if (f.role === 'cases') return `${f.name}: ${f.cases} cases`;
  return `${f.name}: ${ROLE_NAMES[f.role]}, shape (${f.shape.join(', ')}), ${f.dtype}`;
}

function CasePicker({ m }: { m: FeatureMeasurement }) {
  const caseIndex = useFeatures((s) => s.caseIndex);
  if (m.kind !== 'cases') return null;
  const failed = m.cases.filter((c) => c.error).length;
  return (
    <label className="inline-field ff-case">
      Case{' '}
      <select
        data-testid="features-case"
        value={caseIndex}
        onChange={(e) => featureActions.pickCase(Number(e.target.value))}
      >
        {m.cases.map((c, i) => (
          <option key={c.name} value={i}>
            {c.name}
            {c.error ? ' (could not be measured)' : ''}
          </option>
        ))}
      </select>{' '}
      <span className="panel-sub">
        {m.cases.length} cases{failed > 0 ? `, ${failed} could not be measured` : ''}
      </span>
    </label>
  );
}

/** The measurement of the case on show: summary, class counts, geometry panels, every metric. */
export function FeatureResults() {
  const m = useFeatures((s) => s.measurement);
  const c = useFeatures(currentCase);
  if (!m || !c) return null;
  const batches = c.result?.diagnostics.batches;
  return (
    <div className="ff-results" data-testid="features-results">
      <div className="ff-bar">
        <CasePicker m={m} />
        <button type="button" data-testid="btn-features-download" onClick={() => download(m)}>
          Download metrics (JSON)
        </button>
      </div>
      <p className="ff-summary" data-testid="features-summary">
        N = <strong data-testid="features-N">{fmtInt(c.N)}</strong>, d ={' '}
        <strong data-testid="features-d">{fmtInt(c.d)}</strong>, K ={' '}
        <strong data-testid="features-K">{c.K}</strong> · measured on{' '}
        <strong data-testid="features-backend">{m.backend}</strong> in{' '}
        {m.seconds < 1 ? `${Math.round(m.seconds * 1000)} ms` : `${m.seconds.toFixed(2)} s`}
        {typeof batches === 'number' ? ` (${batches} batch${batches === 1 ? '' : 'es'})` : ''} · set{' '}
        {m.set}
      </p>
      <ul className="ff-filelist">
        {m.files.map((f) => (
          <li key={f.name}>{fileText(f)}</li>
        ))}
      </ul>
      {c.error && (
        <p className="banner banner-error" role="alert" data-testid="features-case-error">
          {c.error}
        </p>
      )}
      {c.counts && (
        <table className="values compact ff-counts" data-testid="features-counts">
          <caption>Samples per class (an empty class is left out of the metrics)</caption>
          <tbody>
            <tr>
              <th scope="row">class</th>
              {c.counts.map((_, k) => (
                <td key={k}>{k}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">n</th>
              {c.counts.map((n, k) => (
                <td key={k} className={n === 0 ? 'ff-empty' : undefined}>
                  {fmtInt(n)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
      {c.result && !c.geometry && (
        <p className="panel-sub">
          No geometry to draw: fewer than two non-empty classes, or the class means were not
          measured.
        </p>
      )}
      {c.geometry && (
        <div className="panels ff-panels">
          <FeatureGramPanel />
          <FeatureView3dPanel />
        </div>
      )}
      {c.result && <FeatureMetricsTable result={c.result} />}
    </div>
  );
}
