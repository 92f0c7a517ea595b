import type React from 'react';
import { labClient } from '../labClient';
import { formValid, useLab } from '../store';

/**
 * After a mouse click, give focus back to the page so the space shortcut starts/pauses instead
 * of re-clicking the button; keyboard activation (detail 0) keeps the focus where it is.
 */
export function releaseFocus(e: { detail: number; currentTarget: HTMLElement }): void {
  if (e.detail > 0) e.currentTarget.blur();
}

function act(fn: () => Promise<unknown>) {
  return (e: React.MouseEvent<HTMLButtonElement>) => {
    releaseFocus(e);
    void fn();
  };
}

/** Start / Pause / Resume / Step / Stop / Reset. Keyboard: space, ".", "r" (see useShortcuts). */
export function Controls() {
  const status = useLab((s) => s.status);
  const valid = useLab(formValid);
  const busy = useLab((s) => s.busy !== null);
  const loading = useLab((s) => s.loading);
  const queued = useLab((s) => s.startQueued);
  const running = status === 'running';
  const paused = status === 'paused';
  // While the run is being built Start is queued behind it (see labClient.start), not refused.
  const canStart = valid && (!busy || loading) && !queued && !running && !paused;
  return (
    <div className="controls" role="toolbar" aria-label="Run controls">
      <button
        type="button"
        className="primary"
        data-testid="btn-start"
        disabled={!canStart}
        onClick={act(() => labClient.start())}
        title={busy ? 'Start (space): starts as soon as the run is ready' : 'Start (space)'}
      >
        {queued ? '▶ Starting…' : '▶ Start'}
      </button>
      <button
        type="button"
        data-testid="btn-pause"
        disabled={!running}
        onClick={act(() => labClient.pause())}
        title="Pause (space)"
      >
        ❚❚ Pause
      </button>
      <button
        type="button"
        data-testid="btn-resume"
        disabled={!paused}
        onClick={act(() => labClient.resume())}
        title="Resume (space)"
      >
        ▶ Resume
      </button>
      <button
        type="button"
        data-testid="btn-step"
        disabled={!valid || busy || running}
        onClick={act(() => labClient.step())}
        title="One optimiser step (.)"
      >
        ⇥ Step
      </button>
      <button
        type="button"
        data-testid="btn-stop"
        disabled={!running && !paused}
        onClick={act(() => labClient.stop())}
        title="Stop the run"
      >
        ■ Stop
      </button>
      <button
        type="button"
        data-testid="btn-reset"
        disabled={!valid || busy}
        onClick={act(() => labClient.reset())}
        title="Reload the same config: fresh init from the seed (r)"
      >
        ↺ Reset
      </button>
      <span className="kbd-hint" aria-hidden="true">
        <kbd>space</kbd> start/pause · <kbd>.</kbd> step · <kbd>r</kbd> reset
      </span>
    </div>
  );
}
