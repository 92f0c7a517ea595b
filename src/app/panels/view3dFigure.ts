import type { View3d } from '../../engine/session/types';
import { classColor } from '../format';
import type { Data, Layout } from '../plotly';
import type { Figure } from './PlotFigure';
import { DEFAULT_CAMERA, project, type Camera, type Projected } from './projection3d';

/** Display scaling: each set of vectors to unit maximum norm, so means and classifiers overlay. */
export function unitMax(vectors: number[][], alongWith: number[][] = []): number[][] {
  // `alongWith` shares the scale (the samples around the means) without being returned
  const max = Math.max(0, ...[...vectors, ...alongWith].map((v) => Math.hypot(...v)));
  return max > 0 ? vectors.map((v) => v.map((x) => x / max)) : vectors;
}

/** Segments from the screen's origin to every projected point, as one trace with gaps. */
export function spokes(points: readonly Projected[]): {
  x: (number | null)[];
  y: (number | null)[];
} {
  const out = { x: [] as (number | null)[], y: [] as (number | null)[] };
  for (const p of points) {
    out.x.push(0, p.x, null);
    out.y.push(0, p.y, null);
  }
  return out;
}

/** The axes run from −AXIS to AXIS, labelled at the + end; the square plot shows ±RANGE. */
const AXIS = 1.1;
const LABEL_AT = 1.22;
const RANGE = 1.3;

/**
 * Depth cue: a point at depth −1 (behind, unit norm) is drawn at 80 % size and 55 % opacity, one
 * at +1 at 120 % and fully opaque; with the farther points drawn first.
 */
const sizeAt = (size: number, depth: number) => size * (1 + 0.2 * depth);
const opacityAt = (depth: number) => Math.min(1, 0.775 + 0.225 * depth);

/**
 * The 3-D view of class means (●), classifier rows (◇) and, where the report has them, some
 * training samples (small dots, on the means' scale) from the engine's View3d, for a run and for
 * a feature file alike, projected orthographically by `camera` onto a 2-D figure (SVG:
 * milliseconds a redraw, where Plotly's WebGL scatter3d took most of a second on a software
 * adapter): the axes, spokes from the origin, one colour per class.
 */
export function view3dFigure(
  view: View3d,
  names: string[],
  classes: number[],
  meansName: string,
  camera: Camera = DEFAULT_CAMERA,
): Figure {
  const colors = classes.map((c) => classColor(c));
  // the means and the samples around them on one scale: a wide cloud shrinks the means
  const cloud = view.samples?.points ?? [];
  const means = project(unitMax(view.means, cloud), camera);
  const samples = project(unitMax(cloud, view.means), camera);
  const rows = project(unitMax(view.classifier), camera);
  const labels = view.basis === 'pca' ? ['PC1', 'PC2', 'PC3'] : ['x', 'y', 'z'];
  const { axes, labelAt } = axisLines(camera, labels.length);

  const data: Data[] = [lines(axes, { color: '#c8ccd2', width: 1 })];
  if (view.samples && samples.length > 0)
    data.push(samplesTrace(samples, view.samples.labels, names, classes));
  const marks = { names, colors };
  data.push(
    lines(spokes(means), { color: '#4e79a7', width: 2 }),
    points(marks, meansName, means, 9, 'mean', () => ({ line: { color: '#1f2933', width: 1 } })),
  );
  if (rows.length > 0) {
    data.push(
      lines(spokes(rows), { color: '#e15759', width: 1.5, dash: 'dash' }),
      points(marks, 'classifier rows w_k', rows, 8, 'classifier', (color) => ({
        symbol: 'diamond-open',
        line: { color, width: 2 },
      })),
    );
  }
  // Fixed square ranges: the projection is not stretched, and nothing zooms or pans.
  const axis = { range: [-RANGE, RANGE], visible: false, fixedrange: true };
  const layout: Partial<Layout> = {
    xaxis: { ...axis, constrain: 'domain' },
    yaxis: { ...axis, scaleanchor: 'x', scaleratio: 1, constrain: 'domain' },
    dragmode: false,
    hovermode: 'closest',
    annotations: labels.map((text, a) => ({
      text,
      x: labelAt[a].x,
      y: labelAt[a].y,
      showarrow: false,
      font: { size: 11, color: '#6b7280' },
    })),
    // in a strip of its own above the plot: it never hides a point or an axis label
    legend: { orientation: 'h', x: 0, y: 1, yanchor: 'bottom', font: { size: 10 } },
    margin: { l: 0, r: 0, t: 22, b: 0 },
  };
  return { data, layout };
}

/** A set's markers, farthest first, each with its class's name, colour and depth cue. */
function points(
  { names, colors }: { names: string[]; colors: string[] },
  name: string,
  pts: Projected[],
  size: number,
  what: string,
  style: (color: string[]) => object,
): Data {
  const order = pts.map((_, i) => i).sort((a, b) => pts[a].depth - pts[b].depth);
  const color = order.map((i) => colors[i]);
  return {
    type: 'scatter',
    mode: 'markers',
    name,
    x: order.map((i) => pts[i].x),
    y: order.map((i) => pts[i].y),
    text: order.map((i) => names[i]),
    marker: {
      size: order.map((i) => sizeAt(size, pts[i].depth)),
      opacity: order.map((i) => opacityAt(pts[i].depth)),
      color,
      ...style(color),
    },
    hovertemplate: `%{text} ${what}<extra></extra>`,
  } as Data;
}

function lines(xy: { x: (number | null)[]; y: (number | null)[] }, line: object): Data {
  return {
    type: 'scatter',
    mode: 'lines',
    showlegend: false,
    hoverinfo: 'skip',
    ...xy,
    line,
  } as Data;
}

/** The three axes through the origin as one broken line, and where their labels go. */
function axisLines(camera: Camera, count: number) {
  const ends = project(
    [0, 1, 2].flatMap((a) => [-AXIS, AXIS].map((v) => [0, 1, 2].map((i) => (i === a ? v : 0)))),
    camera,
  );
  const axes = { x: [] as (number | null)[], y: [] as (number | null)[] };
  for (let a = 0; a < 3; a++) {
    axes.x.push(ends[2 * a].x, ends[2 * a + 1].x, null);
    axes.y.push(ends[2 * a].y, ends[2 * a + 1].y, null);
  }
  const labelAt = project(
    Array.from({ length: count }, (_, a) => [0, 1, 2].map((i) => (i === a ? LABEL_AT : 0))),
    camera,
  );
  return { axes, labelAt };
}

/** The training samples as small dots in their class's colour. */
function samplesTrace(
  samples: Projected[],
  labels: number[],
  names: string[],
  classes: number[],
): Data {
  const nameOf = (label: number) => names[classes.indexOf(label)] ?? `class ${label}`;
  return {
    type: 'scatter',
    mode: 'markers',
    name: 'training samples',
    x: samples.map((p) => p.x),
    y: samples.map((p) => p.y),
    text: labels.map(nameOf),
    marker: { size: 4, opacity: 0.45, color: labels.map((l) => classColor(l)) },
    hovertemplate: '%{text} sample<extra></extra>',
  } as Data;
}
