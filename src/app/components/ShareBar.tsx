import { useRef, useState } from 'react';
import { findPreset } from '../../engine/config/presets';
import { DEFAULT_UFM_CONFIG, parseConfig, type ExperimentConfig } from '../../engine/config/schema';
import { CHECKPOINT_FORMAT, parseCheckpoint } from '../../engine/session/checkpoint';
import { ufmInitStateSchema, type UfmInitState } from '../../engine/ufm/initState';
import { dateStamp } from '../format';
import { errorText, labClient } from '../labClient';
import { configPending, labActions, useLab } from '../store';
import { currentShareUrl } from '../urlState';

function download(name: string, value: unknown): void {
  saveBlob(name, new Blob([JSON.stringify(value, null, 1)], { type: 'application/json' }));
}

function downloadBytes(name: string, bytes: Uint8Array): void {
  saveBlob(
    name,
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
  );
}

function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName(): string {
  const s = useLab.getState();
  const preset = s.presetId && findPreset(s.presetId) ? s.presetId : 'ufm';
  return `nc-lab-${preset}-${dateStamp()}`;
}

/**
 * A saved state file: the oracle `init` format (H, fc_weights, fc_last_bias, targets), plus the
 * config when NC Lab wrote it. Without a config, the shapes decide K, n_k, d, M and the bias.
 */
function configForState(
  state: UfmInitState,
  saved: unknown,
  current: ExperimentConfig,
): ExperimentConfig {
  if (saved !== undefined) return parseConfig(saved);
  const base = current.experiment === 'ufm' ? current : DEFAULT_UFM_CONFIG;
  const K = Math.max(-1, ...state.targets) + 1;
  const classSizes = Array.from(
    { length: K },
    (_, k) => state.targets.filter((y) => y === k).length,
  );
  const hidden = state.H[0]?.length ?? base.hidden;
  return parseConfig({
    ...base,
    classSizes,
    hidden,
    depth: state.fc_weights.length,
    bias: state.fc_last_bias !== null,
  });
}

export function ShareBar() {
  const config = useLab((s) => s.config);
  const loadedConfig = useLab((s) => s.loadedConfig);
  const formDiffers = useLab((s) => s.loadedConfig !== null && configPending(s));
  const hasRun = useLab((s) => s.loadedConfig !== null && s.busy === null);
  const isNet = useLab((s) => s.loadedConfig?.experiment === 'net');
  const running = useLab((s) => s.status === 'running');
  const [copied, setCopied] = useState<string | null>(null);
  const [stateError, setStateError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
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

  const saveResults = async () => {
    try {
      const result = await labClient.result();
      if (!result) throw new Error('no run loaded');
      download(`${baseName()}.json`, result);
    } catch (error) {
      labActions.addError(`Download failed: ${errorText(error)}`);
    }
  };

  const exportFeatures = async () => {
    try {
      const files = await labClient.exportFeatures(0);
      if (!files) throw new Error('feature export takes a network run');
      // Plain names: the ones "Measure your features" and `npm run metrics` recognise.
      for (const f of files) downloadBytes(f.name, f.bytes);
      labActions.announce(`Exported ${files.map((f) => f.name).join(', ')}.`);
    } catch (error) {
      labActions.addError(`Export features failed: ${errorText(error)}`);
    }
  };

  // The run library's checkpoint (what `npm run experiment -- --resume` continues); a run kind
  // without checkpoints yet (paired runs) falls back to the oracle `init` format.
  const saveState = async () => {
    try {
      const s = useLab.getState();
      const checkpoint = await labClient.checkpointNow();
      if (checkpoint) {
        download(`${baseName()}-state-step${checkpoint.step}.json`, checkpoint);
        return;
      }
      const state = await labClient.snapshot();
      if (!state) throw new Error('no run loaded');
      download(`${baseName()}-state-step${s.step}.json`, {
        ...state,
        config: s.loadedConfig,
        step: s.step,
      });
    } catch (error) {
      labActions.addError(`Save state failed: ${errorText(error)}`);
    }
  };

  const loadState = async (file: File) => {
    setStateError(null);
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      if ((raw as { format?: unknown } | null)?.format === CHECKPOINT_FORMAT) {
        const checkpoint = parseCheckpoint(raw);
        const loaded = await labClient.loadCheckpoint(checkpoint);
        if (!loaded)
          throw new Error(useLab.getState().statusMessage ?? 'the worker rejected the checkpoint');
        labActions.setConfig(checkpoint.config);
        labActions.announce(`Loaded the checkpoint at step ${checkpoint.step} from ${file.name}.`);
        return;
      }
      const parsed = ufmInitStateSchema.safeParse(raw);
      if (!parsed.success) {
        const issues = parsed.error.issues
          .slice(0, 4)
          .map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
        throw new Error(
          `${file.name} is not a state file (needs H, fc_weights, fc_last_bias, targets): ${issues.join('; ')}`,
        );
      }
      const saved = (raw as { config?: unknown }).config;
      const config = configForState(parsed.data, saved, useLab.getState().config);
      const report = await labClient.load(config, parsed.data);
      if (!report)
        throw new Error(useLab.getState().statusMessage ?? 'the worker rejected the state');
      // Only a state the worker accepted changes the form (and the URL).
      labActions.setConfig(config);
      labActions.announce(`Loaded the state from ${file.name}.`);
    } catch (error) {
      setStateError(`Load state: ${errorText(error)}`);
    }
  };

  return (
    <div className="share-bar">
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
          The form differs from the run on screen: this link is the run&apos;s. Start or Reset loads
          the form&apos;s settings.
        </span>
      )}
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
          if (file) void loadState(file);
        }}
      />
      {stateError && (
        <p className="inline-error" role="alert" data-testid="state-error">
          {stateError}{' '}
          <button type="button" className="link" onClick={() => setStateError(null)}>
            dismiss
          </button>
        </p>
      )}
    </div>
  );
}
