import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CrashLatch, crashOfErrorEvent, WorkerCrashed } from '../../worker/connection';
import type { WorkerCrash } from '../../worker/protocol';
import type { RunResult } from '../../engine/run/result';
import { ReportHistory } from '../history';
import { HISTORY_WRITE_MS, runRecorder } from '../runs/recorder';
import { runLibrary } from '../runs/runsStore';
import { HISTORY_PUBLISH_MS, PAGE_PUBLISH_MS, useLab } from '../store';
import { CommandQueue } from './commandQueue';
import { LabController } from './controller';
import { crashMessage, deviceLostMessage } from './messages';
import { fakeConnect, fakeReport, gate, type FakeWorker, type Gated } from './testing/fakeWorker';

const initial = useLab.getState();

beforeEach(() => {
  useLab.setState({ ...initial, history: new ReportHistory(), errors: [], backend: null });
});

function setup(
  options: {
    settleGraceMs?: number;
    backendTimeoutMs?: number;
    gates?: Partial<Record<Gated, Promise<void>>>;
  } = {},
) {
  const fake = fakeConnect(options.gates);
  const lab = new LabController({
    connect: fake.connect,
    settleGraceMs: options.settleGraceMs,
    backendTimeoutMs: options.backendTimeoutMs,
  });
  const worker = (i = 0): FakeWorker => {
    const w = fake.workers[i];
    if (!w) throw new Error(`worker ${i} was never started`);
    return w;
  };
  return { lab, worker, fake };
}

/** Let queued commands and event handlers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const steps = () => useLab.getState().history.entries.map((e) => e.step);

/** Load the form's config, then start it and let the worker say it runs. */
async function loadAndRun(lab: LabController, worker: () => FakeWorker): Promise<number> {
  expect(await lab.load(useLab.getState().config)).not.toBeNull();
  const runId = lab.currentRunId;
  await lab.start();
  worker().emit({ type: 'status', runId, status: 'running', message: null, step: 0 });
  return runId;
}

describe('LabController: which run an event belongs to', () => {
  it('gives every load a new run id, sent to the worker with the load', async () => {
    const { lab, worker } = setup();
    await lab.load(useLab.getState().config);
    await lab.load(useLab.getState().config);
    expect(worker().calls.filter((c) => c.startsWith('load'))).toEqual(['load#1', 'load#2']);
    expect(lab.currentRunId).toBe(2);
  });

  it('ignores reports and statuses of an earlier run that arrive after a reload (by run id)', async () => {
    const { lab, worker } = setup();
    const first = await loadAndRun(lab, worker);
    worker().emit({ type: 'report', runId: first, report: fakeReport(10, 0.5) });
    expect(steps()).toEqual([0, 10]);
    await lab.load(useLab.getState().config); // run 2 replaces run 1
    expect(lab.currentRunId).toBe(first + 1);
    // run 1's late events: its last report and its "stopped"
    worker().emit({ type: 'report', runId: first, report: fakeReport(20, 0.1) });
    worker().emit({ type: 'status', runId: first, status: 'stopped', message: null, step: 20 });
    worker().emit({ type: 'error', runId: first, message: 'an old failure' });
    expect(steps()).toEqual([0]);
    expect(useLab.getState().status).toBe('idle');
    expect(useLab.getState().errors).toEqual([]);
    // the current run's event is taken
    worker().emit({ type: 'report', runId: first + 1, report: fakeReport(5, 0.9) });
    expect(steps()).toEqual([0, 5]);
  });

  it('settles the old run (pause, step, stop) on the same worker before loading the next', async () => {
    const { lab, worker } = setup();
    await loadAndRun(lab, worker);
    await lab.load(useLab.getState().config);
    expect(worker().calls).toEqual([
      'initBackend#1',
      'load#1',
      'result',
      'start',
      'pause',
      'stepOnce',
      'stop',
      'load#2',
      'result',
    ]);
  });

  it('replaces a worker that does not settle in time, and drops the old worker’s events', async () => {
    const { lab, worker, fake } = setup({ settleGraceMs: 5 });
    const first = await loadAndRun(lab, worker);
    worker().gates.set('pause', new Promise(() => {})); // a long synchronous stretch
    expect(await lab.load(useLab.getState().config)).not.toBeNull();
    expect(fake.terminated).toEqual([0]);
    expect(worker(1).calls).toEqual(['load#2', 'result']);
    // the old worker's events are dropped even with the current run id
    worker(0).emit({ type: 'report', runId: first + 1, report: fakeReport(7, 0.2) });
    expect(steps()).toEqual([0]);
  });

  it('a grid gets its own run id; afterwards the form’s config waits as a fresh idle run', async () => {
    const { lab, worker } = setup();
    const run = await loadAndRun(lab, worker);
    await expect(lab.runGrid({})).rejects.toThrow('the fake worker runs no grids');
    expect(worker().calls.at(-1)).toBe(`runGrid#${run + 1}`);
    worker().emit({ type: 'report', runId: run, report: fakeReport(9, 0.3) });
    expect(useLab.getState()).toMatchObject({ status: 'idle', loadedConfig: null, busy: null });
    expect(steps()).toEqual([]);
  });
});

