import { formatTimeLeft } from '../eta';
import { fmt, fmtBytes, fmtInt } from '../format';
import { useLab } from '../store';

export function StatusBar() {
  const status = useLab((s) => s.status);
  const step = useLab((s) => s.step);
  const total = useLab((s) => s.lastReport?.totalSteps ?? null);
  const shape = useLab((s) => s.lastReport?.shape ?? null);
  const busy = useLab((s) => s.busy);
  const message = useLab((s) => s.statusMessage);
  const timing = useLab((s) => s.lastReport?.timing ?? null);
  const numTensors = useLab((s) => s.lastReport?.numTensors ?? null);
  const memory = useLab((s) => s.lastReport?.memory ?? null);
  const from = useLab((s) => s.loadedFrom);
  const announcement = useLab((s) => s.announcement);
  const timeLeft = useLab((s) => s.timeLeft);
  const fraction = total ? Math.min(1, step / total) : 0;
  return (
    <div className="status-bar">
      <span className={`status status-${status}`}>
        status <strong data-testid="run-status">{status}</strong>
      </span>
      <span className="progress-text">
        step <strong data-testid="run-step">{step}</strong>
        {total !== null && <> / {fmtInt(total)}</>}
        {shape && shape.unit === 'epoch' && (
          <>
            {' '}
            · epoch <strong data-testid="run-epoch">{fmt(step / shape.stepsPerUnit, 3)}</strong>
          </>
        )}
      </span>
      <progress max={1} value={fraction} aria-label="Training progress">
        {Math.round(fraction * 100)} %
      </progress>
      {timeLeft !== null && status === 'running' && (
        <span
          data-testid="time-left"
          title="estimated from the steps done since the run started or resumed, measurements included"
        >
          {formatTimeLeft(timeLeft)} left
        </span>
      )}
      <span title="optimiser steps per second, measurement excluded">
        {timing ? `${fmt(timing.stepsPerSecond, 3)} steps/s` : '— steps/s'}
      </span>
      {from === 'state' && <span className="badge">from saved state</span>}
      <span
        className="num-tensors"
        title="tf.memory().numTensors in the worker; it should stay flat while training"
      >
        tensors <span data-testid="num-tensors">{numTensors ?? '—'}</span>
      </span>
      {memory && (
        <span
          data-testid="memory"
          title="tfjs memory in the worker: tensors, GPU buffers in use and held by the pool"
        >
          memory {fmtBytes(memory.bytes)}
          {memory.gpuBytes !== null && <> · GPU {fmtBytes(memory.gpuBytes)}</>}
          {memory.gpuAllocatedBytes !== null && <> (pool {fmtBytes(memory.gpuAllocatedBytes)})</>}
        </span>
      )}
      {busy && (
        <span className="busy" data-testid="busy">
          <span className="spinner" aria-hidden="true" /> {busy}
        </span>
      )}
      {message && (status === 'diverged' || status === 'failed') && (
        <span className="error-text" data-testid="status-message">
          {message}
        </span>
      )}
      <span className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
        {announcement}
      </span>
    </div>
  );
}
