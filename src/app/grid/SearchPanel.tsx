import { useState } from 'react';
import { SEARCH_PROTOCOL, type SearchTrial } from '../../engine/search/protocol';
import { fmt } from '../format';
import { Panel } from '../panels/Panel';
import { PlotFigure } from '../panels/PlotFigure';
import { saveJson } from '../download';
import { useGrid } from './gridStore';
import type { SearchState } from './searchState';
import { searchActions } from './searchActions';
import { sameSpec } from './unfinishedSearch';
import { buildTrials } from './searchFigure';
import { paramsText, searchFileName, searchProgressText } from './searchProgress';

const EXAMPLE = {
  base: { preset: 'net-gauss-tiny', labelNoise: 0.2, loss: 'ls', epochs: 40 },
  space: {
    lr: { type: 'loguniform', low: 1e-4, high: 0.1 },
    lossAlpha: { type: 'uniform', low: 0.01, high: 0.25 },
  },
  strategy: 'bayes',
  trials: 12,
  epochFraction: 0.25,
};

/** Hyper-parameter search by seed 002's protocol, random or Bayesian, in the worker. */
export function SearchPanel() {
  const search = useGrid((s) => s.search);
  // The panel opens on the search this browser left unfinished, if any.
  const [text, setText] = useState(() =>
    JSON.stringify(useGrid.getState().search.unfinished?.spec ?? EXAMPLE, null, 1),
  );
  const [parseError, setParseError] = useState<string | null>(null);
  const run = (resume: boolean) => {
    let spec: unknown;
    try {
      spec = JSON.parse(text);
    } catch (error) {
      setParseError(`the search spec is not valid JSON: ${(error as Error).message}`);
      return;
    }
    setParseError(null);
    void searchActions.run(spec, resume).catch(() => undefined);
  };
  const error = parseError ?? search.error;
  const resumable = !search.running && resumableOffer(search.unfinished, text);
  return (
    <Panel
      testId="panel-search"
      title="Hyper-parameter search"
      wide
      subtitle={<>{SEARCH_PROTOCOL}</>}
    >
      <textarea
        data-testid="search-spec"
        aria-label="search spec (JSON)"
        rows={8}
        spellCheck={false}
        style={{
          width: '100%',
          minHeight: '7em',
          flexShrink: 0,
          fontFamily: 'monospace',
          fontSize: '0.8em',
        }}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <SearchButtons search={search} resumable={resumable} run={run} />
      <SearchStatus search={search} />
      {error && (
        <p className="banner banner-error" role="alert" data-testid="search-error">
          {error}
        </p>
      )}
      {search.trials.length > 0 && (
        <PlotFigure
          source={useGrid}
          build={buildTrials}
          watch={(s) => s.search.trials}
          height={300}
          label="Held-out accuracy per trial with the best so far, and against each searched parameter"
        />
      )}
      {search.trials.length > 0 && <TrialsTable trials={search.trials} best={search.best} />}
    </Panel>
  );
}

/** Run (afresh), Resume this browser's unfinished run, Stop, Download result. */
function SearchButtons({
  search,
  resumable,
  run,
}: {
  search: SearchState;
  resumable: string | null | false;
  run: (resume: boolean) => void;
}) {
  return (
    <div className="ff-options">
      <button
        type="button"
        data-testid="btn-search-run"
        disabled={search.running}
        onClick={() => run(false)}
      >
        {resumable ? 'Run afresh' : 'Run search'}
      </button>
      {resumable && (
        <button
          type="button"
          className="primary"
          data-testid="btn-search-resume"
          title="Continue this browser's unfinished run of this search: its finished trials are not run again"
          onClick={() => run(true)}
        >
          Resume search ({resumable})
        </button>
      )}
      <button type="button" disabled={!search.running} onClick={() => searchActions.stop()}>
        Stop
      </button>
      <button
        type="button"
        data-testid="btn-search-download"
        disabled={!search.result}
        title="The spec, every trial (parameters, held-out and test accuracy) and the retrained run"
        onClick={() => search.result && saveJson(searchFileName(search.result), search.result, 1)}
      >
        Download result (JSON)
      </button>
    </div>
  );
}

/** The trials done (of how many, the time left) while it runs; the best and its retrain after. */
function SearchStatus({ search }: { search: SearchState }) {
  const retrained = search.result?.retrained;
  const progress = searchProgressText({
    done: search.trials.length,
    total: search.plan.total,
    elapsedMs: search.trialsMs,
    retrain: search.plan.retrain,
    epochFraction: search.plan.epochFraction,
    resumed: search.resumed,
  });
  return (
    <p className="ff-status" role="status" data-testid="search-status">
      {search.running && (
        <span className="busy">
          <span className="spinner" aria-hidden="true" /> {progress}
          {search.best && ` · best held-out accuracy ${fmt(search.best.value, 4)}`}
        </span>
      )}
      {!search.running && search.result && (
        <>
          {search.result.trials.length} trials; best{' '}
          {search.best
            ? `${paramsText(search.best.params)} (held-out accuracy ${fmt(search.best.value, 4)})`
            : 'none (every trial failed)'}
          {retrained &&
            `; retrained on all data: test accuracy ${fmt(Number(retrained.final?.metrics.test_acc), 4)} (kept in Runs)`}
          .
        </>
      )}
    </p>
  );
}

/** Every trial's numbers, best first: what the figure shows, to read off or copy. */
function TrialsTable({ trials, best }: { trials: SearchTrial[]; best: SearchTrial | null }) {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const sorted = [...trials].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity));
  return (
    <details className="search-trials">
      <summary>Trials (table, best first)</summary>
      <table className="values compact" data-testid="search-trials">
        <thead>
          <tr>
            <th scope="col">trial</th>
            {names.map((n) => (
              <th scope="col" key={n}>
                {n}
              </th>
            ))}
            <th scope="col">held-out accuracy</th>
            <th scope="col">test accuracy</th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((t) => (
            <tr key={t.index} className={t.index === best?.index ? 'best' : undefined}>
              <td>{t.index + 1}</td>
              {names.map((n) => (
                <td key={n}>{cell(t.params[n])}</td>
              ))}
              <td>{fmt(t.valAccuracy, 4)}</td>
              <td>{fmt(t.testAccuracy, 4)}</td>
              <td title={t.error}>{t.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function cell(v: unknown): string {
  return typeof v === 'number' ? fmt(v, 4) : v === undefined ? '—' : String(v);
}

/** "5 of 12 trials done" when the editor holds the spec of this browser's unfinished search. */
function resumableOffer(unfinished: SearchState['unfinished'], text: string): string | null {
  if (!unfinished) return null;
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    return null;
  }
  if (!sameSpec(spec, unfinished.spec)) return null;
  const total = (spec as { trials?: unknown }).trials;
  return typeof total === 'number'
    ? `${unfinished.done} of ${total} trials done`
    : `${unfinished.done} trials done`;
}
