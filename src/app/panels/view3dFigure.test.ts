import { describe, expect, it } from 'vitest';
import type { View3d } from '../../engine/session/types';
import { classColor } from '../format';
import { DEFAULT_CAMERA, type Camera } from './projection3d';
import { spokes, unitMax, view3dFigure } from './view3dFigure';

/** From the front: x towards the viewer, y to the right, z up (projection3d.test.ts). */
const FRONT: Camera = { yaw: 0, pitch: 0 };
const NAMES = ['class 0 (n=5)', 'class 1 (n=5)', 'class 2 (n=5)'];

interface Trace {
  name?: string;
  mode?: string;
  x: (number | null)[];
  y: (number | null)[];
  text?: string[];
  hovertemplate?: string;
  marker?: { size: number[]; opacity: number[]; color: string[]; symbol?: string };
  line?: { dash?: string };
}

function figure(view: Partial<View3d>, camera?: Camera) {
  const full: View3d = { basis: 'pca', explained: 0.9, means: [], classifier: [], ...view };
  const f = view3dFigure(full, NAMES, [0, 1, 2], 'class means', camera);
  return { data: f.data as unknown as Trace[], layout: f.layout };
}

const close = (values: (number | null)[]) =>
  values.map((v) => (v === null ? null : Math.round(v * 1e9) / 1e9 + 0));

describe('unitMax and spokes', () => {
  it('unitMax scales a set so its longest vector has norm 1 (and leaves all-zero sets alone)', () => {
    expect(
      unitMax([
        [3, 4, 0],
        [0, 0, 1],
      ]),
    ).toEqual([
      [0.6, 0.8, 0],
      [0, 0, 0.2],
    ]);
    expect(unitMax([[0, 0, 0]])).toEqual([[0, 0, 0]]);
  });

  it('spokes run from the origin to each projected point, with a gap between them', () => {
    expect(
      spokes([
        { x: 1, y: 2, depth: 0 },
        { x: -1, y: 0, depth: 3 },
      ]),
    ).toEqual({ x: [0, 1, null, 0, -1, null], y: [0, 2, null, 0, 0, null] });
  });
});

describe('view3dFigure: the orthographic projection as a 2-D figure', () => {
  const means = [
    [1, 0, 0],
    [-0.5, 0.5, 0],
    [0, 0, 0.5],
  ];

  it('draws the means projected, farthest first, smaller and lighter behind, with their hover text', () => {
    const { data } = figure({ means }, FRONT);
    const dots = data.find((t) => t.name === 'class means');
    // depths: class 0 at +1 (towards the viewer), class 1 at −0.5, class 2 at 0
    expect(dots?.text).toEqual([NAMES[1], NAMES[2], NAMES[0]]);
    expect(close(dots?.x ?? [])).toEqual([0.5, 0, 0]);
    expect(close(dots?.y ?? [])).toEqual([0, 0.5, 0]);
    expect(close(dots?.marker?.size ?? [])).toEqual([8.1, 9, 10.8]);
    expect(close(dots?.marker?.opacity ?? [])).toEqual([0.6625, 0.775, 1]);
    expect(dots?.marker?.color).toEqual([classColor(1), classColor(2), classColor(0)]);
    expect(dots?.hovertemplate).toBe('%{text} mean<extra></extra>');
  });

  it('the classifier rows are open diamonds with dashed spokes, each set scaled to unit max norm', () => {
    const { data } = figure({ means, classifier: [[0, 4, 0]] }, FRONT);
    const rows = data.find((t) => t.name === 'classifier rows w_k');
    expect(rows?.marker?.symbol).toBe('diamond-open');
    expect(close(rows?.x ?? [])).toEqual([1]);
    expect(rows?.hovertemplate).toBe('%{text} classifier<extra></extra>');
    expect(data.filter((t) => t.line?.dash === 'dash').map((t) => close(t.x))).toEqual([
      [0, 1, null],
    ]);
    expect(data.filter((t) => t.name).map((t) => t.name)).toEqual([
      'class means',
      'classifier rows w_k',
    ]);
    // without classifier rows, no diamonds and no dashed spokes
    expect(figure({ means }, FRONT).data).toHaveLength(3);
  });

  it("draws the training samples behind the means, on the means' scale, coloured and named by class", () => {
    // a sample twice as far out as the farthest mean sets the scale for both
    const samples = {
      points: [
        [2, 0, 0],
        [0, 0, 0.5],
      ],
      labels: [0, 2],
    };
    const { data } = figure({ means, samples }, FRONT);
    const names = data.filter((t) => t.name).map((t) => t.name);
    expect(names).toEqual(['training samples', 'class means']);
    const cloud = data.find((t) => t.name === 'training samples');
    expect(close(cloud?.x ?? [])).toEqual([0, 0]);
    expect(close(cloud?.y ?? [])).toEqual([0, 0.25]);
    expect(cloud?.text).toEqual([NAMES[0], NAMES[2]]);
    expect(cloud?.marker?.color).toEqual([classColor(0), classColor(2)]);
    expect(cloud?.hovertemplate).toBe('%{text} sample<extra></extra>');
    // the means shrink to half: the sample at norm 2 is the unit
    const dots = data.find((t) => t.name === 'class means');
    expect(close(dots?.y ?? [])).toEqual([0, 0.25, 0]);
    // without samples the means keep their own unit max (above)
    expect(figure({ means }, FRONT).data.some((t) => t.name === 'training samples')).toBe(false);
  });

  it('draws the three axes from −1.1 to 1.1, labelled PC1–PC3 (x, y, z for raw coordinates) at the + ends', () => {
    const { data, layout } = figure({ means }, FRONT);
    // from the front the PC1 axis points at the viewer: a dot at the centre
    expect(close(data[0].x)).toEqual([0, 0, null, -1.1, 1.1, null, 0, 0, null]);
    expect(close(data[0].y)).toEqual([0, 0, null, 0, 0, null, -1.1, 1.1, null]);
    expect(layout.annotations?.map((a) => [a.text, close([a.x as number, a.y as number])])).toEqual(
      [
        ['PC1', [0, 0]],
        ['PC2', [1.22, 0]],
        ['PC3', [0, 1.22]],
      ],
    );
    const raw = figure({ basis: 'raw', means }, FRONT).layout.annotations?.map((a) => a.text);
    expect(raw).toEqual(['x', 'y', 'z']);
  });

  it('square fixed ranges, hidden axes, no zoom or drag (the panel rotates instead)', () => {
    const { layout } = figure({ means });
    expect(layout.xaxis).toMatchObject({ range: [-1.3, 1.3], visible: false, fixedrange: true });
    expect(layout.yaxis).toMatchObject({
      range: [-1.3, 1.3],
      visible: false,
      fixedrange: true,
      scaleanchor: 'x',
      scaleratio: 1,
    });
    expect(layout.dragmode).toBe(false);
  });

  it('opens with the default camera, and turning it moves the points but never lengthens them', () => {
    expect(figure({ means })).toEqual(figure({ means }, DEFAULT_CAMERA));
    const first = figure({ means }).data.find((t) => t.name === 'class means');
    const turned = figure({ means }, { yaw: 1, pitch: -0.4 }).data.find(
      (t) => t.name === 'class means',
    );
    expect(turned?.x).not.toEqual(first?.x);
    for (const dots of [first, turned]) {
      const norms = (dots?.x ?? []).map((x, i) => Math.hypot(x ?? 0, dots?.y[i] ?? 0));
      for (const n of norms) expect(n).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});
