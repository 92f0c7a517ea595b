import type { CheckpointEvery } from './checkpointSchedule';

/**
 * The page's checkpoint interval: sized by the state and the measured report interval so a
 * checkpoint costs under 5 % of the run time between two of them, and never more often than
 * every 10 reports (`npm run bench -- --checkpoints-only`, README "Run library").
 */
export const DEFAULT_CHECKPOINT_EVERY: CheckpointEvery = 'auto';
