/**
 * Backend selection for the training worker (browser) and for Node scripts and tests.
 *
 * Why this is more than `tf.setBackend(name)` (see docs/backends.md §1–§3):
 * - `tf.setBackend` returns `false` on an init failure and only logs the reason; it throws only
 *   when the name was never registered. We need the reason for the notes, so we wrap the factory.
 * - webgpu is registered only when `navigator.gpu` exists, and tfjs accepts any adapter, including
 *   SwiftShader (a CPU emulation 20–40× slower than wasm). We probe the adapter ourselves.
 * - tfjs's webgl asks for no software GL (failIfMajorPerformanceCaveat) unless the flag
 *   SOFTWARE_WEBGL_ENABLED is set; we set it only when the user forced webgl. Chromium still hands
 *   workers SwiftShader GL, so 'auto' also checks the renderer and skips software WebGL for wasm.
 * - Never `dataSync()` on webgpu: it returned 0 and broke later reads here. We read with `data()`.
 * - '@tensorflow/tfjs-core' alone registers no gradients and no chained ops (`t.sub(…)`): only the
 *   '@tensorflow/tfjs' union does. initBackend registers them, so engine code can train while
 *   importing tfjs-core only.
 *
 * Backends are imported lazily so a worker that ends up on wasm does not download webgl/webgpu,
 * and so Node never loads the browser-only packages.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { shareWasmIdentity } from './wasmIdentity';
import { fastWasmMaxPoolGrad } from './wasmMaxPoolGrad';
import { fastWasmReluGrad } from './wasmReluGrad';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendRequest = 'auto' | BackendName;

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

export interface BackendInfo {
  /** What tf.getBackend() reports after init. */
  backend: BackendName;
  requested: BackendRequest;
  /** WebGPU adapter probed via navigator.gpu.requestAdapter(), null if none. */
  adapter: AdapterInfo | null;
  /** The chosen backend runs on a software adapter (SwiftShader, llvmpipe…); webgpu/webgl only. */
  software: boolean;
  /** Human-readable: why this backend, and every failed attempt with its error. */
  notes: string[];
  tfjsVersion: string;
  /** wasm only: the threads its kernels run on. */
  threads?: number;
}

export interface DeviceLostInfo {
  /** 'destroyed' when our own code destroyed the device, 'unknown' for a real loss. */
  reason: string;
  message: string;
}

/** Where we run decides which backends can exist at all. */
export interface RuntimeEnvironment {
  node: boolean;
  /** navigator.gpu exists (webgpu can be registered). */
  webgpuApi: boolean;
  adapter: AdapterInfo | null;
}

export interface BackendPlan {
  order: BackendName[];
  notes: string[];
}

/** Fastest first. In a browser the order is fixed by how fast each backend usually is. */
const BROWSER_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
/**
 * Node has no WebGL, and WebGPU only through Dawn on a Vulkan driver (src/engine/core/nodeWebGpu.ts);
 * wasm is 10–30× faster than plain JS (docs/backends.md §1).
 */
const NODE_CHAIN: readonly BackendName[] = ['wasm', 'cpu'];

const ADAPTER_PROBE_TIMEOUT_MS = 5000;
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver/i;

// ---------------------------------------------------------------------------------------------
// wasm binaries

const WASM_BINARY_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
type WasmBinaryName = (typeof WASM_BINARY_NAMES)[number];

let wasmBinaryUrls: Partial<Record<WasmBinaryName, string>> | null = null;

/**
 * Where the browser finds the tfjs .wasm files (bundlers rename them). Call before initBackend;
 * src/engine/wasmUrls.browser.ts does it for Vite builds. Node needs nothing.
 */
export function setWasmBinaryUrls(urls: Record<string, string>): void {
  const known: Partial<Record<WasmBinaryName, string>> = {};
  for (const name of WASM_BINARY_NAMES) {
    if (urls[name]) known[name] = urls[name];
  }
  wasmBinaryUrls = known;
}

