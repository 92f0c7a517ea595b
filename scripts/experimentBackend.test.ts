import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/engine/run/result';

const exec = promisify(execFile);

/** The CLI with a Vulkan driver list that names no file: Dawn finds no adapter. */
async function runWithoutGpu(
  backend: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['tsx', 'scripts/experiment.ts', '--config', '?preset=tiny-check&steps=10'];
  const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };
  try {
    const { stdout, stderr } = await exec('npx', [...args, '--backend', backend, '--quiet'], {
      env,
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run experiment --backend on a machine without a usable GPU', () => {
  it('--backend webgpu stops with exit code 1, saying what is missing and how to fall back', async () => {
    const { code, stdout, stderr } = await runWithoutGpu('webgpu');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--backend webgpu could not be used');
    expect(stderr).toContain('VK_ICD_FILENAMES names a file that does not exist');
    expect(stderr).toContain('apt-get install libvulkan1');
    expect(stderr).toContain('Use --backend auto to fall back');
  });

  it('--backend auto falls back to wasm and says why in the result', async () => {
    const { code, stdout } = await runWithoutGpu('auto');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as RunResult;
    expect(result.backend).toMatchObject({ backend: 'wasm', requested: 'auto', adapter: null });
    expect(result.backend.notes.join('\n')).toContain('Node.js, no WebGPU adapter: using wasm');
  });
});
