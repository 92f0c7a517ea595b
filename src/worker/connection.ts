import * as Comlink from 'comlink';
import type { ConnectionEvent, LabWorkerApi, WorkerCrash } from './protocol';

/**
 * The page's line to one training worker: it starts the worker, carries calls and events over
 * comlink, and notices the worker's crash. Once crashed (or terminated) it is spent: pending and
 * later calls reject with a WorkerCrashed, and it forwards nothing more. Nothing here knows
 * about runs; the controller (`app/lab/controller.ts`) decides what events mean.
 */
export interface WorkerConnection {
  /** Call the worker; rejects with WorkerCrashed if the worker crashes before it answers. */
  call<T>(fn: (api: LabWorkerApi) => Promise<T>): Promise<T>;
  /** A callback the worker may call back (a comlink proxy over the message channel). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** Hand `transferables` over to the worker instead of copying them. */
  transfer<T>(value: T, transferables: Transferable[]): T;
  terminate(): void;
}

/** Opens a connection whose events (the worker's, and its crash) go to `onEvent`. */
export type Connect = (onEvent: (event: ConnectionEvent) => void) => WorkerConnection;

/** A call that the worker will never answer: it crashed. */
export class WorkerCrashed extends Error {
  constructor(readonly crash: WorkerCrash) {
    super(`the training worker stopped (${crash.kind})`);
    this.name = 'WorkerCrashed';
  }
}

/** The crash a worker's `error` event means. */
export function crashOfErrorEvent(event: Pick<ErrorEvent, 'message'>): WorkerCrash {
  // A module worker whose script or imports fail to load fires a plain Event (no message).
  return event.message ? { kind: 'uncaught', message: event.message } : { kind: 'load-failed' };
}

/**
 * Joins calls to a crash: `crashed(c)` rejects every pending and later `race` with
 * WorkerCrashed(c) and tells `onCrash` once. The same logic serves the real worker and tests.
 */
export class CrashLatch {
  private crash: WorkerCrash | null = null;
  private readonly rejections = new Set<(error: WorkerCrashed) => void>();

  constructor(private readonly onCrash: (crash: WorkerCrash) => void) {}

  get isCrashed(): boolean {
    return this.crash !== null;
  }

  race<T>(call: () => Promise<T>): Promise<T> {
    if (this.crash) return Promise.reject(new WorkerCrashed(this.crash));
    return new Promise<T>((resolve, reject) => {
      this.rejections.add(reject);
      call()
        .then(resolve, reject)
        .finally(() => this.rejections.delete(reject));
    });
  }

  crashed(crash: WorkerCrash): void {
    if (this.crash) return;
    this.crash = crash;
    for (const reject of this.rejections) reject(new WorkerCrashed(crash));
    this.rejections.clear();
    this.onCrash(crash);
  }
}

/** Start the training worker (`lab.worker.ts`) and connect to it. */
export const connectLabWorker: Connect = (onEvent) => {
  const worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
  let open = true;
  const latch = new CrashLatch((crash) => {
    worker.terminate();
    onEvent({ type: 'crash', crash });
    open = false;
  });
  // comlink's Remote types every method as returning a promise, which LabWorkerApi's already do.
  const api = Comlink.wrap<LabWorkerApi>(worker) as unknown as LabWorkerApi;
  void api.subscribe(
    Comlink.proxy((event) => {
      if (open) onEvent(event);
    }),
  );
  worker.addEventListener('error', (e) => latch.crashed(crashOfErrorEvent(e)));
  worker.addEventListener('messageerror', () => latch.crashed({ kind: 'unreadable-message' }));
  return {
    call: (fn) => latch.race(() => fn(api)),
    callback: (fn) => Comlink.proxy(fn),
    transfer: (value, transferables) => Comlink.transfer(value, transferables),
    terminate() {
      open = false;
      worker.terminate();
    },
  };
};
