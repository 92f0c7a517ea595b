import type { ExperimentConfig } from '../config/schema';
import { checkCheckpointState, type Checkpoint } from '../session/checkpoint';

/**
 * A checkpoint continues only the run it was taken from: every config field must match but the
 * backend (a run may move between the browser and Node; the numbers then match to float
 * rounding, not bit for bit). Throws naming the fields that differ, or a CheckpointError when
 * the state is not one a session of that config captures (checkCheckpointState): a damaged
 * checkpoint is refused here, before a session is made or a step taken.
 */
export function checkResumable(checkpoint: Checkpoint, config: ExperimentConfig): void {
  const a = checkpoint.config as unknown as Record<string, unknown>;
  const b = config as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('backend');
  const differ = [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  if (differ.length)
    throw new Error(
      `the checkpoint was taken from another config: ${differ.map((k) => `${k} (${JSON.stringify(a[k])} there, ${JSON.stringify(b[k])} here)`).join(', ')}`,
    );
  checkCheckpointState(checkpoint);
}
