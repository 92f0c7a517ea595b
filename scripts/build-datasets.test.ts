import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assetsComplete, buildDatasets } from './build-datasets';
import { loadEmbedded, type FetchLike } from '../src/engine/data/embedded';
import { readMnistPackage } from '../src/engine/data/node';
import { EXTERNAL } from '../src/engine/testing/externalConstants';

const dir = mkdtempSync(join(tmpdir(), 'nc-datasets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = 'http://lab.test/datasets/';
/** fetch over the asset folder, as the browser would see public/datasets. */
const fileFetch: FetchLike = async (url) => {
  const path = join(dir, url.slice(BASE.length));
  if (!url.startsWith(BASE) || !existsSync(path))
    return new Response('not found', { status: 404, statusText: 'Not Found' });
  return new Response(readFileSync(path));
};

describe('scripts/build-datasets.ts and the browser loader', () => {
  it('writes gzipped IDX assets + manifest once, then finds them up to date', () => {
    expect(assetsComplete(dir, ['mnist'])).toBe(false);
    expect(buildDatasets(dir, false, () => {}, ['mnist'])).toBe(true);
    expect(assetsComplete(dir, ['mnist'])).toBe(true);
    expect(buildDatasets(dir, false, () => {}, ['mnist'])).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const { train, test } = EXTERNAL.mnist;
    expect(manifest.datasets.mnist.counts).toEqual({ train, test });
  });

  it('loadEmbedded fetches and decodes them to exactly the node_modules data, reporting progress', async () => {
    const progress: [number, string][] = [];
    const ds = await loadEmbedded('mnist', fileFetch, (f, m) => progress.push([f, m]), {
      baseUrl: BASE,
    });
    const ref = readMnistPackage();
    expect(ds.shape).toEqual(ref.shape);
    expect(ds.classes).toEqual(ref.classes);
    expect(ds.splitNote).toBe(ref.splitNote);
    expect(Buffer.from(ds.train.images).equals(Buffer.from(ref.train.images))).toBe(true);
    expect(Buffer.from(ds.test.images).equals(Buffer.from(ref.test.images))).toBe(true);
    expect(Array.from(ds.train.labels)).toEqual(Array.from(ref.train.labels));
    expect(Array.from(ds.test.labels)).toEqual(Array.from(ref.test.labels));
    expect(progress.at(-1)?.[0]).toBe(1);
    expect(progress.some(([, m]) => m.includes('train-images-idx3-ubyte.gzbin'))).toBe(true);
  });

  it('refuses a missing dataset, a missing manifest and a truncated asset, naming the file', async () => {
    await expect(
      loadEmbedded('fashion-mnist', fileFetch, undefined, { baseUrl: BASE }),
    ).rejects.toThrow(/manifest\.json: no embedded dataset "fashion-mnist" \(has mnist\)/);
    await expect(
      loadEmbedded('mnist', fileFetch, undefined, { baseUrl: 'http://lab.test/nowhere/' }),
    ).rejects.toThrow(/nowhere\/manifest\.json: HTTP 404 Not Found/);
    const labels = join(dir, 'mnist', 't10k-labels-idx1-ubyte.gzbin');
    writeFileSync(labels, readFileSync(labels).subarray(0, 100));
    await expect(loadEmbedded('mnist', fileFetch, undefined, { baseUrl: BASE })).rejects.toThrow(
      /mnist\/t10k-labels-idx1-ubyte\.gzbin: 100 bytes, the manifest says \d+ \(truncated download\?\)/,
    );
    expect(assetsComplete(dir, ['mnist'])).toBe(false);
  });

  it('says the datasets are missing when the server answers with its web page (an SPA host)', async () => {
    const page = '<!doctype html><html><body>NC Lab</body></html>';
    const spaFetch: FetchLike = async () =>
      new Response(page, { headers: { 'content-type': 'text/html' } });
    await expect(loadEmbedded('mnist', spaFetch, undefined, { baseUrl: BASE })).rejects.toThrow(
      /datasets\/manifest\.json: the server answered with a web page, not this file \(the embedded datasets are not on this server: npm start and npm run build make them/,
    );
    // the same page without a content type is still named, not left to JSON.parse's own words
    const untyped: FetchLike = async () => new Response(new TextEncoder().encode(page));
    await expect(loadEmbedded('mnist', untyped, undefined, { baseUrl: BASE })).rejects.toThrow(
      /manifest\.json: not JSON \(starts "<!doctype html><html><body>NC Lab<\/body>"; the embedded datasets are not on this server/,
    );
  });
});
