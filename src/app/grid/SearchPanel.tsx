import { useState } from 'react';
import { SEARCH_PROTOCOL } from '../../engine/search/protocol';
import { fmt } from '../format';
import { Panel } from '../panels/Panel';
import { PlotFigure } from '../panels/PlotFigure';
import { gridActions, useGrid } from './gridStore';
import { buildTrials } from './searchFigure';

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
  const [text, setText] = useState(() => JSON.stringify(EXAMPLE, null, 1));
  const [parseError, setParseError] = useState<string | null>(null);
  const run = () => {
    let spec: unknown;
    try {
      spec = JSON.parse(text);
    } catch (error) {
      setParseError(`the search spec is not valid JSON: ${(error as Error).message}`);
      return;
    }
    setParseError(null);
    void gridActions.search(spec).catch(() => undefined);
  };
  const error = parseError ?? search.error;
  const retrained = search.result?.retrained;
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
      <div className="ff-options">
        <button type="button" data-testid="btn-search-run" disabled={search.running} onClick={run}>
          Run search
        </button>
        <button type="button" disabled={!search.running} onClick={() => gridActions.stopSearch()}>
          Stop
        </button>
      </div>
      <p className="ff-status" role="status" data-testid="search-status">
        {search.running && (
          <span className="busy">
            <span className="spinner" aria-hidden="true" /> {search.trials.length} trials done
            {search.best && ` · best held-out accuracy ${fmt(search.best.value, 4)}`}
          </span>
        )}
        {!search.running && search.result && (
          <>
            {search.result.trials.length} trials; best{' '}
            {search.best
              ? `${Object.entries(search.best.params)
                  .map(([k, v]) => `${k} = ${typeof v === 'number' ? fmt(v, 4) : String(v)}`)
                  .join(', ')} (held-out accuracy ${fmt(search.best.value, 4)})`
              : 'none (every trial failed)'}
            {retrained &&
              `; retrained on all data: test accuracy ${fmt(Number(retrained.final?.metrics.test_acc), 4)}`}
            .
          </>
        )}
      </p>
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
    </Panel>
  );
}
