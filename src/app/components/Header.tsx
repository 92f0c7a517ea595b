import { ThreadsPicker } from './ThreadsPicker';
import { IntroButton } from '../guide/Intro';
import { useLab } from '../store';

export function Header() {
  const backend = useLab((s) => s.backend);
  const tuning = useLab((s) => s.tuning);
  const adapter = backend?.adapter;
  const onGpu = backend?.backend === 'webgpu' || backend?.backend === 'webgl';
  return (
    <header className="app-header">
      <div className="brand">
        <h1>NC Lab</h1>
        <p className="tagline">
          neural collapse, trained live in your browser: unconstrained features and real networks
        </p>
        <IntroButton />
      </div>
      <div className="backend" aria-label="Compute backend">
        <span className="backend-label">backend</span>{' '}
        <strong className="backend-name" data-testid="backend-name">
          {backend?.backend ?? '…'}
        </strong>
        <ThreadsPicker />
        {backend && backend.requested !== 'auto' && backend.requested !== backend.backend && (
          <span className="badge badge-warn" title="The requested backend failed; see the notes">
            requested {backend.requested}
          </span>
        )}
        <span className="adapter" data-testid="adapter-info">
          {adapter
            ? [adapter.vendor, adapter.architecture, adapter.description || adapter.device]
                .filter(Boolean)
                .join(' · ') || 'WebGPU adapter (no details)'
            : backend
              ? 'no WebGPU adapter'
              : 'probing…'}
          {adapter && !onGpu && <> (adapter not used by {backend?.backend})</>}
        </span>
        {backend?.software && (
          <span className="badge badge-danger" data-testid="software-warning" role="note">
            ⚠ software adapter (SwiftShader): CPU emulation, not your GPU
          </span>
        )}
        {backend && backend.notes.length > 0 && (
          <details className="backend-notes">
            <summary>notes ({backend.notes.length + (tuning ? 1 : 0)})</summary>
            <ul>
              {backend.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
              {tuning && (
                <li data-testid="tuner-note">
                  heap tuner, {tuning.threads} threads: {tuning.heap} product shapes on the lab’s
                  heap kernels, {tuning.pool} on XNNPACK’s pool (each timed both ways on its first
                  calls)
                </li>
              )}
              <li>tfjs {backend.tfjsVersion}</li>
            </ul>
          </details>
        )}
      </div>
    </header>
  );
}
