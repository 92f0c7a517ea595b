import { useId, type ReactNode } from 'react';
import { metricDefinition, splitTwin, type ReportKey } from '../../engine/metrics/reportKeys';
import './guide.css';

/**
 * A metric's name with its definition as a tooltip: shown on hover and on focus (Tab, a tap), read
 * by screen readers through aria-describedby. Unknown keys render as plain names.
 */
export function MetricTerm({ metric, children }: { metric: ReportKey; children?: ReactNode }) {
  const id = useId();
  const key = splitTwin(metric).base;
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
