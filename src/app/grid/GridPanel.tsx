import { useEffect, useMemo, useState } from 'react';
import { gridFigure } from '../../engine/grid/figure';
import { FIGURE_PRESETS, findFigurePreset, mdSweepOfMembers } from '../../engine/grid/figures';
import type { FigureMetric } from '../../engine/grid/figures';
import { gridIdentityTag, listedKeptMembers } from '../../engine/grid/kept';
import { expandGrid } from '../../engine/grid/spec';
import { dateStamp, fmt } from '../format';
import type { Data } from '../plotly';
import { Panel } from '../panels/Panel';
import { logAxis } from '../panels/logAxis';
import { LEGEND_ABOVE, PlotFigure, type Figure } from '../panels/PlotFigure';
import { gridHeldElsewhere } from '../runs/runLocks';
import { refreshRuns, useRuns } from '../runs/runsStore';
import { useLab } from '../store';
import { estimateFromKept } from './gridEstimate';
import { gridActions, specFromText, useGrid, type GridState } from './gridStore';

/** What a grid not made from a figure preset offers to draw. */
const DEFAULT_METRICS: FigureMetric[] = [
  { key: 'loss', title: 'loss', log: true },
  { key: 'nc1_pinv', title: 'NC1  Tr(Σ_W Σ_B⁺)/K', log: true },
  { key: 'nc2_etf_error_weights', title: 'NC2  classifier vs simplex ETF', log: true },
  { key: 'nc3_w_sub_h_centred', title: 'NC3  self-duality', log: true },
  { key: 'test_acc', title: 'test accuracy', log: false },
];

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];

/** One line per finished member of `metric` against step or epoch; dashed f* where known. */
function buildCurves(s: GridState, metric: FigureMetric): Figure | null {
  if (!s.members.length) return null;
  const members = [...s.members].sort((a, b) => a.index - b.index);
  const fig = gridFigure(members, metric.key);
  const data: Data[] = fig.lines.map((line, i) => ({
    type: 'scatter',
    mode: 'lines',
    name: line.label,
    x: line.x,
    y: line.y,
    line: { color: PALETTE[i % PALETTE.length], width: 1.5 },
    hovertemplate: `${line.label}: %{y:.4g}<extra></extra>`,
  }));
  for (const ref of fig.reference) {
    const i = fig.lines.findIndex((l) => l.id === ref.id);
    const x = fig.lines[i].x;
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `f* (${fig.lines[i].label})`,
      x: [x[0], x[x.length - 1]],
      y: [ref.value, ref.value],
      line: { color: PALETTE[i % PALETTE.length], dash: 'dash', width: 1 },
      showlegend: false,
      hoverinfo: 'name',
    });
  }
  const ys = fig.lines.flatMap((l) => l.y);
  return {
    data,
    layout: {
      uirevision: `grid-${metric.key}`,
      xaxis: { title: { text: fig.xUnit } },
      yaxis: {
        title: { text: metric.title },
        ...(metric.log ? logAxis([...ys, ...fig.reference.map((r) => r.value)]) : {}),
      },
      legend: LEGEND_ABOVE,
      margin: { l: 60, r: 10, t: 12, b: 40 },
    },
  };
}

/** Dilation against memorization, a line per loss (the noise-sweep figure of a grid). */
function buildMd(s: GridState): Figure | null {
  if (!s.members.length) return null;
  const sweep = mdSweepOfMembers(s.members);
  const data: Data[] = [];
  sweep.scatter.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length];
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: series.loss,
      x: series.points.map((p) => p.memorization),
      y: series.points.map((p) => p.dilation),
      text: series.points.map((p) => `η = ${p.eta}, seed ${p.seed}`),
      marker: { color, size: 8 },
    });
    if (series.line && series.fit) {
      const r2 = series.fit.r2 === null ? '—' : fmt(series.fit.r2, 3);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `${series.loss} fit: slope ${fmt(series.fit.slope, 3)}, r² ${r2}${series.fit.caveat ? ` (${series.fit.caveat})` : ''}`,
        x: series.line.map((p) => p.x),
        y: series.line.map((p) => p.y),
        line: { color, dash: 'dash', width: 1.5 },
      });
    }
  });
  return {
    data,
    layout: {
      uirevision: 'grid-md',
      xaxis: { title: { text: 'memorization (relative)' } },
      yaxis: { title: { text: 'dilation (relative)' } },
      legend: LEGEND_ABOVE,
      margin: { l: 56, r: 10, t: 12, b: 40 },
    },
  };
}

