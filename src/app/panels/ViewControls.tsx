import type { Rotation } from './useRotation';

/**
 * The 3-D view's buttons: tilt up and down (what a vertical drag does; on a touch screen a
 * vertical swipe scrolls the page instead) and "Reset view" back to the opening camera
 * (disabled while there). Test ids: `${testId}-tilt-up`, `-tilt-down`, `-reset`.
 */
export function ViewControls({ rotation, testId }: { rotation: Rotation; testId: string }) {
  return (
    <span className="view-controls">
      <button
        type="button"
        data-testid={`${testId}-tilt-up`}
        aria-label="Tilt the view up"
        title="Tilt the view up (or drag up, or the ↑ key on the figure)"
        onClick={() => rotation.tilt(-1)}
      >
        ▲
      </button>
      <button
        type="button"
        data-testid={`${testId}-tilt-down`}
        aria-label="Tilt the view down"
        title="Tilt the view down (or drag down, or the ↓ key on the figure)"
        onClick={() => rotation.tilt(1)}
      >
        ▼
      </button>
      <button
        type="button"
        data-testid={`${testId}-reset`}
        onClick={rotation.reset}
        disabled={rotation.atStart}
      >
        Reset view
      </button>
    </span>
  );
}