describe('LabController: a crashed worker', () => {
  it('marks a running run failed with the crash’s reason and keeps its history', async () => {
    const { lab, worker } = setup();
    const runId = await loadAndRun(lab, worker);
    worker().emit({ type: 'report', runId, report: fakeReport(10, 0.5) });
    worker().emit({ type: 'report', runId, report: fakeReport(20, 0.05) });
    const crash = { kind: 'uncaught', message: 'Uncaught RangeError: out of memory' } as const;
    worker().crash(crash);
    const s = useLab.getState();
    expect(s.status).toBe('failed');
    expect(s.statusMessage).toBe(
      'The training worker stopped: Uncaught RangeError: out of memory. Reload the page. If you run the development server (npm run dev), stop and restart it first; or use npm start, which serves the built lab.',
    );
    expect(s.errors.map((e) => e.text)).toEqual([crashMessage(crash)]);
    expect(s.busy).toBeNull();
    expect(steps()).toEqual([0, 10, 20]);
  });

  it('starts a fresh worker for the next command, which reloads the failed run', async () => {
    const { lab, worker, fake } = setup();
    await loadAndRun(lab, worker);
    worker().crash({ kind: 'load-failed' });
    await lab.start();
    expect(fake.workers).toHaveLength(2);
    // the page keeps the backend it knew, so the fresh worker initialises it on load
    expect(worker(1).calls).toEqual(['load#2', 'result', 'start']);
  });

  it('rejects a pending load: the run fails saying the worker could not be loaded', async () => {
    const { lab, worker } = setup({ gates: { load: gate().opened } });
    const pending = lab.load(useLab.getState().config);
    await settle();
    expect(worker().calls).toEqual(['initBackend#1', 'load#1']);
    worker().crash({ kind: 'load-failed' });
    expect(await pending).toBeNull();
    const reason = crashMessage({ kind: 'load-failed' });
    expect(reason).toContain('its script or one of its modules could not be loaded');
    expect(useLab.getState()).toMatchObject({
      status: 'failed',
      statusMessage: `Could not load the run: ${reason}`,
      busy: null,
    });
    expect(useLab.getState().errors.map((e) => e.text)).toEqual([
      reason,
      `Could not load the run: ${reason}`,
    ]);
  });

  it('a backend that never initialises fails the load in time and the worker is replaced', async () => {
    const { lab, worker, fake } = setup({
      backendTimeoutMs: 5,
      gates: { initBackend: new Promise(() => {}) },
    });
    expect(await lab.load(useLab.getState().config)).toBeNull();
    expect(fake.terminated).toEqual([0]);
    expect(useLab.getState().statusMessage).toMatch(
      /^Could not load the run: the auto backend did not initialise within 0.005 s\. Reload the page/,
    );
    await lab.load(useLab.getState().config);
    expect(worker(1).calls).toEqual(['initBackend#2', 'load#2', 'result']);
  });

  it('resolves ncLab.run-style waiters as failed instead of leaving them hanging', async () => {
    const { lab, worker } = setup();
    await lab.load(useLab.getState().config);
    const ended = lab.runToEnd(useLab.getState().config);
    await settle();
    worker().crash({ kind: 'unreadable-message' });
    await expect(ended).rejects.toThrow(
      `ncLab.run: the run ended (failed: ${crashMessage({ kind: 'unreadable-message' })})`,
    );
  });

  it('forwards nothing from a crashed worker, even with the current run id', async () => {
    const { lab, worker } = setup();
    const runId = await loadAndRun(lab, worker);
    worker().crash({ kind: 'load-failed' });
    worker().emit({ type: 'report', runId, report: fakeReport(30, 0.01) });
    expect(steps()).toEqual([0]);
  });
});

