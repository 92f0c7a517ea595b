/**
 * The one grammar of numbers and number lists typed by people: the config form, share URLs, the
 * noise-sweep inputs and the command line all read them here, so "1, 2 3," means the same
 * everywhere. Entries are separated by commas and/or spaces; empty entries (a trailing comma) are
 * skipped; a number is written in decimal, optionally signed and with an exponent ("5e-4").
 */

const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A decimal number, or undefined ("0x10", "1e", "Infinity" and "" are not numbers). */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

export type NumberListReading = { ok: true; values: number[] } | { ok: false; message: string };

/**
 * "100, 100 50," → [100, 100, 50]; "" → [] (the caller decides whether empty is allowed). With
 * `integer`, entries must be whole numbers. A failure names every bad entry.
 */
export function parseNumberList(
  text: string,
  options: { integer?: boolean } = {},
): NumberListReading {
  const entries = text.split(/[,\s]+/).filter(Boolean);
  const bad = entries.filter((e) => {
    const n = parseNumber(e);
    return n === undefined || (options.integer === true && !Number.isInteger(n));
  });
  if (bad.length) {
    const what = options.integer ? 'integer' : 'number';
    const quoted = bad.map((e) => `"${e}"`).join(', ');
    return {
      ok: false,
      message:
        bad.length === 1 ? `${quoted} is not ${article(what)}` : `${quoted} are not ${what}s`,
    };
  }
  return { ok: true, values: entries.map((e) => parseNumber(e) as number) };
}

/** Joins a list the way the readers above read it back: "100, 100, 50". */
export function formatNumberList(values: readonly number[]): string {
  return values.join(', ');
}
