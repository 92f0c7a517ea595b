import type { BackendInfo, BackendRequest, DeviceLostInfo } from '../../src/engine/core/backend';

export interface HarnessRequest {
  backend: BackendRequest;
  /** After init on webgpu, destroy the device and report what onDeviceLost saw. */
  loseDevice: boolean;
  /** Hide navigator.gpu in the worker, as in a browser without WebGPU. */
  hideWebGPU: boolean;
  /** Point the wasm backend at binaries that do not exist. */
  badWasmUrls: boolean;
  /** setWasmThreads before init (1: single-threaded). */
  wasmThreads: number;
}

export type HarnessResult =
  | {
      ok: true;
      info: BackendInfo;
      /** Loss of a tiny least-squares fit before and after a few SGD steps. */
      lossBefore: number;
      lossAfter: number;
      deviceLost: DeviceLostInfo | null;
    }
  | { ok: false; error: string };
