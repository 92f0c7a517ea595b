/**
 * The engine on WebGPU in Node (Dawn, the npm package `webgpu`), as on a GPU server. Here the
 * Vulkan driver is SwiftShader from Debian's chromium package, a CPU emulation standing in for a
 * GPU: the numbers must be the reference's, the speed is not a GPU's. CI installs chromium and
 * the Vulkan loader (`.ci/run`), so there these tests always run; elsewhere they are skipped with
 * the reason when the loader or the driver is missing.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendInfo } from './backend';
import { addMany } from './addMany';
import { ExperimentRunner } from '../run/runner';
import { findPreset } from '../config/presets';
import { parseConfig, type NetConfig } from '../config/schema';
import { loadNetData } from '../data/fromConfig';
import { runExperiment } from '../run/runner';
import { readUfmOracle } from '../testing/oracles';
import { configFromOracle } from '../testing/ufmOracleConfig';
import { UfmSession } from '../ufm/session';
import type { RunResult } from '../run/result';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LOADER = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1'];
// Set before Dawn creates its Vulkan instance (on the first initBackend below).
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD))
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const missing = !LOADER.some((f) => existsSync(f))
  ? 'no Vulkan loader (apt-get install libvulkan1)'
  : !process.env.VK_ICD_FILENAMES
    ? `no Vulkan driver to stand in (${SWIFTSHADER_ICD}: apt-get install chromium)`
    : null;
// In CI a missing driver is a failure, not a skip.
const run = missing === null || process.env.CI ? describe : describe.skip;

/** The wasm path's tolerance on the 5 000-step reference loss (src/engine/ufm/oracle.test.ts). */
const LOSS_RTOL = 3e-5;

run(`the engine on Node WebGPU (Dawn)${missing ? `: skipped, ${missing}` : ''}`, () => {
  let webgpu: BackendInfo;
  beforeAll(async () => {
    webgpu = await initBackend('webgpu');
  });

  it('initBackend("webgpu") runs on Dawn and reports the adapter in the backend info', () => {
    expect(webgpu.backend).toBe('webgpu');
    expect(webgpu.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
    expect(webgpu.software).toBe(true);
  });

  // 1 500 of the reference's 5 000 steps, checked at every logged step (100): SwiftShader runs
  // ~25 steps/s on CI's two cores, and the full 5 000 were followed on a real GPU (an H200, to
  // 1.7e-7: README, Benchmarks); the wasm path runs all 5 000 of the four cases (ufm/oracle.test.ts).
  it('1 500 UFM steps from the reference initial state follow the reference loss', async () => {
    const oracle = readUfmOracle('balanced_M1_nobias');
    const session = new UfmSession(configFromOracle(oracle.config), oracle.init);
    const off: string[] = [];
    try {
      for (const ref of oracle.trajectory.filter((r) => r.step > 0 && r.step <= 1500)) {
        await session.train(ref.step - session.step);
        const { metrics } = await session.measure('cheap');
        const loss = Number(metrics.loss);
        const rel = Math.abs(loss - ref.loss_post_step) / ref.loss_post_step;
        if (!(rel <= LOSS_RTOL)) off.push(`step ${ref.step}: ${loss} vs ${ref.loss_post_step}`);
      }
      expect(session.step).toBe(1500);
    } finally {
      session.dispose();
    }
    expect(off).toEqual([]);
    // SwiftShader runs a step in a few ms on an idle core; a loaded machine is 10× slower.
  }, 1_200_000);

  it('a network run on Node WebGPU ends where the same run on Node wasm ends', async () => {
    const config = parseConfig({ ...findPreset('net-gauss-tiny')!.config, epochs: 30 });
    const loadData = () =>
      loadNetData(config as NetConfig, () =>
        Promise.reject(new Error('only the Gaussian mixture')),
      );
    const runOn = async (request: 'wasm' | 'webgpu'): Promise<RunResult> =>
      runExperiment(config, await initBackend(request), { loadData });
    const onWasm = await runOn('wasm');
    const onGpu = await runOn('webgpu');
    expect(onGpu.backend.backend).toBe('webgpu');
    expect(onGpu.status).toBe('completed');
    const a = onWasm.final!.metrics;
    const b = onGpu.final!.metrics;
    // 30 full-batch Adam epochs in float32 on two kernels sets (different summation orders):
    // the losses agree to 1e-3 relative, and every training decision is the same.
    expect(Math.abs(Number(b.loss) - Number(a.loss))).toBeLessThan(1e-3 * Number(a.loss));
    expect(Math.abs(Number(b.nc1_pinv) - Number(a.nc1_pinv))).toBeLessThan(
      1e-2 * Number(a.nc1_pinv),
    );
    expect(b.net_accuracy_train).toBe(a.net_accuracy_train);
  });

  it('a sum of 20 tensors is exact on WebGPU, where one AddN kernel of 10 inputs returns 0', async () => {
    const xs = Array.from({ length: 20 }, (_, i) => tf.scalar(i + 1));
    const sum = addMany(xs);
    expect((await sum.data())[0]).toBe(210);
    // the premise: WebGPU allows 8 storage buffers a stage, and tfjs's AddN does not split
    const unchecked = tf.addN(xs.slice(0, 10));
    const value = (await unchecked.data())[0];
    await new Promise((r) => setTimeout(r, 50)); // let the validation error be delivered
    tf.dispose([...xs, sum, unchecked]);
    expect(value).not.toBe(55);
  });

  it('a WebGPU error nothing caught stops the run with a message and keeps its history', async () => {
    const config = parseConfig({ ...findPreset('tiny-check')!.config, steps: 40, reportEvery: 10 });
    const runner = await ExperimentRunner.create(config, webgpu);
    try {
      await runner.measureInitial();
      expect(runner.status).toBe('idle');
      // an invalid pipeline, as a kernel with too many inputs makes
      const xs = Array.from({ length: 10 }, () => tf.scalar(1));
      const bad = tf.addN(xs);
      await bad.data();
      await new Promise((r) => setTimeout(r, 50));
      tf.dispose([...xs, bad]);
      expect(runner.status).toBe('failed');
      expect(runner.message).toMatch(
        /^WebGPU reported an error by step 0, so results from then on cannot be trusted: .*(storage buffers|Invalid ComputePipeline)[^\n]*[^.]\. The run stopped/,
      );
      const result = await runner.run();
      expect(result.status).toBe('failed');
      expect(result.history.map((h) => h.step)).toEqual([0]);
    } finally {
      runner.dispose();
    }
  });
});
