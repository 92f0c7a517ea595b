import type { Plugin } from 'vite';

/**
 * Makes tfjs's threaded wasm factory survive minification. tfjs starts its pthread workers from
 * `factory.toString()`, so the factory must not refer to anything outside itself; it reads
 * `_scriptDir`, a variable of its enclosing closure, only behind `typeof _scriptDir !==
 * "undefined"`, which a minifier (seeing the declaration) folds into a bare reference to the
 * renamed variable: every worker then died with "ReferenceError: e is not defined" and the backend
 * hung. A property of globalThis is never renamed and is simply undefined in a worker.
 */
export function wasmThreadsSurviveMinify(): Plugin {
  const file = /tfjs-backend-wasm-threaded-simd\.js$/;
  return {
    name: 'nc-lab:wasm-threads-survive-minify',
    enforce: 'pre',
    transform(code, id) {
      if (!file.test(id.split('?')[0]) || !code.includes('_scriptDir')) return null;
      const global = 'globalThis.__tfjsWasmScriptDir';
      return {
        code: code.replace(/\bvar _scriptDir\b/g, global).replace(/\b_scriptDir\b/g, global),
        map: null,
      };
    },
  };
}
