import type { ExperimentConfig } from '../../engine/config/schema';
import { isNoiseExperiment } from '../../engine/config/experimentKinds';

/**
 * The lab's panels and which of them matter for a run: the dashboard shows the key panels of the
 * current experiment and preset together on one screen, the preset's own key panel first, and
 * puts every other panel one click away in a tab.
 */
export type PanelId =
  | 'loss'
  | 'theory'
  | 'md'
  | 'nc'
  | 'gram'
  | '3d'
  | 'measures'
  | 'sweep'
  | 'grid'
  | 'search'
  | 'runs';

export interface PanelInfo {
  id: PanelId;
  /** The panel's data-testid (what the e2e tests look for). */
  testId: string;
  /** Its tab label. */
  tab: string;
}

/** Every panel, in tab order. */
export const PANELS: readonly PanelInfo[] = [
  { id: 'md', testId: 'panel-md', tab: 'Memorization–dilation' },
  { id: 'nc', testId: 'panel-nc', tab: 'NC metrics' },
  { id: 'loss', testId: 'panel-loss', tab: 'Loss' },
  { id: 'theory', testId: 'panel-theory', tab: 'Theory' },
  { id: '3d', testId: 'panel-3d', tab: '3-D view' },
  { id: 'gram', testId: 'panel-gram', tab: 'Gram matrices' },
  { id: 'measures', testId: 'panel-measures', tab: 'More measures' },
  { id: 'sweep', testId: 'panel-sweep', tab: 'Noise sweep' },
  // Grids and searches run their own configs, whatever the form holds: always a tab.
  { id: 'grid', testId: 'panel-grid', tab: 'Grids and figures' },
  { id: 'search', testId: 'panel-search', tab: 'Search' },
  // The run library (kept runs, overlays, export): every experiment's.
  { id: 'runs', testId: 'runs-panel', tab: 'Runs' },
];

export function panelInfo(id: PanelId): PanelInfo {
  const info = PANELS.find((p) => p.id === id);
  if (!info) throw new Error(`unknown panel "${id}"`);
  return info;
}

/** Teaching presets whose point is the geometry in three dimensions. */
const GEOMETRY_PRESETS = new Set(['teach-etf-3d', 'teach-orthogonal-3d']);

/** The panels a run of this config can fill, in tab order. */
export function availablePanels(config: ExperimentConfig): PanelId[] {
  const ufm = config.experiment === 'ufm';
  const noise = isNoiseExperiment(config);
  return PANELS.map((p) => p.id).filter((id) => {
    if (id === 'theory') return ufm;
    if (id === 'md' || id === 'sweep') return noise;
    return true;
  });
}

/**
 * The panels shown together on the first screen, the preset's own key panel first: the 3-D view
 * for the tetrahedron/orthogonal-frame teaching presets (and any UFM of width ≤ 3), the closed
 * form for imbalanced UFMs (minority collapse, general orthogonal frames), memorization–dilation
 * for label-noise runs, and otherwise the NC metrics with the loss.
 */
export function keyPanels(config: ExperimentConfig, presetId: string | null): PanelId[] {
  if (isNoiseExperiment(config)) return ['md', 'nc'];
  if (config.experiment === 'ufm') {
    if ((presetId !== null && GEOMETRY_PRESETS.has(presetId)) || config.hidden <= 3)
      return ['3d', 'nc'];
    const sizes = config.classSizes;
    if (sizes.some((n) => n !== sizes[0])) return ['theory', 'nc'];
  }
  return ['nc', 'loss'];
}

/** The dashboard's tabs: the key panels together, then every other available panel alone. */
export interface DashboardTab {
  id: 'key' | PanelId;
  label: string;
  panels: PanelId[];
}

export function dashboardTabs(config: ExperimentConfig, presetId: string | null): DashboardTab[] {
  const key = keyPanels(config, presetId);
  const rest = availablePanels(config).filter((id) => !key.includes(id));
  return [
    { id: 'key', label: key.map((id) => panelInfo(id).tab).join(' + '), panels: key },
    ...rest.map((id) => ({ id, label: panelInfo(id).tab, panels: [id] })),
  ];
}
