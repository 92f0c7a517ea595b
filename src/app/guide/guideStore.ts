import { create } from 'zustand';
import { introDismissed, rememberIntroDismissed } from './introStorage';

export interface GuideState {
  /** the introduction dialog is open */
  introOpen: boolean;
  /** teaching mode: the preset walked through, the current step, the pause points already used */
  teaching: { presetId: string; index: number; done: ReadonlySet<number> } | null;
}

export const useGuide = create<GuideState>()(() => ({
  introOpen: !introDismissed(),
  teaching: null,
}));

/** Resolves once the introduction is closed (at once when it is not open). */
export function introClosed(): Promise<void> {
  if (!useGuide.getState().introOpen) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = useGuide.subscribe((s) => {
      if (s.introOpen) return;
      stop();
      resolve();
    });
  });
}

export const guideActions = {
  openIntro(): void {
    useGuide.setState({ introOpen: true });
  },
  dismissIntro(): void {
    rememberIntroDismissed();
    useGuide.setState({ introOpen: false });
  },
  startTeaching(presetId: string): void {
    useGuide.setState({ teaching: { presetId, index: 0, done: new Set() } });
  },
  goTo(index: number, pausedAt?: number): void {
    const t = useGuide.getState().teaching;
    if (!t) return;
    const done = pausedAt === undefined ? t.done : new Set([...t.done, pausedAt]);
    useGuide.setState({ teaching: { ...t, index, done } });
  },
  stopTeaching(): void {
    useGuide.setState({ teaching: null });
  },
};
