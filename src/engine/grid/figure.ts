// What a grid draws and what it writes as a summary: one line per member (a metric against steps
// or epochs), and one row per member of final values. Pure functions over RunResults.
import type { MetricValue } from '../metrics';
import type { ReportKey } from '../metrics/reportKeys';
import type { RunResult } from '../run/result';
import type { AxisValue } from './spec';

export interface GridLine {
  id: string;
  /** The member's axis values without the seed when every member shares it, else all. */
  label: string;
  x: number[];
  y: (number | null)[];
}

export interface GridFigureData {
  metric: ReportKey;
  /** `epoch` for networks (history entries carry their epoch), else optimiser `step`. */
  xUnit: 'step' | 'epoch';
  lines: GridLine[];
  /** The closed-form value of the metric where one exists (the UFM's f* for the loss), per line. */
  reference: { id: string; value: number }[];
}

interface MemberLike {
  id: string;
  overrides: Record<string, AxisValue>;
  result: RunResult;
}

const scalarOf = (v: MetricValue | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/** The members' labels: drop an override every member has in common (one seed, say). */
function labels(members: readonly MemberLike[]): string[] {
  const keys = [...new Set(members.flatMap((m) => Object.keys(m.overrides)))];
  const varying = keys.filter(
    (k) => new Set(members.map((m) => JSON.stringify(m.overrides[k]))).size > 1,
  );
  const shown = varying.length ? varying : keys;
  return members.map((m) =>
    shown
      .map((k) => {
        const v = m.overrides[k];
        return `${k} = ${Array.isArray(v) ? v.join('/') : String(v)}`;
      })
      .join(', '),
  );
}

/** One line per member: `metric` against step (UFM) or epoch (networks), nulls where undefined. */
export function gridFigure(members: readonly MemberLike[], metric: ReportKey): GridFigureData {
  const net = members.some((m) => m.result.config.experiment === 'net');
  const names = labels(members);
  const lines = members.map((m, i) => ({
    id: m.id,
    label: names[i],
    x: m.result.history.map((h) => (net ? (scalarOf(h.metrics.epoch) ?? h.step) : h.step)),
    y: m.result.history.map((h) => scalarOf(h.metrics[metric])),
  }));
  const reference =
    metric === 'loss'
      ? members.flatMap((m) =>
          m.result.theory ? [{ id: m.id, value: m.result.theory.lossMin }] : [],
        )
      : [];
  return { metric, xUnit: net ? 'epoch' : 'step', lines, reference };
}

/** Final values kept in a grid's summary (those a member has). */
export const SUMMARY_METRICS = [
  'loss',
  'nc1_pinv',
  'nc2_etf_error_means',
  'nc2_etf_error_weights',
  'nc3_w_sub_h_centred',
  'train_acc',
  'val_acc',
  'test_acc',
  'md_memorization_rel_avg',
  'md_dilation_rel_avg',
] as const satisfies readonly ReportKey[];
type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export interface GridSummaryRow {
  index: number;
  id: string;
  overrides: Record<string, AxisValue>;
  status: RunResult['status'];
  message: string | null;
  /** Optimiser steps trained (the last report's step). */
  steps: number;
  trainMs: number;
  final: Partial<Record<SummaryMetric, number | null>>;
}

export function summaryRow(member: MemberLike & { index: number }): GridSummaryRow {
  const { result } = member;
  const metrics = result.final?.metrics ?? {};
  const final: GridSummaryRow['final'] = {};
  for (const k of SUMMARY_METRICS) if (k in metrics) final[k] = scalarOf(metrics[k]);
  return {
    index: member.index,
    id: member.id,
    overrides: member.overrides,
    status: result.status,
    message: result.message,
    steps: result.final?.step ?? 0,
    trainMs: result.timing.trainMs,
    final,
  };
}
