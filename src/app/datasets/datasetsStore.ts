import { create } from 'zustand';
import type { StoredSummary } from '../../engine/data';
import type { CachedDatasetInfo } from '../../worker/datasetCache';
import type { StoredDatasetName } from '../../worker/protocol';
import { errorText, labClient } from '../labClient';

/** The Datasets section: what is embedded, what the user has loaded, what is parsing now. */
export interface DatasetsState {
  cached: CachedDatasetInfo[];
  /** Summaries shown on request, by dataset name. */
  summaries: Partial<Record<StoredDatasetName, StoredSummary>>;
  busy: string | null;
  progress: number | null;
  error: string | null;
  /** The last successful import, named in the status line. */
  imported: string | null;
}

export const useDatasets = create<DatasetsState>()(() => ({
  cached: [],
  summaries: {},
  busy: null,
  progress: null,
  error: null,
  imported: null,
}));

async function guarded(label: string, task: () => Promise<void>): Promise<void> {
  useDatasets.setState({ busy: label, progress: null, error: null });
  try {
    await task();
  } catch (error) {
    useDatasets.setState({ error: errorText(error) });
  } finally {
    useDatasets.setState({ busy: null, progress: null });
  }
}

export const datasetActions = {
  async refresh(): Promise<void> {
    try {
      useDatasets.setState({ cached: await labClient.listDatasets() });
    } catch (error) {
      useDatasets.setState({ error: `Could not read the dataset cache: ${errorText(error)}` });
    }
  },

  /** Parse dropped or chosen files in the worker (streamed) and keep them in IndexedDB. */
  importFiles(files: File[]): Promise<void> {
    if (!files.length) return Promise.resolve();
    const names = files.map((f) => f.name).join(', ');
    return guarded(`Reading ${names}`, async () => {
      const { info, summary } = await labClient.importDataset(files, (fraction, message) =>
        useDatasets.setState({ progress: fraction, busy: message }),
      );
      useDatasets.setState((s) => ({
        imported: `${info.name}: ${summary.train.n} train / ${summary.test.n} test images`,
        summaries: { ...s.summaries, [info.name]: summary },
      }));
      await datasetActions.refresh();
    });
  },

  /** Fetch a self-hosted copy of the official files (same-origin or CORS-enabled URLs). */
  importUrl(url: string): Promise<void> {
    return guarded(`Fetching ${url}`, async () => {
      let parsed: URL;
      try {
        parsed = new URL(url, window.location.href);
      } catch {
        throw new Error(`"${url}" is not a URL`);
      }
      const response = await fetch(parsed);
      if (!response.ok) throw new Error(`${parsed}: HTTP ${response.status}`);
      const blob = await response.blob();
      const name = parsed.pathname.split('/').pop() || 'download';
      await datasetActions.importFiles([new File([blob], name)]);
    });
  },

  show(name: StoredDatasetName): Promise<void> {
    return guarded(`Counting ${name}`, async () => {
      const summary = await labClient.describeDataset(name);
      useDatasets.setState((s) => ({ summaries: { ...s.summaries, [name]: summary } }));
    });
  },

  remove(key: string): Promise<void> {
    return guarded(`Removing ${key}`, async () => {
      await labClient.deleteDataset(key);
      useDatasets.setState((s) => {
        const summaries = { ...s.summaries };
        delete summaries[key as StoredDatasetName];
        return { summaries };
      });
      await datasetActions.refresh();
    });
  },

  clear(): Promise<void> {
    return guarded('Clearing the dataset cache', async () => {
      await labClient.clearDatasets();
      useDatasets.setState({ summaries: {} });
      await datasetActions.refresh();
    });
  },
};
