import { useState, type ReactNode } from 'react';
import { FIGURE_PRESETS, findFigurePreset, type FigureMetric } from '../../engine/grid/figures';
import { saveJson } from '../download';
import { dateStamp } from '../format';
import { Panel } from '../panels/Panel';
import { PlotFigure } from '../panels/PlotFigure';
import { gridActions, useGrid, type GridState } from './gridStore';
import { buildCurves, buildMd, DEFAULT_METRICS } from './gridPlots';
import { useGridPlan, type GridPlan } from './useGridPlan';

function download(s: GridState): void {
  const grid = { kind: 'nc-lab-grid', spec: s.membersSpec, members: s.members };
  saveJson(`nc-lab-grid-${dateStamp()}.json`, grid);
}

const secs = (ms: number | null) => (ms === null ? '…' : `${Math.max(0, Math.round(ms / 1000))} s`);

/**
 * Grids: a figure preset or any grid spec, run member after member in the worker, with progress,
 * pause, cancel and resume, and a figure with one line per member.
 */
export function GridPanel() {
  const s = useGrid();
  const figure = s.figureId ? findFigurePreset(s.figureId) : undefined;
  const metrics = figure?.figure.kind === 'curves' ? figure.figure.metrics : DEFAULT_METRICS;
  const [metricKey, setMetricKey] = useState<string | null>(null);
  const metric = metrics.find((m) => m.key === metricKey) ?? metrics[0];
  const md = figure?.figure.kind === 'md';
  const plan = useGridPlan(s);
  return (
    <Panel
      testId="panel-grid"
      title="Grids and figures"
      wide
      subtitle={
        <>
          A grid reruns a base config for every combination of its axes and seeds, one run after
          another, replacing the current run. The figure presets redraw the papers&apos; figures at
          a browser size.
        </>
      }
    >
      <FigureChooser figureId={s.figureId} />
      {figure && (
        <p className="panel-sub" data-testid="grid-what-to-see">
          {figure.whatToSee} <em>({figure.source}.)</em>
        </p>
      )}
      <SpecEditor specText={s.specText} figure={!!figure} plan={plan} />
      <GridButtons s={s} plan={plan}>
        {!md && <MetricChooser metrics={metrics} metric={metric} onChoose={setMetricKey} />}
      </GridButtons>
      <GridProgress s={s} />
      {s.error && (
        <p className="banner banner-error" role="alert" data-testid="grid-error">
          {s.error}
        </p>
      )}
      {s.members.length > 0 && (
        <PlotFigure
          source={useGrid}
          build={(st) => (md ? buildMd(st) : buildCurves(st, metric))}
          watch={(st) => st.members}
          revision={`${metric.key}-${md}`}
          height={340}
          // never squeezed under the chooser, the spec and the buttons: the panel scrolls instead
          minHeight={300}
          label={
            md
              ? 'Dilation against memorization per member, a fitted line per loss'
              : `${metric.title} against training time, one line per grid member`
          }
        />
      )}
    </Panel>
  );
}

