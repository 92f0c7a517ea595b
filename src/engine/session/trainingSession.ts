import type { MetricSet } from '../metrics';
import type { Checkpoint, SessionState } from './checkpoint';
import type { Report, Timing } from './types';

/**
 * What the experiment loop needs from one kind of experiment (UFM, network, …): optimiser steps
 * in bulk, an asynchronous measurement, and its own length. The runner knows nothing else.
 * `Theory` is the closed form an experiment compares itself with (the UFM's): the contract names no
 * experiment, the run layer says which.
 */
export interface TrainingSession<Theory = unknown> {
  /** Optimiser steps done so far. */
  readonly step: number;
  /** Steps of the whole run (UFM: `steps`; networks: epochs × batches per epoch). */
  readonly totalSteps: number;
  /** Report every this many steps (UFM: `reportEvery`; networks: one per `measureEvery` epochs). */
  readonly reportEvery: number;
  /** The closed form this run is compared with, when the theory applies to it. */
  readonly theory: Theory | null;
  /** Run n steps; resolves with the last loss (read back once), non-finite when diverged. */
  train(n: number): Promise<number>;
  measure(set: MetricSet): Promise<Report>;
  currentLoss(): Promise<number>;
  timing(): Timing;
  /** The exact state to continue from (absent: this kind of run cannot be checkpointed). */
  captureState?(): Promise<SessionState>;
  /** Continue from a checkpoint of the same config; called before any step. */
  restoreState?(checkpoint: Checkpoint): Promise<void>;
  /** True when the run should end before totalSteps (early stopping by patience). */
  finishedEarly?(): boolean;
  dispose(): void;
}
