import { describe, expect, it } from 'vitest';
import { fakeReport } from '../lab/testing/fakeWorker';
import { ReportHistory } from '../history';
import { useLab, type LabState } from '../store';
import { buildNcFigure } from './NcPanel';

interface Trace {
  name?: string;
  x?: number[];
  y?: (number | null)[];
  showlegend?: boolean;
  line?: { dash?: string };
}

/** A lab state whose history holds a depth-3 run's reports at steps 0, 10, 20. */
function deepRun(): LabState {
  const history = new ReportHistory();
  let last = fakeReport(0, 1);
  for (const step of [0, 10, 20]) {
    last = fakeReport(step, 1 / (step + 1), 40);
    last.shape = { ...last.shape, depth: 3 };
    last.metrics = {
      nc1_pinv: 1 / (step + 1),
      deep_nc1_pinv: [1 / (step + 1), 2 / (step + 1), step === 10 ? 0 : 3 / (step + 1)],
      nc4_ncc_mismatch_train: step / 100,
      net_accuracy_train: 1 - step / 100,
    };
    history.push({ step, metrics: last.metrics });
  }
  return { ...useLab.getState(), history, lastReport: last };
}

const traces = (state: LabState, index: number) =>
  (buildNcFigure(state, 'etf', index)?.data ?? []) as Trace[];

describe('the NC panel as six small figures', () => {
  it('draws NC1 per layer of a deep run, one trace a layer, with zeros as gaps on its log axis', () => {
    const nc1 = traces(deepRun(), 0);
    expect(nc1.map((t) => t.name)).toEqual(['l = 0 (H)', 'l = 1', 'l = 2']);
    expect(nc1[0].x).toEqual([0, 10, 20]);
    expect(nc1[1].y).toEqual([2, 2 / 11, 2 / 21]);
    expect(nc1[2].y).toEqual([3, null, 3 / 21]);
    // The live run's styles are in the panel's own legend, not in each figure.
    expect(nc1.every((t) => t.showlegend === false)).toBe(true);
  });

  it('says where a curve ends in exact zeros, which its log axis cannot draw, and not for a zero mid-run', () => {
    const state = deepRun();
    // Layer 2 has a zero at step 10 only: a gap, no note.
    expect(buildNcFigure(state, 'etf', 0)?.layout.annotations).toBeUndefined();
    const entries = state.history.entries;
    const history = new ReportHistory();
    for (const e of entries)
      history.push({
        step: e.step,
        metrics: { ...e.metrics, deep_nc1_pinv: [e.step >= 10 ? 0 : 1, 2, e.step === 20 ? 0 : 3] },
      });
    const notes = buildNcFigure({ ...state, history }, 'etf', 0)?.layout.annotations ?? [];
    expect(notes.map((n) => n.text)).toEqual(['l = 0: 0 from step 10<br>l = 2: 0 from step 20']);
  });

  it('draws NC4 and accuracy in the sixth figure, only for the keys the run reports', () => {
    const figure = buildNcFigure(deepRun(), 'etf', 5);
    const nc4 = (figure?.data ?? []) as Trace[];
    expect(nc4.map((t) => t.name)).toEqual(['NC4 NCC mismatch', 'net accuracy']);
    expect(nc4[0].y).toEqual([0, 0.1, 0.2]);
    expect(nc4.map((t) => t.line?.dash)).toEqual(['solid', 'dot']);
    expect(figure?.layout.yaxis?.range).toEqual([-0.05, 1.05]);
    // Only the bottom row names the x unit; every figure spans the whole run.
    expect(figure?.layout.xaxis?.title).toEqual({ text: 'step' });
    expect(buildNcFigure(deepRun(), 'etf', 0)?.layout.xaxis).toMatchObject({
      title: undefined,
      range: [0, 40],
    });
  });

  it('has nothing to draw before the first report', () => {
    const empty = { ...useLab.getState(), history: new ReportHistory(), lastReport: null };
    expect(buildNcFigure(empty, 'etf', 0)).toBeNull();
  });
});
