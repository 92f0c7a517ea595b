import { useMemo } from 'react';
import './runs.css';
import { distinguishingLabels } from '../../engine/runs/naming';
import { FigureLegend, type LegendEntry } from '../panels/FigureGrid';
import { CompareControls } from './CompareControls';
import { useCompare } from './compareStore';
import { RUN_COLORS } from './overlay';
import { runsActions, useRuns } from './runsStore';

/**
 * Shown in a live panel while kept runs are overlaid on it: which runs, in their colours and
 * named by what differs between them (the panel's figures carry no legend of their own), their
 * options, and a button to hide them.
 */
export function OverlayBar() {
  const selected = useRuns((s) => s.selected);
  const runs = useRuns((s) => s.runs);
  const perLayer = useCompare((c) => c.perLayer);
  const entries = useMemo((): LegendEntry[] => {
    const kept = selected.flatMap((id, i) => {
      const r = runs.find((x) => x.id === id);
      return r ? [{ id, config: r.config, color: RUN_COLORS[i % RUN_COLORS.length] }] : [];
    });
    const labels = distinguishingLabels(kept.map((k) => k.config));
    return kept.map((k, i) => ({ key: k.id, label: labels[i], color: k.color }));
  }, [selected, runs]);
  return (
    <div className="overlay-bar" data-testid="overlay-bar">
      <span>
        Kept run{entries.length === 1 ? '' : 's'} from the Runs tab
        {perLayer ? ' (a dash per layer)' : ''}:
      </span>
      <FigureLegend entries={entries} label="Kept runs drawn in this panel" />
      <CompareControls />
      <button type="button" onClick={() => runsActions.setSelected([])}>
        Hide kept runs
      </button>
    </div>
  );
}
