import type { MetricSet } from './metrics';
import type { Checkpoint, SessionState } from './runs/checkpoint';
import type { Report, Timing } from './types';
import type { UfmTheory } from './ufm/theory';

/**
 * What the experiment loop needs from one kind of experiment (UFM, network, …): optimiser steps
 * in bulk, an asynchronous measurement, and its own length. The runner knows nothing else.
 */
export interface TrainingSession {
  /** Optimiser steps done so far. */
  readonly step: number;
  /** Steps of the whole run (UFM: `steps`; networks: epochs × batches per epoch). */
  readonly totalSteps: number;
  /** Report every this many steps (UFM: `reportEvery`; networks: one per `measureEvery` epochs). */
  readonly reportEvery: number;
  /** The closed form this run is compared with, when the theory applies to it. */
  readonly theory: UfmTheory | null;
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
