import { describe, expect, it } from 'vitest';
import { PRESET_GUIDES } from '../../engine/config/presetGuides';
import {
  INTRO_KEY,
  introDismissed,
  rememberIntroDismissed,
  type KeyValueStore,
} from './introStorage';
import { duePause, nextPauseNote, nextPauseStep, reportUnit } from './teaching';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('introduction memory', () => {
  it('shows on a first visit and not after dismissal', () => {
    const store = memoryStore();
    expect(introDismissed(store)).toBe(false);
    rememberIntroDismissed(store);
    expect(store.data.get(INTRO_KEY)).toBe('1');
    expect(introDismissed(store)).toBe(true);
  });

  it('storage that throws (private mode) shows the intro and does not break', () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(introDismissed(broken)).toBe(false);
    expect(() => rememberIntroDismissed(broken)).not.toThrow();
    expect(introDismissed(null)).toBe(false);
  });
});

describe('teaching mode pauses', () => {
  const steps = PRESET_GUIDES['teach-etf-3d'].steps; // pauses at 100 and 600

  it('reports count UFM steps, network epochs', () => {
    expect(reportUnit({ step: 120, shape: { stepsPerUnit: 1 } as never })).toBe(120);
    expect(reportUnit({ step: 150, shape: { stepsPerUnit: 50 } as never })).toBe(3);
  });

  it('pauses once at each point, the later one when a report jumps past two', () => {
    expect(duePause(steps, new Set(), 99)).toBeNull();
    expect(duePause(steps, new Set(), 100)).toBe(1);
    expect(duePause(steps, new Set([1]), 400)).toBeNull();
    expect(duePause(steps, new Set([1]), 600)).toBe(2);
    expect(duePause(steps, new Set(), 2000)).toBe(2);
    expect(duePause(steps, new Set([1, 2]), 2000)).toBeNull();
  });

  it('gives the worker the earliest unused pause point ahead of the run, in optimiser steps', () => {
    expect(nextPauseStep(steps, new Set(), 0, 1)).toBe(100);
    expect(nextPauseStep(steps, new Set([1]), 100, 1)).toBe(600);
    expect(nextPauseStep(steps, new Set(), 250, 1)).toBe(600);
    expect(nextPauseStep(steps, new Set(), 0, 40)).toBe(4000);
    expect(nextPauseStep(steps, new Set(), 600, 1)).toBeNull();
  });

  it('tells where the next pause is', () => {
    expect(nextPauseNote(steps, 0, 'step')).toBe(
      'Start or resume the run: teaching mode pauses it at step 100 (step 2 of 4).',
    );
    expect(nextPauseNote(steps, 2, 'step')).toBeNull();
  });
});
