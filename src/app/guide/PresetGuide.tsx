import { useEffect, useMemo } from 'react';
import {
  guideFor,
  presetVariantOf,
  type GuideStep,
  type PanelId,
} from '../../engine/config/presetGuides';
import { findPreset } from '../../engine/config/presets';
import { labClient } from '../labClient';
import { useLab } from '../store';
import { guideActions, useGuide } from './guideStore';
import { duePause, nextPauseNote, nextPauseStep, reportUnit } from './teaching';
import './guide.css';

const PANEL_NAMES: Record<PanelId, string> = {
  'panel-loss': 'Loss',
  'panel-theory': 'Theory',
  'panel-md': 'Memorization and dilation',
  'panel-nc': 'NC metrics',
  'panel-gram': 'Gram',
  'panel-3d': '3-D view',
  'panel-sweep': 'Noise sweep',
};

/** Outline a panel (and scroll to it when asked: a pause keeps the step text in view instead). */
function showPanel(panel: PanelId, scroll = true): void {
  const el = document.querySelector<HTMLElement>(`[data-testid="${panel}"]`);
  if (!el) return;
  document
    .querySelectorAll('.guide-focus')
    .forEach((other) => other !== el && other.classList.remove('guide-focus'));
  el.classList.add('guide-focus');
  if (scroll) el.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

/** The preset of the run on screen (or, before a run, of the form), and its changed seed or length. */
function useGuidedPreset(): { id: string; changed: string[] } | null {
  const loaded = useLab((s) => s.loadedConfig);
  const form = useLab((s) => s.config);
  return useMemo(() => presetVariantOf(loaded ?? form), [loaded, form]);
}

/** ", with your seed and steps": the run-length fields a preset's run changed. */
function variantNote(changed: readonly string[]): string {
  return changed.length ? `, with your ${changed.join(' and ')}` : '';
}

/** The preset's "what to look at" note, its key panels, and teaching mode. */
export function PresetGuide() {
  const variant = useGuidedPreset();
  const presetId = variant?.id ?? null;
  const teaching = useGuide((s) => s.teaching);
  const guide = presetId ? guideFor(presetId) : null;
  if (!presetId || !guide) return null;
  const preset = findPreset(presetId);
  const walking = teaching?.presetId === presetId;
  return (
    <aside
      className={walking ? 'preset-guide walking' : 'preset-guide'}
      data-testid="preset-guide"
      aria-label="What to look at"
    >
      <p className="guide-look" data-testid="guide-look">
        <strong>
          What to look at
          {preset ? ` (${preset.title}${variantNote(variant?.changed ?? [])})` : ''}:
        </strong>{' '}
        {guide.lookAt}
      </p>
      <p className="guide-panels">
        Key panels:{' '}
        {guide.panels.map((p, i) => (
          <span key={p}>
            {i > 0 && ' · '}
            <button type="button" className="link" onClick={() => showPanel(p)}>
              {PANEL_NAMES[p]}
            </button>
          </span>
        ))}
        {guide.steps && !walking && (
          <>
            {' '}
            <button
              type="button"
              className="teach-start"
              data-testid="teach-start"
              onClick={() => guideActions.startTeaching(presetId)}
            >
              Teaching mode ({guide.steps.length} steps)
            </button>
          </>
        )}
      </p>
      {walking && guide.steps && <Teaching presetId={presetId} />}
    </aside>
  );
}

/**
 * Teaching mode's pause points: the worker is told where the next one is whenever the run is at
 * rest, so it stops exactly there; each step shows (with its panel) when the run reaches it.
 */
function useTeachingPauses(presetId: string, steps: GuideStep[]): void {
  const teaching = useGuide((s) => s.teaching);
  const status = useLab((s) => s.status);
  // Whenever the run is at rest (loaded, paused), tell the worker where the next pause point is,
  // so it stops exactly there once started; the report there then shows that step (below).
  const report = useLab((s) => s.lastReport);
  useEffect(() => {
    if (!teaching || teaching.presetId !== presetId || !report || status === 'running') return;
    const at = nextPauseStep(steps, teaching.done, report.step, report.shape.stepsPerUnit);
    void labClient.pauseAt(at);
  }, [teaching, presetId, steps, status, report]);

  // Show each step when the run reaches its pause point (and pause, should it have run past).
  useEffect(
    () =>
      useLab.subscribe((s) => {
        const t = useGuide.getState().teaching;
        // 'paused' too: the worker pauses itself at the point, and the store may publish that
        // report together with the new status.
        const moving = s.status === 'running' || s.status === 'paused';
        if (!t || t.presetId !== presetId || !moving || !s.lastReport) return;
        const due = duePause(steps, t.done, reportUnit(s.lastReport));
        if (due === null) return;
        guideActions.goTo(due, due);
        void labClient.pause();
        const panel = steps[due].panel;
        if (panel) showPanel(panel, false);
      }),
    [presetId, steps],
  );
}

function Teaching({ presetId }: { presetId: string }) {
  const steps = useMemo(() => guideFor(presetId)?.steps ?? [], [presetId]);
  const teaching = useGuide((s) => s.teaching);
  const status = useLab((s) => s.status);
  const kind = useLab((s) => s.loadedConfig?.experiment ?? s.config.experiment);
  const unitName = kind === 'net' ? 'epoch' : 'step';

  useTeachingPauses(presetId, steps);

  if (!teaching) return null;
  const i = Math.min(teaching.index, steps.length - 1);
  const step = steps[i];
  const pausedHere = step.pauseAt !== undefined && teaching.done.has(i);
  const go = (to: number) => {
    guideActions.goTo(to);
    const panel = steps[to].panel;
    if (panel) showPanel(panel, false);
  };
  const note = nextPauseNote(steps, i, unitName);
  return (
    <section
      className="teach"
      data-testid="teach-step"
      aria-live="polite"
      aria-label="Teaching mode"
    >
      {/* One line for where we are, the step's title and the buttons: the box takes the height of
          its text, which the panels under it need on a laptop's short screen. */}
      <div className="teach-head">
        <p className="teach-count">
          Teaching mode · step {i + 1} of {steps.length}
          {pausedHere && (
            <>
              {' '}
              · paused at {unitName} {step.pauseAt}
            </>
          )}
        </p>
        <h3 data-testid="teach-title">{step.title}</h3>
        <div className="teach-actions">
          <button
            type="button"
            data-testid="teach-back"
            disabled={i === 0}
            onClick={() => go(i - 1)}
          >
            ← Back
          </button>
          <button
            type="button"
            data-testid="teach-next"
            disabled={i === steps.length - 1}
            onClick={() => go(i + 1)}
          >
            Next →
          </button>
          {status === 'paused' && (
            <button
              type="button"
              className="primary"
              data-testid="teach-resume"
              onClick={() => void labClient.resume()}
            >
              ▶ Resume the run
            </button>
          )}
          <button
            type="button"
            data-testid="teach-close"
            onClick={() => guideActions.stopTeaching()}
          >
            Close teaching mode
          </button>
        </div>
      </div>
      <p>
        {step.text}
        {step.panel && (
          <>
            {' '}
            <button type="button" className="link" onClick={() => showPanel(step.panel!)}>
              Show the {PANEL_NAMES[step.panel]} panel
            </button>
          </>
        )}
      </p>
      {note && <p className="teach-note">{note}</p>}
    </section>
  );
}
