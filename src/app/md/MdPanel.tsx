import type { ExperimentConfig } from '../../engine/config/schema';
import {
  TWIN_PREFIX,
  twinKey,
  type NetworkKey,
  type ReportKey,
} from '../../engine/metrics/reportKeys';
import type { Report, SampleCloud } from '../../engine/session/types';
import { classColor, fmt, scalar } from '../format';
import type { Data, Layout } from '../plotly';
import { Panel } from '../panels/Panel';
import { PlotFigure, subplotTitle, type Figure } from '../panels/PlotFigure';
import { OverlayBar } from '../runs/OverlayBar';
import { panelOverlay, useOverlayRevision } from '../runs/panelOverlay';
import { historySeries } from '../history';
import { useLab, type LabState } from '../store';
import { MetricTerm } from '../guide/MetricTerm';
import { FourClassNote } from './FourClassNote';

/** Memorization / dilation are measured when a run has seed 002's measures in its reports. */
export function hasMd(report: Report | null): boolean {
  return report?.metrics.md_dilation_rel_avg !== undefined;
}

const RUN_COLORS = ['#4e79a7', '#e15759'];

/** Clean samples drawn per run in the feature scatter (all corrupted ones are drawn). */
const SCATTER_POINTS = 1200;

/** At most `n` of `items`, evenly spaced, first kept. */
function evenlySpaced<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

interface RunView {
  label: string;
  /** '' or 'twin.', for test ids */
  prefix: string;
  /** The run's report key for a network key (the twin's under `twin.`). */
  keyOf: (key: NetworkKey) => ReportKey;
  samples?: SampleCloud;
}

function runs(report: Report, config: ExperimentConfig | null): RunView[] {
  const loss = config?.experiment === 'net' ? ` (${config.loss})` : '';
  const main = {
    label: `main run${loss}`,
    prefix: '',
    keyOf: (key: NetworkKey) => key,
    samples: report.samples,
  };
  if (!report.twin) return [main];
  return [
    main,
    {
      label: `twin (${report.twin.loss})`,
      prefix: TWIN_PREFIX,
      keyOf: twinKey,
      samples: report.twin.samples,
    },
  ];
}

/** The penultimate features of each run: clean samples by class, corrupted ones as crosses. */
function buildScatter(s: LabState): Figure | null {
  const report = s.lastReport;
  if (!report?.samples) return null;
  const list = runs(report, s.loadedConfig);
  const data: Data[] = [];
  const layout: Partial<Layout> & Record<string, unknown> = {
    uirevision: 'md-scatter',
    grid: { rows: 1, columns: list.length, pattern: 'independent', xgap: 0.12 },
    legend: { orientation: 'h', y: -0.18, x: 0, font: { size: 10 } },
    margin: { l: 44, r: 10, t: 26, b: 40 },
    annotations: [],
  };
  const annotations: NonNullable<Layout['annotations']> = [];
  list.forEach((run, i) => {
    const n = i === 0 ? '' : String(i + 1);
    const cloud = run.samples;
    if (!cloud) return;
    const K = report.shape.K;
    for (let k = 0; k < K; k++) {
      for (const corrupted of [false, true]) {
        const idx = cloud.labels
          .map((y, j) => j)
          .filter(
            (j) =>
              cloud.labels[j] === k && (cloud.labels[j] !== cloud.originalLabels[j]) === corrupted,
          );
        if (!idx.length) continue;
        // SVG markers cost ~0.05 ms each to draw: thin the clean ones, never the corrupted.
        const drawn = corrupted ? idx : evenlySpaced(idx, Math.ceil(SCATTER_POINTS / K));
        const thinned = drawn.length < idx.length ? `, ${drawn.length} of ${idx.length} drawn` : '';
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: corrupted ? `labelled ${k}, truly another class` : `class ${k} (clean${thinned})`,
          legendgroup: `${k}-${corrupted}`,
          showlegend: i === 0,
          xaxis: `x${n}`,
          yaxis: `y${n}`,
          x: drawn.map((j) => cloud.points[j][0]),
          y: drawn.map((j) => cloud.points[j][1] ?? 0),
          marker: {
            color: classColor(k),
            size: corrupted ? 7 : 4,
            symbol: corrupted ? 'x' : 'circle',
            opacity: corrupted ? 0.9 : 0.45,
          },
          hovertemplate: `label ${k}${corrupted ? ' (corrupted)' : ''}<extra></extra>`,
        });
      }
    }
    const means = report.metrics[run.keyOf('md_uncorrupted_means')];
    if (Array.isArray(means)) {
      const rows = means as (number[] | null)[];
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: 'clean class means',
        legendgroup: 'means',
        showlegend: i === 0,
        xaxis: `x${n}`,
        yaxis: `y${n}`,
        x: rows.map((r) => r?.[0] ?? null),
        y: rows.map((r) => r?.[1] ?? 0),
        marker: {
          color: rows.map((_, k) => classColor(k)),
          size: 14,
          symbol: 'diamond',
          line: { color: '#1f2933', width: 1.5 },
        },
        hoverinfo: 'skip',
      });
    }
    layout[`xaxis${n}`] = { title: { text: 'h₁' }, zeroline: false };
    layout[`yaxis${n}`] = { title: { text: 'h₂' }, zeroline: false };
    annotations.push(subplotTitle(i, run.label));
  });
  layout.annotations = annotations;
  return { data, layout };
}

