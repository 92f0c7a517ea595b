import type { CSSProperties, ReactNode } from 'react';

/**
 * A panel's small figures side by side (CSS grid, app.css `.figure-grid`), each titled in HTML,
 * with one HTML legend for all of them. Plotly redraws a whole figure for any new point: six
 * one-subplot figures cost about what one six-subplot figure does in all, but no single redraw
 * holds the main thread for long, and titles and legends in HTML cost Plotly no text measuring.
 */
export function FigureGrid({
  cols,
  rows,
  height,
  share = 1,
  children,
}: {
  cols: number;
  rows: number;
  /** Height in px when the page scrolls; in the dashboard, `share` of what the rest leaves. */
  height: number;
  share?: number;
  children: ReactNode;
}) {
  const style = {
    '--cols': cols,
    '--rows': rows,
    '--plot-h': `${height}px`,
    '--plot-share': share,
  } as CSSProperties;
  return (
    <div className="figure-grid" style={style}>
      {children}
    </div>
  );
}

/**
 * A figure of the grid under its title: a short one (the cells of a 1366-px screen are some 240 px
 * wide), `full` saying it all on hover; the figure's accessible label says it all too.
 */
export function FigureCell({
  title,
  full,
  children,
}: {
  title: string;
  full?: string;
  children: ReactNode;
}) {
  return (
    <div className="figure-cell">
      <h3 className="figure-title" title={full ?? title}>
        {title}
      </h3>
      {children}
    </div>
  );
}

/** Plotly's dashes, drawn alike in a 20 px swatch. */
const DASHES = {
  solid: undefined,
  dash: '5 3',
  dot: '1.5 2.5',
  dashdot: '6 2 1.5 2',
  longdash: '9 3',
} as const;

export interface LegendEntry {
  key: string;
  label: ReactNode;
  color: string;
  /** A line (with its dash) or a marker (with its symbol). */
  line?: keyof typeof DASHES;
  marker?: 'circle' | 'x' | 'diamond';
}

function Swatch({ entry }: { entry: LegendEntry }) {
  const { color, marker } = entry;
  return (
    <svg width="20" height="10" aria-hidden="true">
      {marker === 'circle' && <circle cx="10" cy="5" r="3.5" fill={color} />}
      {marker === 'x' && <path d="M6 1 L14 9 M14 1 L6 9" stroke={color} strokeWidth="2" />}
      {marker === 'diamond' && (
        <path d="M10 0 L15 5 L10 10 L5 5 Z" fill={color} stroke="#1f2933" strokeWidth="1" />
      )}
      {!marker && (
        <line
          x1="1"
          y1="5"
          x2="19"
          y2="5"
          stroke={color}
          strokeWidth="2"
          strokeDasharray={DASHES[entry.line ?? 'solid']}
        />
      )}
    </svg>
  );
}

/** The legend of a figure grid, once above its figures. */
export function FigureLegend({ entries, label }: { entries: LegendEntry[]; label: string }) {
  if (!entries.length) return null;
  return (
    <ul className="figure-legend" aria-label={label}>
      {entries.map((e) => (
        <li key={e.key}>
          <Swatch entry={e} />
          {e.label}
        </li>
      ))}
    </ul>
  );
}
