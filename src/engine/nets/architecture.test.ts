import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../core/backend';
import { DEFAULT_NET_CONFIG, parseConfig } from '../config/schema';
import { LayerNorm, type ForwardMode } from './layers';
import { ParamStore } from './params';
import { NetModel, type ModelSpec } from './model';
import { readOracle } from '../testing/oracles';
import { EXTERNAL } from '../testing/externalConstants';

beforeAll(async () => {
  await initBackend('cpu');
});

const base: ModelSpec = { ...DEFAULT_NET_CONFIG };
const EVAL: ForwardMode = { training: false, updateStats: false, conv: 'native' };

function count(spec: Partial<ModelSpec>, K: number, inputShape: number[]): number {
  const m = new NetModel({ ...base, ...spec }, K, inputShape);
  const n = m.store.count();
  m.dispose();
  return n;
}

describe('parameter counts equal the reference PyTorch architectures', () => {
  // kuangliu/pytorch-cifar ResNet18 (the seed's models/resnet.py) with K = 10 and a biased
  // Linear(512, 10) (conv + BN + 5 130 of the linear), and the same repository's VGG('VGG16')
  // with BN and Linear(512, 10): counted by PyTorch (test/fixtures/README.md).
  const RESNET18_CIFAR10 = EXTERNAL.pytorch.resnet18_cifar10_params;
  const VGG16_CIFAR10 = EXTERNAL.pytorch.vgg16_cifar10_params;
  // This repo adds BatchNorm1d(512) on the pooled features (γ and β: 1 024 parameters).
  const FEATURE_BN = 2 * 512;
  const LINEAR_512_10 = 512 * 10 + 10;

  it("ResNet18 at widthMult 1: PyTorch's count + BatchNorm1d(512) for depthLinear 1 with bias", () => {
    const spec = { model: 'resnet18', widthMult: 1, depthLinear: 1, bias: true } as const;
    expect(count(spec, 10, [32, 32, 3])).toBe(RESNET18_CIFAR10 + FEATURE_BN);
  });

  it('ResNet18 with a 3-layer head of width 512: the linear replaced by 512→512→512→10', () => {
    const spec = {
      model: 'resnet18',
      widthMult: 1,
      depthLinear: 3,
      width: 512,
      bias: true,
    } as const;
    const head = 512 * 512 + 512 * 512 + 512 * 10 + 10; // fc.0, fc.1 bias-free; fc.2 biased
    expect(count(spec, 10, [32, 32, 3])).toBe(RESNET18_CIFAR10 - LINEAR_512_10 + FEATURE_BN + head);
    // Bias-free head (`--no-bias`): 10 fewer.
    expect(count({ ...spec, bias: false }, 10, [32, 32, 3])).toBe(
      RESNET18_CIFAR10 - LINEAR_512_10 + FEATURE_BN + head - 10,
    );
  });

  it("VGG16 at widthMult 1: PyTorch's count + BatchNorm1d(512); the convs derived layer by layer agree", () => {
    const spec = { model: 'vgg16', widthMult: 1, depthLinear: 1, bias: true } as const;
    // Conv3×3 with bias + BN2d (γ, β) per entry of cfg 'D'.
    const cfg = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512];
    let inCh = 3;
    let convs = 0;
    for (const c of cfg) {
      convs += 9 * inCh * c + c + 2 * c;
      inCh = c;
    }
    expect(convs + LINEAR_512_10).toBe(VGG16_CIFAR10);
    expect(count(spec, 10, [32, 32, 3])).toBe(VGG16_CIFAR10 + FEATURE_BN);
  });

  it("seed 000's MLP: 6 × [Linear, ReLU, BN] + BN, or 6 × [Linear, ReLU] + intermediate Linear", () => {
    const h = 64; // the formula is the same at 512; 64 keeps the orthogonal init cheap on cpu
    const linears = 3072 * h + h + 5 * (h * h + h);
    const head = h * 10 + 10;
    const mlp = { model: 'mlp', width: h, depthRelu: 6, depthLinear: 1, bias: true } as const;
    expect(count({ ...mlp, batchnorm: true }, 10, [32, 32, 3])).toBe(linears + 7 * 2 * h + head);
    expect(count({ ...mlp, batchnorm: false }, 10, [32, 32, 3])).toBe(linears + (h * h + h) + head);
  });

  it("seed 002's MLP of the md oracle: 3072→256→256→256→2 with BN, then fc 2×2", () => {
    const spec = {
      model: 'mlp-md',
      width: 256,
      depthRelu: 4,
      depthLinear: 1,
      batchnorm: true,
      bias: true,
    } as const;
    const linears = 3072 * 256 + 256 + 2 * (256 * 256 + 256) + 256 * 2 + 2;
    const bns = 3 * 2 * 256 + 2 * 2;
    expect(count(spec, 2, [32, 32, 3])).toBe(linears + bns + 2 * 2 + 2);
  });
});

