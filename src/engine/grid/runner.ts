// Runs a grid's members one after another (the CLI, the worker and the tests share it), with
// progress and time left, pause / resume / cancel, members already finished skipped and an
// interrupted member continued from its checkpoint (resume after a reload or a pre-empted shard).
import type { BackendInfo } from '../core/backend';
import type { ExperimentConfig } from '../config/schema';
import { ExperimentRunner } from '../run/runner';
import type { SessionSources } from '../run/sessions';
import type { RunResult } from '../run/result';
import { checkResumable } from '../runs/resume';
import type { Checkpoint } from '../session/checkpoint';
import type { HistoryEntry } from '../session/types';
import { gridWork, type AxisValue, type ExpandedGrid, type GridMember } from './spec';

/** One finished member: which point of the grid, and its whole RunResult. */
export interface GridMemberResult {
  index: number;
  id: string;
  overrides: Record<string, AxisValue>;
  result: RunResult;
}

export interface GridProgress {
  /** Members finished (skipped ones included). */
  done: number;
  total: number;
  /** The member running now, and how far it is. */
  current: { index: number; id: string; step: number; totalSteps: number } | null;
  elapsedMs: number;
  /** Estimated from the speed measured so far in this grid; null before any step is timed. */
  timeLeftMs: number | null;
  paused: boolean;
}

export type GridStatus = 'completed' | 'stopped';

export interface GridRunResult {
  name: string;
  status: GridStatus;
  /** Finished members in grid order (a stopped grid lacks the rest). */
  members: GridMemberResult[];
  total: number;
  /** Members continued from a checkpoint (an interrupted run's), and the step they went on from. */
  resumed: { id: string; step: number }[];
}

/**
 * A member caught mid-run: its latest checkpoint and its history up to then. Handed back in
 * `interrupted`, the member continues from the checkpoint instead of starting again from its seed.
 */
export interface InterruptedMember {
  id: string;
  checkpoint: Checkpoint;
  history: HistoryEntry[];
}

export interface GridRunOptions extends Omit<SessionSources, 'resumeFrom'> {
  onProgress?(progress: GridProgress): void;
  /** Called once per member as it finishes: the hook a run library keeps results through. */
  onMemberDone?(member: GridMemberResult): void | Promise<void>;
  /** Members finished earlier (by id): not run again, reported in the result as they are. */
  completed?: readonly GridMemberResult[];
  /** Run only these members (a shard); default all. */
  only?: readonly GridMember[];
  /** Members interrupted mid-run: each continues from its checkpoint. */
  interrupted?: readonly InterruptedMember[];
  /** Reports between a running member's checkpoints (0 or absent: none are taken). */
  checkpointEvery?: number;
  /** The running member's latest checkpoint with its history so far: what a resume needs. */
  onMemberCheckpoint?(state: InterruptedMember): void | Promise<void>;
  /**
   * Called before each member is built, with nothing of the grid alive on the backend: the
   * backend the member runs on (the page's worker restarts wasm with the threads its size wants),
   * or nothing to keep the grid's.
   */
  beforeMember?(config: ExperimentConfig): Promise<BackendInfo | void>;
}

const workOf = (m: GridMember) => gridWork([m]);

/** A grid in progress: `run()` once, and pause / resume / cancel from outside while it runs. */
export class GridRun {
  private runner: ExperimentRunner | null = null;
  private paused = false;
  private cancelled = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly grid: ExpandedGrid,
    readonly backend: BackendInfo,
    private readonly options: GridRunOptions = {},
  ) {}

  pause(): void {
    this.paused = true;
    this.runner?.pause();
  }

  resume(): void {
    this.paused = false;
    this.runner?.resume();
    this.wake?.();
    this.wake = null;
  }

  /** Stop after stopping the current member; that member is not counted as finished. */
  cancel(): void {
    this.cancelled = true;
    this.runner?.stop();
    this.wake?.();
    this.wake = null;
  }

  async run(): Promise<GridRunResult> {
    const { grid, options } = this;
    const members = options.only ?? grid.members;
    const finished = keptResults(grid, options.completed ?? []);
    const resumable = resumableMembers(grid, options.interrupted ?? [], finished);
    const todo = members.filter((m) => !finished.has(m.id));
    const clock = new GridClock(members.length, todo, options.onProgress, () => this.paused);
    const continued: GridRunResult['resumed'] = [];
    for (const member of todo) {
      if (this.paused && !this.cancelled) await new Promise<void>((r) => (this.wake = r));
      if (this.cancelled) break;
      const resumed = resumable.get(member.id);
      const result = await this.runMember(member, resumed, clock);
      if (!result) break;
      if (resumed) continued.push({ id: member.id, step: resumed.checkpoint.step });
      clock.memberDone(member);
      const done: GridMemberResult = {
        index: member.index,
        id: member.id,
        overrides: member.overrides,
        result,
      };
      finished.set(member.id, done);
      await options.onMemberDone?.(done);
      clock.report(null);
    }
    const inGrid = members.map((m) => finished.get(m.id)).filter((m): m is GridMemberResult => !!m);
    return {
      name: grid.name,
      status: inGrid.length === members.length ? 'completed' : 'stopped',
      members: inGrid,
      total: members.length,
      resumed: continued,
    };
  }

  /**
   * One member, from its seed or from an interrupted run's checkpoint (whose history before the
   * checkpoint heads the result's); null when a cancel stopped it.
   */
  private async runMember(
    member: GridMember,
    resumed: InterruptedMember | undefined,
    clock: GridClock,
  ): Promise<RunResult | null> {
    const { options } = this;
    const memberStart = performance.now();
    const trainedBefore = clock.trainedMs;
    const timeIt = () => (clock.trainedMs = trainedBefore + (performance.now() - memberStart));
    const before = resumed?.history.filter((h) => h.step < resumed.checkpoint.step) ?? [];
    const backend = (await options.beforeMember?.(member.config)) ?? this.backend;
    const runner: ExperimentRunner = await ExperimentRunner.create(
      member.config,
      backend,
      { ...options, resumeFrom: resumed?.checkpoint },
      {
        checkpointEvery: options.onMemberCheckpoint ? options.checkpointEvery : 0,
        onCheckpoint: (checkpoint) =>
          void options.onMemberCheckpoint?.({
            id: member.id,
            checkpoint,
            history: [...before, ...runner.history],
          }),
        onReport: (r) => {
          timeIt();
          // Progress in the unit gridWork counts: steps (UFM) or epochs (networks).
          clock.report(
            { index: member.index, id: member.id, step: r.step, totalSteps: r.totalSteps },
            r.step / r.shape.stepsPerUnit,
          );
        },
        // A pause asked for while the member was being built takes effect as it starts.
        onStatus: (status) => {
          if (status === 'running' && this.paused) runner.pause();
        },
      },
    );
    this.runner = runner;
    let result: RunResult;
    try {
      const running = runner.run();
      if (this.cancelled) runner.stop();
      result = await running;
    } finally {
      this.runner = null;
      runner.dispose();
    }
    timeIt();
    if (this.cancelled && result.status === 'stopped') return null;
    return before.length ? { ...result, history: [...before, ...result.history] } : result;
  }
}

