/**
 * Hyper-parameter search in Node, by seed 002's protocol (see SEARCH_PROTOCOL).
 *
 *   npm run search -- --spec search.json [--out result.json] [--backend auto|wasm|cpu]
 *                     [--data <file> …] [--quiet]
 *
 * Prints (or writes) the SearchResult: every trial with its parameters and held-out accuracy, the
 * best one, and the best configuration retrained on all the data as a RunResult.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend, type BackendRequest } from '../src/engine/backend';
import { BACKEND_REQUESTS, type NetConfig } from '../src/engine/config/schema';
import { loadNetData } from '../src/engine/data/fromConfig';
import { datasetFromPaths, loadEmbeddedNode } from '../src/engine/data/node';
import type { PreparedData } from '../src/engine/data/types';
import { checkSearchSpec, runSearch, SEARCH_PROTOCOL } from '../src/engine/search/protocol';

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read search spec "${path}": ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`search spec "${path}" is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function nodeData(paths: string[]): (config: NetConfig) => Promise<PreparedData> {
  return (config) =>
    loadNetData(config, async (name) => {
      if (name === 'mnist' || name === 'fashion-mnist') return loadEmbeddedNode(name);
      if (!paths.length)
        throw new Error(`${name} needs its files: add --data <file> (e.g. the official archive)`);
      const dataset = await datasetFromPaths(paths);
      if (dataset.name !== name)
        throw new Error(`--data holds ${dataset.name}, but the search asks for ${name}`);
      return dataset;
    });
}

const fmt = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

async function main(): Promise<void> {
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
  const spec = checkSearchSpec(readJson(values.spec));
  const request = (values.backend ?? 'auto') as BackendRequest;
  if (!(BACKEND_REQUESTS as readonly string[]).includes(request))
    throw new Error(`--backend must be one of ${BACKEND_REQUESTS.join(', ')}`);
  if (!values.quiet) process.stderr.write(`${SEARCH_PROTOCOL}\n`);
  const backend = await initBackend(request);
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