// ---------------------------------------------------------------------------------------------
// Environment and WebGPU adapter probe

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** The parts of GPUAdapter we read, including fields older Chromes had instead of `info`. */
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}

interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapterLike | null>;
}

function isNodeRuntime(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } } };
  return typeof g.process?.versions?.node === 'string';
}

function navigatorGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? null;
}

/** Software adapters: SwiftShader, llvmpipe/lavapipe (Mesa), WARP, or flagged as fallback. */
export function toAdapterInfo(raw: GpuAdapterInfoLike, isFallback = false): AdapterInfo {
  const info = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
  };
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  const software = isFallback || raw.isFallbackAdapter === true || SOFTWARE_RENDERER.test(text);
  return { ...info, software };
}

/** One line for notes and the UI, e.g. "google / swiftshader (SwiftShader Device (Subzero))". */
export function describeAdapter(adapter: AdapterInfo): string {
  const head = [adapter.vendor, adapter.architecture].filter(Boolean).join(' / ') || 'unknown';
  const tail = adapter.description || adapter.device;
  return tail ? `${head} (${tail})` : head;
}

function softwareKind(adapter: AdapterInfo): string {
  const text = `${adapter.architecture} ${adapter.description} ${adapter.device}`;
  const match = /swiftshader|llvmpipe|lavapipe|softpipe/i.exec(text);
  if (!match) return 'a software fallback adapter';
  return match[0].toLowerCase() === 'swiftshader' ? 'SwiftShader' : match[0].toLowerCase();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Asks for the adapter tfjs itself would get (same powerPreference as its webgpu factory), so
 * the info describes the device webgpu would run on. Returns null with a reason when none.
 */
async function probeAdapter(gpu: GpuLike): Promise<{ adapter: AdapterInfo | null; note?: string }> {
  const lowPower = tf.env().getFlags()['WEBGPU_USE_LOW_POWER_GPU'] === true;
  try {
    const adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: lowPower ? 'low-power' : 'high-performance' }),
      ADAPTER_PROBE_TIMEOUT_MS,
      'navigator.gpu.requestAdapter()',
    );
    if (!adapter) {
      return {
        adapter: null,
        note: 'navigator.gpu.requestAdapter() returned null: no WebGPU adapter',
      };
    }
    const raw = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    return { adapter: toAdapterInfo(raw, adapter.isFallbackAdapter === true) };
  } catch (error) {
    return { adapter: null, note: `WebGPU adapter probe failed: ${errorText(error)}` };
  }
}

async function detectEnvironment(
  request: BackendRequest,
): Promise<{ env: RuntimeEnvironment; notes: string[] }> {
  const node = isNodeRuntime();
  const notes: string[] = [];
  if (node && request === 'auto') {
    const { noGpuDevice } = await import('./nodeWebGpu');
    const why = await noGpuDevice();
    if (why) return { env: { node, webgpuApi: false, adapter: null }, notes: [why] };
  }
  // Node has WebGPU only through Dawn (src/engine/core/nodeWebGpu.ts), loaded when it may be used.
  if (node && (request === 'webgpu' || request === 'auto')) {
    const { installNodeWebGpu } = await import('./nodeWebGpu');
    const { note } = await installNodeWebGpu();
    if (note) notes.push(note);
  }
  const gpu = navigatorGpu();
  if (!gpu || (node && request !== 'webgpu' && request !== 'auto')) {
    return { env: { node, webgpuApi: gpu !== null, adapter: null }, notes };
  }
  const { adapter, note } = await probeAdapter(gpu);
  if (note) notes.push(note);
  if (node && !adapter) {
    const { explainNoAdapter } = await import('./nodeWebGpu');
    notes.push(await explainNoAdapter());
  }
  return { env: { node, webgpuApi: true, adapter }, notes };
}

// ---------------------------------------------------------------------------------------------
// Planning: which backends to try, in which order, and why (pure, unit-tested)

