/**
 * The page's wasm threads setting, read without the config schema: the page's entry script reads
 * it before the app (and zod) has loaded (src/worker/connection.ts).
 */

/** 'auto' (chosen per job from its size) or a fixed count the user asked for. */
export type ThreadChoice = 'auto' | number;

/** tfjs's wasm thread pool takes at most this many threads. */
export const MAX_WASM_THREADS = 8;

/** The `threads` value of a page address or CLI option: 'auto' or a whole number 1…8. */
export function parseThreadChoice(text: string): ThreadChoice | { error: string } {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_WASM_THREADS) {
    return {
      error: `threads must be auto or a whole number from 1 to ${MAX_WASM_THREADS}, got "${text}"`,
    };
  }
  return n;
}
