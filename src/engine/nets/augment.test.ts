import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, parseConfig, type NetConfig } from '../config/schema';
import { createRng, normalArray } from '../core/rng';
import { augmentBatch, drawAugmentation } from './augment';
import { NetSession } from './session';
import { preparedFromArrays } from '../data/fromArrays';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('CIFAR augmentation: random crop with padding 4 and horizontal flip', () => {
  it('draws are seeded: the same key gives the same offsets and flips, another key others', () => {
    const a = drawAugmentation('1/augment/0/0', 500);
    expect(drawAugmentation('1/augment/0/0', 500)).toEqual(a);
    expect(drawAugmentation('1/augment/0/1', 500)).not.toEqual(a);
    for (const v of [...a.dy, ...a.dx]) expect(v >= 0 && v <= 8).toBe(true);
    expect(new Set(a.dy).size).toBe(9);
    const flips = a.flip.reduce((s, f) => s + f, 0);
    expect(flips).toBeGreaterThan(200);
    expect(flips).toBeLessThan(300);
  });

  it('crops and flips exactly as a padded copy read pixel by pixel, padding with the normalised black', async () => {
    const [B, H, W, C] = [3, 5, 6, 2];
    const x = normalArray(createRng('img'), B * H * W * C, 0, 1);
    const draw = drawAugmentation('k', B);
    draw.flip[0] = 1;
    draw.flip[1] = 0;
    draw.dy[2] = 0; // the corner: most of the crop is padding
    draw.dx[2] = 0;
    const pads = [-0.5, 2];
    const out = tf.tidy(() => augmentBatch(tf.tensor4d(x, [B, H, W, C]), draw, pads));
    const got = await out.data();
    out.dispose();
    const at = (b: number, r: number, q: number, c: number) => {
      const [i, j] = [r - 4, q - 4];
      return i >= 0 && i < H && j >= 0 && j < W ? x[((b * H + i) * W + j) * C + c] : pads[c];
    };
    for (let b = 0; b < B; b++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let c = 0; c < C; c++) {
            const q = draw.dx[b] + (draw.flip[b] ? W - 1 - j : j);
            expect(got[((b * H + i) * W + j) * C + c]).toBeCloseTo(at(b, draw.dy[b] + i, q, c), 6);
          }
  });

  it('a run with augmentation is repeatable: same seed ⇒ same batches and losses; another seed or no augmentation differs', async () => {
    const K = 2;
    const n = 8;
    const shape = [8, 8, 3];
    const size = shape[0] * shape[1] * shape[2];
    const train = {
      x: normalArray(createRng('imgs'), K * n * size, 0, 1),
      labels: Array.from({ length: K * n }, (_, i) => i % K),
    };
    const data = preparedFromArrays({ inputShape: shape, K, train, name: 'cifar10' });
    const cfg = parseConfig({
      ...DEFAULT_NET_CONFIG,
      dataset: 'cifar10',
      model: 'resnet18',
      widthMult: 0.0625,
      augment: true,
      batchSize: 4,
      epochs: 2,
      optimizer: 'sgd',
      lr: 0.01,
      lrStep: 0,
      measureEvery: 2,
      measureSamples: 0,
    }) as NetConfig;
    const losses = async (c: NetConfig) => {
      const s = new NetSession(c, data);
      const out: number[] = [];
      for (let i = 0; i < 8; i++) out.push(await s.train(1));
      s.dispose();
      return out;
    };
    const first = await losses(cfg);
    expect(await losses(cfg)).toEqual(first);
    expect(await losses({ ...cfg, seed: 7 })).not.toEqual(first);
    expect(await losses({ ...cfg, augment: false })).not.toEqual(first);
  });

  it('is refused for MLPs, which take flat inputs', () => {
    expect(() => parseConfig({ ...DEFAULT_NET_CONFIG, model: 'mlp', augment: true })).toThrow(
      /augment: random crop and flip need image inputs/,
    );
  });
});
