import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { quietAdapterProbe, type NodeHost } from './nodeWebGpu';

/** A host like Node's, with its own environment and real private folders. */
function host(env: Record<string, string | undefined>, platform = 'linux'): NodeHost {
  return {
    platform,
    env,
    makePrivateDir: () => mkdtempSync(`${tmpdir()}/nc-lab-xdg-`),
    removeDir: (path) => rmSync(path, { recursive: true, force: true }),
  };
}

/** A stand-in for Dawn's GPU that records what the probe saw of XDG_RUNTIME_DIR. */
function fakeGpu(env: Record<string, string | undefined>) {
  const seen: (string | undefined)[] = [];
  const gpu = {
    requestAdapter(): Promise<object | null> {
      seen.push(env.XDG_RUNTIME_DIR);
      return Promise.resolve({ name: 'a' });
    },
  };
  return { gpu, seen };
}

describe("Dawn's adapter probe without a desktop session", () => {
  it('sees XDG_RUNTIME_DIR as an empty folder only its user can enter, unset and removed after it', async () => {
    const env: Record<string, string | undefined> = {};
    const { gpu, seen } = fakeGpu(env);
    const quiet = quietAdapterProbe(gpu, host(env));
    expect(await quiet.requestAdapter()).toEqual({ name: 'a' });
    expect(seen).toHaveLength(1);
    const dir = seen[0] as string;
    expect(dir).toMatch(/nc-lab-xdg-/);
    expect(existsSync(dir)).toBe(false);
    expect('XDG_RUNTIME_DIR' in env).toBe(false);
  });

  it('the folder exists (mode 0700, empty) while the probe runs, and a failed probe cleans up too', async () => {
    const env: Record<string, string | undefined> = {};
    let during: { mode: number; entries: number } | null = null;
    const gpu = {
      requestAdapter(): Promise<object | null> {
        const dir = env.XDG_RUNTIME_DIR as string;
        during = { mode: statSync(dir).mode & 0o777, entries: readdirSync(dir).length };
        return Promise.reject(new Error('probe failed'));
      },
    };
    await expect(quietAdapterProbe(gpu, host(env)).requestAdapter()).rejects.toThrow(
      'probe failed',
    );
    expect(during).toEqual({ mode: 0o700, entries: 0 });
    expect('XDG_RUNTIME_DIR' in env).toBe(false);
  });

  it("keeps a session's own XDG_RUNTIME_DIR, and changes nothing off Linux or outside Node", async () => {
    const env: Record<string, string | undefined> = { XDG_RUNTIME_DIR: '/run/user/1000' };
    const own = fakeGpu(env);
    await quietAdapterProbe(own.gpu, host(env)).requestAdapter();
    expect(own.seen).toEqual(['/run/user/1000']);
    expect(env.XDG_RUNTIME_DIR).toBe('/run/user/1000');

    const mac: Record<string, string | undefined> = {};
    const other = fakeGpu(mac);
    await quietAdapterProbe(other.gpu, host(mac, 'darwin')).requestAdapter();
    expect(other.seen).toEqual([undefined]);

    const browser = fakeGpu({});
    expect(quietAdapterProbe(browser.gpu, null)).toBe(browser.gpu);
  });
});
