import { Fragment, memo, useState } from 'react';
import type { Checkpoint } from '../../engine/session/checkpoint';
import type { PinnedCheckpoint, RunRecord } from '../../engine/runs/record';
import { saveJson } from '../download';
import { fmt, fmtBytes } from '../format';
import { errorText, labClient } from '../labClient';
import { labActions } from '../store';
import { pinCheckpoint, resumeFromPinned, unpinCheckpoint } from './pins';
import { keyFields } from './runList';
import { runLibrary, runsActions } from './runsStore';

const RESUMABLE = new Set(['interrupted', 'paused', 'stopped']);

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
    saveJson(stateFileName(r, step), checkpoint);
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

/** What can be done with a kept run: resume, save its state, pin a checkpoint, delete it. */
function RunActions({ r, elsewhere }: { r: RunRecord; elsewhere: boolean }) {
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
    if (checkpoint) saveJson(stateFileName(r, checkpoint.step), checkpoint);
  };
  const pinnable = r.checkpointStep !== null || r.status === 'running' || r.status === 'paused';
  return (
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
  );
}

/**
 * A field of a kept run (its name, its tags) that saves on blur and on Enter. It follows the
 * record when that changes from elsewhere (another tab, an import, the save's own tidying), but
 * never while it holds an edit not yet saved: what the user is typing is not clobbered.
 */
function RunField({
  value,
  save,
  ...input
}: {
  value: string;
  save: (text: string) => void;
  className: string;
  'aria-label': string;
  placeholder?: string;
  readOnly: boolean;
  title?: string;
}) {
  const [draft, setDraft] = useState(value);
  const [dirty, setDirty] = useState(false);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (!dirty) setDraft(value);
  }
  const commit = () => {
    setDirty(false);
    if (draft !== value) save(draft);
  };
  return (
    <input
      {...input}
      value={draft}
      onChange={(e) => {
        setDraft(e.target.value);
        setDirty(true);
      }}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/** One kept run; memoised, so ticking one run re-renders one row, not the list. */
export const RunRow = memo(function RunRow({
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
          <RunField
            className="run-name"
            aria-label="run name"
            readOnly={elsewhere}
            value={r.name}
            title={`${r.name}\n(automatic name: ${r.autoName})`}
            save={(text) => attempt('Could not rename', () => runsActions.rename(r.id, text))}
          />
          <RunField
            className="run-tags"
            aria-label={`tags of ${r.name}`}
            placeholder="tags, comma-separated"
            readOnly={elsewhere}
            value={r.tags.join(', ')}
            save={(text) => attempt('Could not tag', () => runsActions.setTags(r.id, text))}
          />
        </td>
        <td className="col-minor">{r.config.experiment}</td>
        <td className="run-fields">{keyFields(r)}</td>
        <td data-testid="run-row-status" title={r.message ?? undefined}>
          {r.status}
          {elsewhere && <span className="run-elsewhere"> (another tab)</span>}
        </td>
        <td data-label="steps">
          {r.step}/{r.totalSteps}
        </td>
        <td data-label="NC1">{fmt(r.summary?.nc1 ?? null)}</td>
        <td data-label="accuracy">
          {r.summary?.accuracy === null || !r.summary
            ? '—'
            : `${(100 * r.summary.accuracy).toFixed(1)} %`}
        </td>
        <td className="run-date col-minor">{new Date(r.createdAt).toLocaleString()}</td>
        <td className="col-minor">{r.backend?.backend ?? '—'}</td>
        <RunActions r={r} elsewhere={elsewhere} />
      </tr>
      {r.pinned.length > 0 && <PinnedRow r={r} pins={r.pinned} />}
    </Fragment>
  );
});
