import type { NetConfig } from '../../engine/config/schema';
import type { SweepResult } from '../../engine/grid/sweepRunner';
import { saveJson } from '../download';
import { dateStamp } from '../format';
import type { Data } from '../plotly';
import { Panel } from '../panels/Panel';
import { LEGEND_ABOVE, PlotFigure, type Figure } from '../panels/PlotFigure';
import { useLab } from '../store';
import { lossColor, mdScatterFigure } from './mdScatter';
import { sweepActions, sweepRequest, useSweep, type SweepState } from './sweepStore';

/** Dilation against memorization, one colour and fitted line per loss (seed 002's figure). */
function buildScatter(s: SweepState): Figure | null {
  const sweep = s.result?.sweep;
  return sweep ? mdScatterFigure(sweep, 'sweep-scatter') : null;
}

/** Clean test accuracy against η, mean ± standard deviation over seeds. */
function buildAccuracy(s: SweepState): Figure | null {
  const sweep = s.result?.sweep;
  if (!sweep) return null;
  const data: Data[] = sweep.accuracy.map((curve) => ({
    type: 'scatter',
    mode: 'lines+markers',
    name: curve.loss,
    x: curve.points.map((p) => p.eta),
    y: curve.points.map((p) => p.mean),
    error_y: { type: 'data', array: curve.points.map((p) => p.std ?? 0), visible: true },
    line: { color: lossColor(curve.loss) },
    hovertemplate: `${curve.loss}: η %{x} → %{y:.4f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      uirevision: 'sweep-accuracy',
      xaxis: { title: { text: 'label noise η' }, zeroline: false },
      yaxis: { title: { text: 'test accuracy' } },
      legend: LEGEND_ABOVE,
      margin: { l: 56, r: 10, t: 12, b: 40 },
    },
  };
}

function download(result: SweepResult, config: NetConfig): void {
  saveJson(`nc-lab-sweep-${dateStamp()}.json`, { config, ...result }, 1);
}

/**
 * The noise sweep: the form's network config rerun for every η × loss × seed, each measured at
 * its end; dilation against memorization with a line per loss, and test accuracy against η.
 */
export function SweepPanel() {
  // Shown for label-noise experiments: seed 002's model, a noisy run or a paired run.
  const config = useLab((s) =>
    s.config.experiment === 'net' &&
    (s.config.model === 'mlp-md' || s.config.labelNoise > 0 || s.config.pairWith !== 'none')
      ? s.config
      : null,
  );
  const result = useSweep((s) => s.result);
  const error = useSweep((s) => s.error);
  if (!config) return null;
  const losses = config.pairWith !== 'none' ? [config.loss, config.pairWith] : ['ce', 'ls'];
  return (
    <Panel
      testId="panel-sweep"
      title="Noise sweep"
      wide
      subtitle={
        <>
          Reruns the form&apos;s network config ({config.epochs} epochs each) for every η, seed and
          loss ({losses.join(', ')}), replacing the current run. Keep it small in a browser.
        </>
      }
    >
      <SweepForm config={config} />
      <SweepStatus />
      {error && (
        <p className="banner banner-error" role="alert" data-testid="sweep-error">
          {error}
        </p>
      )}
      {result && (
        <div className="sweep-figures fill-rest">
          <PlotFigure
            source={useSweep}
            build={buildScatter}
            watch={(s) => s.result}
            height={320}
            label="Dilation against memorization per run, with a fitted line per loss"
          />
          <PlotFigure
            source={useSweep}
            build={buildAccuracy}
            watch={(s) => s.result}
            height={320}
            label="Test accuracy against label noise, mean and spread over seeds"
          />
        </div>
      )}
    </Panel>
  );
}

/** The sweep's η values and seeds, and its buttons. */
function SweepForm({ config }: { config: NetConfig }) {
  const { etas, seeds, running, result } = useSweep();
  const checked = sweepRequest(etas, seeds, config);
  const problem = 'problem' in checked ? checked.problem : null;
  return (
    <form
      className="ff-options"
      onSubmit={(e) => {
        e.preventDefault();
        void sweepActions.run(config);
      }}
    >
      <label className="inline-field">
        η values{' '}
        <input
          data-testid="sweep-etas"
          value={etas}
          onChange={(e) => sweepActions.edit('etas', e.target.value)}
        />
      </label>
      <label className="inline-field">
        seeds{' '}
        <input
          data-testid="sweep-seeds"
          value={seeds}
          onChange={(e) => sweepActions.edit('seeds', e.target.value)}
        />
      </label>
      <button type="submit" data-testid="btn-sweep" disabled={running || problem !== null}>
        Run sweep
      </button>
      <button type="button" disabled={!running} onClick={() => sweepActions.stop()}>
        Stop
      </button>
      <button
        type="button"
        disabled={!result}
        data-testid="btn-sweep-download"
        onClick={() => result && download(result, config)}
      >
        Download sweep (JSON)
      </button>
      {problem && (
        <span className="error-text" data-testid="sweep-problem">
          {problem}
        </span>
      )}
    </form>
  );
}

function SweepStatus() {
  const { running, progress, result } = useSweep();
  return (
    <p className="ff-status" role="status" data-testid="sweep-status">
      {running && progress && (
        <span className="busy">
          <span className="spinner" aria-hidden="true" /> run {progress.done + 1} of{' '}
          {progress.total}
          {progress.current &&
            `: ${progress.current.loss}, η = ${progress.current.eta}, seed ${progress.current.seed}`}{' '}
          <progress max={progress.total} value={progress.done} />
        </span>
      )}
      {!running && result && <>{result.runs.length} runs done.</>}
    </p>
  );
}
