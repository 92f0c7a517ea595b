import { useEffect, useRef } from 'react';
import { guideActions, useGuide } from './guideStore';
import './guide.css';

/** The header button that opens the introduction again. */
export function IntroButton() {
  return (
    <button
      type="button"
      className="intro-open"
      data-testid="intro-open"
      onClick={() => guideActions.openIntro()}
    >
      What is neural collapse?
    </button>
  );
}

/**
 * A short introduction to neural collapse, shown on the first visit (a modal dialog; Escape or
 * the button dismisses it, and the dismissal is remembered) and from the header button.
 */
export function Intro() {
  const open = useGuide((s) => s.introOpen);
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    }
    if (!open && dialog.open) {
      dialog.close();
      // Closing gives focus back to what opened the dialog. Opened by the first visit there is
      // none, and the next Tab went into the settings (the first press of Enter then folded
      // them): the keyboard starts at the run controls instead, as after the skip link.
      if (!opener.current || opener.current === document.body)
        document.getElementById('main')?.focus();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="intro"
      data-testid="intro"
      aria-labelledby="intro-title"
      onCancel={(e) => {
        e.preventDefault();
        guideActions.dismissIntro();
      }}
    >
      <h2 id="intro-title">What is neural collapse?</h2>
      <p>
        Train a classifier long enough (past 100 % training accuracy) and the features of its last
        layer take a strikingly simple shape (Papyan, Han &amp; Donoho 2020):
      </p>
      <ul>
        <li>
          <strong>NC1</strong>: the features of each class collapse onto their class mean
          (within-class variability goes to 0).
        </li>
        <li>
          <strong>NC2</strong>: the class means spread out as far as possible, to a regular simplex
          (a <em>simplex equiangular tight frame</em>); without a bias, or with imbalanced classes,
          to an (unequal) orthogonal frame (Dang et al. 2023).
        </li>
        <li>
          <strong>NC3</strong>: the classifier's rows line up with the class means.
        </li>
        <li>
          <strong>NC4</strong>: the network then decides like a nearest-class-centre rule.
        </li>
      </ul>
      <p>
        This lab trains that live in your browser: the <em>unconstrained-features model</em>, where
        the theory has a closed form to compare with, and real networks on small datasets, including
        the label-noise experiments of Nguyen et al. 2023 (memorization and dilation). Every metric
        is computed in a background worker; hover, focus or tap a metric's name for its definition.
      </p>
      <p>
        <strong>How to start:</strong> pick a preset under <em>Presets</em> (beside the charts; on a
        phone behind ☰ Presets &amp; settings; the <em>Teaching</em> ones run in seconds), press{' '}
        <kbd>Start</kbd> (or the space bar) and read the “What to look at” note above the charts.{' '}
        <em>Teaching mode</em> walks through a preset step by step and pauses the run where there is
        something to see.
      </p>
      <div className="intro-actions">
        <button
          type="button"
          className="primary"
          data-testid="intro-dismiss"
          onClick={() => guideActions.dismissIntro()}
        >
          Got it
        </button>
      </div>
    </dialog>
  );
}
