import type { HarnessRequest, HarnessResult } from './protocol';

declare global {
  interface Window {
    harnessResult?: HarnessResult;
  }
}

function show(result: HarnessResult): void {
  window.harnessResult = result;
  const pre = document.getElementById('result');
  if (pre) pre.textContent = JSON.stringify(result, null, 2);
}

const params = new URLSearchParams(location.search);
const request: HarnessRequest = {
  backend: (params.get('backend') ?? 'auto') as HarnessRequest['backend'],
  loseDevice: params.has('loseDevice'),
  hideWebGPU: params.has('hideWebGPU'),
  badWasmUrls: params.has('badWasmUrls'),
  wasmThreads: Number(params.get('wasmThreads') ?? 1),
};
const worker = new Worker(new URL('./backend.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<HarnessResult>) => show(event.data);
worker.onerror = (event) => show({ ok: false, error: `worker error: ${event.message}` });
worker.postMessage(request);
