import { create } from 'zustand';
import type { ExperimentConfig } from '../../engine/config/schema';
import { readComparison } from '../../engine/runs/compareLink';
import { errorText, labClient } from '../labClient';
import { labActions, useLab } from '../store';
import { runRecorder } from './recorder';
import { refreshRuns, runsActions } from './runsStore';

export interface ComparisonProgress {
  /** Runs the opened comparison link names (0: none opened). */
  total: number;
  /** Runs of it finished so far. */
  done: number;
  running: boolean;
}

export const useComparison = create<ComparisonProgress>()(() => ({
  total: 0,
  done: 0,
  running: false,
}));

/**
 * A page opened on a comparison link (`?compare=…`): its bad entries are named in the URL banner,
 * and its good configs are run in the worker one after another, kept in the library as usual and
 * overlaid in the Runs panel as each one starts. Returns whether the link named a comparison.
 */
export function openComparisonLink(search: string): boolean {
  const reading = readComparison(search);
  if (!reading) return false;
  if (reading.issues.length) {
    const others = useLab.getState().urlIssues ?? [];
    useLab.setState({ urlIssues: [...others, ...reading.issues] });
  }
  const configs = reading.configs;
  if (configs.length) void labClient.ready().then(() => runComparison(configs));
  return true;
}

async function runComparison(configs: ExperimentConfig[]): Promise<void> {
  useComparison.setState({ total: configs.length, done: 0, running: true });
  const ids: string[] = [];
  try {
    for (const [i, config] of configs.entries()) {
      await labClient.runToEnd(config);
      // The kept run's id (null when this browser cannot keep runs: then nothing to overlay).
      const id = runRecorder.currentId;
      if (id && !ids.includes(id)) ids.push(id);
      await refreshRuns();
      runsActions.setSelected([...ids]);
      useComparison.setState({ done: i + 1 });
    }
  } catch (error) {
    labActions.addError(`The comparison link stopped: ${errorText(error)}`);
  } finally {
    useComparison.setState({ running: false });
  }
}
