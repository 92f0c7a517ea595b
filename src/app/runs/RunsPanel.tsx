import { useEffect, useMemo, useState } from 'react';
import { configDiff } from '../../engine/runs/naming';
import type { RunRecord } from '../../engine/runs/record';
import { DropZone } from '../components/DropZone';
import { saveText } from '../download';
import { fmtBytes } from '../format';
import { labActions } from '../store';
import { PlotFigure } from '../panels/PlotFigure';
import { Panel } from '../panels/Panel';
import { CompareLinkBar } from './CompareLinkBar';
import { CompareControls } from './CompareControls';
import { buildOverlay, compareSource } from './compareFigure';
import { useCompare, watchSelection } from './compareStore';
import { RUN_COLORS } from './overlay';
import { useOverlayRevision } from './panelOverlay';
import { RunRow } from './RunRow';
import { listRuns, type SortKey } from './runList';
import { runsActions, refreshRuns, useRuns } from './runsStore';
import { exportFileName, exportRuns, importRunFiles } from './transfer';
import './runs.css';

function ConfigDiff({ runs }: { runs: RunRecord[] }) {
  const rows = useMemo(() => configDiff(runs.map((r) => r.config)), [runs]);
  if (runs.length < 2) return null;
  if (!rows.length) return <p className="panel-sub">The selected runs have the same config.</p>;
  return (
    <table className="values compact" data-testid="runs-diff">
      <caption>Config differences of the selected runs</caption>
      <thead>
        <tr>
          <th scope="col">field</th>
          {runs.map((r, i) => (
            <th scope="col" key={r.id} style={{ color: RUN_COLORS[i % RUN_COLORS.length] }}>
              {r.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field}>
            <th scope="row">{row.field}</th>
            {row.values.map((v, i) => (
              <td key={i}>{v}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The run library: every kept run, its overlay with others, export and import. */
export function RunsPanel() {
  const runs = useRuns((s) => s.runs);
  const selected = useRuns((s) => s.selected);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('date');

  useEffect(() => {
    watchSelection();
    void refreshRuns();
  }, []);

  const shown = useMemo(() => listRuns(runs, filter, sort), [runs, filter, sort]);
  const selectedRuns = selected
    .map((id) => runs.find((r) => r.id === id))
    .filter((r): r is RunRecord => !!r);
  // Export the ticked runs, or else every run the filter lists.
  const exportIds = selected.length ? selected : shown.map((r) => r.id);

  return (
    <Panel
      testId="runs-panel"
      title="Runs"
      wide
      below={selectedRuns.length > 0 && <ConfigDiff runs={selectedRuns} />}
      subtitle={<StorageNote runs={runs} />}
      actions={<LibraryActions runs={runs} exportIds={exportIds} />}
    >
      <RunsNotes />
      <ImportZone />
      <div className="runs-controls">
        <label>
          Filter{' '}
          <input
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="runs-filter"
            placeholder="name, status, field…"
          />
        </label>
        <label>
          Sort{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            <option value="date">newest first</option>
            <option value="name">name</option>
            <option value="nc1">final NC1</option>
            <option value="step">steps</option>
          </select>
        </label>
        <CompareLinkBar runs={selectedRuns} />
        {selected.length > 0 && (
          <button type="button" onClick={() => runsActions.setSelected([])}>
            Clear selection ({selected.length})
          </button>
        )}
      </div>
      {shown.length === 0 ? (
        <p className="panel-sub">
          {runs.length ? 'No kept run matches the filter.' : 'No runs kept yet: start one.'}
        </p>
      ) : (
        <RunsTable shown={shown} selected={selected} comparing={selectedRuns.length > 0} />
      )}
      {selectedRuns.length > 0 && <OverlayFigure />}
    </Panel>
  );
}

/** The browser's storage used and offered, and what the pinned checkpoints take of it. */
function StorageNote({ runs }: { runs: RunRecord[] }) {
  const usage = useRuns((s) => s.usage);
  const pinned = useMemo(() => {
    const pins = runs.flatMap((r) => r.pinned);
    return { count: pins.length, bytes: pins.reduce((a, p) => a + p.bytes, 0) };
  }, [runs]);
  return (
    <>
      Every run is kept in this browser as it goes (IndexedDB).{' '}
      {usage && (
        <span data-testid="runs-usage">
          Storage: {fmtBytes(usage.usage)} of {fmtBytes(usage.quota)}.
        </span>
      )}{' '}
      {pinned.count > 0 && (
        <span data-testid="runs-pinned-usage">
          Pinned checkpoints: {pinned.count}, {fmtBytes(pinned.bytes)}.
        </span>
      )}
    </>
  );
}

function LibraryActions({ runs, exportIds }: { runs: RunRecord[]; exportIds: string[] }) {
  const doExport = async (format: 'json' | 'csv') => {
    const text = await exportRuns(exportIds, format);
    const type = format === 'json' ? 'application/json' : 'text/csv';
    saveText(exportFileName(exportIds.length, format), text, type);
  };
  return (
    <>
      <button
        type="button"
        data-testid="runs-export-json"
        onClick={() => void doExport('json')}
        disabled={!exportIds.length}
      >
        Export JSON
      </button>
      <button
        type="button"
        data-testid="runs-export-csv"
        onClick={() => void doExport('csv')}
        disabled={!exportIds.length}
      >
        Export CSV
      </button>
      <button
        type="button"
        onClick={() => {
          if (window.confirm(`Delete all ${runs.length} kept runs?`)) void runsActions.clear();
        }}
        disabled={!runs.length}
      >
        Clear all
      </button>
    </>
  );
}

/** Why the library cannot be used, and what it dropped or could not store. */
function RunsNotes() {
  const notes = useRuns((s) => s.notes);
  const unavailable = useRuns((s) => s.unavailable);
  return (
    <>
      {unavailable && <p className="panel-sub error-text">{unavailable}</p>}
      {notes.length > 0 && (
        <div className="runs-notes" data-testid="runs-notes" role="status">
          {notes.map((n) => (
            <p key={n}>{n}</p>
          ))}
          <button type="button" onClick={() => runsActions.dismissNotes()}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}

function ImportZone() {
  const [busy, setBusy] = useState<string | null>(null);
  const doImport = async (files: File[]) => {
    setBusy(`Importing ${files.length} file${files.length === 1 ? '' : 's'}…`);
    try {
      const { failures } = await importRunFiles(files);
      for (const failure of failures) labActions.addError(`Import failed: ${failure}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <DropZone
      testId="runs-drop"
      inputTestId="runs-import-input"
      accept=".json,application/json"
      onFiles={(files) => void doImport(files)}
      after={busy && <p className="panel-sub">{busy}</p>}
    >
      Import runs: drop RunResult or runs-export JSON files here, or
    </DropZone>
  );
}

function RunsTable({
  shown,
  selected,
  comparing,
}: {
  shown: RunRecord[];
  selected: string[];
  comparing: boolean;
}) {
  const elsewhere = useRuns((s) => s.elsewhere);
  return (
    <div className={comparing ? 'runs-table-wrap comparing' : 'runs-table-wrap'}>
      <table className="values compact runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">overlay</th>
            <th scope="col">name</th>
            <th scope="col" className="col-minor">
              kind
            </th>
            <th scope="col">config</th>
            <th scope="col">status</th>
            <th scope="col">steps</th>
            <th scope="col">NC1</th>
            <th scope="col">accuracy</th>
            <th scope="col" className="col-minor">
              date
            </th>
            <th scope="col" className="col-minor">
              backend
            </th>
            <th scope="col">
              <span className="visually-hidden">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const i = selected.indexOf(r.id);
            return (
              <RunRow
                key={r.id}
                r={r}
                color={i < 0 ? null : RUN_COLORS[i % RUN_COLORS.length]}
                elsewhere={elsewhere.includes(r.id)}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The ticked runs on one metric, with the comparison's options. */
function OverlayFigure() {
  // The overlay redraws when the user changes what it shows (urgently, see drawScheduler).
  const overlayRevision = useOverlayRevision();
  const metric = useCompare((s) => s.metric);
  return (
    <div className="fill-rest" data-testid="runs-compare">
      <CompareControls chooseMetric />
      <PlotFigure
        source={compareSource}
        build={buildOverlay}
        watch={() => null}
        revision={`${overlayRevision ?? ''}|${metric}`}
        height={340}
        label="Selected runs overlaid on one metric"
      />
    </div>
  );
}
