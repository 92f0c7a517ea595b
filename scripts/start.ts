/**
 * `npm start`: the lab as users get it. Builds the production bundle when the sources are newer
 * than dist/ (or it is missing), then serves dist/ with `vite preview` and prints the URL to open.
 * No dependency optimiser runs at request time, so the first visit works on a cold cache.
 *
 *   npm start [-- --port 5173]
 *
 * `npm run dev` is the development server (hot reload) instead.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build, preview } from 'vite';

/** What the bundle is built from; public/datasets is the dataset builder's own output. */
const SOURCES = ['src', 'index.html', 'public', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (path === 'public' && (entry === 'datasets' || entry === 'tfjs-wasm')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function needsBuild(): boolean {
  const built = join('dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > builtAt) || !datasetsCopied();
}

/**
 * Whether dist/ holds the datasets public/ has (their manifest, the last file the builder
 * writes): a dist/ built before them (a bare `vite build`) served the page in their place, and
 * every MNIST preset failed to load (the walk above leaves the generated folders out).
 */
export function datasetsCopied(root = '.'): boolean {
  const manifest = join('datasets', 'manifest.json');
  const source = join(root, 'public', manifest);
  const copy = join(root, 'dist', manifest);
  if (!existsSync(source)) return true;
  return existsSync(copy) && readFileSync(copy, 'utf8') === readFileSync(source, 'utf8');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '5173' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port must be a whole number from 1 to 65535, got "${values.port}"`);

  if (needsBuild()) {
    process.stdout.write('Building the lab (vite build, about a minute on two cores)…\n');
    await build({ logLevel: 'warn' });
  } else {
    process.stdout.write('The build in dist/ is up to date.\n');
  }
  const server = await preview({ logLevel: 'warn', preview: { port, strictPort: true } });
  const url = server.resolvedUrls?.local[0] ?? `http://localhost:${port}/`;
  process.stdout.write(`\nNC Lab is ready: open ${url}\n(Ctrl+C stops it.)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