function chainFor(env: RuntimeEnvironment): readonly BackendName[] {
  if (!env.node) return BROWSER_CHAIN;
  return env.adapter ? ['webgpu', ...NODE_CHAIN] : NODE_CHAIN;
}

function planAuto(env: RuntimeEnvironment): BackendPlan {
  const adapter = env.adapter;
  if (env.node && !(adapter && !adapter.software)) {
    const why = adapter
      ? `the WebGPU adapter is ${softwareKind(adapter)} (CPU emulation)`
      : 'no WebGPU adapter';
    return { order: [...NODE_CHAIN], notes: [`Node.js, ${why}: using wasm`] };
  }
  if (adapter && !adapter.software) {
    return {
      order: [...chainFor(env)],
      notes: [`WebGPU adapter ${describeAdapter(adapter)} is hardware: using webgpu`],
    };
  }
  if (adapter && adapter.software) {
    return {
      order: ['wasm', 'cpu'],
      notes: [
        `WebGPU adapter is ${softwareKind(adapter)} (CPU emulation): using wasm, 20–40× faster ` +
          'here; add backend=webgpu to force it',
      ],
    };
  }
  const why = env.webgpuApi
    ? 'no WebGPU adapter'
    : 'no WebGPU in this browser (navigator.gpu missing)';
  return { order: ['webgl', 'wasm', 'cpu'], notes: [`${why}: trying webgl → wasm → cpu`] };
}

function planForced(request: BackendName, env: RuntimeEnvironment): BackendPlan {
  const chain = chainFor(env);
  const rank = BROWSER_CHAIN.indexOf(request);
  // The forced backend first, then whatever this environment has below it.
  const fallbacks = chain.filter((name) => BROWSER_CHAIN.indexOf(name) > rank);
  const notes = [`backend=${request} requested`];
  if (request === 'webgpu' && env.adapter?.software) {
    notes.push(
      `webgpu forced on ${softwareKind(env.adapter)} (CPU emulation): expect it to be 20–40× ` +
        'slower than wasm',
    );
  }
  return { order: [request, ...fallbacks], notes };
}

/** Which backends initBackend tries, in order, and the notes explaining the choice. */
export function planBackends(request: BackendRequest, env: RuntimeEnvironment): BackendPlan {
  return request === 'auto' ? planAuto(env) : planForced(request, env);
}

// ---------------------------------------------------------------------------------------------
// Trying one backend

/** Last init error per backend, captured by the wrapped factories (tfjs only logs it). */
const initErrors = new Map<string, string>();
const wrappedFactories = new WeakSet<object>();

/** tfjs-backend-wasm rejects with a plain `{ message }` object, not an Error. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Replaces the registered factory by one that remembers why it failed. Sync factories stay
 * sync: tfjs treats a promise-returning factory differently when a tf op auto-initialises.
 */
function captureInitErrors(name: BackendName): void {
  const engine = tf.engine();
  const entry = engine.registryFactory[name];
  if (!entry || wrappedFactories.has(entry.factory) || engine.registry[name]) return;
  const original = entry.factory;
  const record = (error: unknown): never => {
    initErrors.set(name, errorText(error));
    throw error;
  };
  const factory = (): tf.KernelBackend | Promise<tf.KernelBackend> => {
    try {
      const result = original();
      return result instanceof Promise ? result.catch(record) : result;
    } catch (error) {
      return record(error);
    }
  };
  wrappedFactories.add(factory);
  engine.registryFactory[name] = { factory, priority: entry.priority };
}

let wasmThreadsWanted = 1;

/**
 * Threads for the wasm backend from its next initialisation on (1: the single-threaded SIMD
 * binary). More than one needs a cross-origin-isolated page (SharedArrayBuffer); elsewhere the
 * request is ignored and the backend note says why. Which count pays off depends on the machine
 * and the step size: `restartWasm` changes it between runs (src/engine/run/wasmThreads.ts chooses).
 */
export function setWasmThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`wasm threads must be an integer ≥ 1, got ${n}`);
  wasmThreadsWanted = n;
}

