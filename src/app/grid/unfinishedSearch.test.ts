import { beforeEach, describe, expect, it, vi } from 'vitest';
import { readUnfinishedSearch, rememberSearch, sameSpec } from './unfinishedSearch';

/** The browser's localStorage, as far as the module uses it (Node has none). */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

describe('the unfinished search kept in this browser', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));

  it('keeps the spec and trials across a reload, and forgets them once finished', () => {
    const trial = {
      index: 0,
      params: { lr: 0.01 },
      value: 0.5,
      status: 'completed' as const,
      valAccuracy: 0.5,
      testAccuracy: 0.4,
      epochs: 3,
    };
    rememberSearch({ spec: { trials: 4 }, trials: [trial] });
    expect(readUnfinishedSearch()).toEqual({ spec: { trials: 4 }, trials: [trial] });
    rememberSearch(null);
    expect(readUnfinishedSearch()).toBeNull();
  });

  it('offers nothing for damaged storage', () => {
    localStorage.setItem('nclab.search.unfinished', '{"spec": 1, "trials": 3}');
    expect(readUnfinishedSearch()).toBeNull();
    localStorage.setItem('nclab.search.unfinished', 'not json');
    expect(readUnfinishedSearch()).toBeNull();
  });

  it('a spec re-typed with its keys in another order is the same spec; another value is not', () => {
    expect(sameSpec({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 })).toBe(
      true,
    );
    expect(sameSpec({ a: 1, b: [1, 2] }, { a: 1, b: [2, 1] })).toBe(false);
  });
});
