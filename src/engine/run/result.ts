import type { BackendInfo } from '../core/backend';
import type { ExperimentConfig } from '../config/schema';
import type { Breakdown, HistoryEntry, Report, RunStatus, Timing } from '../session/types';
import type { UfmTheory } from '../ufm/theory';

/** Everything a finished (or stopped, diverged, failed) run leaves: what the CLI writes and the lab keeps. */
export interface RunResult {
  schemaVersion: number;
  app: { name: 'nc-lab'; version: string };
  config: ExperimentConfig;
  backend: BackendInfo;
  status: RunStatus;
  message: string | null;
  history: HistoryEntry[];
  final: Report | null;
  theory: UfmTheory | null;
  timing: Timing;
  /** Set when the run diverged or failed; null otherwise. */
  breakdown: Breakdown | null;
}
