import { useState } from 'react';
import { comparisonUrl, MAX_COMPARE_RUNS } from '../../engine/runs/compareLink';
import type { RunRecord } from '../../engine/runs/record';
import { errorText } from '../labClient';
import { useComparison } from './compareLink';

/**
 * "Copy comparison link" for the selected runs: a link that re-runs their configs and overlays
 * them (at most 8), shown in a box as well in case the browser refuses the clipboard; and the
 * progress of a comparison link this page was opened on.
 */
export function CompareLinkBar({ runs }: { runs: RunRecord[] }) {
  const [link, setLink] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const progress = useComparison();
  const tooMany = runs.length > MAX_COMPARE_RUNS;

  const copy = async () => {
    let url: string;
    try {
      url = comparisonUrl(
        window.location.href,
        runs.map((r) => r.config),
      );
    } catch (error) {
      setLink(null);
      setNote(errorText(error));
      return;
    }
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setNote('Comparison link copied.');
    } catch {
      setNote('The browser refused the clipboard: copy the link from the box.');
    }
  };

  return (
    <div className="runs-compare-bar" data-testid="compare-link-bar">
      <button
        type="button"
        data-testid="runs-copy-compare-link"
        disabled={runs.length === 0 || tooMany}
        title={
          tooMany
            ? `A comparison link names at most ${MAX_COMPARE_RUNS} runs`
            : 'A link that re-runs the selected configs and overlays them'
        }
        onClick={() => void copy()}
      >
        Copy comparison link
      </button>
      {link && (
        <input
          readOnly
          className="runs-compare-link"
          data-testid="runs-compare-link"
          aria-label="comparison link"
          value={link}
          onFocus={(e) => e.target.select()}
        />
      )}
      {note && <span role="status">{note}</span>}
      {progress.total > 0 && (
        <span data-testid="compare-progress" role="status">
          Comparison link: {progress.done} of {progress.total} runs done
          {progress.running ? ' (running in turn)…' : '.'}
        </span>
      )}
    </div>
  );
}
