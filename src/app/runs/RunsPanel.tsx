import { Fragment, memo, useEffect, useMemo, useState } from 'react';
import type { Checkpoint } from '../../engine/session/checkpoint';
import { configDiff } from '../../engine/runs/naming';
import type { PinnedCheckpoint, RunRecord } from '../../engine/runs/record';
import { DropZone } from '../components/DropZone';
import { fmt, fmtBytes } from '../format';
import { errorText, labClient } from '../labClient';
import { labActions } from '../store';
import { PlotFigure, type FigureSource } from '../panels/PlotFigure';
import { Panel } from '../panels/Panel';
import { CompareLinkBar } from './CompareLinkBar';
import { CompareControls } from './CompareControls';
import { useCompare, watchSelection, type CompareState } from './compareStore';
import { OVERLAY_METRICS, overlayFigure, RUN_COLORS } from './overlay';
import { useOverlayRevision } from './panelOverlay';
import { pinCheckpoint, resumeFromPinned, unpinCheckpoint } from './pins';
import { runLibrary, runsActions, refreshRuns, useRuns, type RunsState } from './runsStore';
import { download, exportFileName, exportRuns, importRunFiles } from './transfer';
import './runs.css';

type SortKey = 'date' | 'name' | 'nc1' | 'step';

/** The config fields worth a glance in the list. */
function keyFields(r: RunRecord): string {
  const c = r.config;
  if (c.experiment === 'ufm')
    return `K=${c.classSizes.length} d=${c.hidden} M=${c.depth} ${c.bias ? 'bias' : 'no bias'} ${c.optimizer} lr=${c.lr}`;
  return `${c.model} ${c.dataset} M=${c.depthLinear} ${c.loss} ${c.optimizer} lr=${c.lr} η=${c.labelNoise}`;
}

const RESUMABLE = new Set(['interrupted', 'paused', 'stopped']);

function sortRuns(runs: RunRecord[], key: SortKey): RunRecord[] {
  const by: Record<SortKey, (a: RunRecord, b: RunRecord) => number> = {
    date: (a, b) => b.createdAt - a.createdAt,
    name: (a, b) => a.name.localeCompare(b.name),
    nc1: (a, b) => (a.summary?.nc1 ?? Infinity) - (b.summary?.nc1 ?? Infinity),
    step: (a, b) => b.step - a.step,
  };
  return runs.slice().sort(by[key]);
}

/** Run `task`, showing a failure as a banner that starts with `what`. */
function attempt(what: string, task: () => Promise<unknown>): void {
  task().catch((error: unknown) => labActions.addError(`${what}: ${errorText(error)}`));
}

function stateFileName(r: RunRecord, step: number): string {
  return `nc-lab-state-${r.name.replace(/[^\w.-]+/g, '_')}-step${step}.json`;
}

