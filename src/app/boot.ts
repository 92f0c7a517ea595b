import { introClosed } from './guide/guideStore';
import { labClient } from './labClient';
import { installNcLabApi } from './ncLabApi';
import { openComparisonLink } from './runs/compareLink';
import { keepGridMembers } from './runs/keepGridMembers';
import { keepSearchBest } from './runs/keepSearchBest';
import { keepSweepMembers } from './runs/keepSweepMembers';
import { configPending, labActions, matchPreset, useLab } from './store';
import { readInitialUrl, syncUrlWithStore, writeUrl } from './urlState';
import { threadsOfSearch } from '../worker/connection';

/**
 * Page start: the URL (or the default preset) decides the config, the worker loads it (which
 * initialises the backend and shows the step-0 state), `autorun=1` starts it. Later form edits
 * reload an untouched run after a short pause, so the panels always show the form's config.
 */
export function boot(): void {
  installNcLabApi();
  keepGridMembers();
  keepSweepMembers();
  keepSearchBest();
  const search = window.location.search;
  const threads = threadsOfSearch(search);
  labClient.setThreads(threads.choice);
  if (threads.problem)
    labActions.addError(`The link's threads value was not used: ${threads.problem}.`);
  const initial = readInitialUrl(search);
  labActions.setConfig(initial.config, initial.presetId ?? matchPreset(initial.config));
  useLab.setState({ urlIssues: initial.issues });
  labActions.showRejectedFields(initial.rejected, initial.issues ?? []);
  // A link with problems stays in the address bar as typed; a good one is written out in full.
  if (!initial.issues) writeUrl(initial.config, useLab.getState().presetId);
  syncUrlWithStore(initial.issues ? initial.config : null);

  // A comparison link runs its configs once the first load is done (and stops autorun).
  const comparing = openComparisonLink(search);
  // A first visitor reads the introduction first: `autorun` starts the run once it is closed,
  // rather than train it unseen behind the dialog.
  void labClient.load(initial.config).then(async (report) => {
    if (!report || !initial.autorun || initial.issues || comparing) return;
    await introClosed();
    void labClient.start();
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  useLab.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = useLab.getState();
      const untouched = (now.status === 'idle' && now.step === 0) || now.status === 'failed';
      if (untouched && now.busy === null && now.loadedConfig && configPending(now))
        void labClient.load(now.config);
    }, 600);
  });
}
