/**
 * Cross-origin isolation: with these two headers on the page (and its worker), the browser sets
 * `crossOriginIsolated`, which SharedArrayBuffer and therefore threaded wasm need. Every
 * subresource must then be same-origin or carry Cross-Origin-Resource-Policy; the lab loads only
 * its own files. The dev and preview servers send them (vite.config.ts); static hosts need the
 * same two headers (public/_headers does it for Netlify and Cloudflare Pages; README "Hosting").
 */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
