import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../engine/metrics/npy';
import { notNpyFiles } from './featuresStore';

describe('files dropped on Measure your features', () => {
  it('a .npy file that does not start with NumPy’s header is named from its first bytes; other files are not judged', async () => {
    const good = new File([Uint8Array.from(writeNpy([1, 2, 3], [3], 'f4'))], 'features.npy');
    const random = new File([new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])], 'rnd.npy');
    const short = new File([new Uint8Array([0x93])], 'tiny.NPY');
    const json = new File(['[0, 1]'], 'labels.json');
    expect(await notNpyFiles([good, random, short, json])).toEqual(['rnd.npy', 'tiny.NPY']);
  });
});