/** Memorization and dilation (relative to the clean-mean distance) against epoch, per run. */
function buildCurves(s: LabState): Figure | null {
  const report = s.lastReport;
  const entries = s.history.entries;
  if (!report || !entries.length) return null;
  // Kept runs ticked in the Runs tab share the axes: the live run goes onto their x axis.
  const overlay = panelOverlay(s);
  const per = overlay?.livePer ?? report.shape.stepsPerUnit;
  const data: Data[] = [];
  const mode = entries.length > 1 ? 'lines+markers' : 'markers';
  runs(report, s.loadedConfig).forEach((run, i) => {
    const series: [NetworkKey, string, string, string][] = [
      ['md_memorization_rel_avg', 'memorization', 'solid', 'x'],
      ['md_dilation_rel_avg', 'dilation', 'dash', 'x'],
      ['md_noisy_fitted_train', 'noisy labels fitted', 'dot', 'x2'],
      ['net_accuracy_test', 'test accuracy', 'dashdot', 'x2'],
    ];
    // Four-class problem: a latent prediction is an error above; here it counts as its digit.
    if (report.metrics.md_test_accuracy_merged !== undefined)
      series.push(['md_test_accuracy_merged', 'test accuracy, latent merged', 'longdash', 'x2']);
    for (const [key, name, dash, xa] of series) {
      data.push({
        type: 'scatter',
        mode,
        name: `${name}, ${run.label}`,
        xaxis: xa,
        yaxis: xa === 'x' ? 'y' : 'y2',
        ...historySeries(entries, per, (m) => scalar(m, run.keyOf(key))),
        line: { color: RUN_COLORS[i], dash: dash as 'solid', width: 1.6 },
        marker: { color: RUN_COLORS[i], size: 4 },
        hovertemplate: `${name} (${run.label}): %{y:.4g}<extra>epoch %{x}</extra>`,
      });
    }
  });
  if (overlay) {
    data.push(...overlay.traces('md_memorization_rel_avg', null, { xaxis: 'x', yaxis: 'y' }));
    data.push(
      ...overlay.traces('md_noisy_fitted_train', null, {
        xaxis: 'x2',
        yaxis: 'y2',
        showlegend: false,
      }),
    );
  }
  const xAxis = {
    title: { text: overlay?.xTitle ?? 'epoch' },
    zeroline: false,
    ...(overlay?.logX ? { type: 'log' as const } : {}),
  };
  return {
    data,
    layout: {
      uirevision: overlay ? 'md-curves-overlay' : 'md-curves',
      grid: { rows: 1, columns: 2, pattern: 'independent', xgap: 0.12 },
      xaxis: xAxis,
      yaxis: { title: { text: 'relative to the clean-mean distance' }, rangemode: 'tozero' },
      xaxis2: xAxis,
      yaxis2: { title: { text: 'fraction' }, range: [-0.02, 1.02] },
      legend: { orientation: 'h', y: -0.25, x: 0, font: { size: 10 } },
      margin: { l: 52, r: 10, t: 16, b: 40 },
    },
  };
}

function Values() {
  const report = useLab((s) => s.lastReport);
  const config = useLab((s) => s.loadedConfig);
  if (!report) return null;
  const list = runs(report, config);
  const rows: [string, NetworkKey][] = [
    ['memorization (relative)', 'md_memorization_rel_avg'],
    ['dilation (relative)', 'md_dilation_rel_avg'],
    ['memorization', 'md_memorization_avg'],
    ['dilation', 'md_dilation_avg'],
    ['accuracy, noisy labels', 'md_acc_noisy_train'],
    ['accuracy, original labels', 'md_acc_original_train'],
    ['noisy labels fitted', 'md_noisy_fitted_train'],
    ['test accuracy', 'md_test_accuracy'],
    ...(report.metrics.md_test_accuracy_merged !== undefined
      ? [
          ['test accuracy, latent classes merged', 'md_test_accuracy_merged'] as [
            string,
            NetworkKey,
          ],
        ]
      : []),
    ['test ECE (15 bins)', 'md_test_ece15'],
    ['NC1', 'nc1_pinv'],
  ];
  return (
    <table className="values compact" data-testid="md-values">
      <thead>
        <tr>
          <th scope="col">measure</th>
          {list.map((r) => (
            <th scope="col" key={r.label}>
              {r.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([title, key]) => (
          <tr key={key}>
            <th scope="row">
              <MetricTerm metric={key}>
                {title} <code>{key}</code>
              </MetricTerm>
            </th>
            {list.map((r) => {
              const v = scalar(report.metrics, r.keyOf(key));
              const reason = report.undefinedReasons[r.keyOf(key)];
              return (
                <td key={r.label} data-testid={`md-${r.prefix}${key}`}>
                  {v !== null ? fmt(v, 4) : <span className="undefined">{reason ?? '—'}</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** seed 002's memorization–dilation view of a noisy run (and its twin). */
export function MdPanel() {
  const show = useLab((s) => hasMd(s.lastReport));
  const hasSamples = useLab((s) => !!s.lastReport?.samples);
  const overlay = useOverlayRevision();
  if (!show) return null;
  return (
    <Panel
      testId="panel-md"
      title="Memorization and dilation"
      wide
      subtitle={
        <>
          Memorization: mean distance of corrupted samples to the clean mean of their true class;
          dilation: spread of the clean samples; both divided by the distance between the clean
          class means (Nguyen et al. 2023).
        </>
      }
    >
      {hasSamples && (
        <PlotFigure
          build={buildScatter}
          watch={(s) => s.lastReport}
          height={330}
          share={0.55}
          label="Penultimate features of clean and corrupted training samples, with the clean class means"
        />
      )}
      {overlay && <OverlayBar />}
      <PlotFigure
        build={buildCurves}
        watch={(s) => s.historyVersion}
        revision={overlay}
        height={300}
        share={hasSamples ? 0.45 : 1}
        label="Memorization and dilation against epoch for each loss"
      />
      <Values />
      <FourClassNote />
    </Panel>
  );
}
