/**
 * WebGPU in Node.js, for the CLI on a GPU server: Dawn's Node bindings (the npm package `webgpu`,
 * prebuilt for linux-x64) give tfjs-backend-webgpu the `navigator.gpu` it looks for. Dawn drives
 * the GPU through Vulkan, so the machine needs the Vulkan loader (`libvulkan.so.1`) and a Vulkan
 * driver: the GPU vendor's, or a software one standing in for tests (SwiftShader, which ships with
 * Chromium: `VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`).
 *
 * No `node:` imports at the top: backend.ts imports this module lazily, and the browser build
 * must be able to bundle it without ever running it.
 */

/** What Dawn hands out: only the part backend.ts probes. */
interface DawnGpu {
  requestAdapter(options?: object): Promise<object | null>;
}

interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

export interface NodeGpuInstall {
  /** True when `navigator.gpu` is Dawn's after this call. */
  installed: boolean;
  /** Why not, or what is missing, in words a user can act on. */
  note?: string;
}

// Read at run time so no bundler tries to resolve the native package or node:fs.
const DAWN_PACKAGE = 'webgpu';
const NODE_FS = 'node:fs';
const NODE_OS = 'node:os';

/** Where Debian, Ubuntu, Fedora and the NVIDIA container images keep the Vulkan loader. */
const LOADER_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export const VULKAN_HELP =
  'install the Vulkan loader (Debian/Ubuntu: apt-get install libvulkan1) and a Vulkan driver ' +
  '(on an NVIDIA server the driver package ships one; check with `vulkaninfo --summary`); ' +
  `for a software stand-in, set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (Debian's chromium package)`;

/** Device nodes a GPU shows as on Linux besides DRM render nodes: NVIDIA's, and WSL2's. */
const GPU_DEVICES = ['/dev/nvidiactl', '/dev/dxg'];

/**
 * Why `auto` need not wake Dawn here: a Linux machine without a GPU device (no DRM render node,
 * no NVIDIA or WSL2 device) can give Dawn only software adapters, which `auto` does not use,
 * and Dawn's Vulkan probe prints its drivers' complaints ("Vulkan shaderUniform*ArrayDynamic-
 * Indexing required" for Mesa's lavapipe) on every command. null: probe (another OS, a GPU
 * device, or VK_ICD_FILENAMES naming a driver on purpose).
 */
export function gpuDeviceNote(machine: {
  platform: string;
  icdFiles: string | undefined;
  exists: (path: string) => boolean;
  /** the names in /dev/dri */
  dri: () => string[];
}): string | null {
  if (machine.platform !== 'linux' || machine.icdFiles) return null;
  const renderNode =
    machine.exists('/dev/dri') && machine.dri().some((n) => n.startsWith('renderD'));
  if (renderNode || GPU_DEVICES.some((d) => machine.exists(d))) return null;
  return (
    'no GPU device on this machine (/dev/dri/renderD*, /dev/nvidiactl, /dev/dxg): WebGPU ' +
    'not probed (backend webgpu probes it anyway)'
  );
}

/** gpuDeviceNote for this machine. */
export async function noGpuDevice(): Promise<string | null> {
  const proc = nodeProcess();
  if (!proc) return null;
  const { existsSync, readdirSync } = (await import(
    /* @vite-ignore */ NODE_FS
  )) as typeof import('node:fs');
  return gpuDeviceNote({
    platform: proc.platform,
    icdFiles: proc.env.VK_ICD_FILENAMES,
    exists: existsSync,
    dri: () => readdirSync('/dev/dri'),
  });
}

let installing: Promise<NodeGpuInstall> | null = null;

/** Installs Dawn's `navigator.gpu` once per process; later calls return the first answer. */
export function installNodeWebGpu(): Promise<NodeGpuInstall> {
  installing ??= install();
  return installing;
}

