import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import viteConfig from '../vite.config';
import { ISOLATION_HEADERS } from '../isolationHeaders';

describe('cross-origin isolation headers', () => {
  it('COOP same-origin and COEP require-corp are what the lab asks for', () => {
    expect(ISOLATION_HEADERS['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(ISOLATION_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });

  it('the dev and preview servers both send them', () => {
    const config = viteConfig as {
      server?: { headers?: unknown };
      preview?: { headers?: unknown };
    };
    expect(config.server?.headers).toEqual(ISOLATION_HEADERS);
    expect(config.preview?.headers).toEqual(ISOLATION_HEADERS);
  });

  it('public/_headers (Netlify, Cloudflare Pages) sends the same headers for every path', () => {
    const lines = readFileSync(new URL('../public/_headers', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines[0]).toBe('/*');
    const sent = Object.fromEntries(
      lines.slice(1).map((l) => l.trim().split(/:\s*/) as [string, string]),
    );
    expect(sent).toEqual(ISOLATION_HEADERS);
  });
});
