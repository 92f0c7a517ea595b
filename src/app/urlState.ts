import { ConfigError, type ExperimentConfig } from '../engine/config/schema';
import { configToQuery, parseQuery, shareUrl } from '../engine/config/url';
import { defaultPreset, useLab, type ConfigIssue } from './store';

export interface InitialUrlState {
  config: ExperimentConfig;
  presetId: string | null;
  autorun: boolean;
  issues: ConfigIssue[] | null;
}

/** The page's starting point: the URL when it parses, else the default preset plus the issues. */
export function readInitialUrl(search = window.location.search): InitialUrlState {
  const fallback = { config: defaultPreset.config, presetId: defaultPreset.id, autorun: false };
  if (!search || search === '?') return { ...fallback, issues: null };
  try {
    const { config, presetId, autorun } = parseQuery(search);
    return { config, presetId, autorun, issues: null };
  } catch (error) {
    const issues =
      error instanceof ConfigError
        ? error.issues
        : [{ field: '(url)', message: error instanceof Error ? error.message : String(error) }];
    return { ...fallback, issues };
  }
}

/** Keep every config field in the address bar (replaceState: edits do not pile up history). */
export function writeUrl(config: ExperimentConfig, presetId: string | null): void {
  const query = configToQuery(config, presetId ? { preset: presetId } : {});
  const url = `${window.location.pathname}?${query}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`) {
    window.history.replaceState(window.history.state, '', url);
  }
}

export function currentShareUrl(config: ExperimentConfig): string {
  return shareUrl(window.location.href, config);
}

/** Mirror config changes into the URL from now on. */
export function syncUrlWithStore(): () => void {
  return useLab.subscribe((s, prev) => {
    if (s.config !== prev.config || s.presetId !== prev.presetId) writeUrl(s.config, s.presetId);
  });
}
