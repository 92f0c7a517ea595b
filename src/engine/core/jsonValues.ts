/** Parsed JSON values: compared whatever their key order, and named in messages. */

/**
 * JSON with each object's keys sorted, so that the same value written in another key order
 * (a config read back, a spec re-typed) gives the same text: what identity comparisons key on.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

/**
 * A value named for a message without serialising it (it may be huge or nested deeply): a short
 * string quoted, a number or boolean as it is, else "a list" or "an object".
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value !== 'object' || value === null) return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}
