import { twinConfig, type ExperimentConfig, type NetConfig } from '../config/schema';
import type { PreparedData } from '../data/types';
import type { Checkpoint } from '../session/checkpoint';
import { checkResumable } from '../runs/resume';
import type { TrainingSession } from '../session/trainingSession';
import type { UfmInitState } from '../ufm/initState';
import { UfmSession } from '../ufm/session';
import type { UfmTheory } from '../ufm/theory';

/** What a session may need besides its config. */
export interface SessionSources {
  /** UFM: start from this saved state instead of the seeded initialisation. */
  init?: UfmInitState;
  /** Network experiments: how to obtain the prepared dataset (embedded, cached or the user's file). */
  loadData?: (config: NetConfig) => Promise<PreparedData>;
  /** Continue from this checkpoint (of the same config) instead of starting at step 0. */
  resumeFrom?: Checkpoint;
}

/** The session the config asks for, continued from `sources.resumeFrom` when given. */
export async function createSession(
  config: ExperimentConfig,
  sources: SessionSources = {},
): Promise<TrainingSession<UfmTheory>> {
  const checkpoint = sources.resumeFrom;
  if (checkpoint) checkResumable(checkpoint, config);
  const session = await createFreshSession(config, sources);
  if (!checkpoint) return session;
  try {
    if (!session.restoreState)
      throw new Error(`this kind of run (${config.experiment}) cannot resume from a checkpoint`);
    await session.restoreState(checkpoint);
    return session;
  } catch (error) {
    session.dispose();
    throw error;
  }
}

/** The one place that maps an experiment kind to its session. */
async function createFreshSession(
  config: ExperimentConfig,
  sources: SessionSources = {},
): Promise<TrainingSession<UfmTheory>> {
  switch (config.experiment) {
    case 'ufm':
      return new UfmSession(config, sources.init);
    case 'net': {
      if (!sources.loadData) throw new Error('a network experiment needs its dataset: none given');
      if (sources.init) throw new Error('a saved UFM state cannot start a network experiment');
      const data = await sources.loadData(config);
      const { NetSession } = await import('../nets/session');
      const options = { mseScale: config.mseHalf ? 0.5 : 1 };
      const main = new NetSession(config, data, options);
      if (config.pairWith === 'none') return main;
      // The same seed gives the twin the same initial weights and batch order; the same data object
      // the same noisy labels. Only the loss differs.
      const { PairedSession } = await import('../nets/paired');
      try {
        const twin = new NetSession(twinConfig(config), data, options);
        return new PairedSession(main, twin);
      } catch (error) {
        main.dispose();
        throw error;
      }
    }
  }
}
