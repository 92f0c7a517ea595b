// Same imports as the lab's training worker: wasm URLs first, then the backend selection.
import '../../src/engine/core/wasmUrls.browser';
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import {
  initBackend,
  onDeviceLost,
  setWasmBinaryUrls,
  setWasmThreads,
  type DeviceLostInfo,
} from '../../src/engine/core/backend';
import type { HarnessRequest, HarnessResult } from './protocol';

/** A few SGD steps on min ‖XW − Y‖², small enough for SwiftShader; read back with data(). */
async function fitTinyProblem(): Promise<{ lossBefore: number; lossAfter: number }> {
  const x = tf.tensor2d([1, 0, 0, 1, 1, 1, 2, 1], [4, 2]);
  const y = tf.tensor2d([1, 2, 3, 4], [4, 1]);
  const w = tf.variable(tf.zeros([2, 1]));
  const loss = (): tf.Scalar => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y)));
  const optimizer = tf.train.sgd(0.1);
  const readLoss = async (): Promise<number> => {
    const value = tf.tidy(loss);
    const [scalar] = await value.data();
    value.dispose();
    return scalar;
  };
  const lossBefore = await readLoss();
  for (let step = 0; step < 20; step++) {
    tf.tidy(() => {
      optimizer.minimize(loss);
    });
  }
  const lossAfter = await readLoss();
  tf.dispose([x, y, w]);
  optimizer.dispose();
  return { lossBefore, lossAfter };
}

async function loseDevice(): Promise<DeviceLostInfo | null> {
  const lost = onDeviceLost(() => undefined);
  if (!lost) return null;
  (tf.engine().registry['webgpu'] as WebGPUBackend).device.destroy();
  return lost;
}

async function run(request: HarnessRequest): Promise<HarnessResult> {
  try {
    if (request.hideWebGPU) {
      // backend.ts reads navigator.gpu at init and imports the webgpu package lazily, so
      // shadowing the getter here is enough.
      Object.defineProperty(self.navigator, 'gpu', { value: undefined, configurable: true });
    }
    if (request.badWasmUrls) {
      const names = ['', '-simd', '-threaded-simd'].map((v) => `tfjs-backend-wasm${v}.wasm`);
      setWasmBinaryUrls(Object.fromEntries(names.map((name) => [name, `./missing/${name}`])));
    }
    setWasmThreads(request.wasmThreads);
    const info = await initBackend(request.backend);
    const { lossBefore, lossAfter } = await fitTinyProblem();
    const deviceLost = request.loseDevice ? await loseDevice() : null;
    return { ok: true, info, lossBefore, lossAfter, deviceLost };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

self.onmessage = async (event: MessageEvent<HarnessRequest>) => {
  self.postMessage(await run(event.data));
};
