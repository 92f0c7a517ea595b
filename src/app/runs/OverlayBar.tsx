import './runs.css';
import { CompareControls } from './CompareControls';
import { runsActions, useRuns } from './runsStore';

/** Shown in a live panel while kept runs are overlaid on it: how many, their options, clear. */
export function OverlayBar() {
  const count = useRuns((s) => s.selected.length);
  return (
    <div className="overlay-bar" data-testid="overlay-bar">
      <span>
        With {count} kept run{count === 1 ? '' : 's'} from the Runs tab
      </span>
      <CompareControls />
      <button type="button" onClick={() => runsActions.setSelected([])}>
        Hide kept runs
      </button>
    </div>
  );
}