/** The run's pinned checkpoints: resume from one, download it, or unpin it. */
function PinnedRow({ r, pins }: { r: RunRecord; pins: PinnedCheckpoint[] }) {
  const live = r.status === 'running';
  const save = async (step: number) => {
    const checkpoint = await runLibrary.pinnedCheckpoint(r.id, step);
    if (!checkpoint) throw new Error(`no checkpoint is pinned at step ${step}`);
    download(JSON.stringify(checkpoint), stateFileName(r, step), 'application/json');
  };
  return (
    <tr className="run-pins" data-testid="run-pins" data-run-id={r.id}>
      <td />
      <td colSpan={10}>
        <ul>
          {pins.map((p) => (
            <li key={p.step} data-testid="run-pin" data-step={p.step}>
              Pinned at step {p.step} ({fmtBytes(p.bytes)}){' '}
              <button
                type="button"
                data-testid="run-pin-resume"
                disabled={live}
                title={live ? 'Stop the run first' : undefined}
                onClick={() => attempt('Could not resume', () => resumeFromPinned(r.id, p.step))}
              >
                Resume from {p.step}
              </button>{' '}
              <button type="button" onClick={() => attempt('Could not save', () => save(p.step))}>
                Save state
              </button>{' '}
              <button
                type="button"
                data-testid="run-pin-delete"
                aria-label={`unpin step ${p.step} of ${r.name}`}
                onClick={() => attempt('Could not unpin', () => unpinCheckpoint(r.id, p.step))}
              >
                Unpin
              </button>
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}

/** One kept run; memoised, so ticking one run re-renders one row, not the list. */
const RunRow = memo(function RunRow({
  r,
  color,
  elsewhere,
}: {
  r: RunRecord;
  color: string | null;
  /** another tab of the lab trains this run: shown, overlaid and downloaded, not changed */
  elsewhere: boolean;
}) {
  const selected = color !== null;
  const heldNote = elsewhere ? 'training in another tab of the lab' : undefined;
  const resume = async () => {
    try {
      await labClient.resumeKept(r.id);
    } catch (error) {
      labActions.addError(`Could not resume: ${errorText(error)}`);
    }
  };
  const saveState = async () => {
    const checkpoint: Checkpoint | null = await runLibrary.checkpoint(r.id);
    if (checkpoint)
      download(JSON.stringify(checkpoint), stateFileName(r, checkpoint.step), 'application/json');
  };
  const pinnable = r.checkpointStep !== null || r.status === 'running' || r.status === 'paused';
  return (
    <Fragment>
      <tr data-testid="run-row" data-run-id={r.id} data-status={r.status}>
        <td>
          <input
            type="checkbox"
            aria-label={`overlay ${r.name}`}
            checked={selected}
            onChange={() => runsActions.toggleSelected(r.id)}
          />
          {color && <span className="run-swatch" style={{ background: color }} aria-hidden />}
        </td>
        <td>
          <input
            className="run-name"
            aria-label="run name"
            readOnly={elsewhere}
            defaultValue={r.name}
            title={`automatic name: ${r.autoName}`}
            onBlur={(e) => {
              if (e.target.value !== r.name)
                attempt('Could not rename', () => runsActions.rename(r.id, e.target.value));
            }}
          />
          <input
            className="run-tags"
            aria-label={`tags of ${r.name}`}
            placeholder="tags, comma-separated"
            readOnly={elsewhere}
            defaultValue={r.tags.join(', ')}
            onBlur={(e) => {
              if (e.target.value !== r.tags.join(', '))
                attempt('Could not tag', () => runsActions.setTags(r.id, e.target.value));
            }}
          />
        </td>
        <td>{r.config.experiment}</td>
        <td className="run-fields">{keyFields(r)}</td>
        <td data-testid="run-row-status" title={r.message ?? undefined}>
          {r.status}
          {elsewhere && <span className="run-elsewhere"> (another tab)</span>}
        </td>
        <td>
          {r.step}/{r.totalSteps}
        </td>
        <td>{fmt(r.summary?.nc1 ?? null)}</td>
        <td>
          {r.summary?.accuracy === null || !r.summary
            ? '—'
            : `${(100 * r.summary.accuracy).toFixed(1)} %`}
        </td>
        <td>{new Date(r.createdAt).toLocaleString()}</td>
        <td>{r.backend?.backend ?? '—'}</td>
        <td className="run-actions">
          {RESUMABLE.has(r.status) && r.checkpointStep !== null && !elsewhere && (
            <button type="button" data-testid="run-resume" onClick={() => void resume()}>
              Resume from {r.checkpointStep}
            </button>
          )}
          {r.checkpointStep !== null && (
            <button
              type="button"
              onClick={() => void saveState()}
              title="Download the latest checkpoint (npm run experiment -- --resume <file>)"
            >
              Save state
            </button>
          )}
          {pinnable && !elsewhere && (
            <button
              type="button"
              data-testid="run-pin-add"
              onClick={() => attempt('Could not pin', () => pinCheckpoint(r.id))}
              title="Keep this run's checkpoint (its state now while the page holds it, else its latest) beside the rolling latest"
            >
              Pin checkpoint
            </button>
          )}
          <button
            type="button"
            aria-label={`delete ${r.name}`}
            disabled={elsewhere}
            title={heldNote}
            onClick={() => attempt('Could not delete', () => runsActions.remove([r.id]))}
          >
            Delete
          </button>
        </td>
      </tr>
      {r.pinned.length > 0 && <PinnedRow r={r} pins={r.pinned} />}
    </Fragment>
  );
});

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

interface CompareSnapshot {
  runs: RunsState;
  compare: CompareState;
}

function snapshot(): CompareSnapshot {
  return { runs: useRuns.getState(), compare: useCompare.getState() };
}

/** A store combining the list and the comparison options, for the overlay figure. */
const compareSource: FigureSource<CompareSnapshot> = {
  getState: snapshot,
  subscribe: (listener: (s: CompareSnapshot, prev: CompareSnapshot) => void) => {
    let prev = snapshot();
    const fire = () => {
      const next = snapshot();
      listener(next, prev);
      prev = next;
    };
    const a = useRuns.subscribe(fire);
    const b = useCompare.subscribe(fire);
    return () => {
      a();
      b();
    };
  },
};

function buildOverlay(s: CompareSnapshot) {
  const { runs, selected } = s.runs;
  const c = s.compare;
  const metric = OVERLAY_METRICS.find((m) => m.key === c.metric) ?? OVERLAY_METRICS[0];
  const chosen = selected
    .map((id) => runs.find((r) => r.id === id))
    .filter((r): r is RunRecord => !!r && !!c.histories[r.id]);
  return overlayFigure(
    chosen.map((r) => ({
      id: r.id,
      config: r.config,
      history: c.histories[r.id].history,
      stepsPerSecond: r.timing?.stepsPerSecond ?? null,
      totalSteps: r.totalSteps,
    })),
    {
      metric: metric.key,
      deepMetric: c.perLayer ? metric.deep : null,
      x: c.x,
      smoothing: c.smoothing,
      logX: c.logX,
      logY: c.logY,
      title: metric.title,
    },
  );
}

/** The run library: every kept run, its overlay with others, export and import. */
export function RunsPanel() {
  const runs = useRuns((s) => s.runs);
  const selected = useRuns((s) => s.selected);
  const notes = useRuns((s) => s.notes);
  const usage = useRuns((s) => s.usage);
  const unavailable = useRuns((s) => s.unavailable);
  const elsewhere = useRuns((s) => s.elsewhere);
  // The overlay redraws when the user changes what it shows (urgently, see drawScheduler).
  const overlayRevision = useOverlayRevision();
  const metric = useCompare((s) => s.metric);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('date');
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    watchSelection();
    void refreshRuns();
  }, []);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const match = (r: RunRecord) =>
      !f ||
      [r.name, r.status, r.config.experiment, keyFields(r), ...r.tags]
        .join(' ')
        .toLowerCase()
        .includes(f);
    return sortRuns(runs.filter(match), sort);
  }, [runs, filter, sort]);
  const selectedRuns = selected
    .map((id) => runs.find((r) => r.id === id))
    .filter((r): r is RunRecord => !!r);
  const exportIds = selected.length ? selected : shown.map((r) => r.id);
  const pinnedBytes = useMemo(() => {
    const pins = runs.flatMap((r) => r.pinned);
    return { count: pins.length, bytes: pins.reduce((a, p) => a + p.bytes, 0) };
  }, [runs]);

  const doExport = async (format: 'json' | 'csv') => {
    const text = await exportRuns(exportIds, format);
    download(
      text,
      exportFileName(exportIds.length, format),
      format === 'json' ? 'application/json' : 'text/csv',
    );
  };
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
    <Panel
      testId="runs-panel"
      title="Runs"
      wide
      below={selectedRuns.length > 0 && <ConfigDiff runs={selectedRuns} />}
      subtitle={
        <>
          Every run is kept in this browser as it goes (IndexedDB).{' '}
          {usage && (
            <span data-testid="runs-usage">
              Storage: {fmtBytes(usage.usage)} of {fmtBytes(usage.quota)}.
            </span>
          )}{' '}
          {pinnedBytes.count > 0 && (
            <span data-testid="runs-pinned-usage">
              Pinned checkpoints: {pinnedBytes.count}, {fmtBytes(pinnedBytes.bytes)}.
            </span>
          )}
        </>
      }
      actions={
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
      }
    >
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
      <DropZone
        testId="runs-drop"
        inputTestId="runs-import-input"
        accept=".json,application/json"
        onFiles={(files) => void doImport(files)}
        after={busy && <p className="panel-sub">{busy}</p>}
      >
        Import runs: drop RunResult or runs-export JSON files here, or
      </DropZone>
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
        <div className={selectedRuns.length > 0 ? 'runs-table-wrap comparing' : 'runs-table-wrap'}>
          <table className="values compact runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th scope="col">overlay</th>
                <th scope="col">name</th>
                <th scope="col">kind</th>
                <th scope="col">config</th>
                <th scope="col">status</th>
                <th scope="col">steps</th>
                <th scope="col">NC1</th>
                <th scope="col">accuracy</th>
                <th scope="col">date</th>
                <th scope="col">backend</th>
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
                    key={`${r.id}:${r.name}:${r.tags.join()}`}
                    r={r}
                    color={i < 0 ? null : RUN_COLORS[i % RUN_COLORS.length]}
                    elsewhere={elsewhere.includes(r.id)}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {selectedRuns.length > 0 && (
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
      )}
    </Panel>
  );
}
