// Property-based fuzzing of config JSON and share URLs (issue 14, finding 7): presets' configs
// with fields replaced by hostile values, and their share URLs with parameters replaced or
// added. Every outcome is a config the schema accepts, or a ConfigError; never another error.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkBounds, fuzzParameters, runCase } from '../testing/fuzz';
import { PRESETS } from './presets';
import { resolveConfig } from './resolve';
import { ConfigError, experimentConfigSchema } from './schema';
import { parseQuery, shareUrl } from './url';

const HOSTILE_VALUES: unknown[] = [
  null,
  -1,
  0,
  Infinity,
  1e308,
  2 ** 31,
  2 ** 53,
  0.5,
  '',
  'x',
  '__proto__',
  [],
  [1e9],
  {},
  true,
  Array.from({ length: 200 }, () => 1),
];
const HOSTILE_TEXT = [
  '',
  '1e999',
  'NaN',
  '-1',
  '99999999999',
  '0x10',
  '1,2,,3',
  '__proto__',
  'constructor',
  'toString',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  'a'.repeat(5000),
  '1e-400',
];

function checkOutcome(r: Awaited<ReturnType<typeof runCase>>, what: string): void {
  checkBounds(r, what);
  if (r.ok) {
    const again = experimentConfigSchema.safeParse(r.value);
    if (!again.success) throw new Error(`${what}: an accepted config fails the schema`);
  } else if (!(r.error instanceof ConfigError)) {
    throw new Error(`${what}: not a ConfigError: ${String((r.error as Error)?.stack ?? r.error)}`);
  }
}

describe('fuzz: config JSON', () => {
  it('a preset config with fields replaced, removed or added resolves or is refused with a ConfigError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(PRESETS.length - 1),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom(...HOSTILE_VALUES),
            fc.constantFrom('set', 'delete', 'add'),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (which, edits) => {
          const config: Record<string, unknown> = JSON.parse(JSON.stringify(PRESETS[which].config));
          for (const [at, value, op] of edits) {
            const keys = Object.keys(config);
            const key =
              op === 'add' ? ['__proto__', 'constructor', 'extra'][at % 3] : keys[at % keys.length];
            if (op === 'delete') delete config[key];
            else config[key] = value;
          }
          // through JSON text, as a pasted or loaded config arrives
          const text = JSON.stringify(config);
          checkOutcome(await runCase(() => resolveConfig(JSON.parse(text))), 'config JSON');
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: share URLs', () => {
  it('a share URL with parameters replaced or added parses or is refused with a ConfigError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(PRESETS.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_TEXT), fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.boolean(),
        async (which, edits, raw) => {
          const url = new URL(shareUrl('http://localhost:4573/', PRESETS[which].config, true));
          for (const [at, value, add] of edits) {
            const keys = [...url.searchParams.keys()];
            const key = add
              ? ['__proto__', 'constructor', 'v', 'preset', 'experiment'][at % 5]
              : keys[at % keys.length];
            url.searchParams.set(key, value);
          }
          // the query also arrives as raw text (a pasted link), where % escapes may be broken
          const input = raw ? url.search.replace(/%25/g, '%') : url.toString();
          checkOutcome(await runCase(() => parseQuery(input).config), 'share URL');
        },
      ),
      fuzzParameters(150),
    );
  });
});

describe('fuzz: pasted link text', () => {
  it('a share URL cut, with characters inserted, parses or is refused with a ConfigError (was a TypeError for "http://[")', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(PRESETS.length - 1),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 8 }),
        async (which, cut, at, inserted) => {
          const url = shareUrl('http://localhost:4573/', PRESETS[which].config, true);
          const head = url.slice(0, 1 + (cut % url.length));
          const i = at % (head.length + 1);
          const text = head.slice(0, i) + inserted + head.slice(i);
          checkOutcome(await runCase(() => parseQuery(text).config), 'pasted link');
        },
      ),
      fuzzParameters(150),
    );
    checkOutcome(await runCase(() => parseQuery('http://[').config), 'http://[');
  });
});
