import { useRef, useState } from 'react';
import { errorText } from '../labClient';
import { configPending, useLab } from '../store';
import { currentShareUrl } from '../urlState';
import { exportFeatures, loadStateFile, saveResults, saveState } from './runFiles';

/** The run bar's right side: the share link, and the run's files (results, state, features). */
export function ShareBar() {
  return (
    <div className="share-bar">
      <ShareLink />
      <RunFiles />
    </div>
  );
}

function ShareLink() {
  const config = useLab((s) => s.config);
  const loadedConfig = useLab((s) => s.loadedConfig);
  const formDiffers = useLab((s) => s.loadedConfig !== null && configPending(s));
  const [copied, setCopied] = useState<string | null>(null);
  // The link of the run on screen, not of a form edited since (Start loads the form's).
  const link = currentShareUrl({ config, loadedConfig });

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      setCopied('The browser refused the clipboard: copy the link from the box.');
    }
    setTimeout(() => setCopied(null), 4000);
  };

  return (
    <>
      <button type="button" data-testid="btn-copy-link" onClick={() => void copy()}>
        Copy link
      </button>
      <input
        className="share-link"
        data-testid="share-link"
        aria-label="Link to the run on screen"
        readOnly
        value={link}
        onFocus={(e) => e.currentTarget.select()}
      />
      {copied && <span role="status">{copied}</span>}
      {formDiffers && (
        <span className="form-differs" data-testid="form-differs">
          This link is the run&apos;s on screen, not the edited form&apos;s.
        </span>
      )}
    </>
  );
}

function RunFiles() {
  const hasRun = useLab((s) => s.loadedConfig !== null && s.busy === null);
  const isNet = useLab((s) => s.loadedConfig?.experiment === 'net');
  const running = useLab((s) => s.status === 'running');
  // What Load state said: why a file was refused, or a note on one it took
  const [said, setSaid] = useState<{ text: string; error: boolean } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const loadState = (file: File) => {
    setSaid(null);
    loadStateFile(file)
      .then((note) => setSaid(note === null ? null : { text: note, error: false }))
      .catch((error: unknown) => setSaid({ text: `Load state: ${errorText(error)}`, error: true }));
  };

  return (
    <>
      <button
        type="button"
        data-testid="btn-download"
        disabled={!hasRun}
        onClick={() => void saveResults()}
      >
        Download results
      </button>
      <button
        type="button"
        data-testid="btn-save-state"
        disabled={!hasRun}
        onClick={() => void saveState()}
      >
        Save state
      </button>
      {isNet && (
        <button
          type="button"
          data-testid="btn-export-features"
          disabled={!hasRun || running}
          title="Penultimate features, labels, classifier and bias of the run on screen as .npy files (pause or finish the run first)"
          onClick={() => void exportFeatures()}
        >
          Export features (.npy)
        </button>
      )}
      <button type="button" data-testid="btn-load-state" onClick={() => fileRef.current?.click()}>
        Load state…
      </button>
      <input
        ref={fileRef}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        data-testid="load-state-input"
        aria-label="Load a saved state (an NC Lab checkpoint, or JSON with H, fc_weights, fc_last_bias, targets)"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) loadState(file);
        }}
      />
      {said && (
        <p
          className={said.error ? 'inline-error' : 'form-note'}
          role={said.error ? 'alert' : 'status'}
          data-testid={said.error ? 'state-error' : 'state-note'}
        >
          {said.text}{' '}
          <button type="button" className="link" onClick={() => setSaid(null)}>
            dismiss
          </button>
        </p>
      )}
    </>
  );
}