describe("seed 002's torchvision ResNet18 (model resnet18-tv)", () => {
  const fixture = readOracle<{
    backbone: number;
    per_class: number;
    derivation: Record<string, number>;
    total: Record<string, number>;
  }>('nets/resnet18_torchvision_params.json');

  it("has exactly torchvision resnet18(num_classes=K)'s parameter count (K = 10 and 1000)", () => {
    const spec = { model: 'resnet18-tv', widthMult: 1, depthLinear: 1, bias: true } as const;
    expect(count(spec, 10, [32, 32, 3])).toBe(fixture.total['10']);
    expect(count(spec, 1000, [32, 32, 3])).toBe(fixture.total['1000']);
    expect(fixture.backbone + 10 * fixture.per_class).toBe(fixture.total['10']);
  });

  it('is built stage by stage as torchvision names it: stem, four stages with downsample shortcuts, fc; Kaiming fan-out init', async () => {
    const m = new NetModel(
      { ...base, model: 'resnet18-tv', widthMult: 1, depthLinear: 1 },
      10,
      [32, 32, 3],
    );
    const sum = (re: RegExp) =>
      m.store.params.filter((p) => re.test(p.name)).reduce((a, p) => a + p.variable.size, 0);
    const parts = Object.values(fixture.derivation);
    expect(sum(/^conv1\./)).toBe(parts[0]);
    expect(sum(/^bn1\./)).toBe(parts[1]);
    [1, 2, 3, 4].forEach((l) =>
      expect(sum(new RegExp(`^layer${l}\\.`)), `layer${l}`).toBe(parts[l + 1]),
    );
    expect(m.store.params.some((p) => p.name === 'layer2.0.downsample.0.weight')).toBe(true);
    expect(m.store.params.some((p) => /bn_features|shortcut/.test(p.name))).toBe(false);
    // kaiming_normal_(mode='fan_out', nonlinearity='relu'): std √(2 / (64·7·7)) = 0.02526.
    const conv1 = m.store.params.find((p) => p.name === 'conv1.weight')!.variable;
    const w = Array.from((await conv1.data()) as Float32Array);
    const mean = w.reduce((a, v) => a + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(std / Math.sqrt(2 / (64 * 49)) - 1)).toBeLessThan(0.03);
    const x = tf.zeros([2, 32, 32, 3]);
    const { features, logits } = m.forward(x, EVAL);
    expect(features.shape).toEqual([2, 512]);
    expect(logits.shape).toEqual([2, 10]);
    tf.dispose([x, features, logits]);
    m.dispose();
  });
});

