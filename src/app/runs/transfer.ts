import { parseImportText, toBundle, toLongCsv, type NamedResult } from '../../engine/runs/exchange';
import type { RunRecord } from '../../engine/runs/record';
import { refreshRuns, runLibrary, runsActions } from './runsStore';

/** The kept runs `ids` as RunResults with their names and tags (missing ones skipped). */
async function namedResults(ids: string[]): Promise<NamedResult[]> {
  const out: NamedResult[] = [];
  for (const id of ids) {
    const [kept, result] = await Promise.all([runLibrary.get(id), runLibrary.result(id)]);
    if (kept && result)
      out.push({
        name: kept.record.name,
        tags: kept.record.tags,
        result,
        createdAt: new Date(kept.record.createdAt).toISOString(),
      });
  }
  return out;
}

/** A selection as one JSON bundle, or as long-format CSV (run, step, key, layer, value). */
export async function exportRuns(ids: string[], format: 'json' | 'csv'): Promise<string> {
  const runs = await namedResults(ids);
  if (format === 'json') return JSON.stringify(toBundle(runs));
  // Names can repeat; the CSV's run column must tell runs apart.
  const seen = new Map<string, number>();
  return toLongCsv(
    runs.map((r) => {
      const n = (seen.get(r.name) ?? 0) + 1;
      seen.set(r.name, n);
      return { name: n > 1 ? `${r.name} (${n})` : r.name, history: r.result.history };
    }),
  );
}

/**
 * Keep the runs of a JSON file (a RunResult, a list of them, an export bundle or a grid's
 * results); a damaged file is refused whole with a RunImportError naming it. A run already in
 * the library (the same export imported again) is skipped, and a note in the Runs panel says how
 * many were.
 */
export async function importRunsText(text: string, fileName: string): Promise<RunRecord[]> {
  const runs = parseImportText(text, fileName);
  const { kept, skipped, notes } = await runLibrary.importNew(runs);
  for (const n of notes) runsActions.note(n);
  if (skipped > 0) runsActions.note(skippedNote(fileName, skipped, runs.length));
  await refreshRuns();
  return kept;
}

/** "runs.json: 2 of 3 runs were skipped as already in the library." */
export function skippedNote(fileName: string, skipped: number, total: number): string {
  const what =
    total === 1
      ? 'its run was'
      : skipped === total
        ? `all ${total} runs were`
        : `${skipped} of ${total} runs were`;
  return `${fileName}: ${what} skipped as already in the library.`;
}

/** A file to import: a dropped or chosen `File`, or anything that reads as text. */
export interface ImportFile {
  name: string;
  text(): Promise<string>;
}

/**
 * Import each file on its own: a damaged file is named in `failures` and the files after it still
 * come in (stopping at the first left the rest of a drop unread and unreported).
 */
export async function importRunFiles(
  files: readonly ImportFile[],
  importOne: (text: string, fileName: string) => Promise<unknown> = importRunsText,
): Promise<{ imported: string[]; failures: string[] }> {
  const imported: string[] = [];
  const failures: string[] = [];
  for (const file of files) {
    try {
      await importOne(await file.text(), file.name);
      imported.push(file.name);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { imported, failures };
}

/** A file name that says what it holds: "nc-lab-3-runs-2026-12-03.csv". */
export function exportFileName(count: number, ext: string): string {
  const day = new Date().toISOString().slice(0, 10);
  return `nc-lab-${count}-run${count === 1 ? '' : 's'}-${day}.${ext}`;
}
