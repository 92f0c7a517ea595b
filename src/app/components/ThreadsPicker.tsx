import { MAX_WASM_THREADS, type ThreadChoice } from '../../engine/run/wasmThreads';
import { labClient } from '../labClient';
import { useLab } from '../store';
import { writeThreadsToUrl } from '../urlState';

/** Counts offered: auto, then 1 … this machine's cores (tfjs's pool takes at most 8). */
function offered(): ThreadChoice[] {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_WASM_THREADS);
  return ['auto', ...Array.from({ length: cores }, (_, i) => i + 1)];
}

/**
 * The wasm backend's threads: what runs now, and the choice for the next run (threads change only
 * when a run is loaded; the address keeps the choice as `threads=`).
 */
export function ThreadsPicker() {
  const backend = useLab((s) => s.backend);
  const choice = useLab((s) => s.threads);
  if (backend?.backend !== 'wasm') return null;
  const isolated = globalThis.crossOriginIsolated === true;
  const running = backend.threads ?? 1;
  const choices = offered();
  if (!choices.includes(choice)) choices.push(choice);
  return (
    <label
      className="threads"
      title={
        isolated
          ? 'wasm threads for the next run. auto: one thread for small steps (waking threads costs more than it saves), all cores for large ones'
          : 'This page is not cross-origin isolated, so wasm runs on one thread (README, Hosting)'
      }
    >
      <span data-testid="wasm-threads">
        {running} thread{running > 1 ? 's' : ''}
      </span>{' '}
      <select
        aria-label="wasm threads for the next run"
        value={String(choice)}
        disabled={!isolated}
        onChange={(e) => {
          const next: ThreadChoice = e.target.value === 'auto' ? 'auto' : Number(e.target.value);
          labClient.setThreads(next);
          writeThreadsToUrl(next);
        }}
      >
        {choices.map((c) => (
          <option key={String(c)} value={String(c)}>
            {String(c)}
          </option>
        ))}
      </select>
    </label>
  );
}
