// Shared pieces of the property-based fuzz suites (issue 14): run counts and seed, byte-level
// mutations of valid files, and the per-case bounds on time and memory every outcome must meet.
import fc from 'fast-check';

/**
 * CI runs a fixed seed and a bounded number of cases per format. A longer run:
 *   FUZZ_RUNS=2000 npx vitest run fuzz            (random seed, printed on failure)
 *   FUZZ_RUNS=2000 FUZZ_SEED=123 npx vitest run fuzz   (reproducible)
 */
const CI_SEED = 20_261_203;
const envRuns = Number(process.env.FUZZ_RUNS ?? '');
const envSeed = process.env.FUZZ_SEED === undefined ? NaN : Number(process.env.FUZZ_SEED);
export const FUZZ_SEED = Number.isInteger(envSeed)
  ? envSeed
  : Number.isInteger(envRuns) && envRuns > 0
    ? Date.now() % 2 ** 31
    : CI_SEED;

/** fast-check parameters for one format: `ciRuns` cases in CI, FUZZ_RUNS when set. */
export function fuzzParameters<T>(ciRuns: number): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: Number.isInteger(envRuns) && envRuns > 0 ? envRuns : ciRuns,
    // async properties: a case still running after this is a failure (a hang)
    timeout: CASE_TIME_MS,
    endOnFailure: true,
  };
}

/** Wall-clock bound of one case (a parse of a file of a few KB takes milliseconds). */
export const CASE_TIME_MS = 5_000;

/**
 * Bound on the ArrayBuffer memory live at any sampling point of one case, above what was live
 * before it: 64 MiB for inputs of at most a few tens of KB. A parser that allocates from a size a
 * header claims (gigabytes) fails it; one that grows with the data stays far below.
 */
export const CASE_MEMORY_BYTES = 64 * 1024 * 1024;

/** Samples live ArrayBuffer bytes; the peak above the start is what the memory bound checks. */
export class MemoryProbe {
  private readonly start = process.memoryUsage().arrayBuffers;
  private peak = 0;

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().arrayBuffers - this.start);
  }

  /** Peak bytes above the start (sampled once more now). */
  peakBytes(): number {
    this.sample();
    return this.peak;
  }
}

/** The bytes as a stream of small chunks, sampling memory between chunks (the parser runs in between). */
export async function* chunked(
  bytes: Uint8Array,
  size: number,
  probe: MemoryProbe,
): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < bytes.length; o += size) {
    probe.sample();
    yield bytes.slice(o, o + size);
  }
  probe.sample();
}

/** Values a hostile or careless header holds: zero, one, sign and width edges, big counts. */
export const HOSTILE_WORDS = [
  0,
  1,
  2,
  255,
  256,
  3073,
  65_535,
  300_000,
  1_300_000,
  2 ** 24,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
];

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; value: number; littleEndian: boolean }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'delete'; at: number; length: number };

/** Positions favour the first 600 bytes, where headers, tags and sizes live. */
const position = fc.oneof(fc.nat(600), fc.nat(1 << 20));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.nat(255) }),
  fc.record({
    kind: fc.constant('word' as const),
    at: position,
    value: fc.oneof(fc.constantFrom(...HOSTILE_WORDS), fc.nat()),
    littleEndian: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 4096 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: position,
    length: fc.integer({ min: 1, max: 4096 }),
  }),
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** Applies the mutations in order (positions wrap around the current length). */
export function mutate(bytes: Uint8Array, list: readonly Mutation[]): Uint8Array {
  let b = bytes.slice();
  for (const m of list) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'flip':
        b[at] ^= 1 << m.bit;
        break;
      case 'byte':
        b[at] = m.value;
        break;
      case 'word': {
        if (at + 4 > b.length) break;
        new DataView(b.buffer, b.byteOffset).setUint32(at, m.value >>> 0, m.littleEndian);
        break;
      }
      case 'duplicate': {
        const part = b.slice(at, at + m.length);
        const out = new Uint8Array(b.length + part.length);
        out.set(b.subarray(0, at + part.length));
        out.set(part, at + part.length);
        out.set(b.subarray(at + part.length), at + 2 * part.length);
        b = out;
        break;
      }
      case 'delete': {
        const out = new Uint8Array(Math.max(0, b.length - Math.min(m.length, b.length - at)));
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + m.length), at);
        b = out;
        break;
      }
    }
  }
  return b;
}

/** Runs one case: its outcome (value or thrown error), elapsed time and peak memory. */
export async function runCase<T>(
  run: (probe: MemoryProbe) => Promise<T> | T,
): Promise<
  | { ok: true; value: T; ms: number; bytes: number }
  | { ok: false; error: unknown; ms: number; bytes: number }
> {
  const probe = new MemoryProbe();
  const t0 = performance.now();
  try {
    const value = await run(probe);
    return { ok: true, value, ms: performance.now() - t0, bytes: probe.peakBytes() };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0, bytes: probe.peakBytes() };
  }
}

/** Throws (failing the property) unless the case met the time and memory bounds. */
export function checkBounds(r: { ms: number; bytes: number }, what: string): void {
  if (r.ms > CASE_TIME_MS)
    throw new Error(`${what}: took ${r.ms.toFixed(0)} ms (bound ${CASE_TIME_MS} ms)`);
  if (r.bytes > CASE_MEMORY_BYTES)
    throw new Error(`${what}: ${r.bytes} bytes of ArrayBuffers live (bound ${CASE_MEMORY_BYTES})`);
}

/** Throws unless `error` is of one of the typed refusal classes and its message names `file`. */
export function checkRefusal(
  error: unknown,
  classes: readonly (abstract new (...args: never[]) => Error)[],
  names: readonly string[],
): void {
  if (!classes.some((c) => error instanceof c)) {
    throw new Error(`not a typed refusal: ${String((error as Error)?.stack ?? error)}`);
  }
  const message = (error as Error).message;
  if (!names.some((n) => message.includes(n)))
    throw new Error(`the refusal does not name the file (${names.join(' / ')}): ${message}`);
}

/** Half the time no random damage, so a header-size claim alone reaches the parser intact. */
export const maybeMutations: fc.Arbitrary<Mutation[]> = fc.oneof(
  fc.constant<Mutation[]>([]),
  mutations,
);