/** Members finished earlier, checked to be this grid's: by id, and run with its config. */
function keptResults(
  grid: ExpandedGrid,
  completed: readonly GridMemberResult[],
): Map<string, GridMemberResult> {
  const known = new Map(grid.members.map((m) => [m.id, m]));
  const finished = new Map<string, GridMemberResult>();
  for (const c of completed) {
    const member = known.get(c.id);
    if (!member) throw new Error(`grid: a kept result "${c.id}" is not a member of it`);
    // Ids name only the axis values: a kept run of another base config must not pass for one.
    if (JSON.stringify(c.result.config) !== JSON.stringify(member.config))
      throw new Error(
        `grid: the kept result "${c.id}" was run with another config than this grid's`,
      );
    finished.set(c.id, c);
  }
  return finished;
}

/** Interrupted members whose checkpoint this grid can continue (those finished since aside). */
function resumableMembers(
  grid: ExpandedGrid,
  interrupted: readonly InterruptedMember[],
  finished: ReadonlyMap<string, GridMemberResult>,
): Map<string, InterruptedMember> {
  const known = new Map(grid.members.map((m) => [m.id, m]));
  const resumable = new Map<string, InterruptedMember>();
  for (const i of interrupted) {
    const member = known.get(i.id);
    if (!member) throw new Error(`grid: an interrupted member "${i.id}" is not a member of it`);
    if (finished.has(i.id)) continue; // it finished after all: the kept result stands
    try {
      checkResumable(i.checkpoint, member.config);
    } catch (error) {
      throw new Error(`grid: the interrupted member "${i.id}": ${(error as Error).message}`, {
        cause: error,
      });
    }
    resumable.set(i.id, i);
  }
  return resumable;
}

/**
 * A grid's progress and time left: work in the unit gridWork counts (steps for a UFM, epochs
 * for networks), timed by what this run has trained (members kept from before cost nothing).
 */
class GridClock {
  /** Time spent training members in this run, up to the running member's last report. */
  trainedMs = 0;
  private doneWork = 0;
  private doneHere = 0;
  private readonly totalWork: number;
  private readonly skipped: number;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    todo: readonly GridMember[],
    private readonly onProgress: GridRunOptions['onProgress'],
    private readonly paused: () => boolean,
  ) {
    this.totalWork = todo.reduce((n, m) => n + workOf(m), 0);
    this.skipped = total - todo.length;
  }

  memberDone(member: GridMember): void {
    this.doneWork += workOf(member);
    this.doneHere++;
  }

  report(current: GridProgress['current'], memberWork = 0): void {
    const work = this.doneWork + memberWork;
    const rate = work > 0 ? this.trainedMs / work : null;
    this.onProgress?.({
      done: this.skipped + this.doneHere,
      total: this.total,
      current,
      elapsedMs: performance.now() - this.started,
      timeLeftMs: rate === null ? null : rate * (this.totalWork - work),
      paused: this.paused(),
    });
  }
}

/** Run a whole grid to the end (or until the signal aborts). */
export function runGrid(
  grid: ExpandedGrid,
  backend: BackendInfo,
  options: GridRunOptions & { signal?: AbortSignal } = {},
): Promise<GridRunResult> {
  const run = new GridRun(grid, backend, options);
  options.signal?.addEventListener('abort', () => run.cancel());
  if (options.signal?.aborted) run.cancel();
  return run.run();
}