function FigureChooser({ figureId }: { figureId: string | null }) {
  return (
    <div className="ff-options">
      <label className="inline-field">
        figure{' '}
        <select
          data-testid="grid-figure"
          value={figureId ?? ''}
          onChange={(e) => gridActions.chooseFigure(e.target.value)}
        >
          <option value="">(own grid)</option>
          {FIGURE_PRESETS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.title}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The spec as JSON, checked as it is typed: its members and estimated time, or what is wrong. */
function SpecEditor({
  specText,
  figure,
  plan,
}: {
  specText: string;
  figure: boolean;
  plan: GridPlan;
}) {
  const { check, elsewhere } = plan;
  return (
    <>
      <textarea
        data-testid="grid-spec"
        aria-label="grid spec (JSON)"
        // a figure preset's spec is there to read or tweak: four lines leave its figure the room
        rows={figure ? 4 : 8}
        spellCheck={false}
        style={{
          width: '100%',
          minHeight: figure ? '4em' : '7em',
          flexShrink: 0,
          fontFamily: 'monospace',
          fontSize: '0.8em',
        }}
        value={specText}
        onChange={(e) => gridActions.editSpec(e.target.value)}
      />
      <p
        className={check.ok ? 'panel-sub' : 'banner banner-error'}
        data-testid="grid-check"
        role={check.ok ? undefined : 'alert'}
      >
        {check.text}
      </p>
      {check.estimate && (
        <p className="panel-sub" data-testid="grid-estimate">
          Estimated time: {check.estimate}
        </p>
      )}
      {elsewhere && (
        <p className="panel-sub" data-testid="grid-elsewhere">
          This grid is running in another tab of the lab: its members join the Runs panel as they
          finish. Cancel it there (or close that tab) to run it here.
        </p>
      )}
    </>
  );
}

function runLabel({ check, keptCount, resumable }: GridPlan): string {
  if (!resumable) return 'Run grid';
  return keptCount >= check.total
    ? `Draw from kept runs (${check.total} of ${check.total})`
    : `Resume (${keptCount} of ${check.total} kept)`;
}

function GridButtons({ s, plan, children }: { s: GridState; plan: GridPlan; children: ReactNode }) {
  const [link, setLink] = useState<string | null>(null);
  const copyLink = () => {
    try {
      const url = gridActions.link();
      setLink(url);
      void navigator.clipboard?.writeText(url).catch(() => undefined);
    } catch (error) {
      setLink(null);
      useGrid.setState({ error: `Cannot make a link: ${(error as Error).message}` });
    }
  };
  return (
    <>
      <div className="ff-options">
        <button
          type="button"
          data-testid="btn-grid-run"
          disabled={s.running || !plan.check.ok || plan.elsewhere}
          onClick={() => void gridActions.run().catch(() => undefined)}
        >
          {runLabel(plan)}
        </button>
        {plan.resumable && (
          <button
            type="button"
            data-testid="btn-grid-fresh"
            title="Run every member again, also those finished and kept"
            disabled={plan.elsewhere}
            onClick={() => void gridActions.run(undefined, { fresh: true }).catch(() => undefined)}
          >
            Run afresh
          </button>
        )}
        <button
          type="button"
          data-testid="btn-grid-pause"
          disabled={!s.running}
          onClick={() => (s.paused ? gridActions.resume() : gridActions.pause())}
        >
          {s.paused ? 'Continue' : 'Pause'}
        </button>
        <button
          type="button"
          data-testid="btn-grid-cancel"
          disabled={!s.running}
          onClick={() => gridActions.cancel()}
        >
          Cancel
        </button>
        <button type="button" data-testid="btn-grid-link" onClick={copyLink}>
          Copy link
        </button>
        <button type="button" disabled={!s.members.length} onClick={() => download(s)}>
          Download members (JSON)
        </button>
        {children}
      </div>
      {link && (
        <p className="panel-sub" data-testid="grid-link">
          <a href={link}>Link to this grid</a> (copied)
        </p>
      )}
    </>
  );
}

function MetricChooser({
  metrics,
  metric,
  onChoose,
}: {
  metrics: readonly FigureMetric[];
  metric: FigureMetric;
  onChoose: (key: string) => void;
}) {
  return (
    <label className="inline-field">
      draw{' '}
      <select
        data-testid="grid-metric"
        value={metric.key}
        onChange={(e) => onChoose(e.target.value)}
      >
        {metrics.map((m) => (
          <option key={m.key} value={m.key}>
            {m.title}
          </option>
        ))}
      </select>
    </label>
  );
}

function GridProgress({ s }: { s: GridState }) {
  const p = s.progress;
  return (
    <p className="ff-status" role="status" data-testid="grid-status">
      {s.running && p && (
        <span className="busy">
          <span className="spinner" aria-hidden="true" /> {p.done} of {p.total} done
          {p.current && ` · ${p.current.id}: step ${p.current.step} of ${p.current.totalSteps}`} ·
          time left ~{secs(p.timeLeftMs)}
          {s.paused && ' · paused'} <progress max={p.total} value={p.done} />
        </span>
      )}
      {!s.running && s.result && (
        <>
          {s.result.members.length} of {s.result.total} members {s.result.status}.
        </>
      )}
    </p>
  );
}