describe('LabController: events of the current run', () => {
  it('a lost GPU device fails the running run with its own message', async () => {
    const { lab, worker } = setup();
    const runId = await loadAndRun(lab, worker);
    worker().emit({ type: 'device-lost', runId, reason: 'unknown', message: 'GPU hung' });
    expect(useLab.getState().status).toBe('failed');
    expect(useLab.getState().statusMessage).toBe(deviceLostMessage('unknown', 'GPU hung'));
    expect(useLab.getState().statusMessage).toContain(
      'The WebGPU device was lost (unknown: GPU hung)',
    );
  });

  it('resolves runToEnd with the worker’s result when its own run completes', async () => {
    const { lab, worker } = setup();
    const ended = lab.runToEnd(useLab.getState().config);
    await settle();
    await settle();
    const runId = lab.currentRunId;
    worker().emit({
      type: 'status',
      runId: runId - 1,
      status: 'completed',
      message: null,
      step: 1,
    });
    let done = false;
    void ended.then(
      () => (done = true),
      () => (done = true),
    );
    await settle();
    expect(done).toBe(false); // another run's "completed" does not end it
    worker().emit({ type: 'status', runId, status: 'completed', message: null, step: 100 });
    await expect(ended).rejects.toThrow('the run ended (completed) but the worker holds no result');
  });
  it('answers runToEnd only once the ended run is kept in the run library, so a read right after finds it', async () => {
    const { lab, worker } = setup();
    const ended = lab.runToEnd(useLab.getState().config);
    await settle();
    await settle();
    const runId = lab.currentRunId;
    const config = useLab.getState().config;
    worker().result_ = {
      schemaVersion: 1,
      app: { name: 'nc-lab', version: '0.1.0' },
      config,
      backend: { backend: 'cpu' } as RunResult['backend'],
      status: 'completed',
      message: null,
      history: [],
      final: fakeReport(20, 0.1, 20),
      theory: null,
      timing: { trainMs: 40, measureMs: 8, stepsPerSecond: 500 },
      breakdown: null,
    };
    worker().emit({ type: 'status', runId, status: 'running', message: null, step: 0 });
    worker().emit({ type: 'report', runId, report: fakeReport(20, 0.1, 20) });
    worker().emit({ type: 'status', runId, status: 'completed', message: null, step: 20 });
    await ended;
    const { runs } = await runLibrary.list();
    const kept = runs.find((r) => r.source === 'ncLab' && r.step === 20);
    expect(kept?.status).toBe('completed');
    expect(kept?.timing).toEqual({ trainMs: 40, measureMs: 8, stepsPerSecond: 500 });
  });
});

describe('LabController: wasm threads', () => {
  it('sends the thread choice to a running worker at once, and to a fresh one before anything else', async () => {
    const { lab, worker, fake } = setup();
    lab.setThreads(2);
    expect(useLab.getState().threads).toBe(2);
    await loadAndRun(lab, worker);
    lab.setThreads('auto');
    await settle();
    expect(worker().threadChoices).toEqual([2, 'auto']);
    worker().crash({ kind: 'load-failed' });
    lab.setThreads(4);
    await lab.start();
    expect(fake.workers).toHaveLength(2);
    expect(worker(1).threadChoices).toEqual([4]);
  });
});

