import type { Rotation } from './useRotation';

/** The 3-D view's "Reset view": back to the opening camera (disabled while there). */
export function ResetViewButton({ rotation, testId }: { rotation: Rotation; testId: string }) {
  return (
    <button type="button" data-testid={testId} onClick={rotation.reset} disabled={rotation.atStart}>
      Reset view
    </button>
  );
}
