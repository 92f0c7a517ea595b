import * as Comlink from 'comlink';
import type { LabWorkerApi, WorkerEvent } from './protocol';

/** Start the training worker and return its typed API plus a way to stop it for good. */
export function createLabWorker(onEvent: (event: WorkerEvent) => void): {
  api: Comlink.Remote<LabWorkerApi>;
  terminate(): void;
} {
  const worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<LabWorkerApi>(worker);
  void api.subscribe(Comlink.proxy(onEvent));
  // A module worker whose script or imports fail to load fires a plain Event (no message).
  worker.addEventListener('error', (e) =>
    onEvent({
      type: 'crash',
      reason: e.message || 'its script or one of its modules could not be loaded',
    }),
  );
  worker.addEventListener('messageerror', () =>
    onEvent({ type: 'crash', reason: 'a message from it could not be read' }),
  );
  return { api, terminate: () => worker.terminate() };
}
