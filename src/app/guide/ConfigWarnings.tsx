import { useMemo } from 'react';
import { configWarnings } from '../../engine/config/warnings';
import { useLab } from '../store';
import './guide.css';

/** Warnings for a valid but degenerate config in the form: what will happen if it runs. */
export function ConfigWarnings() {
  const config = useLab((s) => s.config);
  const warnings = useMemo(() => configWarnings(config), [config]);
  if (!warnings.length) return null;
  return (
    <ul
      className="config-warnings"
      data-testid="config-warnings"
      aria-label="Warnings about this config"
    >
      {warnings.map((w) => (
        <li key={w.field + w.message} data-field={w.field}>
          ⚠ {w.message}
        </li>
      ))}
    </ul>
  );
}
