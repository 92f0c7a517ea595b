import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { GridPanel } from '../grid/GridPanel';
import { SearchPanel } from '../grid/SearchPanel';
import { RunsPanel } from '../runs/RunsPanel';
import { MdPanel } from '../md/MdPanel';
import { SweepPanel } from '../md/SweepPanel';
import { GramPanel } from '../panels/GramPanel';
import { LossPanel } from '../panels/LossPanel';
import { MeasuresPanel } from '../panels/MeasuresPanel';
import { NcPanel } from '../panels/NcPanel';
import { TheoryPanel } from '../panels/TheoryPanel';
import { View3dPanel } from '../panels/View3dPanel';
import { presetOfConfig } from '../../engine/config/presetGuides';
import { useLab } from '../store';
import { dashboardTabs, type DashboardTab, type PanelId } from './panels';
import { tabIndexForKey } from './tabKeys';

const RENDER: Record<PanelId, () => ReactNode> = {
  loss: () => <LossPanel />,
  theory: () => <TheoryPanel />,
  md: () => <MdPanel />,
  nc: () => <NcPanel />,
  gram: () => <GramPanel />,
  '3d': () => <View3dPanel />,
  sweep: () => <SweepPanel />,
  measures: () => <MeasuresPanel />,
  grid: () => <GridPanel />,
  search: () => <SearchPanel />,
  runs: () => <RunsPanel />,
};

/** The tabs for the run on screen (the form's config until a run is loaded). */
function useTabs(): DashboardTab[] {
  const loaded = useLab((s) => s.loadedConfig);
  const formConfig = useLab((s) => s.config);
  return useMemo(() => {
    const config = loaded ?? formConfig;
    // a preset run with its own seed or length keeps the preset's key panels (its 3-D view)
    return dashboardTabs(config, presetOfConfig(config));
    // The form's config only matters before the first run is loaded.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded, loaded ? null : formConfig]);
}

/**
 * The panel area as one screen: the key panels of this run side by side, filling the height left
 * under the run bar, and every other panel one click away. Only the open tab is mounted, so
 * hidden panels never redraw.
 */
export function Dashboard() {
  const tabs = useTabs();
  const [chosen, setChosen] = useState<DashboardTab['id']>('key');
  const open = tabs.find((t) => t.id === chosen) ?? tabs[0];
  // One tab stop for the list; the arrow keys choose the tab and take the focus with them.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const next = tabIndexForKey(e.key, tabs.indexOf(open), tabs.length);
    if (next === null) return;
    e.preventDefault();
    setChosen(tabs[next].id);
    document.getElementById(`tab-${tabs[next].id}`)?.focus();
  };
  return (
    <section className="dashboard" data-testid="panels" aria-label="Panels">
      <div className="dash-tabs" role="tablist" aria-label="Panels" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            data-testid={`tab-${t.id}`}
            aria-selected={t.id === open.id}
            tabIndex={t.id === open.id ? 0 : -1}
            aria-controls="dash-tabpanel"
            className={t.id === open.id ? 'dash-tab active' : 'dash-tab'}
            onClick={() => setChosen(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        id="dash-tabpanel"
        role="tabpanel"
        aria-labelledby={`tab-${open.id}`}
        className={`dash-grid dash-cols-${open.panels.length}`}
        data-open-tab={open.id}
      >
        {open.panels.map((id) => (
          <div className="dash-cell" key={id}>
            {RENDER[id]()}
          </div>
        ))}
      </div>
    </section>
  );
}
