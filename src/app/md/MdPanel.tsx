import { useMemo } from 'react';
import type { ExperimentConfig } from '../../engine/config/schema';
import {
  TWIN_PREFIX,
  twinKey,
  type NetworkKey,
  type ReportKey,
} from '../../engine/metrics/reportKeys';
import type { Report, SampleCloud } from '../../engine/session/types';
import { classColor, fmt, scalar } from '../format';
import type { Data } from '../plotly';
import { Panel } from '../panels/Panel';
import { PlotFigure, type Figure } from '../panels/PlotFigure';
import { FigureCell, FigureGrid, FigureLegend, type LegendEntry } from '../panels/FigureGrid';
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

/**
 * Clean samples drawn per run in the feature scatter (all corrupted ones are drawn): SVG markers
 * cost ~0.05 ms each a redraw, and 1 200 a run made a redraw a long task (110–180 ms, loaded).
 */
const SCATTER_POINTS = 500;

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

/** The clean and the corrupted samples of class label `k` in a run's cloud. */
function samplesOf(cloud: SampleCloud, k: number, corrupted: boolean): number[] {
  const idx: number[] = [];
  cloud.labels.forEach((y, j) => {
    if (y === k && (y !== cloud.originalLabels[j]) === corrupted) idx.push(j);
  });
  return idx;
}

/**
 * The penultimate features of one run (`runIndex`: 0 the main run, 1 its twin): clean samples
 * by class, corrupted ones as crosses, the clean class means as diamonds. One small figure per
 * run (their legend is the panel's, in HTML): the two-run figure with its legend took 150–270 ms
 * a redraw on a loaded 2-core machine.
 */
export function buildScatter(s: LabState, runIndex: number): Figure | null {
  const report = s.lastReport;
  const run = report ? runs(report, s.loadedConfig)[runIndex] : undefined;
  const cloud = run?.samples;
  if (!report || !run || !cloud) return null;
  const data: Data[] = [];
  const K = report.shape.K;
  // One trace for the clean samples and one for the corrupted, coloured per point: Plotly's
  // cost is per trace as much as per marker (2K traces took 75 ms a draw at K = 10).
  for (const corrupted of [false, true]) {
    const drawn: { j: number; k: number }[] = [];
    for (let k = 0; k < K; k++) {
      const idx = samplesOf(cloud, k, corrupted);
      // SVG markers cost ~0.05 ms each to draw: thin the clean ones, never the corrupted.
      const kept = corrupted ? idx : evenlySpaced(idx, Math.ceil(SCATTER_POINTS / K));
      for (const j of kept) drawn.push({ j, k });
    }
    if (!drawn.length) continue;
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: corrupted ? 'labelled as the colour, truly another class' : 'clean samples',
      x: drawn.map(({ j }) => cloud.points[j][0]),
      y: drawn.map(({ j }) => cloud.points[j][1] ?? 0),
      text: drawn.map(({ k }) => `label ${k}${corrupted ? ' (corrupted)' : ''}`),
      marker: {
        color: drawn.map(({ k }) => classColor(k)),
        size: corrupted ? 7 : 4,
        symbol: corrupted ? 'x' : 'circle',
        opacity: corrupted ? 0.9 : 0.45,
      },
      hovertemplate: '%{text}<extra></extra>',
    });
  }
  const means = report.metrics[run.keyOf('md_uncorrupted_means')];
  if (Array.isArray(means)) {
    const rows = means as (number[] | null)[];
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'clean class means',
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
  return {
    data,
    layout: {
      uirevision: `md-scatter-${runIndex}`,
      showlegend: false,
      xaxis: { title: { text: 'h₁' }, zeroline: false },
      yaxis: { title: { text: 'h₂' }, zeroline: false },
      margin: { l: 44, r: 10, t: 4, b: 36 },
    },
  };
}

/** What the scatter's markers mean, and how many clean samples are drawn of how many. */
function scatterLegend(report: Report | null): LegendEntry[] {
  const cloud = report?.samples;
  if (!report || !cloud) return [];
  const K = report.shape.K;
  let clean = 0;
  let drawn = 0;
  for (let k = 0; k < K; k++) {
    const n = samplesOf(cloud, k, false).length;
    clean += n;
    drawn += Math.min(n, Math.ceil(SCATTER_POINTS / K));
  }
  const ink = '#1f2933';
  return [
    ...Array.from({ length: K }, (_, k) => ({
      key: `class-${k}`,
      label: `class ${k}`,
      color: classColor(k),
      marker: 'circle' as const,
    })),
    {
      key: 'clean',
      label: `clean sample${drawn < clean ? ` (${drawn} of ${clean} drawn)` : ''}`,
      color: ink,
      marker: 'circle',
    },
    {
      key: 'corrupted',
      label: 'labelled as the colour, truly another class',
      color: ink,
      marker: 'x',
    },
    { key: 'means', label: 'clean class mean', color: '#fff', marker: 'diamond' },
  ];
}

/** The curves of the two figures: [key, name, dash] per side, for one report. */
function curveSeries(report: Report, side: 0 | 1): (readonly [NetworkKey, string, Dash])[] {
  if (side === 0)
    return [
      ['md_memorization_rel_avg', 'memorization', 'solid'],
      ['md_dilation_rel_avg', 'dilation', 'dash'],
    ];
  return [
    ['md_noisy_fitted_train', 'noisy labels fitted', 'dot'],
    ['net_accuracy_test', 'test accuracy', 'dashdot'],
    // Four-class problem: a latent prediction is an error above; here it counts as its digit.
    ...(report.metrics.md_test_accuracy_merged !== undefined
      ? [['md_test_accuracy_merged', 'test accuracy, latent merged', 'longdash'] as const]
      : []),
  ];
}

