// Mutations of parsed JSON for the fuzz suites of the run library's imports and checkpoints
// (fuzz.test.ts, checkpointFuzz.test.ts): a value set to a hostile one, deleted, duplicated,
// nested deeply, or a `__proto__` / `constructor` key added, then written back to text. Numbers
// JSON.stringify cannot write (1e999, a value nested 100 000 levels deep) go in as raw tokens.
import fc from 'fast-check';

const RAW = '@@raw@@';

/** A token written into the text as it is (not as a string): `raw('1e999')`. */
export const raw = (token: string): string => `${RAW}${token}${RAW}`;

/** JSON text of `value`, raw tokens unquoted. */
export function toText(value: unknown): string {
  return JSON.stringify(value).replace(new RegExp(`"${RAW}(.*?)${RAW}"`, 'g'), '$1');
}

/** Far deeper than any stack allows a recursive walk (JSON.parse itself reads it). */
export const DEEP = raw('['.repeat(100_000) + '1' + ']'.repeat(100_000));

export const HOSTILE_JSON: unknown[] = [
  null,
  -1,
  0,
  1,
  0.5,
  2 ** 31,
  2 ** 53,
  1e308,
  raw('1e999'),
  raw('-1e999'),
  raw('1e-400'),
  '',
  'x',
  'NaN',
  '1e999',
  '-1',
  '__proto__',
  'A',
  'AAAA',
  'AA==',
  '=AAA',
  'AAA!',
  [],
  [1e9],
  [2 ** 31, 2 ** 31],
  [-1],
  {},
  true,
  Array.from({ length: 200 }, () => 1),
  DEEP,
];

export type JsonEdit =
  | { op: 'set'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'key'; at: number; key: number; value: number }
  | { op: 'swap'; at: number; from: number };

export const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.nat(HOSTILE_JSON.length - 1),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('key' as const),
    at: fc.nat(),
    key: fc.nat(2),
    value: fc.nat(HOSTILE_JSON.length - 1),
  }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), from: fc.nat() }),
);

export const jsonEdits = fc.array(jsonEdit, { minLength: 1, maxLength: 3 });

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string;
  path: string;
}

/** Every value under the root, as (parent, key) slots, in a fixed order (iterative). */
export function slots(root: unknown, filter?: (s: Slot) => boolean): Slot[] {
  const out: Slot[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (!value || typeof value !== 'object') continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, v] = entries[i];
      const slot = { parent: value as Container, key, path: path ? `${path}.${key}` : key };
      if (!filter || filter(slot)) out.push(slot);
      stack.push({ value: v, path: slot.path });
    }
  }
  return out;
}

function setOwn(target: Container, key: string, value: unknown): void {
  // an own property even for `__proto__`, as JSON.parse makes one
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/** A deep copy (the values are JSON: no cycles, at most moderately deep). */
function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Applies the edits to a copy of `root` (slots chosen among those `filter` keeps, wrapping
 * around) and returns the JSON text.
 */
export function editJson(
  root: unknown,
  edits: readonly JsonEdit[],
  filter?: (s: Slot) => boolean,
): string {
  const doc = copy(root);
  for (const e of edits) {
    const all = slots(doc, filter);
    if (all.length === 0) break;
    const { parent, key } = all[e.at % all.length];
    switch (e.op) {
      case 'set':
        setOwn(parent, key, copy(HOSTILE_JSON[e.value]));
        break;
      case 'delete':
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 'duplicate': {
        const value = (parent as Record<string, unknown>)[key];
        if (Array.isArray(parent)) parent.splice(Number(key), 0, copy(value));
        else if (Array.isArray(value) && value.length) value.push(copy(value[value.length - 1]));
        else setOwn(parent, `${key}_copy`, copy(value));
        break;
      }
      case 'key': {
        const target = (parent as Record<string, unknown>)[key];
        const into =
          target && typeof target === 'object' && !Array.isArray(target) ? target : parent;
        if (Array.isArray(into)) break;
        setOwn(
          into as Container,
          ['__proto__', 'constructor', 'toString'][e.key],
          copy(HOSTILE_JSON[e.value]),
        );
        break;
      }
      case 'swap': {
        const other = slots(doc)[e.from % slots(doc).length];
        setOwn(parent, key, copy((other.parent as Record<string, unknown>)[other.key]));
        break;
      }
    }
  }
  return toText(doc);
}
