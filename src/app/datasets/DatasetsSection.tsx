import { useEffect, useState } from 'react';
import { DropZone } from '../components/DropZone';
import type { StoredSummary } from '../../engine/data';
import type { StoredDatasetName } from '../../worker/protocol';
import { fmtBytes } from '../format';
import { datasetActions, useDatasets } from './datasetsStore';
import '../features/features.css';

const EMBEDDED: { name: StoredDatasetName; title: string }[] = [
  { name: 'mnist', title: 'MNIST (embedded)' },
  { name: 'fashion-mnist', title: 'FashionMNIST (embedded)' },
];

const FILES_HINT =
  'cifar-10-binary.tar.gz, cifar-100-binary.tar.gz, the CIFAR .bin files, SVHN train_32x32.mat / test_32x32.mat';

/** Counts per class of train and test, and how the split was made. */
function Summary({ summary }: { summary: StoredSummary }) {
  return (
    <div className="ds-summary" data-testid={`dataset-summary-${summary.name}`}>
      <p className="panel-sub" data-testid={`dataset-split-${summary.name}`}>
        {summary.splitNote}
      </p>
      <table className="values compact">
        <caption>
          {summary.name}: {summary.train.n} train, {summary.test.n} test; stored shape{' '}
          {summary.storedShape.join('×')}
        </caption>
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col">train</th>
            <th scope="col">test</th>
          </tr>
        </thead>
        <tbody>
          {summary.classes.map((c, k) => (
            <tr key={c}>
              <th scope="row">
                {k} {c !== String(k) && <span className="panel-sub">{c}</span>}
              </th>
              <td>{summary.train.perClass[k]}</td>
              <td>{summary.test.perClass[k]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cached() {
  const cached = useDatasets((s) => s.cached);
  const summaries = useDatasets((s) => s.summaries);
  if (!cached.length)
    return <p className="panel-sub">No files of yours are kept in this browser yet.</p>;
  return (
    <>
      <table className="values compact" data-testid="datasets-cached">
        <caption>Kept in this browser (IndexedDB)</caption>
        <thead>
          <tr>
            <th scope="col">dataset</th>
            <th scope="col">size</th>
            <th scope="col">saved</th>
            <th scope="col">
              <span className="visually-hidden">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {cached.map((c) => (
            <tr key={c.key} data-testid={`cached-${c.key}`}>
              <th scope="row">{c.name}</th>
              <td>{fmtBytes(c.bytes)}</td>
              <td>{new Date(c.savedAt).toLocaleString()}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => void datasetActions.show(c.key as StoredDatasetName)}
                >
                  counts
                </button>{' '}
                <button
                  type="button"
                  className="link"
                  data-testid={`delete-${c.key}`}
                  onClick={() => void datasetActions.remove(c.key)}
                >
                  delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cached.map((c) => {
        const s = summaries[c.key as StoredDatasetName];
        return s ? <Summary key={c.key} summary={s} /> : null;
      })}
      <button
        type="button"
        data-testid="btn-datasets-clear"
        onClick={() => void datasetActions.clear()}
      >
        Clear all
      </button>
    </>
  );
}

/**
 * Datasets: the embedded MNIST / FashionMNIST (counts and split on request), and the user's
 * CIFAR / SVHN files, dropped, chosen or fetched from a self-hosted URL, parsed in the worker
 * and kept in IndexedDB so a reload does not ask again.
 */
export function DatasetsSection() {
  const [url, setUrl] = useState('');
  const busy = useDatasets((s) => s.busy);
  const progress = useDatasets((s) => s.progress);
  const error = useDatasets((s) => s.error);
  const imported = useDatasets((s) => s.imported);
  const summaries = useDatasets((s) => s.summaries);
  useEffect(() => {
    void datasetActions.refresh();
  }, []);
  return (
    <section className="features" data-testid="datasets-section" aria-labelledby="datasets-title">
      <header className="panel-head">
        <div>
          <h2 id="datasets-title">Datasets</h2>
          <p className="panel-sub">
            MNIST and FashionMNIST are built in. CIFAR-10/100 and SVHN are read from your own copies
            of the official files ({FILES_HINT}), parsed here and kept in this browser.
          </p>
        </div>
      </header>
      <ul className="ds-embedded">
        {EMBEDDED.map((d) => (
          <li key={d.name}>
            {d.title}{' '}
            <button
              type="button"
              className="link"
              data-testid={`dataset-show-${d.name}`}
              onClick={() => void datasetActions.show(d.name)}
            >
              counts and split
            </button>
            {summaries[d.name] && <Summary summary={summaries[d.name] as StoredSummary} />}
          </li>
        ))}
      </ul>
      <DropZone
        testId="datasets-drop"
        inputTestId="datasets-input"
        accept=".gz,.tgz,.tar,.bin,.mat"
        onFiles={(files) => void datasetActions.importFiles(files)}
        after={
          <form
            className="ds-url"
            onSubmit={(e) => {
              e.preventDefault();
              if (url.trim()) void datasetActions.importUrl(url.trim());
            }}
          >
            <label>
              or a URL to your copy{' '}
              <input
                type="url"
                value={url}
                placeholder="https://…/cifar-10-binary.tar.gz"
                data-testid="datasets-url"
                onChange={(e) => setUrl(e.target.value)}
              />
            </label>{' '}
            <button type="submit" disabled={!url.trim() || busy !== null}>
              Fetch
            </button>
          </form>
        }
      >
        Drop dataset files here, or
      </DropZone>
      <p className="ff-status" role="status" data-testid="datasets-status">
        {busy ? (
          <span className="busy">
            <span className="spinner" aria-hidden="true" /> {busy}{' '}
            {progress !== null && <progress max={1} value={progress} />}
          </span>
        ) : (
          imported && <>Loaded {imported}.</>
        )}
      </p>
      {error && (
        <p className="banner banner-error" role="alert" data-testid="datasets-error">
          {error}
        </p>
      )}
      <Cached />
    </section>
  );
}
