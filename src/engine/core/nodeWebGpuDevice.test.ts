import { describe, expect, it } from 'vitest';
import { gpuDeviceNote } from './nodeWebGpu';

/** A Linux machine with these device nodes (and /dev/dri holding `dri`). */
const linux = (devices: string[], dri: string[] = [], icdFiles?: string) => ({
  platform: 'linux',
  icdFiles,
  exists: (p: string) => devices.includes(p) || (p === '/dev/dri' && dri.length > 0),
  dri: () => dri,
});

describe('gpuDeviceNote: whether auto probes WebGPU (Dawn) in Node', () => {
  it('a Linux machine with no GPU device is not probed, and the note says how to probe it anyway', () => {
    expect(gpuDeviceNote(linux([]))).toBe(
      'no GPU device on this machine (/dev/dri/renderD*, /dev/nvidiactl, /dev/dxg): WebGPU not probed (backend webgpu probes it anyway)',
    );
    // a display-only DRM card without a render node is no GPU for compute
    expect(gpuDeviceNote(linux([], ['card0']))).not.toBeNull();
  });

  it('a render node, an NVIDIA or a WSL2 device, another OS, or VK_ICD_FILENAMES: probed', () => {
    expect(gpuDeviceNote(linux([], ['card0', 'renderD128']))).toBeNull();
    expect(gpuDeviceNote(linux(['/dev/nvidiactl']))).toBeNull();
    expect(gpuDeviceNote(linux(['/dev/dxg']))).toBeNull();
    expect(gpuDeviceNote({ ...linux([]), platform: 'darwin' })).toBeNull();
    expect(gpuDeviceNote(linux([], [], '/usr/lib/chromium/vk_swiftshader_icd.json'))).toBeNull();
  });
});