describe('LabController: the command queue', () => {
  it('runs commands in the order given, each after the previous one finished', async () => {
    const g = gate();
    const { lab, worker } = setup({ gates: { load: g.opened } });
    const load = lab.load(useLab.getState().config);
    const start = lab.start();
    const pause = lab.pause();
    await settle();
    // load#1 waits, so start and pause have not reached the worker
    expect(worker().calls).toEqual(['initBackend#1', 'load#1']);
    g.open();
    await Promise.all([load, start, pause]);
    expect(worker().calls).toEqual(['initBackend#1', 'load#1', 'result', 'start', 'pause']);
  });

  it('a failed command rejects alone; the next one still runs', async () => {
    const queue = new CommandQueue();
    const order: string[] = [];
    const a = queue.enqueue(async () => {
      order.push('a');
      throw new Error('a failed');
    });
    const b = queue.enqueue(async () => {
      order.push('b');
      return 2;
    });
    await expect(a).rejects.toThrow('a failed');
    expect(await b).toBe(2);
    expect(order).toEqual(['a', 'b']);
  });
});

describe('the connection’s crash detection', () => {
  it('reads a worker error event without a message as a failed load, with one as uncaught', () => {
    expect(crashOfErrorEvent({ message: '' })).toEqual({ kind: 'load-failed' });
    expect(crashOfErrorEvent({ message: 'Uncaught TypeError: x' })).toEqual({
      kind: 'uncaught',
      message: 'Uncaught TypeError: x',
    });
  });

  it('rejects pending and later calls with the typed crash, and reports the crash once', async () => {
    const seen: WorkerCrash[] = [];
    const latch = new CrashLatch((c) => seen.push(c));
    const pending = latch.race(() => new Promise<never>(() => {}));
    const answered = latch.race(async () => 'answer');
    expect(await answered).toBe('answer');
    latch.crashed({ kind: 'unreadable-message' });
    latch.crashed({ kind: 'load-failed' });
    await expect(pending).rejects.toEqual(new WorkerCrashed({ kind: 'unreadable-message' }));
    const later = await latch.race(async () => 'late').catch((e: unknown) => e);
    expect(later).toBeInstanceOf(WorkerCrashed);
    expect((later as WorkerCrashed).crash).toEqual({ kind: 'unreadable-message' });
    expect(seen).toEqual([{ kind: 'unreadable-message' }]);
  });
});