describe("seed 002's MLP options: activation, LayerNorm, the penultimate dimension", () => {
  const md = {
    model: 'mlp-md',
    width: 5,
    depthRelu: 3,
    depthLinear: 1,
    bias: true,
    batchnorm: true,
  } as const;

  it('counts: Linear → BN → LayerNorm per layer, p = 2 features for K = 4; act none drops the last norms', () => {
    // 12→5 (65) BN 10 LN 10, 5→5 (30) BN 10 LN 10, 5→2 (12) BN 4 LN 4, fc 2→4 (12).
    const spec = { ...md, layerNorm: true, penultimateDim: 2 };
    expect(count(spec, 4, [12])).toBe(167);
    expect(count({ ...spec, mlpActivation: 'none' }, 4, [12])).toBe(167 - 8);
    expect(count({ ...md }, 4, [12])).toBe(65 + 10 + 30 + 10 + 5 * 4 + 4 + 8 + 4 * 4 + 4);
  });

  it('features: ReLU non-negative, sigmoid in (0, 1), none signed; p columns, K logits', async () => {
    const x = tf.randomNormal([16, 12], 0, 3, 'float32', 7);
    const features = async (over: Partial<ModelSpec>) => {
      const m = new NetModel({ ...base, ...md, penultimateDim: 2, ...over }, 4, [12]);
      const { features: h, logits } = m.forward(x, EVAL);
      expect(h.shape).toEqual([16, 2]);
      expect(logits.shape).toEqual([16, 4]);
      const values = Array.from(await h.data());
      tf.dispose([h, logits]);
      m.dispose();
      return values;
    };
    expect(Math.min(...(await features({ mlpActivation: 'relu' })))).toBeGreaterThanOrEqual(0);
    const sig = await features({ mlpActivation: 'sigmoid' });
    expect(Math.min(...sig) > 0 && Math.max(...sig) < 1).toBe(true);
    expect(Math.min(...(await features({ mlpActivation: 'none' })))).toBeLessThan(0);
    x.dispose();
  });

  it('LayerNorm normalises each sample over its features (biased variance, ε 1e-5)', async () => {
    const store = new ParamStore();
    const ln = new LayerNorm(store, 'ln', 6, 'backbone');
    const x = tf.tensor2d([
      [1, 2, 3, 4, 5, 30],
      [-2, 0, 2, 0, -2, 2],
    ]);
    const y = (await ln.apply(x).array()) as number[][];
    for (const row of y) {
      const mean = row.reduce((a, v) => a + v, 0) / 6;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / 6;
      expect(mean).toBeCloseTo(0, 6);
      expect(variance).toBeCloseTo(1, 4);
    }
    x.dispose();
    store.dispose();
  });

  it('are refused on other models, naming the field', () => {
    expect(() => parseConfig({ ...DEFAULT_NET_CONFIG, model: 'mlp', layerNorm: true })).toThrow(
      /layerNorm: an option of Nguyen et al. 2023's MLP/,
    );
  });
});

describe('shapes', () => {
  it('features and logits of every model on small inputs (widthMult scales the channels)', () => {
    const cases: [Partial<ModelSpec>, number[], number][] = [
      [{ model: 'mlp', width: 16, depthRelu: 2 }, [12], 16],
      [{ model: 'mlp-md', width: 16, depthRelu: 3 }, [12], 4],
      [{ model: 'resnet18', widthMult: 1 / 8 }, [8, 8, 3], 64],
      [{ model: 'resnet18', widthMult: 1 / 16 }, [28, 28, 1], 32],
      [{ model: 'vgg16', widthMult: 1 / 16 }, [32, 32, 3], 32],
    ];
    for (const [spec, shape, d] of cases) {
      const m = new NetModel({ ...base, depthLinear: 2, width: 16, ...spec }, 4, shape);
      expect(m.featureDim).toBe(d);
      const x = tf.zeros([2, ...shape]);
      const [features, logits] = tf.tidy(() => {
        const out = m.forward(x, EVAL);
        return [out.features, out.logits];
      });
      expect(features.shape).toEqual([2, d]);
      expect(logits.shape).toEqual([2, 4]);
      tf.dispose([x, features, logits]);
      m.dispose();
    }
  });

  it('refuses inputs the architecture cannot take, naming the problem, and frees what it built', () => {
    const before = tf.memory().numTensors;
    expect(
      () => new NetModel({ ...base, model: 'vgg16', widthMult: 1 / 16 }, 4, [16, 16, 3]),
    ).toThrow(/VGG16 needs inputs of at least 32×32/);
    expect(() => new NetModel({ ...base, model: 'resnet18', widthMult: 1 / 16 }, 4, [12])).toThrow(
      /needs image inputs/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
