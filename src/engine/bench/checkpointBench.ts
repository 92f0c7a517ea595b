import type { BackendInfo } from '../core/backend';
import type { UfmConfig } from '../config/schema';
import { ExperimentRunner } from '../run/runner';
import { autoCheckpointEvery } from '../runs/checkpointSchedule';

export interface CheckpointBenchRow {
  label: string;
  backend: string;
  /** Size of one checkpoint as JSON, bytes. */
  bytes: number;
  /** Capturing the state and writing it as JSON, ms (the best of `repeats`). */
  captureMs: number;
  /** Training the preset's `reportEvery` steps and one `core` report, ms (from timed steps). */
  reportIntervalMs: number;
  /** Reports between checkpoints at a fixed interval (the former default). */
  every: number;
  /** Capture cost over the run time between two checkpoints at `every`. */
  overhead: number;
  /** The interval the `'auto'` default picks for this capture cost and report interval. */
  autoEvery: number;
  /** Capture cost over the run time between two checkpoints at `autoEvery`. */
  autoOverhead: number;
}

/**
 * What a checkpoint costs a UFM run: time a report and a few steps of the config (as many as
 * fit in `budgetMs`, at most three report intervals), extrapolate the run time between two
 * reports, then time the capture (read-back of every tensor, base64, JSON text) and compare it
 * with the run time between two checkpoints at a fixed `every` and at the `'auto'` default's
 * choice. The page also hands the text to IndexedDB, which runs off the training worker.
 */
export async function benchCheckpoint(
  config: UfmConfig,
  label: string,
  backend: BackendInfo,
  every: number,
  budgetMs = 5000,
  repeats = 3,
): Promise<CheckpointBenchRow> {
  const runner = await ExperimentRunner.create({ ...config, steps: 1_000_000 }, backend);
  try {
    const session = runner.sessionHandle;
    await runner.measureInitial();
    // The first steps of a size pay for allocations and first packings: not counted.
    await session.train(2);
    const trainedBefore = session.timing().trainMs;
    let steps = 0;
    const start = performance.now();
    while (steps < 3 * config.reportEvery && performance.now() - start < budgetMs) {
      await session.train(1);
      steps++;
    }
    const msPerStep = (session.timing().trainMs - trainedBefore) / steps;
    // A second report: the first one paid for compiling the metrics.
    const measuredBefore = session.timing().measureMs;
    await session.measure('core');
    const measureMs = session.timing().measureMs - measuredBefore;
    const reportIntervalMs = config.reportEvery * msPerStep + measureMs;
    let captureMs = Infinity;
    let bytes = 0;
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      const checkpoint = await runner.checkpoint();
      bytes = JSON.stringify(checkpoint).length;
      captureMs = Math.min(captureMs, performance.now() - t);
    }
    const autoEvery = autoCheckpointEvery(captureMs, reportIntervalMs);
    return {
      label,
      backend: backend.backend,
      bytes,
      captureMs,
      reportIntervalMs,
      every,
      overhead: captureMs / (every * reportIntervalMs),
      autoEvery,
      autoOverhead: captureMs / (autoEvery * reportIntervalMs),
    };
  } finally {
    runner.dispose();
  }
}