describe('LabController: what a report costs the page', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('publishes the time left with the report the store shows, not once per report', async () => {
    const { lab, worker } = setup();
    const real = performance.now.bind(performance);
    let later = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => real() + later);
    const runId = await loadAndRun(lab, worker);
    // 5 s into the run (the estimate waits for 3 s of running; an earlier test's publication is
    // then long past)
    later = 5000;
    let changes = 0;
    const unsubscribe = useLab.subscribe(() => changes++);
    // ten reports at once: the store shows the first at once; the charts learn of the rest
    // HISTORY_PUBLISH_MS later, the counters PAGE_PUBLISH_MS later, together
    for (let i = 1; i <= 10; i++)
      worker().emit({ type: 'report', runId, report: fakeReport(i, 0.5, 100) });
    expect(changes).toBe(1);
    expect(useLab.getState().step).toBe(1);
    expect(useLab.getState().timeLeft).toEqual(expect.any(Number));
    const { history } = useLab.getState();
    await new Promise((resolve) => setTimeout(resolve, HISTORY_PUBLISH_MS + 50));
    expect(changes).toBe(2);
    expect(useLab.getState().historyVersion).toBe(history.version);
    expect(useLab.getState().step).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, PAGE_PUBLISH_MS - HISTORY_PUBLISH_MS));
    expect(changes).toBe(3);
    expect(useLab.getState().step).toBe(10);
    // a run that stops with a report still waiting shows that report, and no time left
    worker().emit({ type: 'report', runId, report: fakeReport(11, 0.5, 100) });
    worker().emit({ type: 'report', runId, report: fakeReport(12, 0.5, 100) });
    worker().emit({ type: 'status', runId, status: 'paused', message: null, step: 12 });
    expect(useLab.getState().step).toBe(12);
    expect(useLab.getState().timeLeft).toBeNull();
    unsubscribe();
  });

  it('writes the kept history once a second, and what is pending before a status change and at the end', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
    const { lab, worker } = setup();
    const loading = loadAndRun(lab, worker);
    await tick(1);
    const runId = await loading;
    await tick(1);
    const kept = async () => {
      await tick(1);
      const id = runRecorder.currentId;
      if (!id) return null;
      const run = await runLibrary.get(id);
      return run && { chunks: run.record.chunks, steps: run.history.map((e) => e.step) };
    };
    for (let i = 1; i <= 30; i++)
      worker().emit({ type: 'report', runId, report: fakeReport(i, 0.5, 100) });
    expect(await kept()).toEqual({ chunks: 0, steps: [] });
    await tick(HISTORY_WRITE_MS);
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(await kept()).toEqual({ chunks: 1, steps: thirty });
    worker().emit({ type: 'report', runId, report: fakeReport(31, 0.5, 100) });
    worker().emit({ type: 'status', runId, status: 'paused', message: null, step: 31 });
    expect(await kept()).toEqual({ chunks: 2, steps: [...thirty, 31] });
  });
});

describe('LabController: the heap tuner’s note after a run on wasm’s thread pool', () => {
  const shape = (threads: number, choice: 'heap' | 'pool' | null, name = 's') => ({
    threads,
    shape: name,
    choice,
    heapMs: 1,
    poolMs: 2,
  });

  it('counts the decided shapes of the pool in use once the run ends, and clears it for another pool size', async () => {
    const { lab, worker } = setup();
    const runId = await loadAndRun(lab, worker);
    const wasm2 = { ...useLab.getState().backend!, backend: 'wasm' as const, threads: 2 };
    worker().emit({ type: 'backend', runId, info: wasm2 });
    worker().tuned = [
      shape(2, 'heap', 'a'),
      shape(2, 'pool', 'b'),
      shape(2, 'heap', 'c'),
      shape(2, null, 'd'),
      shape(4, 'pool', 'e'),
    ];
    expect(useLab.getState().tuning).toBeNull();
    worker().emit({ type: 'status', runId, status: 'completed', message: null, step: 100 });
    await settle();
    await settle();
    expect(useLab.getState().tuning).toEqual({ threads: 2, heap: 2, pool: 1 });
    worker().emit({ type: 'backend', runId, info: { ...wasm2, threads: 1 } });
    expect(useLab.getState().tuning).toBeNull();
  });

  it('a crashed worker clears the note and starts no new worker to ask for it', async () => {
    const { lab, worker, fake } = setup();
    const runId = await loadAndRun(lab, worker);
    const wasm2 = { ...useLab.getState().backend!, backend: 'wasm' as const, threads: 2 };
    worker().emit({ type: 'backend', runId, info: wasm2 });
    useLab.setState({ tuning: { threads: 2, heap: 1, pool: 1 } });
    worker().crash({ kind: 'load-failed' });
    await settle();
    await settle();
    expect(useLab.getState().status).toBe('failed');
    expect(fake.workers.length).toBe(1);
    expect(useLab.getState().tuning).toBeNull();
  });

  it('leaves no note after a run on one thread', async () => {
    const { lab, worker } = setup();
    const runId = await loadAndRun(lab, worker);
    worker().tuned = [shape(2, 'heap')];
    worker().emit({ type: 'status', runId, status: 'completed', message: null, step: 100 });
    await settle();
    await settle();
    expect(useLab.getState().tuning).toBeNull();
  });
});
