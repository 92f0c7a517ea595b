/**
 * Hyper-parameter search in Node, by seed 002's protocol (see SEARCH_PROTOCOL).
 *
 *   npm run search -- --spec search.json [--out result.json] [--backend auto|wasm|cpu]
 *                     [--data <file> …] [--quiet]
 *   npm run search -- --resume result.json [--out other.json] …
 *
 * Prints (or writes) the SearchResult: every trial with its parameters and held-out accuracy, the
 * best one, and the best configuration retrained on all the data as a RunResult. With --out the
 * file is rewritten after every trial (`finished: false` until the end), so a search that was
 * stopped continues from it with --resume, to the same trials as an uninterrupted one.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printHelpIfAsked } from './cliHelp';
import { nodeData, readJson } from './nodeSources';
import { initBackend, unmetBackendRequest, type BackendRequest } from '../src/engine/core/backend';
import { BACKEND_REQUESTS } from '../src/engine/config/schema';
import {
  checkSearchSpec,
  runSearch,
  searchResultOf,
  SEARCH_PROTOCOL,
  type SearchResult,
  type SearchResume,
  type SearchSpec,
  type SearchTrial,
} from '../src/engine/search/protocol';
import { prepareOutputFile, writeAtomically } from './makeDirs';

const fmt = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

const USAGE = `
Hyper-parameter search in Node, by the protocol of Nguyen et al. 2023.

Usage: npm run search -- --spec search.json [flags]

Flags:
  --spec <search.json>    the search spec (base config, parameters, trials)
  --out <result.json>     write the SearchResult there instead of stdout, after every trial
  --resume <result.json>  continue the unfinished search of that --out file (its spec; --out
                          defaults to it): the trials done are not run again
  --backend <${BACKEND_REQUESTS.join('|')}>
  --data <file>           a dataset file (CIFAR-10/100, SVHN), repeatable
  --quiet                 no progress lines on stderr
  --help, -h              this text; --help fields (or --fields) lists the config fields
`;

/** The file a --resume names: its spec and trials, refused once finished. */
function readResume(path: string): SearchResume {
  const raw = readJson(path, '--resume') as Partial<SearchResult> | null;
  if (!raw || typeof raw !== 'object' || !('trials' in raw) || !('spec' in raw))
    throw new Error(`--resume ${path}: not a search result (npm run search -- --out writes one)`);
  if (raw.finished === true)
    throw new Error(`--resume ${path}: that search finished; there is nothing to continue`);
  return { spec: raw.spec, trials: raw.trials };
}

/** The SearchResult so far, rewritten after every trial (atomically: a stop never halves it). */
function partialWriter(path: string | undefined, spec: SearchSpec, earlier: SearchTrial[]) {
  const trials: SearchTrial[] = [...earlier];
  return (trial: SearchTrial) => {
    trials[trial.index] = trial;
    if (path)
      writeAtomically(
        path,
        JSON.stringify(searchResultOf(spec, trials.filter(Boolean), null, earlier.length), null, 1),
      );
  };
}

function progressLine(t: SearchTrial, best: SearchTrial | null, total: number): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${String(fmt(v))}`)
    .join(' ');
  const score = t.value === null ? `failed: ${t.error}` : `held-out acc ${fmt(t.value)}`;
  return `trial ${t.index + 1}/${total}  ${params}  ${score}  (best ${best ? fmt(best.value) : '—'})\n`;
}

async function main(): Promise<void> {
  if (printHelpIfAsked(process.argv.slice(2), USAGE)) return;
  const { values } = parseArgs({
    options: {
      spec: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      backend: { type: 'string' },
      data: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
    },
  });
  const resume = values.resume ? readResume(values.resume) : undefined;
  if (!values.spec && !resume)
    throw new Error('missing --spec <search.json> (or --resume <result.json>)');
  const spec = checkSearchSpec(values.spec ? readJson(values.spec, 'search spec') : resume?.spec);
  const out = values.out ?? values.resume;
  const request = (values.backend ?? 'auto') as BackendRequest;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(request))
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  if (out) prepareOutputFile(out, '--out');
  if (!values.quiet) process.stderr.write(`${SEARCH_PROTOCOL}\n`);
  const backend = await initBackend(request);
  const unmet = unmetBackendRequest(backend);
  if (unmet) throw new Error(unmet);
  // Checked by runSearch before the first trial, so before the first write.
  const earlier = Array.isArray(resume?.trials) ? (resume.trials as SearchTrial[]) : [];
  const resumed = earlier.length;
  const writePartial = partialWriter(out, spec, earlier);
  if (resume && !values.quiet)
    process.stderr.write(`resuming after ${resumed} of ${spec.trials} trials\n`);
  const result = await runSearch(spec, backend, {
    loadData: nodeData(values.data ?? []),
    resume,
    onTrial: (t, best) => {
      writePartial(t);
      if (!values.quiet) process.stderr.write(progressLine(t, best, spec.trials));
    },
  });
  if (!values.quiet && result.retrained)
    process.stderr.write(
      `retrained the best on all data: test acc ${String(fmt(result.retrained.final?.metrics.test_acc))}\n`,
    );
  const json = JSON.stringify(result, null, 1);
  if (out) writeFileSync(out, json);
  else process.stdout.write(json + '\n');
  if (!result.best) {
    process.stderr.write('no trial succeeded\n');
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`search: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
