import * as Comlink from 'comlink';
import type { BackendRequest } from '../engine/core/backend';
import { parseThreadChoice, type ThreadChoice } from '../engine/run/threadChoice';
import type { ConnectionEvent, LabWorkerApi, WorkerCrash } from './protocol';
import { STARTUP_MARKS, markStartup } from './startupMarks';

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

const BACKEND_REQUESTS: Record<BackendRequest, true> = {
  auto: true,
  webgpu: true,
  webgl: true,
  wasm: true,
  cpu: true,
};

/**
 * The backend a page address asks for (`backend=wasm`), 'auto' when it names none or an unknown
 * one: what the config read from the same address will ask for (a bad value is refused there,
 * and the form falls back to auto).
 */
export function backendOfSearch(search: string): BackendRequest {
  const asked = new URLSearchParams(search).get('backend');
  return asked !== null && Object.hasOwn(BACKEND_REQUESTS, asked)
    ? (asked as BackendRequest)
    : 'auto';
}

/**
 * The wasm threads a page address asks for (`threads=2`, `threads=auto`; absent: auto), and
 * why a value cannot be used (the page says so and runs with auto).
 */
export function threadsOfSearch(search: string): { choice: ThreadChoice; problem: string | null } {
  const asked = new URLSearchParams(search).get('threads');
  if (asked === null) return { choice: 'auto', problem: null };
  const parsed = parseThreadChoice(asked);
  return typeof parsed === 'object'
    ? { choice: 'auto', problem: `${parsed.error}; running with threads=auto` }
    : { choice: parsed, problem: null };
}

/** Calls `onCrash` for a worker's error and unreadable-message events; returns the undo. */
function watchCrashes(worker: Worker, onCrash: (crash: WorkerCrash) => void): () => void {
  const error = (e: ErrorEvent) => onCrash(crashOfErrorEvent(e));
  const messageError = () => onCrash({ kind: 'unreadable-message' });
  worker.addEventListener('error', error);
  worker.addEventListener('messageerror', messageError);
  return () => {
    worker.removeEventListener('error', error);
    worker.removeEventListener('messageerror', messageError);
  };
}

/** A started worker nobody has connected to yet, and how it crashed meanwhile (if it did). */
interface Prestarted {
  worker: Worker;
  api: LabWorkerApi;
  crashes: WorkerCrash[];
  stopWatching(): void;
}

let prestarted: Prestarted | null = null;

function startWorker(): { worker: Worker; api: LabWorkerApi } {
  const worker = new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
  markStartup(STARTUP_MARKS.workerSpawn);
  // comlink's Remote types every method as returning a promise, which LabWorkerApi's already do.
  return { worker, api: Comlink.wrap<LabWorkerApi>(worker) as unknown as LabWorkerApi };
}

/**
 * Starts the training worker as the page's first act (src/main.tsx, before the app's own code
 * has loaded) and has it initialise the backend the address names, so that tfjs, the wasm binary
 * and the page's JS load side by side instead of one after the other. The first connection takes
 * this worker over; a later load of the same backend shares the initialisation in progress.
 */
export function prestartLabWorker(search: string): void {
  if (prestarted || typeof Worker === 'undefined') return;
  const { worker, api } = startWorker();
  const crashes: WorkerCrash[] = [];
  const stopWatching = watchCrashes(worker, (crash) => crashes.push(crash));
  void api.setThreads(threadsOfSearch(search).choice);
  // runId 0: no run is on screen yet; a failure is reported by the first load's own call
  api.initBackend(backendOfSearch(search), 0).catch(() => undefined);
  prestarted = { worker, api, crashes, stopWatching };
}

/** Start the training worker (`lab.worker.ts`), or take the prestarted one, and connect to it. */
export const connectLabWorker: Connect = (onEvent) => {
  const taken = prestarted;
  prestarted = null;
  taken?.stopWatching();
  const { worker, api } = taken ?? startWorker();
  let open = true;
  const latch = new CrashLatch((crash) => {
    worker.terminate();
    onEvent({ type: 'crash', crash });
    open = false;
  });
  void api.subscribe(
    Comlink.proxy((events) => {
      for (const event of events) if (open) onEvent(event);
    }),
  );
  watchCrashes(worker, (crash) => latch.crashed(crash));
  // The prestarted worker crashed before anyone listened: told once the caller holds this connection.
  const early = taken?.crashes[0];
  if (early) queueMicrotask(() => latch.crashed(early));
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
