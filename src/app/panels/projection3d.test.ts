import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAMERA,
  cameraFromEye,
  dragCamera,
  project,
  rotation,
  turnCamera,
  type Camera,
} from './projection3d';

const deg = (d: number) => (d * Math.PI) / 180;
const AXES = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** Rounded to 12 digits, with −0 as 0, so exact expectations read plainly. */
const round = (p: { x: number; y: number; depth: number }) =>
  [p.x, p.y, p.depth].map((v) => Math.round(v * 1e12) / 1e12 + 0);

describe('the camera of the 3-D view', () => {
  it('from the front (yaw 0, pitch 0) x points at the viewer, y right and z up', () => {
    expect(project(AXES, { yaw: 0, pitch: 0 }).map(round)).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  it('a quarter turn of yaw puts y towards the viewer and x to the left', () => {
    expect(project(AXES, { yaw: deg(90), pitch: 0 }).map(round)).toEqual([
      [-1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('from straight above (pitch 90°) z points at the viewer and x down the screen', () => {
    expect(project(AXES, { yaw: 0, pitch: deg(90) }).map(round)).toEqual([
      [0, -1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
  });

  it("opens where Plotly's eye {1.5, 1.3, 0.9} looked from: the eye projects onto the centre", () => {
    expect(DEFAULT_CAMERA.yaw).toBeCloseTo(Math.atan2(1.3, 1.5), 12);
    expect(DEFAULT_CAMERA.pitch).toBeCloseTo(Math.atan2(0.9, Math.hypot(1.5, 1.3)), 12);
    const [eye] = project([[1.5, 1.3, 0.9]], DEFAULT_CAMERA);
    expect(eye.x).toBeCloseTo(0, 12);
    expect(eye.y).toBeCloseTo(0, 12);
    expect(eye.depth).toBeCloseTo(Math.hypot(1.5, 1.3, 0.9), 12);
    expect(cameraFromEye({ x: 0, y: 2, z: 0 })).toEqual({ yaw: deg(90), pitch: 0 });
  });

  it('a point nearer the eye has the larger depth', () => {
    const camera = cameraFromEye({ x: 1, y: 1, z: 1 });
    const [near, centre, far] = project(
      [
        [0.5, 0.5, 0.5],
        [0, 0, 0],
        [-0.5, -0.5, -0.5],
      ],
      camera,
    );
    expect(near.depth).toBeCloseTo(Math.sqrt(0.75), 12);
    expect(centre.depth).toBe(0);
    expect(far.depth).toBeCloseTo(-Math.sqrt(0.75), 12);
  });

  it('the rotation is orthonormal: lengths in the view plane stay, and x² + y² + depth² = |p|²', () => {
    const camera: Camera = { yaw: deg(37), pitch: deg(-21) };
    const [right, up] = rotation(camera);
    // a vector in the view plane keeps its length on the screen
    const inPlane = right.map((r, i) => 0.6 * r - 0.8 * up[i]);
    const [q] = project([inPlane], camera);
    expect(Math.hypot(q.x, q.y)).toBeCloseTo(1, 12);
    expect(q.depth).toBeCloseTo(0, 12);
    const p = [0.3, -0.7, 0.45];
    const [r] = project([p], camera);
    expect(Math.hypot(r.x, r.y, r.depth)).toBeCloseTo(Math.hypot(...p), 12);
  });
});

describe('turning the camera', () => {
  it('a drag across the whole box turns half a turn; the scene follows the pointer', () => {
    const start: Camera = { yaw: deg(40), pitch: deg(20) };
    const turned = dragCamera(start, 300, 0, 300);
    expect(turned.yaw).toBeCloseTo(deg(-140), 12);
    expect(turned.pitch).toBe(start.pitch);
    // a small drag to the right moves the point facing the viewer to the right
    const front = [Math.cos(start.yaw), Math.sin(start.yaw), 0];
    expect(project([front], dragCamera(start, 10, 0, 300))[0].x).toBeCloseTo(Math.sin(deg(6)), 12);
    // and a drag down tilts it down
    expect(project([front], dragCamera({ ...start, pitch: 0 }, 0, 10, 300))[0].y).toBeCloseTo(
      -Math.sin(deg(6)),
      12,
    );
  });

  it('the pitch stops at ±90° (the eye never passes over a pole); the yaw wraps into (−180°, 180°]', () => {
    expect(dragCamera({ yaw: 0, pitch: deg(60) }, 0, 200, 300).pitch).toBe(deg(90));
    expect(turnCamera({ yaw: 0, pitch: deg(-80) }, 0, deg(-30)).pitch).toBe(deg(-90));
    expect(turnCamera({ yaw: deg(170), pitch: 0 }, deg(20), 0).yaw).toBeCloseTo(deg(-170), 12);
    expect(turnCamera({ yaw: deg(-170), pitch: 0 }, deg(-20), 0).yaw).toBeCloseTo(deg(170), 12);
    expect(turnCamera({ yaw: deg(180), pitch: 0 }, 0, 0).yaw).toBeCloseTo(deg(180), 12);
  });
});
