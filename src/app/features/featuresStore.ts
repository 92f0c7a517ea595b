import { create } from 'zustand';
import type { FeatureCaseResult, FeatureMeasurement } from '../../engine/features/measure';
import { suggestRoles, type FileRole } from '../../engine/metrics/featureFiles';
import { hasNpyMagic } from '../../engine/metrics/npy';
import { errorText, labClient } from '../labClient';

/**
 * "Measure your features": the files a researcher dropped, their roles, and the worker's
 * measurement. The page only reads the files and draws; the worker computes.
 */
export type FeatureSet = 'cheap' | 'core' | 'full';

export interface PickedFile {
  file: File;
  role: FileRole | null;
  /** The researcher chose this role (a new drop does not re-guess it). */
  chosen: boolean;
}

export interface FeaturesState {
  files: PickedFile[];
  set: FeatureSet;
  /** Number of classes as typed ('' = from W, else the largest label + 1). */
  K: string;
  /** What the worker is doing, null when idle. */
  busy: string | null;
  progress: { done: number; total: number } | null;
  error: string | null;
  measurement: FeatureMeasurement | null;
  caseIndex: number;
}

export const useFeatures = create<FeaturesState>()(() => ({
  files: [],
  set: 'full',
  K: '',
  busy: null,
  progress: null,
  error: null,
  measurement: null,
  caseIndex: 0,
}));

/** The case on show, or null. */
export function currentCase(s: FeaturesState): FeatureCaseResult | null {
  return s.measurement?.cases[s.caseIndex] ?? null;
}

/** The browser holds every file in memory (and the worker a float64 copy): refuse beyond this. */
const MAX_TOTAL_BYTES = 1.5 * 2 ** 30;

/** Identifies the latest measurement, so an older one that finishes late is dropped. */
let generation = 0;

function withSuggestedRoles(files: PickedFile[]): PickedFile[] {
  const suggested = suggestRoles(files.map((f) => f.file.name));
  return files.map((f, i) => (f.chosen ? f : { ...f, role: suggested[i] }));
}

/** Why the files cannot be measured yet (roles), or null when they can. */
export function missingRoles(files: PickedFile[]): string | null {
  if (files.length === 0) return 'Drop files to measure.';
  const active = files.filter((f) => f.role !== 'ignore');
  const unknown = active.filter((f) => f.role === null);
  if (unknown.length > 0)
    return `Choose what ${unknown.map((f) => f.file.name).join(', ')} holds (its name does not say).`;
  if (active.some((f) => f.role === 'cases')) return null;
  if (!active.some((f) => f.role === 'features'))
    return 'Which file holds the features? Choose its role.';
  if (!active.some((f) => f.role === 'labels'))
    return 'Add the labels (.npy of integers or a JSON array), or choose which file holds them.';
  return null;
}

/** The `.npy` files among `files` that do not start as one (read from their first bytes only). */
export async function notNpyFiles(files: readonly File[]): Promise<string[]> {
  const bad: string[] = [];
  for (const f of files) {
    if (!/\.npy$/i.test(f.name)) continue;
    const head = new Uint8Array(await f.slice(0, 6).arrayBuffer());
    if (!hasNpyMagic(head)) bad.push(f.name);
  }
  return bad;
}

/**
 * Damaged `.npy` files are named at once and set aside (role "ignore"), rather than left waiting
 * for a role they could never fill; returns the note (null when every file looks whole).
 */
async function setAsideDamaged(list: File[]): Promise<string | null> {
  const bad = await notNpyFiles(list);
  if (!bad.length) return null;
  const note = `${bad.join(', ')}: not a .npy file (it does not start with NumPy's \\x93NUMPY header); set aside`;
  useFeatures.setState((s) => ({
    error: note,
    files: s.files.map((f) =>
      bad.includes(f.file.name) ? { ...f, role: 'ignore' as const, chosen: true } : f,
    ),
  }));
  return note;
}

