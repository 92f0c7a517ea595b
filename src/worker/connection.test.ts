import { describe, expect, it } from 'vitest';
import { BACKEND_REQUESTS } from '../engine/config/schema';
import { backendOfSearch } from './connection';

describe('backendOfSearch: the backend the prestarted worker initialises', () => {
  it('is the one the address names', () => {
    expect(backendOfSearch('?backend=wasm')).toBe('wasm');
    expect(backendOfSearch('?preset=tiny-check&backend=webgpu&autorun=1')).toBe('webgpu');
    expect(backendOfSearch('backend=cpu')).toBe('cpu');
    // every backend a config may ask for
    for (const request of BACKEND_REQUESTS)
      expect(backendOfSearch(`?backend=${request}`)).toBe(request);
  });

  it("is 'auto' when the address names none, or a name the config would refuse", () => {
    expect(backendOfSearch('')).toBe('auto');
    expect(backendOfSearch('?preset=tiny-check')).toBe('auto');
    expect(backendOfSearch('?backend=WASM')).toBe('auto');
    expect(backendOfSearch('?backend=toString')).toBe('auto');
    expect(backendOfSearch('?backend=')).toBe('auto');
  });
});
