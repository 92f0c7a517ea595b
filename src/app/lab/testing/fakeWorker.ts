import type { ThreadChoice } from '../../../engine/run/wasmThreads';
import type { BackendInfo, BackendRequest } from '../../../engine/core/backend';
import type { TunedShape } from '../../../engine/core/heapTuner';
import type { RunResult } from '../../../engine/run/result';
import type { Report } from '../../../engine/session/types';
import { CrashLatch, type Connect, type WorkerConnection } from '../../../worker/connection';
import type {
  ConnectionEvent,
  LabWorkerApi,
  WorkerCrash,
  WorkerEvent,
} from '../../../worker/protocol';

/**
 * A stand-in for the training worker and its connection, for unit tests of the controller
 * without a browser: it records every call, answers at once or when the test opens a gate, and
 * lets the test send events (with any run id) and crash it. Crashes go through the real
 * CrashLatch, so pending calls reject exactly as with a real worker.
 */
export const FAKE_BACKEND: BackendInfo = {
  backend: 'cpu',
  requested: 'auto',
  adapter: null,
  software: false,
  notes: ['fake worker'],
  tfjsVersion: '0.0.0',
};

export function fakeReport(step: number, nc1: number, totalSteps = 100): Report {
  return {
    step,
    totalSteps,
    shape: {
      K: 2,
      depth: 1,
      bias: false,
      classSizes: [1, 1],
      unit: 'step',
      stepsPerUnit: 1,
    },
    metrics: { nc1_pinv: nc1 },
    undefinedReasons: {},
    geometry: {
      centred: false,
      gramW: null,
      gramH: null,
      productSingularValues: [],
      classifierRowNorms: [],
      classMeanNorms: [],
      whDiag: [],
      bias: null,
      view3d: { basis: 'raw', explained: 1, means: [], classifier: [] },
    },
    timing: { trainMs: 0, measureMs: 0, stepsPerSecond: 0 },
    numTensors: 0,
  };
}

/** A promise the test resolves when it chooses. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

export type Gated = 'load' | 'pause' | 'initBackend';

export class FakeWorker implements LabWorkerApi {
  /** Every call, in the order the worker received it (`load#3` is a load of run 3). */
  readonly calls: string[] = [];
  /** Calls that wait for the test to open their gate before answering. */
  readonly gates = new Map<Gated, Promise<void>>();
  result_: RunResult | null = null;

  constructor(
    private readonly latch: CrashLatch,
    private readonly onEvent: (event: ConnectionEvent) => void,
    gates: Partial<Record<Gated, Promise<void>>> = {},
  ) {
    for (const [name, opened] of Object.entries(gates)) this.gates.set(name as Gated, opened);
  }

  /** An event from the worker, as it would travel to the page. */
  emit(event: WorkerEvent): void {
    this.onEvent(event);
  }

  crash(crash: WorkerCrash): void {
    this.latch.crashed(crash);
  }

  private async gated(name: Gated): Promise<void> {
    await this.gates.get(name);
  }

  /** Nothing to do: the fake connection forwards the events itself. */
  subscribe(): void {}
  async initBackend(request: BackendRequest, runId: number): Promise<BackendInfo> {
    this.calls.push(`initBackend#${runId}`);
    await this.gated('initBackend');
    return { ...FAKE_BACKEND, requested: request };
  }
  /** Every thread choice the worker was sent, in order (kept apart from `calls`). */
  readonly threadChoices: ThreadChoice[] = [];
  async setThreads(choice: ThreadChoice): Promise<void> {
    this.threadChoices.push(choice);
  }
  /** What tunedShapes answers (a test sets it). */
  tuned: TunedShape[] = [];
  async tunedShapes(): Promise<TunedShape[]> {
    return this.tuned;
  }
  async load(runId: number): Promise<Report> {
    this.calls.push(`load#${runId}`);
    await this.gated('load');
    return fakeReport(0, 1);
  }
  async start(): Promise<void> {
    this.calls.push('start');
  }
  async pause(): Promise<void> {
    this.calls.push('pause');
    await this.gated('pause');
  }
  async pauseAt(): Promise<void> {
    this.calls.push('pauseAt');
  }
  async resume(): Promise<void> {
    this.calls.push('resume');
  }
  async stepOnce(): Promise<void> {
    this.calls.push('stepOnce');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  async result(): Promise<RunResult | null> {
    this.calls.push('result');
    return this.result_;
  }
  async snapshot(): Promise<null> {
    return null;
  }
  async exportFeatures(): Promise<null> {
    return null;
  }
  async checkpoint(): Promise<null> {
    return null;
  }
  async runGrid(runId: number): Promise<never> {
    this.calls.push(`runGrid#${runId}`);
    throw new Error('the fake worker runs no grids');
  }
  benchmark = notFaked('benchmark');
  measureFeatures = notFaked('measureFeatures');
  benchmarkNets = notFaked('benchmarkNets');
  runSweep = notFaked('runSweep');
  stopSweep = notFaked('stopSweep');
  pauseGrid = notFaked('pauseGrid');
  resumeGrid = notFaked('resumeGrid');
  stopGrid = notFaked('stopGrid');
  runSearch = notFaked('runSearch');
  stopSearch = notFaked('stopSearch');
  importDataset = notFaked('importDataset');
  listDatasets = notFaked('listDatasets');
  deleteDataset = notFaked('deleteDataset');
  clearDatasets = notFaked('clearDatasets');
  describeDataset = notFaked('describeDataset');
}

function notFaked(name: string): () => Promise<never> {
  return () => Promise.reject(new Error(`the fake worker has no ${name}`));
}

/**
 * A Connect that starts FakeWorkers (the first one with `gates` closed); `workers` lists them
 * in the order they were started, `terminated` the indices of those the controller ended.
 */
export function fakeConnect(gates: Partial<Record<Gated, Promise<void>>> = {}): {
  connect: Connect;
  workers: FakeWorker[];
  terminated: number[];
} {
  const workers: FakeWorker[] = [];
  const terminated: number[] = [];
  const connect: Connect = (onEvent) => {
    let open = true;
    const index = workers.length;
    const forward = (event: ConnectionEvent) => {
      if (open) onEvent(event);
    };
    const latch = new CrashLatch((crash) => {
      forward({ type: 'crash', crash });
      open = false;
    });
    const worker = new FakeWorker(latch, forward, index === 0 ? gates : {});
    workers.push(worker);
    const connection: WorkerConnection = {
      call: (fn) => latch.race(() => fn(worker)),
      callback: (fn) => fn,
      transfer: (value) => value,
      terminate() {
        open = false;
        terminated.push(index);
      },
    };
    return connection;
  };
  return { connect, workers, terminated };
}
