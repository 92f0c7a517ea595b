import { create } from 'zustand';
import type { GridMemberResult, GridProgress, GridRunResult } from '../../engine/grid/runner';
import { FIGURE_PRESETS } from '../../engine/grid/figures';
import { parseGridSpec } from '../../engine/grid/spec';
import type { SearchResult, SearchTrial } from '../../engine/search/protocol';
import { gridFromQuery, gridToQuery } from '../../engine/grid/url';
import { errorText, labClient } from '../labClient';

/**
 * The page's grid and search: what runs, its progress, and the members / trials finished so far.
 * Kept in memory only; `memberDone` is where a run library can keep each member as it finishes.
 */
export interface GridState {
  /** The spec being edited, as JSON text. */
  specText: string;
  /** The figure preset the spec came from (its figure and sentence), if any. */
  figureId: string | null;
  running: boolean;
  paused: boolean;
  progress: GridProgress | null;
  /** Finished members, in the order they finished; handed back on Resume. */
  members: GridMemberResult[];
  /** The spec the kept members belong to (a changed spec starts afresh). */
  membersSpec: string | null;
  result: GridRunResult | null;
  error: string | null;
  search: {
    running: boolean;
    trials: SearchTrial[];
    best: SearchTrial | null;
    result: SearchResult | null;
    error: string | null;
  };
}

const firstFigure = FIGURE_PRESETS[0];

/** The spec a link carries (`?grid=…`), else the first figure preset's browser variant. */
function initialSpec(): Pick<GridState, 'specText' | 'figureId' | 'error'> {
  const fallback = {
    specText: JSON.stringify(firstFigure.browser, null, 1),
    figureId: firstFigure.id,
    error: null,
  };
  if (typeof location === 'undefined') return fallback;
  try {
    const spec = gridFromQuery(location.search);
    if (!spec) return fallback;
    const same = FIGURE_PRESETS.find((f) => JSON.stringify(f.browser) === JSON.stringify(spec));
    return { specText: JSON.stringify(spec, null, 1), figureId: same?.id ?? null, error: null };
  } catch (error) {
    return { ...fallback, error: `The link's grid: ${errorText(error)}` };
  }
}

export const useGrid = create<GridState>()(() => ({
  ...initialSpec(),
  running: false,
  paused: false,
  progress: null,
  members: [],
  membersSpec: null,
  result: null,
  search: { running: false, trials: [], best: null, result: null, error: null },
}));

/** Hooks for whoever keeps runs (the run library): each grid member as it finishes. */
export const gridHooks: { memberDone: ((member: GridMemberResult) => void)[] } = {
  memberDone: [],
};

function canonical(spec: unknown): string {
  return JSON.stringify(spec);
}

export const gridActions = {
  editSpec(text: string): void {
    useGrid.setState({ specText: text, figureId: null });
  },

  chooseFigure(id: string): void {
    const f = FIGURE_PRESETS.find((p) => p.id === id);
    if (f) useGrid.setState({ specText: JSON.stringify(f.browser, null, 1), figureId: id });
  },

  /**
   * Run a grid spec (from the text, or given). Members kept from an interrupted run of the same
   * spec are not run again: that is Resume.
   */
  async run(spec?: unknown): Promise<GridRunResult | null> {
    let parsed: unknown = spec;
    if (parsed === undefined) {
      try {
        parsed = JSON.parse(useGrid.getState().specText);
      } catch (error) {
        useGrid.setState({ error: `the grid spec is not valid JSON: ${errorText(error)}` });
        return null;
      }
    }
    const key = canonical(parsed);
    if (spec !== undefined) {
      // A spec handed over (window.ncLab.grid) shows in the editor, with its figure if it is one.
      const same = FIGURE_PRESETS.find((f) => canonical(f.browser) === key);
      useGrid.setState({ specText: JSON.stringify(spec, null, 1), figureId: same?.id ?? null });
    }
    const s = useGrid.getState();
    const completed = s.membersSpec === key ? s.members : [];
    useGrid.setState({
      running: true,
      paused: false,
      error: null,
      progress: null,
      result: null,
      members: completed,
      membersSpec: key,
    });
    try {
      const result = await labClient.runGrid(parsed, {
        completed,
        onProgress: (progress) => useGrid.setState({ progress }),
        onMemberDone: (member) => {
          useGrid.setState((st) => ({ members: [...st.members, member] }));
          for (const hook of gridHooks.memberDone) hook(member);
        },
      });
      useGrid.setState({ result });
      return result;
    } catch (error) {
      useGrid.setState({ error: errorText(error) });
      throw error;
    } finally {
      useGrid.setState({ running: false, paused: false });
    }
  },

  /** A link that opens the lab with this grid's spec loaded (throws naming what is wrong). */
  link(): string {
    const spec = parseGridSpec(JSON.parse(useGrid.getState().specText));
    return `${location.origin}${location.pathname}?${gridToQuery(spec)}`;
  },

  pause(): void {
    useGrid.setState({ paused: true });
    void labClient.gridControl('pause');
  },

  resume(): void {
    useGrid.setState({ paused: false });
    void labClient.gridControl('resume');
  },

  cancel(): void {
    void labClient.gridControl('stop');
  },

  async search(spec: unknown): Promise<SearchResult> {
    useGrid.setState({
      search: { running: true, trials: [], best: null, result: null, error: null },
    });
    try {
      const result = await labClient.runSearch(spec, (trial, best) =>
        useGrid.setState((st) => ({
          search: { ...st.search, trials: [...st.search.trials, trial], best },
        })),
      );
      useGrid.setState((st) => ({ search: { ...st.search, result, best: result.best } }));
      return result;
    } catch (error) {
      useGrid.setState((st) => ({ search: { ...st.search, error: errorText(error) } }));
      throw error;
    } finally {
      useGrid.setState((st) => ({ search: { ...st.search, running: false } }));
    }
  },

  stopSearch(): void {
    void labClient.stopSearch();
  },
};
