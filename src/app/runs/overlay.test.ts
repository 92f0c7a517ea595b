import { describe, expect, it } from 'vitest';
import { findPreset } from '../../engine/config/presets';
import { expectUfm } from '../../engine/config/schema';
import { ema, overlayFigure, overlayTraces, RUN_COLORS, type MergedMeta } from './overlay';

const base = expectUfm(findPreset('tiny-check')?.config ?? (null as never));

describe('run overlay', () => {
  it('EMA smoothing is TensorBoard’s debiased average and keeps gaps', () => {
    expect(ema([1, 1, 1], 0.9)).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    const s = ema([0, 10, null, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(5 / 0.75, 12); // (0.5·0 + 0.5·10)/(1 − 0.25)
    expect(s[2]).toBeNull();
    expect(ema([3, 4], 0)).toEqual([3, 4]);
  });

  it('two runs get a colour each and legend entries naming what differs; per-layer lines share the colour with their own dash', () => {
    const history = (f: number) => [
      { step: 0, metrics: { nc1_pinv: 1 * f, deep_nc1_pinv: [1 * f, 2 * f] } },
      { step: 20, metrics: { nc1_pinv: 0.5 * f, deep_nc1_pinv: [0.5 * f, 1 * f] } },
    ];
    const runs = [
      {
        id: 'a',
        config: { ...base, depth: 1 },
        history: history(1),
        stepsPerSecond: 10,
        totalSteps: 20,
      },
      {
        id: 'b',
        config: { ...base, depth: 2 },
        history: history(2),
        stepsPerSecond: 10,
        totalSteps: 20,
      },
    ];
    const flat = overlayFigure(runs, {
      metric: 'nc1_pinv',
      deepMetric: null,
      x: 'time',
      smoothing: 0,
      logX: false,
      logY: true,
      title: 'NC1',
    });
    expect(flat?.data.map((d) => (d as { name: string }).name)).toEqual(['depth=1', 'depth=2']);
    expect(flat?.data.map((d) => (d as { line: { color: string } }).line.color)).toEqual(
      RUN_COLORS.slice(0, 2),
    );
    expect((flat?.data[1] as { x: number[] }).x).toEqual([0, 2]); // 20 steps at 10 steps/s
    expect((flat?.data[1] as { y: number[] }).y).toEqual([2, 1]);
    const deep = overlayFigure(runs, {
      metric: 'nc1_pinv',
      deepMetric: 'deep_nc1_pinv',
      x: 'step',
      smoothing: 0,
      logX: false,
      logY: true,
      title: 'NC1',
    });
    const traces = deep?.data as { name: string; line: { color: string; dash: string } }[];
    expect(traces.map((t) => [t.name, t.line.color, t.line.dash])).toEqual([
      ['depth=1 · layer 1', RUN_COLORS[0], 'solid'],
      ['depth=1 · layer 2', RUN_COLORS[0], 'dash'],
      ['depth=2 · layer 1', RUN_COLORS[1], 'solid'],
      ['depth=2 · layer 2', RUN_COLORS[1], 'dash'],
    ]);
  });

  it("draws a log y axis as the panels do: runs falling to 1e-7 get decade labels as powers of ten, not '.000001'", () => {
    const runs = [1, 1e-7].map((last, i) => ({
      id: `r${i}`,
      config: { ...base, depth: i + 1 },
      history: [
        { step: 0, metrics: { nc1_pinv: 1 } },
        { step: 10, metrics: { nc1_pinv: last } },
      ],
      stepsPerSecond: null,
      totalSteps: 10,
    }));
    const options = {
      metric: 'nc1_pinv' as const,
      deepMetric: null,
      x: 'step' as const,
      smoothing: 0,
      logX: false,
      title: 'NC1',
    };
    const log = overlayFigure(runs, { ...options, logY: true })?.layout.yaxis;
    expect(log).toMatchObject({ type: 'log', exponentformat: 'power' });
    const linear = overlayFigure(runs, { ...options, logY: false })?.layout.yaxis;
    expect(linear).toMatchObject({ type: 'linear' });
  });

  it('on a log axis, runs and layers whose values end in exact zeros are named in a note, read from the values before smoothing; the metric names the y axis and the legend sits above', () => {
    const runs = [0, 0.5].map((last, i) => ({
      id: `r${i}`,
      config: { ...base, depth: 2, lr: 0.1 * (i + 1) },
      history: [
        { step: 0, metrics: { nc1_pinv: 1, deep_nc1_pinv: [1, 1] } },
        { step: 10, metrics: { nc1_pinv: last, deep_nc1_pinv: [last, 0.5] } },
        { step: 20, metrics: { nc1_pinv: last, deep_nc1_pinv: [last, 0.5] } },
      ],
      stepsPerSecond: 10,
      totalSteps: 20,
    }));
    const options = {
      metric: 'nc1_pinv' as const,
      deepMetric: null,
      x: 'step' as const,
      smoothing: 0.6,
      logX: false,
      logY: true,
      title: 'NC1 pinv',
    };
    const flat = overlayFigure(runs, options)?.layout;
    expect(flat?.annotations?.map((a) => a.text)).toEqual(['lr=0.1: = 0 from step 10']);
    expect(flat?.yaxis?.title).toMatchObject({ text: 'NC1 pinv' });
    expect(flat?.legend).toMatchObject({ y: 1.02, yanchor: 'bottom' });
    expect(flat?.title).toBeUndefined();
    const perLayer = overlayFigure(runs, { ...options, deepMetric: 'deep_nc1_pinv', x: 'time' });
    expect(perLayer?.layout.annotations?.map((a) => a.text)).toEqual([
      'lr=0.1 · layer 1: = 0 from 1 s',
    ]);
    // a linear axis draws the zeros: no note
    expect(overlayFigure(runs, { ...options, logY: false })?.layout.annotations).toBeUndefined();
  });

  it('with more runs than colours, the lines of one colour and dash are one trace, each point hovering its run’s name', () => {
    const runs = Array.from({ length: 12 }, (_, i) => ({
      id: `run-${i}`,
      config: { ...base, seed: i },
      history: [
        { step: 0, metrics: { nc1_pinv: i, deep_nc1_pinv: [i, 2 * i] } },
        { step: 10, metrics: { nc1_pinv: i / 2, deep_nc1_pinv: [i / 2, i] } },
      ],
      stepsPerSecond: null,
      totalSteps: 10,
    }));
    type Merged = {
      x: number[];
      y: (number | null)[];
      text: string[];
      meta: MergedMeta;
      showlegend: boolean;
      line: { color: string; dash: string };
    };
    const flat = overlayTraces(runs, {
      metric: 'nc1_pinv',
      deepMetric: null,
      x: 'step',
      smoothing: 0,
    }) as Merged[];
    // 10 colours: runs 0 and 10 (and 1 and 11) share one
    expect(flat).toHaveLength(RUN_COLORS.length);
    expect(flat[0].meta.runs).toEqual(['run-0', 'run-10']);
    expect(flat[0].x).toEqual([0, 10, 10, 0, 10]);
    expect(flat[0].y).toEqual([0, 0, null, 10, 5]);
    expect(flat[0].text).toEqual(['seed=0', 'seed=0', '', 'seed=10', 'seed=10']);
    expect(flat[2].meta.runs).toEqual(['run-2']);
    expect(flat.every((t) => t.showlegend === false)).toBe(true);
    const deep = overlayTraces(runs, {
      metric: 'nc1_pinv',
      deepMetric: 'deep_nc1_pinv',
      x: 'step',
      smoothing: 0,
    }) as Merged[];
    // one trace a colour and dash: 10 colours × 2 layers, not 12 × 2
    expect(deep).toHaveLength(20);
    expect(deep[1].line).toEqual({ color: RUN_COLORS[0], dash: 'dash', width: 1.5 });
    expect(deep[1].y).toEqual([0, 0, null, 20, 10]);
    expect(new Set(deep.flatMap((t) => t.meta.runs)).size).toBe(12);
  });
});
