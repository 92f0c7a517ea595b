import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  describeAdapter,
  initBackend,
  onDeviceLost,
  planBackends,
  toAdapterInfo,
  type AdapterInfo,
  type RuntimeEnvironment,
} from './backend';

// What headless Chromium with --use-webgpu-adapter=swiftshader reports (e2e/smoke.spec.ts).
const swiftshader: AdapterInfo = toAdapterInfo({
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader Device (Subzero)',
});
const hardware: AdapterInfo = toAdapterInfo({
  vendor: 'nvidia',
  architecture: 'ampere',
  device: '',
  description: 'NVIDIA GeForce RTX 3080',
});

const browser = (adapter: AdapterInfo | null, webgpuApi = true): RuntimeEnvironment => ({
  node: false,
  webgpuApi,
  adapter,
});
const node: RuntimeEnvironment = { node: true, webgpuApi: false, adapter: null };

// Dawn (WebGPU in Node) with a Vulkan driver list naming no file: no adapter on any machine, so
// these tests see the same fallbacks everywhere (src/engine/nodeWebGpu.test.ts uses a driver).
process.env.VK_ICD_FILENAMES = '/nonexistent/icd.json';

describe('initBackend in Node', () => {
  it('auto picks wasm and computes on it', async () => {
    const info = await initBackend('auto');
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info).toMatchObject({ requested: 'auto', adapter: null, software: false });
    expect(info.tfjsVersion).toBe(tf.version_core);
    expect(info.notes.join('\n')).toMatch(
      /Node\.js, (no WebGPU adapter|the WebGPU adapter is .*): using wasm/,
    );
    const sum = tf.sum(tf.tensor1d([1, 2, 3]));
    expect((await sum.data())[0]).toBe(6);
    sum.dispose();
  });

  it('registers gradients and chained ops, which tfjs-core alone lacks', async () => {
    await initBackend('auto');
    const w = tf.variable(tf.zeros([2]));
    const loss = (): tf.Scalar => tf.mean(tf.square(w.sub(tf.tensor1d([1, 3]))));
    const optimizer = tf.train.sgd(0.5);
    for (let i = 0; i < 20; i++) optimizer.minimize(loss);
    expect(Array.from(await w.data())).toEqual([expect.closeTo(1, 4), expect.closeTo(3, 4)]);
    w.dispose();
    optimizer.dispose();
  });

  it('uses a forced cpu backend', async () => {
    const info = await initBackend('cpu');
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.notes.some((n) => /failed/.test(n))).toBe(false);
  });

  it('falls back from a forced webgpu with a note naming the failure and what is missing', async () => {
    const info = await initBackend('webgpu');
    expect(info.requested).toBe('webgpu');
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.notes).toContain('webgpu failed: no WebGPU adapter; falling back to wasm');
    expect(info.notes.join('\n')).toContain(
      'VK_ICD_FILENAMES names a file that does not exist (/nonexistent/icd.json)',
    );
  });

  it('falls back from a forced webgl with a note', async () => {
    const info = await initBackend('webgl');
    expect(info.backend).toBe('wasm');
    expect(info.notes.join('\n')).toMatch(/webgl failed: WebGL does not exist in Node\.js/);
  });

  it('serialises concurrent calls', async () => {
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('wasm')]);
    expect([a.backend, b.backend]).toEqual(['cpu', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('has no device-lost hook off webgpu', () => {
    expect(onDeviceLost(() => undefined)).toBeNull();
  });
});

describe('planBackends', () => {
  it('uses webgpu first on a hardware adapter', () => {
    const plan = planBackends('auto', browser(hardware));
    expect(plan.order).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(plan.notes[0]).toMatch(/nvidia \/ ampere .* hardware: using webgpu/);
  });

  it('prefers wasm over a SwiftShader adapter and says why', () => {
    const plan = planBackends('auto', browser(swiftshader));
    expect(plan.order).toEqual(['wasm', 'cpu']);
    expect(plan.notes[0]).toBe(
      'WebGPU adapter is SwiftShader (CPU emulation): using wasm, 20–40× faster here; add ' +
        'backend=webgpu to force it',
    );
  });

  it('tries webgl → wasm → cpu without an adapter or without navigator.gpu', () => {
    expect(planBackends('auto', browser(null)).order).toEqual(['webgl', 'wasm', 'cpu']);
    const plan = planBackends('auto', browser(null, false));
    expect(plan.order).toEqual(['webgl', 'wasm', 'cpu']);
    expect(plan.notes[0]).toMatch(/navigator\.gpu missing/);
  });

  it('keeps a forced backend first and falls back down the chain', () => {
    expect(planBackends('webgpu', browser(hardware)).order).toEqual([
      'webgpu',
      'webgl',
      'wasm',
      'cpu',
    ]);
    expect(planBackends('webgl', browser(swiftshader)).order).toEqual(['webgl', 'wasm', 'cpu']);
    expect(planBackends('wasm', browser(null)).order).toEqual(['wasm', 'cpu']);
    expect(planBackends('cpu', browser(hardware)).order).toEqual(['cpu']);
    expect(planBackends('webgpu', node).order).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(planBackends('auto', node).order).toEqual(['wasm', 'cpu']);
  });

  it('in Node, auto takes WebGPU (Dawn) only on a hardware adapter, and never webgl', () => {
    const dawn = (adapter: AdapterInfo): RuntimeEnvironment => ({
      node: true,
      webgpuApi: true,
      adapter,
    });
    expect(planBackends('auto', dawn(hardware)).order).toEqual(['webgpu', 'wasm', 'cpu']);
    const soft = planBackends('auto', dawn(swiftshader));
    expect(soft.order).toEqual(['wasm', 'cpu']);
    expect(soft.notes.join('\n')).toMatch(/adapter is SwiftShader \(CPU emulation\): using wasm/);
    expect(planBackends('webgpu', dawn(swiftshader)).order).toEqual(['webgpu', 'wasm', 'cpu']);
  });

  it('warns when webgpu is forced on a software adapter', () => {
    const plan = planBackends('webgpu', browser(swiftshader));
    expect(plan.order[0]).toBe('webgpu');
    expect(plan.notes.join('\n')).toMatch(/webgpu forced on SwiftShader/);
  });
});

describe('adapter info', () => {
  it('recognises software adapters', () => {
    expect(swiftshader.software).toBe(true);
    expect(hardware.software).toBe(false);
    expect(
      toAdapterInfo({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
    ).toMatchObject({ software: true, architecture: '', device: '' });
    expect(toAdapterInfo({ vendor: 'intel', isFallbackAdapter: true }).software).toBe(true);
    expect(toAdapterInfo({ vendor: 'intel' }, true).software).toBe(true);
  });

  it('describes an adapter in one line', () => {
    expect(describeAdapter(swiftshader)).toBe(
      'google / swiftshader (SwiftShader Device (Subzero))',
    );
    expect(describeAdapter(toAdapterInfo({}))).toBe('unknown');
  });
});