/** Browser wasm can run threaded only on a cross-origin-isolated page. */
function threadsAllowed(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** The threads the wasm backend is started with: 1 unless more are asked for and allowed. */
function wasmThreadsInUse(): number {
  return wasmThreadsWanted > 1 && threadsAllowed() ? wasmThreadsWanted : 1;
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  shareWasmIdentity();
  fastWasmMaxPoolGrad();
  fastWasmReluGrad();
  const threads = wasmThreadsInUse();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  wasm.setThreadsCount(threads);
  if (wasmBinaryUrls && !tf.engine().registry['wasm']) {
    wasm.setWasmPaths(wasmBinaryUrls);
  }
}

/**
 * tfjs's wasm binary caps its thread pool at half of `navigator.hardwareConcurrency` (it assumes
 * two hyper-threads a core) whatever setThreadsCount asks, so on a 2-core machine it always ran
 * one thread. To get the n threads asked for, the binary is shown at least 2n logical cores while
 * it initialises (its C++ reads the count once, at instantiation); the real value comes back
 * after. Returns the undo.
 */
function showCoresForThreads(threads: number): () => void {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (threads <= 1 || !nav || (nav.hardwareConcurrency ?? 0) >= 2 * threads) return () => undefined;
  // Browsers define the count on the prototype; an own value someone set is put back as it was.
  const own = Object.getOwnPropertyDescriptor(nav, 'hardwareConcurrency');
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  return () => {
    if (own) Object.defineProperty(nav, 'hardwareConcurrency', own);
    else delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency;
  };
}

/** Threads the current backend computes with: wasm's pool, else null (not a thread count). */
export function wasmThreads(): number | null {
  return tf.getBackend() === 'wasm' ? wasmThreadCount() : null;
}

/** Threads the initialised wasm backend runs with (1 when single-threaded). */
function wasmThreadCount(): number {
  const b = tf.engine().registry['wasm'] as
    { wasm?: { tfjs?: { getThreadsCount?: () => number } } } | undefined;
  return b?.wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** Imports a backend package (which registers it). Returns why it cannot exist here, or null. */
async function loadBackend(name: BackendName, env: RuntimeEnvironment): Promise<string | null> {
  switch (name) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return null;
    case 'wasm':
      await loadWasm();
      return null;
    case 'webgl':
      if (env.node) return 'WebGL does not exist in Node.js';
      await import('@tensorflow/tfjs-backend-webgl');
      return null;
    case 'webgpu':
      // The package registers webgpu only if navigator.gpu exists and touches WebGPU globals
      // (GPUBufferUsage…) on import: in Node, only after Dawn installed them.
      if (!env.webgpuApi) return 'navigator.gpu is missing (no WebGPU in this environment)';
      if (!env.adapter) return 'no WebGPU adapter';
      await import('@tensorflow/tfjs-backend-webgpu');
      return null;
  }
}

/** One tiny matmul, read back asynchronously (never dataSync: see the header comment). */
/**
 * tfjs's cpu backend prints "install tfjs-node to speed things up" on its first tensor in
 * Node. The lab's fast Node path is wasm (docs/backends.md), so that advice only misleads: mark
 * the backend's first use as spent. Harmless where the field does not exist.
 */
export function quietCpuBackendAdvice(): void {
  const cpu = tf.engine().registry['cpu'] as { firstUse?: boolean } | undefined;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

async function checkBackendComputes(): Promise<void> {
  const product = tf.tidy(() => tf.matMul(tf.ones([4, 8]), tf.ones([8, 4])));
  try {
    const values = await product.data();
    const wrong = Array.from(values).find((v) => v !== 8);
    if (wrong !== undefined) throw new Error(`test matmul gave ${wrong} instead of 8`);
  } finally {
    product.dispose();
  }
}

type Attempt = { ok: true } | { ok: false; note: string };

/** Software GL (SwiftShader WebGL is 2–9× slower than wasm here, docs/backends.md §2). */
function softwareWebglRenderer(): string | null {
  const renderer = webglRenderer();
  return renderer !== null && SOFTWARE_RENDERER.test(renderer) ? renderer : null;
}

async function tryBackend(
  name: BackendName,
  request: BackendRequest,
  env: RuntimeEnvironment,
): Promise<Attempt> {
  const failed = (why: string): Attempt => ({ ok: false, note: `${name} failed: ${why}` });
  try {
    const missing = await loadBackend(name, env);
    if (missing) return failed(missing);
    if (name === 'webgl' && request === 'webgl') {
      // Without this tfjs refuses SwiftShader/llvmpipe GL (failIfMajorPerformanceCaveat).
      tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
    }
    if (!tf.findBackendFactory(name)) return failed(`the ${name} backend is not registered here`);
    captureInitErrors(name);
    initErrors.delete(name);
    const restoreCores = showCoresForThreads(name === 'wasm' ? wasmThreadsInUse() : 1);
    const set = await tf.setBackend(name).finally(restoreCores);
    if (!set) {
      return failed(
        `initialisation failed: ${initErrors.get(name) ?? 'tf.setBackend returned false'}`,
      );
    }
    await tf.ready();
    if (name === 'cpu') quietCpuBackendAdvice();
    // Chromium grants software GL contexts in workers despite failIfMajorPerformanceCaveat, so
    // 'auto' has to look at the renderer itself.
    const softwareGl = name === 'webgl' && request === 'auto' ? softwareWebglRenderer() : null;
    if (softwareGl) {
      return {
        ok: false,
        note:
          `webgl skipped: its renderer is software (${softwareGl}), slower than wasm; add ` +
          'backend=webgl to force it',
      };
    }
    await checkBackendComputes();
    return { ok: true };
  } catch (error) {
    return failed(errorText(error));
  }
}

// ---------------------------------------------------------------------------------------------
// Gradients and chained ops

/** Read at run time so Vite does not bundle the whole union package into the browser build. */
const NODE_TFJS_UNION = '@tensorflow/tfjs';
let trainingOpsRegistered: Promise<void> | null = null;

/**
 * Registers every gradient and chained op once. In the browser the ESM files of tfjs-core do it;
 * Node cannot load those (extensionless ESM imports), so there the union's CJS build, which
 * contains them and shares tfjs-core with us, does it.
 */
function registerTrainingOps(node: boolean): Promise<void> {
  trainingOpsRegistered ??= node
    ? import(/* @vite-ignore */ NODE_TFJS_UNION).then(() => undefined)
    : Promise.all([
        import('@tensorflow/tfjs-core/dist/register_all_gradients'),
        import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops'),
      ]).then(() => undefined);
  return trainingOpsRegistered;
}

// ---------------------------------------------------------------------------------------------
// After the choice

/** WebGL renderer string, e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))". */
function webglRenderer(): string | null {
  try {
    const gl = (tf.backend() as MathBackendWebGL).gpgpu.gl;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return typeof renderer === 'string' ? renderer : null;
  } catch {
    return null;
  }
}

function describeChoice(
  backend: BackendName,
  adapter: AdapterInfo | null,
  ms: number,
): { software: boolean; notes: string[] } {
  const ready = `${backend} ready in ${Math.round(ms)} ms`;
  if (backend === 'webgpu' && adapter) {
    const kind = adapter.software ? ', software adapter' : '';
    return {
      software: adapter.software,
      notes: [`${ready} on ${describeAdapter(adapter)}${kind}`],
    };
  }
  if (backend === 'webgl') {
    const renderer = webglRenderer();
    const software = softwareWebglRenderer() !== null;
    const on = renderer ? ` on ${renderer}${software ? ' (software renderer)' : ''}` : '';
    return { software, notes: [`${ready}${on}`] };
  }
  if (backend === 'wasm') {
    const n = wasmThreadCount();
    const why =
      wasmThreadsWanted > 1 && n === 1 && !threadsAllowed()
        ? ` (${wasmThreadsWanted} threads asked for, but the page is not cross-origin isolated)`
        : '';
    return { software: false, notes: [`${ready}, ${n} thread${n > 1 ? 's' : ''}${why}`] };
  }
  return { software: false, notes: [ready] };
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/**
 * The environment the plan is made from. Only 'auto' and 'webgpu' (and Node, which has no other
 * GPU path) choose by the WebGPU adapter; for a browser's forced wasm, cpu or webgl the adapter is
 * only described (header, notes), so it is probed alongside the backend's start, not before it.
 */
function planningEnvironment(
  request: BackendRequest,
  detected: Promise<{ env: RuntimeEnvironment; notes: string[] }>,
): Promise<RuntimeEnvironment> {
  const node = isNodeRuntime();
  if (node || request === 'auto' || request === 'webgpu') return detected.then((d) => d.env);
  return Promise.resolve({ node, webgpuApi: navigatorGpu() !== null, adapter: null });
}

/**
 * The package of the backend tried first, fetched while the environment is probed and the
 * training ops load (tryBackend imports it again: the same module, already there). Its errors
 * surface there, with their note.
 */
function prefetchBackend(request: BackendRequest): void {
  const early: Partial<Record<BackendRequest, () => Promise<unknown>>> = {
    wasm: () => import('@tensorflow/tfjs-backend-wasm'),
    cpu: () => import('@tensorflow/tfjs-backend-cpu'),
  };
  early[request]?.().catch(() => undefined);
}

async function selectBackend(request: BackendRequest): Promise<BackendInfo> {
  // Started together: on a page's first load each is tens to hundreds of ms of fetching.
  const detected = detectEnvironment(request);
  // awaited below (infoOf); until then a rejection must not count as unhandled
  detected.catch(() => undefined);
  const opsRegistered = registerTrainingOps(isNodeRuntime());
  prefetchBackend(request);
  const planEnv = await planningEnvironment(request, detected);
  await opsRegistered;
  const plan = planBackends(request, planEnv);
  const tried: string[] = [];
  const infoOf = async (): Promise<{ env: RuntimeEnvironment; notes: string[] }> => {
    const { env, notes } = await detected;
    return { env, notes: [...notes, ...plan.notes, ...tried] };
  };
  for (const [i, name] of plan.order.entries()) {
    const started = now();
    const attempt = await tryBackend(name, request, planEnv);
    if (attempt.ok) {
      const ms = now() - started;
      const { env, notes } = await infoOf();
      const choice = describeChoice(name, env.adapter, ms);
      return {
        backend: name,
        requested: request,
        adapter: env.adapter,
        software: choice.software,
        notes: [...notes, ...choice.notes],
        tfjsVersion: tf.version_core,
        ...(name === 'wasm' ? { threads: wasmThreadCount() } : {}),
      };
    }
    const next = plan.order[i + 1];
    tried.push(next ? `${attempt.note}; falling back to ${next}` : attempt.note);
  }
  const { notes } = await infoOf();
  throw new Error(`No tfjs backend could be initialised. ${notes.join('. ')}`);
}

/**
 * Starts the wasm backend again with `threads` threads (1: the single-threaded SIMD binary) when
 * it runs with another count; `why` ends its note. Only between runs: the old instance's memory
 * goes, and every wasm tensor with it, so while any tensor is alive it keeps its count (and says
 * so). Returns `info` itself when nothing changed; a no-op for other backends. Serialised with
 * initBackend.
 */
export function restartWasm(info: BackendInfo, threads: number, why: string): Promise<BackendInfo> {
  const run = queue.then(() => restartWasmNow(info, threads, why));
  queue = run.catch(() => undefined);
  return run;
}

async function restartWasmNow(
  info: BackendInfo,
  threads: number,
  why: string,
): Promise<BackendInfo> {
  if (info.backend !== 'wasm' || tf.getBackend() !== 'wasm') return info;
  setWasmThreads(threads);
  const running = wasmThreadCount();
  if (running === wasmThreadsInUse()) return info;
  const alive = tf.memory().numTensors;
  if (alive > 0) {
    const kept = `wasm kept ${running} thread${running > 1 ? 's' : ''}: ${alive} tensors were still alive`;
    return { ...info, notes: [...info.notes.filter((n) => !n.startsWith('wasm kept ')), kept] };
  }
  const notes = info.notes.filter((n) => !/^wasm (ready in|kept) /.test(n));
  const started = now();
  const attempt = await startWasmAgain();
  if (!attempt.ok) {
    // The old instance is gone: fall back to one thread rather than leave no backend.
    setWasmThreads(1);
    const single = await startWasmAgain();
    if (!single.ok) throw new Error(`restarting wasm: ${attempt.note}; then ${single.note}`);
  }
  const [ready] = describeChoice('wasm', null, now() - started).notes;
  const reason = attempt.ok ? why : `${threads} threads failed (${attempt.note})`;
  return { ...info, notes: [...notes, `${ready}: ${reason}`], threads: wasmThreadCount() };
}

/** Dispose the wasm instance (its memory and thread pool) and start a new one. */
async function startWasmAgain(): Promise<Attempt> {
  const { factory, priority } = tf.engine().registryFactory['wasm'];
  tf.removeBackend('wasm'); // also forgets the factory
  tf.registerBackend('wasm', factory, priority);
  return tryBackend('wasm', 'wasm', { node: isNodeRuntime(), webgpuApi: false, adapter: null });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Picks and initialises the tfjs backend. 'auto': WebGPU on a hardware adapter; wasm when the
 * adapter is software; otherwise hardware WebGL → wasm → cpu. In Node: wasm → cpu. A forced
 * backend falls back down the chain with a note when it fails. Throws only when no backend works.
 * Calls are serialised. Also registers all gradients and chained ops, which
 * '@tensorflow/tfjs-core' alone lacks.
 */
export function initBackend(request: BackendRequest): Promise<BackendInfo> {
  const run = queue.then(() => selectBackend(request));
  queue = run.catch(() => undefined);
  return run;
}

/**
 * For command-line tools, where a forced backend must not silently become another one (a GPU
 * job that trains on the CPU for hours): the reason to stop, or null when the request was met.
 */
export function unmetBackendRequest(info: BackendInfo): string | null {
  if (info.requested === 'auto' || info.backend === info.requested) return null;
  return (
    `--backend ${info.requested} could not be used (${info.notes.join('; ')}). ` +
    'Use --backend auto to fall back to another backend.'
  );
}

/**
 * When the current backend is webgpu: calls `cb` with the message of every WebGPU error that no
 * error scope caught (an invalid pipeline, a failed allocation). tfjs never watches for them, and
 * a kernel whose pipeline is invalid leaves its output unwritten, so a run would go on with wrong
 * numbers (seen with Dawn: an AddN of 10 inputs returned 0). Returns the unsubscribe function, or
 * null when the current backend is not webgpu.
 */
export function onGpuError(cb: (message: string) => void): (() => void) | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.engine().registry['webgpu'] as WebGPUBackend | undefined;
  if (!backend) return null;
  const device = backend.device;
  const listener = (event: Event) => cb((event as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', listener);
  return () => device.removeEventListener('uncapturederror', listener);
}

/**
 * When the current backend is webgpu: calls `cb` (and resolves) once its GPUDevice is lost, so
 * the lab can show an error instead of hanging on a read that never completes. tfjs itself never
 * watches `device.lost`. Returns null when the current backend is not webgpu.
 */
export function onDeviceLost(cb: (info: DeviceLostInfo) => void): Promise<DeviceLostInfo> | null {
  // getBackend() only reads the name; backend() would auto-initialise one.
  if (tf.getBackend() !== 'webgpu') return null;
  const backend = tf.engine().registry['webgpu'] as WebGPUBackend | undefined;
  if (!backend) return null;
  return backend.device.lost.then((lost) => {
    const info = { reason: String(lost.reason), message: lost.message };
    cb(info);
    return info;
  });
}
