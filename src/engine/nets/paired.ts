import type { MetricSet } from '../metrics';
import { asTwin } from '../metrics/reportKeys';
import type { Checkpoint, PairedSessionState } from '../session/checkpoint';
import type { TrainingSession } from '../session/trainingSession';
import type { MetricsRecord, Report, Timing } from '../session/types';
import type { NetSession } from './session';

/**
 * Two network sessions stepped together: the same initial weights, the same (noisy) labels and
 * batch order, different losses (seed 002's CE against LS). The report is the main run's, with
 * the twin's metrics under `twin.*` and its geometry in `report.twin`.
 */
export class PairedSession implements TrainingSession {
  readonly theory = null;

  constructor(
    private readonly main: NetSession,
    private readonly twin: NetSession,
  ) {}

  /** The main run (the config's own loss), e.g. to export its features. */
  get mainSession(): NetSession {
    return this.main;
  }

  get step(): number {
    return this.main.step;
  }

  get totalSteps(): number {
    return this.main.totalSteps;
  }

  get reportEvery(): number {
    return this.main.reportEvery;
  }

  /** Both advance n steps; a non-finite loss of either ends the run. */
  async train(n: number): Promise<number> {
    const a = await this.main.train(n);
    const b = await this.twin.train(n);
    return Number.isFinite(b) ? a : b;
  }

  async measure(set: MetricSet): Promise<Report> {
    const main = await this.main.measure(set);
    const twin = await this.twin.measure(set);
    const metrics: MetricsRecord = { ...main.metrics, ...asTwin(twin.metrics) };
    const undefinedReasons = { ...main.undefinedReasons, ...asTwin(twin.undefinedReasons) };
    return {
      ...main,
      metrics,
      undefinedReasons,
      timing: this.timing(),
      twin: { loss: this.twin.config.loss, geometry: twin.geometry, samples: twin.samples },
    };
  }

  currentLoss(): Promise<number> {
    return this.main.currentLoss();
  }

  timing(): Timing {
    const a = this.main.timing();
    const b = this.twin.timing();
    const trainMs = a.trainMs + b.trainMs;
    return {
      trainMs,
      measureMs: a.measureMs + b.measureMs,
      // Steps of the pair per second: each step trains both networks.
      stepsPerSecond: trainMs > 0 ? (1000 * this.main.step) / trainMs : 0,
    };
  }

  /** Both members' exact states and timings: a resumed pair continues to the same numbers. */
  async captureState(): Promise<PairedSessionState> {
    const [a, b] = [this.main.timing(), this.twin.timing()];
    return {
      kind: 'paired',
      main: await this.main.captureState(),
      twin: await this.twin.captureState(),
      timing: {
        main: { trainMs: a.trainMs, measureMs: a.measureMs },
        twin: { trainMs: b.trainMs, measureMs: b.measureMs },
      },
    };
  }

  /** Continue both members from a paired checkpoint of the same config (before any step). */
  async restoreState(checkpoint: Checkpoint): Promise<void> {
    const { state } = checkpoint;
    if (state.kind !== 'paired')
      throw new Error(`a ${state.kind} checkpoint cannot resume a paired (twin-loss) run`);
    await this.main.restoreState({ ...checkpoint, state: state.main, timing: state.timing.main });
    await this.twin.restoreState({ ...checkpoint, state: state.twin, timing: state.timing.twin });
  }

  finishedEarly(): boolean {
    return this.main.finishedEarly() || this.twin.finishedEarly();
  }

  dispose(): void {
    this.main.dispose();
    this.twin.dispose();
  }
}