export const featureActions = {
  /**
   * Files dropped or picked: they join the list (a file of the same name is replaced); a case
   * file stands alone, so it replaces the list, and arrays replace a case file.
   */
  addFiles(list: File[]): void {
    if (list.length === 0) return;
    const incoming = list.map((file) => ({ file, role: null, chosen: false }) as PickedFile);
    const names = new Set(list.map((f) => f.name));
    const isNew = (f: PickedFile) => names.has(f.file.name);
    const kept = useFeatures.getState().files.filter((f) => !isNew(f));
    const merged = withSuggestedRoles([...kept, ...incoming]);
    const newCase = merged.find((f) => isNew(f) && f.role === 'cases');
    const files = newCase
      ? [newCase]
      : withSuggestedRoles(merged.filter((f) => isNew(f) || f.role !== 'cases'));
    useFeatures.setState({ files, error: null });
    void setAsideDamaged(list).then(async (note) => {
      await featureActions.measure();
      // a measurement of the other files clears errors: the set-aside file stays named
      if (note) useFeatures.setState((s) => ({ error: s.error ?? note }));
    });
  },

  setRole(name: string, role: FileRole): void {
    const files = useFeatures
      .getState()
      .files.map((f) => (f.file.name === name ? { ...f, role, chosen: true } : f));
    useFeatures.setState({ files, error: null });
    void featureActions.measure();
  },

  removeFile(name: string): void {
    const files = withSuggestedRoles(
      useFeatures.getState().files.filter((f) => f.file.name !== name),
    );
    useFeatures.setState({ files, error: null });
    if (files.length > 0) void featureActions.measure();
    else featureActions.clear();
  },

  clear(): void {
    generation++;
    useFeatures.setState({
      files: [],
      measurement: null,
      caseIndex: 0,
      error: null,
      busy: null,
      progress: null,
    });
  },

  setSet(set: FeatureSet): void {
    useFeatures.setState({ set });
    if (useFeatures.getState().measurement) void featureActions.measure();
  },

  setK(K: string): void {
    useFeatures.setState({ K });
  },

  pickCase(caseIndex: number): void {
    useFeatures.setState({ caseIndex });
  },

  /** Read the files and have the worker measure them (when every role is known). */
  async measure(): Promise<void> {
    const s = useFeatures.getState();
    if (missingRoles(s.files) !== null) return;
    const id = ++generation;
    const stale = () => id !== generation;
    const K = s.K.trim() === '' ? undefined : Number(s.K);
    if (K !== undefined && !(Number.isInteger(K) && K >= 1)) {
      useFeatures.setState({ error: `K must be a positive whole number, got "${s.K}"` });
      return;
    }
    const active = s.files.filter((f) => f.role !== 'ignore');
    const total = active.reduce((a, f) => a + f.file.size, 0);
    if (total > MAX_TOTAL_BYTES) {
      useFeatures.setState({
        error: `The files total ${(total / 2 ** 30).toFixed(1)} GiB, more than the browser can hold (${MAX_TOTAL_BYTES / 2 ** 30} GiB): measure them with \`npm run metrics\` instead.`,
      });
      return;
    }
    useFeatures.setState({ busy: 'Reading the files…', progress: null, error: null });
    try {
      const files = await Promise.all(
        active.map(async (f) => {
          try {
            return { name: f.file.name, bytes: await f.file.arrayBuffer(), role: f.role };
          } catch (e) {
            throw new Error(`${f.file.name}: the browser could not read it (${errorText(e)})`, {
              cause: e,
            });
          }
        }),
      );
      if (stale()) return;
      useFeatures.setState({ busy: 'Waiting for the worker…' });
      // Progress travels on its own port: a late message must not follow the result.
      let finished = false;
      const measurement = await labClient.measureFeatures(files, { set: s.set, K }, (p) => {
        if (!stale() && !finished)
          useFeatures.setState({ busy: p.message, progress: { done: p.done, total: p.total } });
      });
      finished = true;
      if (stale()) return;
      const keep = useFeatures.getState().caseIndex;
      useFeatures.setState({
        measurement,
        caseIndex: keep < measurement.cases.length ? keep : 0,
        busy: null,
        progress: null,
      });
    } catch (e) {
      if (stale()) return;
      useFeatures.setState({ error: errorText(e), measurement: null, busy: null, progress: null });
    }
  },
};
