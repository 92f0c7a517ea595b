import { useCompare, type CompareState } from './compareStore';
import { OVERLAY_METRICS, type XAxisKind } from './overlay';

/**
 * The overlay's options, shared by the Runs tab and the live panels' overlays: the metric (Runs
 * tab only), per-layer lines, the x axis, EMA smoothing and log axes.
 */
export function CompareControls({ chooseMetric = false }: { chooseMetric?: boolean }) {
  const s = useCompare();
  const set = (patch: Partial<CompareState>) => useCompare.setState(patch);
  return (
    <div className="runs-controls">
      {chooseMetric && (
        <label>
          Metric{' '}
          <select
            data-testid="compare-metric"
            value={s.metric}
            onChange={(e) => set({ metric: e.target.value })}
          >
            {OVERLAY_METRICS.map((m) => (
              <option key={m.key} value={m.key}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <input
          type="checkbox"
          checked={s.perLayer}
          onChange={(e) => set({ perLayer: e.target.checked })}
        />{' '}
        per layer
      </label>
      <label>
        x{' '}
        <select value={s.x} onChange={(e) => set({ x: e.target.value as XAxisKind })}>
          <option value="step">step</option>
          <option value="epoch">epoch</option>
          <option value="time">training time</option>
        </select>
      </label>
      <label>
        smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={s.smoothing}
          aria-label="smoothing (exponential moving average weight)"
          onChange={(e) => set({ smoothing: Number(e.target.value) })}
        />{' '}
        {s.smoothing.toFixed(2)}
      </label>
      <label>
        <input type="checkbox" checked={s.logX} onChange={(e) => set({ logX: e.target.checked })} />{' '}
        log x
      </label>
      <label>
        <input type="checkbox" checked={s.logY} onChange={(e) => set({ logY: e.target.checked })} />{' '}
        log y
      </label>
    </div>
  );
}
