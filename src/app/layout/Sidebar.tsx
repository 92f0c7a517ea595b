import { useState, type MouseEvent, type ReactNode } from 'react';

/** Below this width the sidebar stacks above the panels (app.css uses the same breakpoint). */
export const NARROW_QUERY = '(max-width: 900px)';

function startsOpen(): boolean {
  return typeof window.matchMedia !== 'function' || !window.matchMedia(NARROW_QUERY).matches;
}

function narrow(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(NARROW_QUERY).matches;
}

/**
 * Presets and the form. On a laptop it scrolls on its own beside the panels and can fold away to
 * give them the width; on a phone it starts folded so Start and the panels come first, and
 * choosing a preset folds it again and brings Start back into view (open, the presets and the
 * form are some 1 800 px above it).
 */
export function Sidebar({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(startsOpen);
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    if (!narrow() || !(e.target instanceof Element) || !e.target.closest('button.preset')) return;
    setOpen(false);
    window.scrollTo({ top: 0 });
  };
  return (
    <aside className={open ? 'sidebar' : 'sidebar folded'} data-testid="sidebar">
      <button
        type="button"
        className="sidebar-toggle"
        data-testid="sidebar-toggle"
        aria-expanded={open}
        aria-controls="sidebar-content"
        title={open ? 'Hide presets and settings' : 'Show presets and settings'}
        onClick={() => setOpen(!open)}
      >
        {open ? '« Hide settings' : '☰ Presets & settings'}
      </button>
      {/* a click on a preset button bubbles here (the buttons themselves stay keyboard-operable) */}
      <div id="sidebar-content" className="sidebar-content" hidden={!open} onClick={onClick}>
        {children}
      </div>
    </aside>
  );
}
