import type { ExperimentConfig } from '../../engine/config/schema';
import type { RunStatus } from '../../engine/session/types';
import { WorkerCrashed } from '../../worker/connection';
import type { WorkerCrash } from '../../worker/protocol';

/** The words the lab shows and announces about the worker and its runs, in one place. */

/** What to do when the worker cannot start: the usual causes are a stale page or dev bundle. */
export const RESTART_ADVICE =
  'Reload the page. If you run the development server (npm run dev), stop and restart it first; or use npm start, which serves the built lab.';

export function crashReason(crash: WorkerCrash): string {
  switch (crash.kind) {
    case 'load-failed':
      return 'its script or one of its modules could not be loaded';
    case 'uncaught':
      return crash.message;
    case 'unreadable-message':
      return 'a message from it could not be read';
  }
}

/** The page's message for a worker that crashed or never started: why, and what to do. */
export function crashMessage(crash: WorkerCrash): string {
  return `The training worker stopped: ${crashReason(crash)}. ${RESTART_ADVICE}`;
}

export function deviceLostMessage(reason: string, message: string): string {
  return `The WebGPU device was lost (${reason}: ${message}). The run stopped; its history is kept. Reset to start again, or choose another backend.`;
}

export function backendTimeoutMessage(backend: string, seconds: number): string {
  return `the ${backend} backend did not initialise within ${seconds} s. ${RESTART_ADVICE} A link with backend=wasm avoids the GPU probe.`;
}

export function describeRun(c: ExperimentConfig): string {
  if (c.experiment === 'net')
    return `${c.model} on ${c.dataset}, M = ${c.depthLinear}, ${c.loss}, ${c.epochs} epochs`;
  return `K = ${c.classSizes.length}, N = ${c.classSizes.reduce((a, n) => a + n, 0)}, d = ${c.hidden}, M = ${c.depth}, ${c.bias ? 'bias' : 'no bias'}`;
}

export function describeStatus(status: RunStatus, step: number, message: string | null): string {
  switch (status) {
    case 'running':
      return `Running from step ${step}.`;
    case 'paused':
      return `Paused at step ${step}.`;
    case 'completed':
      return `Completed after ${step} steps.`;
    case 'stopped':
      return `Stopped at step ${step}.`;
    default:
      return message ?? `Status: ${status}.`;
  }
}

export function errorText(error: unknown): string {
  if (error instanceof WorkerCrashed) return crashMessage(error.crash);
  if (error instanceof Error) return error.message.replace(/^Error: /, '');
  return String(error);
}
