import { describe, expect, it } from 'vitest';
import { parseTorchReference, ratios, runTorchReference } from './benchTorch';

const ref = parseTorchReference(
  JSON.stringify({
    meta: { torch: '1.13.1', threads: 1, blas: 'openblas' },
    rows: {
      'seed-imbalanced-m3': { value: 10, unit: 'steps/s' },
      'streaming-metrics': { value: 0.8, unit: 's/pass' },
    },
  }),
  'ref.json',
);

describe('the PyTorch column of npm run bench', () => {
  it('ratio = lab speed ÷ PyTorch speed: steps/s divide directly, seconds a pass invert', () => {
    const r = ratios(
      [
        { key: 'seed-imbalanced-m3', label: 'UFM d=2048 M=3', value: 8 },
        { key: 'streaming-metrics', label: 'streaming', value: 1.6 },
        { key: 'not-in-reference', label: 'x', value: 1 },
      ],
      ref,
    );
    expect(r.map((x) => [x.key, x.ratio])).toEqual([
      ['seed-imbalanced-m3', 0.8],
      ['streaming-metrics', 0.5],
    ]);
  });

  it('a file that is not a torch_reference.py result is refused naming the bad field', () => {
    expect(() => parseTorchReference('{', 'r.json')).toThrow('r.json is not JSON');
    expect(() =>
      parseTorchReference(
        JSON.stringify({
          meta: { torch: '2', threads: 1 },
          rows: { a: { value: -1, unit: 'steps/s' } },
        }),
        'r.json',
      ),
    ).toThrow('r.json is not a torch_reference.py result: rows.a.value');
  });

  it('an interpreter that fails or cannot start is named, with the way to pick another', async () => {
    const opts = { threads: 1, device: 'cpu', large: false };
    const out = 'bench-results/never-written.json';
    // node cannot run the Python script: it exits non-zero, as a python3 without torch does
    await expect(runTorchReference(process.execPath, out, opts)).rejects.toThrow(
      /^bench\/torch_reference\.py exited with 1 under .+ \(its message is above; if it could not import torch, name an interpreter that can with --python/,
    );
    await expect(runTorchReference('/nonexistent/python3', out, opts)).rejects.toThrow(
      /^could not start \/nonexistent\/python3: /,
    );
  });
});
