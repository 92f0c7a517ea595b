/**
 * The first visit, exactly as the README says: `npm start` on a cold cache (node_modules/.vite
 * removed), on its own port, then open the URL it prints and start a run. Also: a worker that
 * cannot load says why and what to do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test, expect, waitForLab } from './fixtures';

/** Beside the suite's own servers (E2E_PORT, E2E_HARNESS_PORT = E2E_PORT + 1). */
const START_PORT = Number(process.env.E2E_START_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 2);

function startLab(): { child: ChildProcess; url: Promise<string> } {
  rmSync('node_modules/.vite', { recursive: true, force: true });
  const child = spawn('npm', ['start', '--', '--port', String(START_PORT)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /open (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return { child, url };
}

test('npm start on a cold cache prints the URL, and the lab there starts a run', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const { child, url } = startLab();
  try {
    const address = await url;
    expect(address).toBe(`http://localhost:${START_PORT}/`);
    await page.goto(address);
    await waitForLab(page);
    await expect(page.getByTestId('lab-error')).toHaveCount(0);
    await page.getByTestId('btn-start').click();
    await expect
      .poll(async () => Number(await page.getByTestId('run-step').textContent()), {
        timeout: 120_000,
      })
      .toBeGreaterThan(0);
    const first = Number(await page.getByTestId('run-step').textContent());
    await expect
      .poll(async () => Number(await page.getByTestId('run-step').textContent()), {
        timeout: 60_000,
      })
      .toBeGreaterThan(first);
    // the default preset trains in about a second here: by now it may have finished
    await expect(page.getByTestId('run-status')).toHaveText(/^(running|completed)$/);
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  }
});

test('a worker whose script cannot load says why and what to do, and Start is not left hanging', async ({
  page,
  pageErrors,
}) => {
  pageErrors.allow(/Failed to load resource|404/);
  await page.route(/lab\.worker.*\.js/, (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/?preset=tiny-check&backend=wasm');
  const banner = page.getByTestId('lab-error').first();
  await expect(banner).toContainText('The training worker stopped', { timeout: 60_000 });
  await expect(banner).toContainText('could not be loaded');
  await expect(banner).toContainText('Reload the page');
  await expect(banner).toContainText('npm run dev');
  await expect(page.getByTestId('busy')).toHaveCount(0);
  await expect(page.getByTestId('run-status')).toHaveText('failed');
});
