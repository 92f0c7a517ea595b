import { create } from 'zustand';
import type { GridMemberResult, GridProgress, GridRunResult } from '../../engine/grid/runner';
import { FIGURE_PRESETS } from '../../engine/grid/figures';
import {
  expandGrid,
  parseGridSpec,
  type ExpandedGrid,
  type GridSpec,
} from '../../engine/grid/spec';
import type { SearchResult } from '../../engine/search/protocol';
import { gridFromQuery, gridToQuery } from '../../engine/grid/url';
import { gridIdentityTag } from '../../engine/grid/kept';
import { claimGrid, gridElsewhereMessage, releaseGrid } from '../runs/runLocks';
import { errorText, labClient } from '../labClient';
import { IDLE_SEARCH, unfinishedSearchOffer, type SearchState } from './searchState';

/**
 * The page's grid and search: what runs, its progress, and the members / trials finished so far.
 * Kept in memory; `gridHooks` is how the run library keeps each member as it finishes and hands
 * the finished ones back to a Resume after a reload.
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
  search: SearchState;
}

const firstFigure = FIGURE_PRESETS[0];

/** The editor's text as JSON, or an error saying it is not (the panel, Run grid, Copy link). */
export function specFromText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the grid spec is not valid JSON: ${errorText(error)}`, { cause: error });
  }
}

/**
 * The grid this browser left unfinished (a reload, a closed tab, a cancel), so that the panel
 * opens on it and offers its Resume; forgotten once a run of it completes.
 */
const UNFINISHED_KEY = 'nclab.grid.unfinished';

function unfinishedSpec(): GridSpec | null {
  try {
    const text = localStorage.getItem(UNFINISHED_KEY);
    return text === null ? null : parseGridSpec(JSON.parse(text));
  } catch {
    return null; // unreadable or no longer valid: the panel opens on its default
  }
}

/** Remember a spec (null: forget it). */
function rememberUnfinished(spec: unknown): void {
  try {
    if (spec === null) localStorage.removeItem(UNFINISHED_KEY);
    else localStorage.setItem(UNFINISHED_KEY, JSON.stringify(spec));
  } catch {
    // no storage here: the spec is simply not offered after a reload
  }
}

/**
 * The spec a link carries (`?grid=…`), else the grid this browser left unfinished, else the first
 * figure preset's browser variant.
 */
function initialSpec(): Pick<GridState, 'specText' | 'figureId' | 'error'> {
  const fallback = {
    specText: JSON.stringify(firstFigure.browser, null, 1),
    figureId: firstFigure.id,
    error: null,
  };
  if (typeof location === 'undefined') return fallback;
  try {
    const spec = gridFromQuery(location.search) ?? unfinishedSpec();
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
  search: { ...IDLE_SEARCH, unfinished: unfinishedSearchOffer() },
}));

/** Hooks for whoever keeps runs (the run library). */
export const gridHooks: {
  /** Each grid member as it finishes. */
  memberDone: ((member: GridMemberResult, grid: ExpandedGrid) => void)[];
  /** The grid's members finished earlier and kept (across reloads): a Resume skips them. */
  keptMembers: ((grid: ExpandedGrid) => Promise<GridMemberResult[]>) | null;
  /** Each search as it ends (completed or stopped), with its retrained best if any. */
  searchDone: ((result: SearchResult) => void)[];
} = {
  memberDone: [],
  keptMembers: null,
  searchDone: [],
};

/** How a grid starts: from given finished members, afresh, or (default) from every kept one. */
export interface GridRunChoice {
  /** Exactly these finished members are skipped (nothing is looked up). */
  completed?: GridMemberResult[];
  /** Run every member again, even those finished and kept. */
  fresh?: boolean;
}

function canonical(spec: unknown): string {
  return JSON.stringify(spec);
}

/** The members a run of this grid skips: handed over, or those in memory and kept. */
async function finishedMembers(
  grid: ExpandedGrid,
  key: string,
  choice: GridRunChoice,
): Promise<GridMemberResult[]> {
  if (choice.completed) return choice.completed;
  if (choice.fresh) return [];
  const s = useGrid.getState();
  const inMemory = s.membersSpec === key ? s.members : [];
  const kept = (await gridHooks.keptMembers?.(grid)) ?? [];
  const byId = new Map([...kept, ...inMemory].map((m) => [m.id, m]));
  return grid.members.flatMap((m) => byId.get(m.id) ?? []);
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
   * Run a grid spec (from the text, or given). Members this spec finished before are not run
   * again: those in memory, and (after a reload too) those kept in the run library; the member
   * a reload interrupted continues from its checkpoint in the worker. That is Resume.
   */
  async run(spec?: unknown, choice: GridRunChoice = {}): Promise<GridRunResult | null> {
    let parsed: unknown = spec;
    if (parsed === undefined) {
      try {
        parsed = specFromText(useGrid.getState().specText);
      } catch (error) {
        useGrid.setState({ error: errorText(error) });
        return null;
      }
    }
    const key = canonical(parsed);
    if (spec !== undefined) {
      // A spec handed over (window.ncLab.grid) shows in the editor, with its figure if it is one.
      const same = FIGURE_PRESETS.find((f) => canonical(f.browser) === key);
      useGrid.setState({ specText: JSON.stringify(spec, null, 1), figureId: same?.id ?? null });
    }
    useGrid.setState({ running: true, paused: false, error: null, progress: null, result: null });
    let held: string | null = null;
    try {
      const grid = expandGrid(parsed);
      // One page runs a grid at a time: two would run and keep its members twice.
      const identity = gridIdentityTag(grid);
      if (!(await claimGrid(identity))) throw new Error(gridElsewhereMessage(grid.name));
      held = identity;
      rememberUnfinished(parsed);
      const completed = await finishedMembers(grid, key, choice);
      useGrid.setState({ members: completed, membersSpec: key });
      const result = await labClient.runGrid(parsed, {
        completed,
        onProgress: (progress) => useGrid.setState({ progress }),
        onMemberDone: (member) => {
          useGrid.setState((st) => ({ members: [...st.members, member] }));
          for (const hook of gridHooks.memberDone) hook(member, grid);
        },
      });
      useGrid.setState({ result });
      if (result.status === 'completed') rememberUnfinished(null);
      return result;
    } catch (error) {
      useGrid.setState({ error: errorText(error) });
      throw error;
    } finally {
      if (held) releaseGrid(held);
      useGrid.setState({ running: false, paused: false });
    }
  },

  /** A link that opens the lab with this grid's spec loaded (throws naming what is wrong). */
  link(): string {
    const spec = parseGridSpec(specFromText(useGrid.getState().specText));
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
};
