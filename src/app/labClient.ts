import { connectLabWorker } from '../worker/connection';
import { LabController } from './lab/controller';

/**
 * The page's one controller of the training worker (`lab/controller.ts`), connected to a real
 * worker (`worker/connection.ts`).
 */
export const labClient = new LabController({ connect: connectLabWorker });

export { sweepHooks } from './lab/controller';
export { errorText } from './lab/messages';
