import seedrandom from 'seedrandom';

/**
 * Seeded random numbers drawn in JavaScript, so the initial state of a run is the same on every
 * backend (tfjs's own seeded ops also draw on the CPU, but seed 0 silently means "unseeded").
 */
export interface Rng {
  uniform(): number;
  normal(mean: number, std: number): number;
}

export function createRng(seed: number | string): Rng {
  const next = seedrandom.alea(String(seed));
  let spare: number | null = null;
  return {
    uniform: () => next(),
    normal(mean, std) {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + std * z;
      }
      // Box–Muller; 1 − u keeps the logarithm finite.
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + std * r * Math.cos(2 * Math.PI * v);
    },
  };
}

export function normalArray(rng: Rng, length: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal(mean, std);
  return out;
}

export function uniformArray(rng: Rng, length: number, low: number, high: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = low + (high - low) * rng.uniform();
  return out;
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