type Dash = 'solid' | 'dash' | 'dot' | 'dashdot' | 'longdash';

/**
 * Against epoch, per run: memorization and dilation relative to the clean-mean distance
 * (`side` 0), the fraction of noisy labels fitted and the test accuracy (`side` 1). Two small
 * figures with the panel's HTML legend; kept runs ticked in the Runs tab are named in the first
 * one's legend.
 */
export function buildCurves(s: LabState, side: 0 | 1): Figure | null {
  const report = s.lastReport;
  const entries = s.history.entries;
  if (!report || !entries.length) return null;
  // Kept runs ticked in the Runs tab share the axes: the live run goes onto their x axis.
  const overlay = panelOverlay(s);
  const per = overlay?.livePer ?? report.shape.stepsPerUnit;
  const data: Data[] = [];
  const mode = entries.length > 1 ? 'lines+markers' : 'markers';
  runs(report, s.loadedConfig).forEach((run, i) => {
    for (const [key, name, dash] of curveSeries(report, side)) {
      data.push({
        type: 'scatter',
        mode,
        name: `${name}, ${run.label}`,
        showlegend: false,
        ...historySeries(entries, per, (m) => scalar(m, run.keyOf(key))),
        line: { color: RUN_COLORS[i], dash, width: 1.6 },
        marker: { color: RUN_COLORS[i], size: 4 },
        hovertemplate: `${name} (${run.label}): %{y:.4g}<extra>epoch %{x}</extra>`,
      });
    }
  });
  if (overlay)
    data.push(
      ...overlay.traces(side === 0 ? 'md_memorization_rel_avg' : 'md_noisy_fitted_train', null, {
        showlegend: false,
      }),
    );
  return {
    data,
    layout: {
      uirevision: `md-curves-${side}${overlay ? '-overlay' : ''}`,
      // kept runs are named in the overlay bar's legend
      showlegend: false,
      xaxis: {
        title: { text: overlay?.xTitle ?? 'epoch' },
        zeroline: false,
        ...(overlay?.logX ? { type: 'log' as const } : {}),
      },
      yaxis:
        side === 0
          ? // short enough for the height of a 1366×768 screen's figure; the title says the rest
            { title: { text: '÷ mean dist.', font: { size: 10 } }, rangemode: 'tozero' }
          : { title: { text: 'fraction' }, range: [-0.02, 1.02] },
      margin: { l: 52, r: 10, t: 4, b: 36 },
    },
  };
}

/**
 * The curves' titles: short enough for a figure some 240 px wide (a 1366-px screen cut the long
 * ones to "Memorization and dilation (÷ clean-mean…"), and in full on hover and for screen readers.
 */
const CURVE_TITLES = [
  [
    'Memorization and dilation',
    'Memorization and dilation, each divided by the distance between the clean class means, against epoch',
  ],
  ['Noisy labels fitted, test accuracy', 'Noisy labels fitted and test accuracy against epoch'],
] as const;

/** The curves' legend: a colour per run, a dash per measure. */
function curvesLegend(report: Report | null, labels: string[]): LegendEntry[] {
  if (!report) return [];
  const ink = '#1f2933';
  return [
    ...labels.map((label, i) => ({
      key: label,
      label,
      color: RUN_COLORS[i],
      line: 'solid' as const,
    })),
    ...([0, 1] as const).flatMap((side) =>
      curveSeries(report, side).map(([key, name, dash]) => ({
        key,
        label: name,
        color: ink,
        line: dash,
      })),
    ),
  ];
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
  const report = useLab((s) => s.lastReport);
  // One string, so the labels change only with the twin or the loss, not with every report.
  const runKey = useLab((s) =>
    s.lastReport
      ? runs(s.lastReport, s.loadedConfig)
          .map((r) => r.label)
          .join('\n')
      : '',
  );
  const runLabels = useMemo(() => (runKey ? runKey.split('\n') : []), [runKey]);
  const legend = useMemo(() => scatterLegend(report), [report]);
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
      below={
        <>
          <Values />
          <FourClassNote />
        </>
      }
    >
      {hasSamples && (
        <>
          <FigureLegend entries={legend} label="Markers of the feature scatter" />
          <FigureGrid cols={runLabels.length} rows={1} height={330} share={0.55}>
            {runLabels.map((label, i) => (
              <FigureCell key={label} title={`Penultimate features (h₁, h₂), ${label}`}>
                <PlotFigure
                  build={(s) => buildScatter(s, i)}
                  watch={(s) => s.lastReport}
                  height={330}
                  label={`Penultimate features of clean and corrupted training samples, with the clean class means, ${label}`}
                />
              </FigureCell>
            ))}
          </FigureGrid>
        </>
      )}
      {overlay && <OverlayBar />}
      <FigureLegend entries={curvesLegend(report, runLabels)} label="Lines of the curves" />
      <FigureGrid cols={2} rows={1} height={300} share={hasSamples ? 0.45 : 1}>
        {CURVE_TITLES.map(([title, full], side) => (
          <FigureCell key={title} title={title} full={full}>
            <PlotFigure
              build={(s) => buildCurves(s, side as 0 | 1)}
              watch={(s) => s.historyVersion}
              revision={overlay}
              height={300}
              label={`${full} for each loss`}
            />
          </FigureCell>
        ))}
      </FigureGrid>
    </Panel>
  );
}
