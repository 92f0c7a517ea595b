import type { ThreadChoice } from '../engine/run/wasmThreads';
import type { ExperimentConfig } from '../engine/config/schema';
import { configToQuery, readQuery, shareUrl } from '../engine/config/url';
import { sameConfig } from './formModel';
import { defaultPreset, formValid, matchPreset, useLab, type ConfigIssue } from './store';

export interface InitialUrlState {
  config: ExperimentConfig;
  presetId: string | null;
  autorun: boolean;
  issues: ConfigIssue[] | null;
  /** The link's text of each refused field, shown in the form beside its error. */
  rejected: Record<string, string>;
}

/**
 * The page's starting point: the URL's config, field by field. A bad field is named in `issues`
 * and keeps its text for the form; the link's other fields are kept (never the default preset
 * in place of the user's link).
 */
export function readInitialUrl(search = window.location.search): InitialUrlState {
  if (!search || search === '?') {
    return {
      config: defaultPreset.config,
      presetId: defaultPreset.id,
      autorun: false,
      issues: null,
      rejected: {},
    };
  }
  const reading = readQuery(search);
  return {
    config: reading.config,
    presetId: reading.presetId,
    autorun: reading.autorun,
    issues: reading.issues.length ? reading.issues : null,
    rejected: reading.rejected,
  };
}

/**
 * Put `config` in the address bar (replaceState: edits do not pile up history). The page's own
 * `threads` setting stays (it belongs to this machine, not to the run: share links leave it out).
 */
export function writeUrl(config: ExperimentConfig, presetId: string | null): void {
  const threads = new URLSearchParams(window.location.search).get('threads');
  const query = configToQuery(config, {
    ...(presetId ? { preset: presetId } : {}),
    ...(threads !== null ? { threads } : {}),
  });
  const url = `${window.location.pathname}?${query}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(window.history.state, '', url);
  }
}

/** The link of what is on screen: the run the worker holds, else the form's config. */
export function currentShareUrl(
  s: { config: ExperimentConfig; loadedConfig: ExperimentConfig | null } = useLab.getState(),
): string {
  return shareUrl(window.location.href, s.loadedConfig ?? s.config);
}

/**
 * Mirror the run on screen into the address bar from now on. A form edit during a run leaves the
 * address alone (it still describes the run being drawn); a link the page could not fully read
 * stays as the user typed it until a config of their own choosing is loaded.
 */
export function syncUrlWithStore(keepAsTyped: ExperimentConfig | null): () => void {
  let untouched = keepAsTyped;
  return useLab.subscribe((s, prev) => {
    if (s.loadedConfig === prev.loadedConfig || s.loadedConfig === null || !formValid(s)) return;
    if (untouched && sameConfig(s.loadedConfig, untouched)) return;
    untouched = null;
    writeUrl(s.loadedConfig, matchPreset(s.loadedConfig));
  });
}

/** Keep the page's wasm threads choice in the address (auto: the key is left out). */
export function writeThreadsToUrl(choice: ThreadChoice): void {
  const url = new URL(window.location.href);
  if (choice === 'auto') url.searchParams.delete('threads');
  else url.searchParams.set('threads', String(choice));
  window.history.replaceState(window.history.state, '', url.toString());
}
