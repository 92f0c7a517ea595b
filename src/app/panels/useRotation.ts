import {
  useRef,
  useState,
  type HTMLAttributes,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
} from 'react';
import { DEFAULT_CAMERA, dragCamera, turnCamera, type Camera } from './projection3d';

/** One arrow key press turns the view this much. */
const KEY_STEP = (10 * Math.PI) / 180;
/** Arrow key → (yaw, pitch) steps, turning the scene as a drag in that direction would. */
const KEY_TURNS: Record<string, [number, number]> = {
  ArrowLeft: [KEY_STEP, 0],
  ArrowRight: [-KEY_STEP, 0],
  ArrowUp: [0, -KEY_STEP],
  ArrowDown: [0, KEY_STEP],
};

/** Plotly's legend (a click hides a trace) and modebar keep their own pointer handling. */
const ownedByPlotly = (target: EventTarget) =>
  target instanceof Element && target.closest('.legend, .modebar') !== null;

interface Drag {
  pointer: number;
  x: number;
  y: number;
  start: Camera;
}

export interface Rotation {
  camera: Camera;
  /** Back to the opening view. */
  reset(): void;
  /** Tilt by one arrow-key step: −1 up, 1 down (as ↑ / ↓ on the focused figure). */
  tilt(direction: -1 | 1): void;
  /** True while the view is the opening one (nothing to reset). */
  atStart: boolean;
  /** Spread on the figure's box: dragging it, or the arrow keys while it has focus, rotate. */
  boxProps: HTMLAttributes<HTMLDivElement>;
}

/**
 * Each view's camera outside React as well, so a view whose tab is closed and opened again (the
 * panel unmounts) comes back as the user left it. For the page's lifetime, not stored.
 */
const keptCameras = new Map<string, Camera>();

/** The camera view `viewId` was left at (the opening one if it was never turned). */
export function keptCamera(viewId: string): Camera {
  return keptCameras.get(viewId) ?? DEFAULT_CAMERA;
}

/**
 * The camera of a 3-D view (projection3d.ts), in React state so it stays while reports stream
 * in and kept by `viewId` when the view unmounts, and the pointer and keyboard handlers that
 * turn it.
 */
export function useRotation(viewId: string): Rotation {
  const [camera, setCameraState] = useState<Camera>(() => keptCamera(viewId));
  const setCamera = (next: Camera | ((c: Camera) => Camera)) =>
    setCameraState((c) => {
      const value = typeof next === 'function' ? next(c) : next;
      keptCameras.set(viewId, value);
      return value;
    });
  const drag = useRef<Drag | null>(null);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || ownedByPlotly(e.target)) return;
    drag.current = { pointer: e.pointerId, x: e.clientX, y: e.clientY, start: camera };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.pointer !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    setCamera(dragCamera(d.start, dx, dy, e.currentTarget.clientWidth));
  };
  const onPointerEnd = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.pointer === e.pointerId) drag.current = null;
  };
  // Plotly would start its own drag as well (with dragmode false it only lays a cover over the
  // page, which then takes the pointer's moves): a press in the plot area is the rotation's.
  const onMouseDownCapture = (e: MouseEvent<HTMLDivElement>) => {
    if (!ownedByPlotly(e.target)) e.stopPropagation();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const turn = KEY_TURNS[e.key];
    if (!turn) return;
    e.preventDefault(); // the arrow keys turn the view instead of scrolling the page
    setCamera((c) => turnCamera(c, turn[0], turn[1]));
  };

  return {
    camera,
    reset: () => setCamera(DEFAULT_CAMERA),
    tilt: (direction) => setCamera((c) => turnCamera(c, 0, direction * KEY_STEP)),
    atStart: camera === DEFAULT_CAMERA,
    boxProps: {
      tabIndex: 0,
      role: 'group',
      'aria-label': 'Rotate the view: drag, or the arrow keys',
      onPointerDown,
      onPointerMove,
      onPointerUp: onPointerEnd,
      onPointerCancel: onPointerEnd,
      onMouseDownCapture,
      onKeyDown,
      // Horizontal touch drags rotate; vertical ones still scroll the page.
      style: { cursor: 'grab', touchAction: 'pan-y' },
    },
  };
}
