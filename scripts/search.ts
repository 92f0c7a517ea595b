/**
 * Hyper-parameter search in Node, by seed 002's protocol (see SEARCH_PROTOCOL).
 *
 *   npm run search -- --spec search.json [--out result.json] [--backend auto|wasm|cpu]
 *                     [--data <file> …] [--quiet]
 *
 * Prints (or writes) the SearchResult: every trial with its parameters and held-out accuracy, the
 * best one, and the best configuration retrained on all the data as a RunResult.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printHelpIfAsked } from './cliHelp';
import { nodeData, readJson } from './nodeSources';
import { initBackend, unmetBackendRequest, type BackendRequest } from '../src/engine/core/backend';
import { BACKEND_REQUESTS } from '../src/engine/config/schema';
import { checkSearchSpec, runSearch, SEARCH_PROTOCOL } from '../src/engine/search/protocol';
import { prepareOutputFile } from './makeDirs';

const fmt = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

const USAGE = `
Hyper-parameter search in Node, by the protocol of Nguyen et al. 2023.

Usage: npm run search -- --spec search.json [flags]

Flags:
  --spec <search.json>    the search spec (base config, parameters, trials)
  --out <result.json>     write the SearchResult there instead of stdout
  --backend <${BACKEND_REQUESTS.join('|')}>
  --data <file>           a dataset file (CIFAR-10/100, SVHN), repeatable
  --quiet                 no progress lines on stderr
  --help, -h              this text; --help fields (or --fields) lists the config fields
`;

async function main(): Promise<void> {
  if (printHelpIfAsked(process.argv.slice(2), USAGE)) return;
  const { values } = parseArgs({
    options: {
      spec: { type: 'string' },
      out: { type: 'string' },
      backend: { type: 'string' },
      data: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.spec) throw new Error('missing --spec <search.json>');
  const spec = checkSearchSpec(readJson(values.spec, 'search spec'));
  const request = (values.backend ?? 'auto') as BackendRequest;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(request))
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  if (values.out) prepareOutputFile(values.out, '--out');
  if (!values.quiet) process.stderr.write(`${SEARCH_PROTOCOL}\n`);
  const backend = await initBackend(request);
  const unmet = unmetBackendRequest(backend);
  if (unmet) throw new Error(unmet);
  const result = await runSearch(spec, backend, {
    loadData: nodeData(values.data ?? []),
    onTrial: (t, best) => {
      if (values.quiet) return;
      const params = Object.entries(t.params)
        .map(([k, v]) => `${k}=${String(fmt(v))}`)
        .join(' ');
      const score = t.value === null ? `failed: ${t.error}` : `held-out acc ${fmt(t.value)}`;
      process.stderr.write(
        `trial ${t.index + 1}/${spec.trials}  ${params}  ${score}  (best ${best ? fmt(best.value) : '—'})\n`,
      );
    },
  });
  if (!values.quiet && result.retrained)
    process.stderr.write(
      `retrained the best on all data: test acc ${String(fmt(result.retrained.final?.metrics.test_acc))}\n`,
    );
  const json = JSON.stringify(result, null, 1);
  if (values.out) writeFileSync(values.out, json);
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
