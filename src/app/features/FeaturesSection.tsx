import { DropZone } from '../components/DropZone';
import { ARRAY_ROLES, ROLE_NAMES, type FileRole } from '../../engine/metrics/featureFiles';
import { FeatureResults } from './FeatureResults';
import { featureActions, missingRoles, useFeatures, type FeatureSet } from './featuresStore';
import './features.css';

const ROLE_OPTIONS: { value: FileRole; label: string }[] = [
  ...ARRAY_ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })),
  { value: 'cases', label: 'case file (metric_vectors.json format)' },
  { value: 'ignore', label: 'ignore' },
];

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The dropped files and the role of each (guessed from the name, changeable). */
function FileList() {
  const files = useFeatures((s) => s.files);
  if (files.length === 0) return null;
  return (
    <table className="values compact ff-files" data-testid="features-files">
      <thead>
        <tr>
          <th scope="col">file</th>
          <th scope="col">size</th>
          <th scope="col">holds</th>
          <th scope="col">
            <span className="visually-hidden">remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {files.map(({ file, role }) => (
          <tr key={file.name}>
            <th scope="row">
              <code>{file.name}</code>
            </th>
            <td>{size(file.size)}</td>
            <td>
              <select
                aria-label={`What ${file.name} holds`}
                data-testid={`features-role-${file.name}`}
                value={role ?? ''}
                onChange={(e) => featureActions.setRole(file.name, e.target.value as FileRole)}
              >
                {role === null && <option value="">choose…</option>}
                {ROLE_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <button
                type="button"
                className="link"
                onClick={() => featureActions.removeFile(file.name)}
              >
                remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Options() {
  const set = useFeatures((s) => s.set);
  const K = useFeatures((s) => s.K);
  const busy = useFeatures((s) => s.busy);
  const ready = useFeatures((s) => missingRoles(s.files) === null);
  const hasFiles = useFeatures((s) => s.files.length > 0);
  return (
    <div className="ff-options">
      <label className="inline-field">
        Metrics{' '}
        <select
          data-testid="features-set"
          value={set}
          onChange={(e) => featureActions.setSet(e.target.value as FeatureSet)}
        >
          <option value="full">full (every key but the d×d Σ_W, Σ_B)</option>
          <option value="core">core (recommended set)</option>
          <option value="cheap">cheap</option>
        </select>
      </label>
      <label className="inline-field">
        K{' '}
        <input
          className="ff-k"
          data-testid="features-k"
          inputMode="numeric"
          placeholder="auto"
          value={K}
          onChange={(e) => featureActions.setK(e.target.value)}
          aria-describedby="features-k-hint"
        />
      </label>
      <span id="features-k-hint" className="panel-sub">
        auto: the rows of W, else the largest label + 1
      </span>
      <button
        type="button"
        data-testid="btn-features-measure"
        disabled={!ready || busy !== null}
        onClick={() => void featureActions.measure()}
      >
        Measure again
      </button>
      <button type="button" disabled={!hasFiles} onClick={() => featureActions.clear()}>
        Clear files
      </button>
    </div>
  );
}

function Status() {
  const busy = useFeatures((s) => s.busy);
  const progress = useFeatures((s) => s.progress);
  const error = useFeatures((s) => s.error);
  const hint = useFeatures((s) => (s.files.length > 0 ? missingRoles(s.files) : null));
  return (
    <>
      <p className="ff-status" role="status" data-testid="features-status">
        {busy && (
          <span className="busy">
            <span className="spinner" aria-hidden="true" /> {busy}{' '}
            {progress && progress.total > 1 && (
              <progress max={progress.total} value={progress.done} />
            )}
          </span>
        )}
        {!busy && hint}
      </p>
      {error && (
        <p className="banner banner-error" role="alert" data-testid="features-error">
          {error}
        </p>
      )}
    </>
  );
}

/**
 * "Measure your features": drop (or choose) features + labels [+ W, b] or one case file; the
 * worker measures every metric and the class-mean geometry, the section shows them.
 */
export function FeaturesSection() {
  return (
    <section className="features" data-testid="features-section" aria-labelledby="features-title">
      <header className="panel-head">
        <div>
          <h2 id="features-title">Measure your features</h2>
          <p className="panel-sub">
            Drop <code>features.npy</code> (N×d) with <code>labels.npy</code> (integers, or a JSON
            array), optionally <code>W.npy</code> (K×d) and <code>b.npy</code> — or one{' '}
            <code>metric_vectors.json</code>-style file of cases. Every metric is computed in the
            worker on the lab&apos;s backend, by the same code as <code>npm run metrics</code>;
            files stay on this computer.
          </p>
        </div>
      </header>
      <DropZone
        testId="features-drop"
        inputTestId="features-input"
        accept=".npy,.json,application/json,application/octet-stream"
        onFiles={(files) => featureActions.addFiles(files)}
      >
        Drop <code>.npy</code> / <code>.json</code> files here, or
      </DropZone>
      <FileList />
      <Options />
      <Status />
      <FeatureResults />
    </section>
  );
}
