// A grid in the URL: `?grid=<the spec as JSON>`, so a link opens the lab with that grid loaded.
import { GridError, parseGridSpec, type GridSpec } from './spec';

export const GRID_PARAM = 'grid';
/** The page reads at most MAX_QUERY_LENGTH (4096) characters of query, config fields included. */
export const MAX_GRID_URL_CHARS = 3500;

/** The query-string part for a grid: `grid=…` (URL-encoded JSON). */
export function gridToQuery(spec: GridSpec): string {
  const query = `${GRID_PARAM}=${encodeURIComponent(JSON.stringify(spec))}`;
  if (query.length > MAX_GRID_URL_CHARS)
    throw new GridError(
      `the grid's link would be ${query.length} characters (limit ${MAX_GRID_URL_CHARS}): share the spec as a file`,
    );
  return query;
}

/** The grid a query string or URL carries, validated; null when it carries none. */
export function gridFromQuery(urlOrQuery: string): GridSpec | null {
  const q = urlOrQuery.includes('?') ? urlOrQuery.slice(urlOrQuery.indexOf('?') + 1) : urlOrQuery;
  const text = new URLSearchParams(q).get(GRID_PARAM);
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GridError(`the link's grid is not valid JSON: ${(error as Error).message}`);
  }
  return parseGridSpec(raw);
}