async function install(): Promise<NodeGpuInstall> {
  const existing = navigatorOf();
  if (existing?.gpu) return { installed: true };
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ DAWN_PACKAGE)) as DawnModule;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      installed: false,
      note: `WebGPU in Node needs the npm package "webgpu" (Dawn), which did not load: ${why}. Run npm ci`,
    };
  }
  // GPUBufferUsage, GPUMapMode, … are globals in a browser; tfjs-backend-webgpu reads them so.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, writable: true });
  }
  const gpu = quietAdapterProbe(dawn.create([]), await nodeHost());
  const nav = existing ?? {};
  Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  if (!existing) Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
  return { installed: true };
}

/** What quietAdapterProbe needs of Node (given, so a test can watch it). */
export interface NodeHost {
  platform: string;
  env: Record<string, string | undefined>;
  /** a new empty folder only this user can enter (mkdtemp's 0700) */
  makePrivateDir: () => string;
  removeDir: (path: string) => void;
}

async function nodeHost(): Promise<NodeHost | null> {
  const proc = nodeProcess();
  if (!proc) return null;
  const fs = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs');
  const os = (await import(/* @vite-ignore */ NODE_OS)) as typeof import('node:os');
  return {
    platform: proc.platform,
    env: proc.env,
    makePrivateDir: () => fs.mkdtempSync(`${os.tmpdir()}/nc-lab-xdg-`),
    removeDir: (path) => fs.rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * Dawn's Vulkan probe (requestAdapter) opens libwayland, which prints "error: XDG_RUNTIME_DIR is
 * invalid or not set in the environment." twice on a machine without a desktop session, every
 * GPU server among them: no error of the run, yet the first lines a user reads. During each
 * probe, where it is unset, XDG_RUNTIME_DIR names an empty private folder (no display there,
 * nothing printed); it is unset again and the folder removed once the probe has answered.
 */
export function quietAdapterProbe<G extends DawnGpu>(gpu: G, host: NodeHost | null): G {
  if (!host || host.platform !== 'linux') return gpu;
  const probe = gpu.requestAdapter.bind(gpu);
  const quiet = async (options?: object) => {
    if (host.env.XDG_RUNTIME_DIR) return probe(options);
    const dir = host.makePrivateDir();
    host.env.XDG_RUNTIME_DIR = dir;
    try {
      return await probe(options);
    } finally {
      delete host.env.XDG_RUNTIME_DIR;
      host.removeDir(dir);
    }
  };
  Object.defineProperty(gpu, 'requestAdapter', { value: quiet, configurable: true });
  return gpu;
}

/** Node's `process` (undefined in a page: this module is bundled for one). */
function nodeProcess(): { platform: string; env: Record<string, string | undefined> } | undefined {
  return (globalThis as { process?: { platform: string; env: Record<string, string | undefined> } })
    .process;
}

function navigatorOf(): { gpu?: unknown } | undefined {
  return (globalThis as { navigator?: { gpu?: unknown } }).navigator;
}

/**
 * Why Dawn found no adapter, as far as the machine tells: no Vulkan loader at all, or a loader
 * without a usable driver.
 */
export async function explainNoAdapter(): Promise<string> {
  const { existsSync } = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs');
  const env = nodeProcess()?.env;
  const dirs = [...(env?.LD_LIBRARY_PATH?.split(':') ?? []), ...LOADER_DIRS].filter(Boolean);
  const loader = dirs.some((dir) => existsSync(`${dir}/libvulkan.so.1`));
  if (!loader) return `Dawn found no Vulkan loader (libvulkan.so.1): ${VULKAN_HELP}`;
  const icd = env?.VK_ICD_FILENAMES;
  if (icd && !icd.split(':').every((f) => existsSync(f)))
    return `VK_ICD_FILENAMES names a file that does not exist (${icd}): ${VULKAN_HELP}`;
  return `Dawn found no usable Vulkan adapter (Dawn refuses drivers that lack required features, e.g. Mesa 22's lavapipe): ${VULKAN_HELP}`;
}
