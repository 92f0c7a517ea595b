import type { BackendInfo } from '../core/backend';
import type { UfmConfig } from '../config/schema';
import { ExperimentRunner } from '../run/runner';

export interface CheckpointBenchRow {
  label: string;
  backend: string;
  /** Size of one checkpoint as JSON, bytes. */
  bytes: number;
  /** Capturing the state and writing it as JSON, ms (the best of `repeats`). */
  captureMs: number;
  /** Training and reporting the `reportEvery` steps between two reports, ms. */
  reportIntervalMs: number;
  /** Reports between checkpoints. */
  every: number;
  /** Capture cost over the run time between two checkpoints. */
  overhead: number;
}

/**
 * What a checkpoint every `every` reports costs a UFM run: time a few reports of the config,
 * then the capture (read-back of every tensor, base64, JSON text). The page also hands the text
 * to IndexedDB, which runs off the training worker.
 */
export async function benchCheckpoint(
  config: UfmConfig,
  label: string,
  backend: BackendInfo,
  every: number,
  reports = 3,
  repeats = 3,
): Promise<CheckpointBenchRow> {
  const runner = await ExperimentRunner.create(
    { ...config, steps: reports * config.reportEvery },
    backend,
  );
  try {
    await runner.measureInitial();
    const start = performance.now();
    await runner.run();
    const reportIntervalMs = (performance.now() - start) / reports;
    let captureMs = Infinity;
    let bytes = 0;
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      const checkpoint = await runner.checkpoint();
      bytes = JSON.stringify(checkpoint).length;
      captureMs = Math.min(captureMs, performance.now() - t);
    }
    return {
      label,
      backend: backend.backend,
      bytes,
      captureMs,
      reportIntervalMs,
      every,
      overhead: captureMs / (every * reportIntervalMs),
    };
  } finally {
    runner.dispose();
  }
}
