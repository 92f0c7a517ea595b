import type { MetricSet } from '../metrics';
import { asTwin } from '../metrics/reportKeys';
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

  finishedEarly(): boolean {
    return this.main.finishedEarly() || this.twin.finishedEarly();
  }

  dispose(): void {
    this.main.dispose();
    this.twin.dispose();
  }
}
