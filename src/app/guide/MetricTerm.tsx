import { useId, type ReactNode } from 'react';
import { TWIN_PREFIX } from '../../engine/session/trainingSession';
import { metricDefinition } from '../../engine/metrics/definitions';
import './guide.css';

/**
 * A metric's name with its definition as a tooltip: shown on hover and on keyboard focus, read
 * by screen readers through aria-describedby. Unknown keys render as plain names.
 */
export function MetricTerm({ metric, children }: { metric: string; children?: ReactNode }) {
  const id = useId();
  const key = metric.startsWith(TWIN_PREFIX) ? metric.slice(TWIN_PREFIX.length) : metric;
  const def = metricDefinition(key);
  const name = children ?? <code>{metric}</code>;
  if (!def) return <>{name}</>;
  return (
    <span
      className="metric-term"
      tabIndex={0}
      aria-describedby={id}
      data-metric={key}
      data-testid={`term-${key}`}
    >
      {name}
      <span role="tooltip" id={id} className="metric-tip">
        <strong>{def.label}</strong>
        <span className="metric-tip-words">{def.words}</span>
        <span className="metric-tip-formula">{def.formula}</span>
        <span className="metric-tip-collapse">Collapse: {def.collapse}</span>
      </span>
    </span>
  );
}
