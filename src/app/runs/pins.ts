import type { Checkpoint } from '../../engine/session/checkpoint';
import type { PinnedCheckpoint } from '../../engine/runs/record';
import type { RunResult } from '../../engine/run/result';
import { labClient } from '../labClient';
import { runRecorder } from './recorder';
import { refreshRuns, runLibrary } from './runsStore';

/**
 * Pin a checkpoint of a kept run: the exact state now when the worker holds that run (taken
 * between steps, even while it trains), else its latest kept checkpoint.
 */
export async function pinCheckpoint(id: string): Promise<PinnedCheckpoint> {
  const now: Checkpoint | null =
    id === runRecorder.currentId ? await labClient.checkpointNow() : null;
  const pin = now ? await runLibrary.pinCheckpoint(id, now) : await runLibrary.pinLatest(id);
  await refreshRuns();
  if (!pin)
    throw new Error('this run has no checkpoint to pin yet (it has not reached its first one)');
  return pin;
}

export async function unpinCheckpoint(id: string, step: number): Promise<void> {
  await runLibrary.unpin(id, step);
  await refreshRuns();
}

/** Continue a kept run from its checkpoint pinned at `step` (the panels rewind to that step). */
export async function resumeFromPinned(id: string, step: number): Promise<void> {
  await runLibrary.rewindTo(id, step);
  await refreshRuns();
  await labClient.resumeKept(id);
}

/** The same, resolving with the run's RunResult at its end (window.ncLab.runs.resume). */
export async function resumeFromPinnedToEnd(id: string, step: number): Promise<RunResult> {
  await runLibrary.rewindTo(id, step);
  return labClient.resumeKeptToEnd(id);
}
