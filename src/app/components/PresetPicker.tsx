import { PRESETS, type Preset } from '../../engine/config/presets';
import { labClient } from '../labClient';
import { releaseFocus } from './Controls';
import { labActions, useLab } from '../store';

const groups = PRESETS.reduce<Map<string, Preset[]>>((map, p) => {
  map.set(p.group, [...(map.get(p.group) ?? []), p]);
  return map;
}, new Map());

export function loadPreset(p: Preset): void {
  labActions.setConfig(p.config, p.id);
  void labClient.load(p.config);
}

export function PresetPicker() {
  const presetId = useLab((s) => s.presetId);
  return (
    <nav className="presets" aria-label="Presets">
      <h2>Presets</h2>
      {[...groups].map(([group, presets]) => (
        <details
          key={group}
          className="preset-group"
          open={group === 'Teaching' || presets.some((p) => p.id === presetId)}
        >
          <summary>{group}</summary>
          <ul>
            {presets.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className={`preset${p.id === presetId ? ' active' : ''}`}
                  aria-pressed={p.id === presetId}
                  data-testid={`preset-${p.id}`}
                  onClick={(e) => {
                    releaseFocus(e);
                    loadPreset(p);
                  }}
                  title={p.summary}
                >
                  <span className="preset-title">{p.title}</span>
                  <span className="preset-summary">{p.summary}</span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </nav>
  );
}
