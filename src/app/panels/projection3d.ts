/**
 * The 3-D view's camera and its orthographic projection onto the screen, by hand: a 2-D SVG
 * figure of the projected points redraws in milliseconds, where Plotly's WebGL scatter3d took
 * 0.3–1.3 s a redraw on a software WebGL adapter (SwiftShader, no GPU). z is up, as in Plotly.
 */

export type Vec3 = readonly [number, number, number];

/** A turntable camera: `yaw` turns about the z axis, `pitch` raises the eye above the xy plane (radians). */
export interface Camera {
  yaw: number;
  pitch: number;
}

/** A point on the screen: right, up, and its depth (larger: nearer the viewer). */
export interface Projected {
  x: number;
  y: number;
  depth: number;
}

const HALF_TURN = Math.PI;
const RIGHT_ANGLE = Math.PI / 2;

/** The camera that looks at the origin from `eye` (Plotly's `scene.camera.eye`). */
export function cameraFromEye(eye: { x: number; y: number; z: number }): Camera {
  return { yaw: Math.atan2(eye.y, eye.x), pitch: Math.atan2(eye.z, Math.hypot(eye.x, eye.y)) };
}

/** The view the Plotly scatter3d figure opened with (`eye {1.5, 1.3, 0.9}`). */
export const DEFAULT_CAMERA: Camera = cameraFromEye({ x: 1.5, y: 1.3, z: 0.9 });

/**
 * The camera's rotation matrix, rows: the screen's right, its up, and the direction towards the
 * viewer. Orthonormal, so the projection keeps lengths within the view plane.
 */
export function rotation({ yaw, pitch }: Camera): [Vec3, Vec3, Vec3] {
  const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch)];
  return [
    [-sy, cy, 0],
    [-sp * cy, -sp * sy, cp],
    [cp * cy, cp * sy, sp],
  ];
}

const dot = (a: Vec3, p: readonly number[]) => a[0] * p[0] + a[1] * p[1] + a[2] * p[2];

/** Every point (three coordinates each) on the screen, orthographically. */
export function project(points: readonly (readonly number[])[], camera: Camera): Projected[] {
  const [right, up, toward] = rotation(camera);
  return points.map((p) => ({ x: dot(right, p), y: dot(up, p), depth: dot(toward, p) }));
}

const clampPitch = (pitch: number) => Math.max(-RIGHT_ANGLE, Math.min(RIGHT_ANGLE, pitch));
/** The same direction in (−π, π], so the yaw does not grow without bound while dragging. */
const wrapYaw = (yaw: number) =>
  yaw - 2 * HALF_TURN * Math.ceil((yaw - HALF_TURN) / (2 * HALF_TURN));

/** The camera turned by these angles (radians); the eye never passes over a pole. */
export function turnCamera(camera: Camera, dYaw: number, dPitch: number): Camera {
  return { yaw: wrapYaw(camera.yaw + dYaw), pitch: clampPitch(camera.pitch + dPitch) };
}

/**
 * The camera after dragging (dx, dy) px from `start` across a box `width` px wide: the scene
 * follows the pointer, half a turn per width (right turns the front to the right, down tilts the
 * front down).
 */
export function dragCamera(start: Camera, dx: number, dy: number, width: number): Camera {
  const perPx = HALF_TURN / Math.max(1, width);
  return turnCamera(start, -dx * perPx, dy * perPx);
}
