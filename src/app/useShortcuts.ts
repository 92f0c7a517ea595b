import { useEffect } from 'react';
import { labClient } from './labClient';
import { formValid, useLab } from './store';

function typingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  // Buttons keep their native space/enter behaviour.
  return ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'SUMMARY'].includes(target.tagName);
}

/** space: start/pause/resume · ".": one step · "r": reset. Never while typing in a field. */
export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || typingTarget(e.target)) return;
      const s = useLab.getState();
      // While a run is being built only Start (queued behind it) is taken.
      if (s.busy && !(s.loading && e.key === ' ' && s.status === 'idle')) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (s.status === 'running' || s.status === 'paused' || formValid(s))
          void labClient.toggle();
      } else if (e.key === '.') {
        if (s.status !== 'running' && formValid(s)) void labClient.step();
      } else if (e.key === 'r' || e.key === 'R') {
        if (formValid(s)) void labClient.reset();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
