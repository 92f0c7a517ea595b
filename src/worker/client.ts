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
  worker.addEventListener('error', (e) =>
    onEvent({ type: 'error', message: `Training worker crashed: ${e.message || 'unknown error'}` }),
  );
  return { api, terminate: () => worker.terminate() };
}
