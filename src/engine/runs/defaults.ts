/**
 * Checkpoints every this many reports. One checkpoint of seed 000's presets costs well under
 * 5 % of the run time between two of them (`npm run bench`, README "Run library").
 */
export const DEFAULT_CHECKPOINT_EVERY = 10;
