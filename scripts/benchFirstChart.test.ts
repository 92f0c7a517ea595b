import { describe, expect, it } from 'vitest';
import { initialScripts } from './benchFirstChart';

describe('initialScripts: the JS a page loads before anything else', () => {
  it("counts index.html's entry scripts and module preloads, not stylesheets or lazy chunks", () => {
    const html = `<!doctype html><head>
      <script type="module" crossorigin src="/assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
      <link rel="stylesheet" crossorigin href="/assets/index-ghi.css">
      </head><body><div id="root"></div></body>`;
    expect(initialScripts(html)).toEqual(['/assets/index-abc.js', '/assets/vendor-def.js']);
  });
});