function download(s: GridState): void {
  const blob = new Blob(
    [JSON.stringify({ kind: 'nc-lab-grid', spec: s.membersSpec, members: s.members })],
    { type: 'application/json' },
  );
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `nc-lab-grid-${dateStamp()}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** The spec text as the store keys it (whitespace aside), or null when it is not JSON. */
function canonicalText(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

const secs = (ms: number | null) => (ms === null ? '…' : `${Math.max(0, Math.round(ms / 1000))} s`);

/** How often the panel looks whether another tab runs its grid. */
const ELSEWHERE_LOOK_MS = 2000;

/** Whether another tab of the lab runs the grid of this identity (looked at every 2 s). */
function useGridElsewhere(identity: string | null): boolean {
  const [seen, setSeen] = useState<{ identity: string; held: boolean } | null>(null);
  useEffect(() => {
    if (!identity) return;
    let live = true;
    const look = () =>
      void gridHeldElsewhere(identity).then((held) => live && setSeen({ identity, held }));
    look();
    const timer = setInterval(look, ELSEWHERE_LOOK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [identity]);
  return identity !== null && seen?.identity === identity && seen.held;
}

/**
 * Grids: a figure preset or any grid spec, run member after member in the worker, with progress,
 * pause, cancel and resume, and a figure with one line per member.
 */
export function GridPanel() {
  const s = useGrid();
  const figure = s.figureId ? findFigurePreset(s.figureId) : undefined;
  const metrics = figure?.figure.kind === 'curves' ? figure.figure.metrics : DEFAULT_METRICS;
  const [metricKey, setMetricKey] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const metric = metrics.find((m) => m.key === metricKey) ?? metrics[0];
  const md = figure?.figure.kind === 'md';
  const kept = useRuns((r) => r.runs);
  // The kept runs (a grid's finished members among them) as this page opens, for Resume.
  useEffect(() => void refreshRuns(), []);
  const labBackend = useLab((l) => l.backend?.backend ?? null);
  // The spec checked as it is typed: its member count and estimated time, or what is wrong.
  const check = useMemo(() => {
    try {
      const grid = expandGrid(specFromText(s.specText));
      const shape = [...grid.axes.map((a) => a.values.length), grid.seeds.length].join(' × ');
      const estimate = estimateFromKept(grid, kept, labBackend);
      return {
        ok: true,
        text: `${grid.members.length} members (${shape} seeds)`,
        estimate: estimate.text,
        total: grid.members.length,
        identity: gridIdentityTag(grid),
        // Finished members kept in the library (after a reload too): a Resume skips them.
        kept: listedKeptMembers(grid, kept),
      };
    } catch (error) {
      return {
        ok: false,
        text: (error as Error).message,
        estimate: null,
        total: 0,
        identity: null,
        kept: null,
      };
    }
  }, [s.specText, kept, labBackend]);
  const sameSpec = s.membersSpec !== null && canonicalText(s.specText) === s.membersSpec;
  const keptIds = new Set([...(check.kept ?? []), ...(sameSpec ? s.members.map((m) => m.id) : [])]);
  const elsewhere = useGridElsewhere(s.running ? null : check.identity);
  const resumable = !s.running && keptIds.size > 0;
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
      <div className="ff-options">
        <label className="inline-field">
          figure{' '}
          <select
            data-testid="grid-figure"
            value={s.figureId ?? ''}
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
      {figure && (
        <p className="panel-sub" data-testid="grid-what-to-see">
          {figure.whatToSee} <em>({figure.source}.)</em>
        </p>
      )}
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
        value={s.specText}
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
      <div className="ff-options">
        <button
          type="button"
          data-testid="btn-grid-run"
          disabled={s.running || !check.ok || elsewhere}
          onClick={() => void gridActions.run().catch(() => undefined)}
        >
          {!resumable
            ? 'Run grid'
            : keptIds.size >= check.total
              ? `Draw from kept runs (${check.total} of ${check.total})`
              : `Resume (${keptIds.size} of ${check.total} kept)`}
        </button>
        {resumable && (
          <button
            type="button"
            data-testid="btn-grid-fresh"
            title="Run every member again, also those finished and kept"
            disabled={elsewhere}
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
        <button
          type="button"
          data-testid="btn-grid-link"
          onClick={() => {
            try {
              const url = gridActions.link();
              setLink(url);
              void navigator.clipboard?.writeText(url).catch(() => undefined);
            } catch (error) {
              setLink(null);
              useGrid.setState({ error: `Cannot make a link: ${(error as Error).message}` });
            }
          }}
        >
          Copy link
        </button>
        <button type="button" disabled={!s.members.length} onClick={() => download(s)}>
          Download members (JSON)
        </button>
        {!md && (
          <label className="inline-field">
            draw{' '}
            <select
              data-testid="grid-metric"
              value={metric.key}
              onChange={(e) => setMetricKey(e.target.value)}
            >
              {metrics.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.title}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {link && (
        <p className="panel-sub" data-testid="grid-link">
          <a href={link}>Link to this grid</a> (copied)
        </p>
      )}
      <p className="ff-status" role="status" data-testid="grid-status">
        {s.running && s.progress && (
          <span className="busy">
            <span className="spinner" aria-hidden="true" /> {s.progress.done} of {s.progress.total}{' '}
            done
            {s.progress.current &&
              ` · ${s.progress.current.id}: step ${s.progress.current.step} of ${s.progress.current.totalSteps}`}{' '}
            · time left ~{secs(s.progress.timeLeftMs)}
            {s.paused && ' · paused'} <progress max={s.progress.total} value={s.progress.done} />
          </span>
        )}
        {!s.running && s.result && (
          <>
            {s.result.members.length} of {s.result.total} members {s.result.status}.
          </>
        )}
      </p>
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
