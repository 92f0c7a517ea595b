import { expect, test } from './fixtures';

interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean | null;
  /** Result of a 4-element compute shader that doubles its input, read back with mapAsync. */
  doubled: number[];
}

test('the app page renders without console errors', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#root')).not.toBeEmpty();
  await expect(page.getByText('NC Lab').first()).toBeVisible();
});

test('the browser has a working WebGPU adapter (SwiftShader on CI)', async ({ page }) => {
  await page.goto('/');
  const report = await page.evaluate(async (): Promise<AdapterReport | string> => {
    if (!('gpu' in navigator) || !navigator.gpu) return 'navigator.gpu is missing';
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return 'navigator.gpu.requestAdapter() returned null';
    const { vendor, architecture, device, description } = adapter.info;
    const isFallbackAdapter = adapter.info.isFallbackAdapter ?? null;

    // An adapter alone does not prove compute works: run one tiny shader and read it back.
    const gpu = await adapter.requestDevice();
    const input = new Float32Array([1, 2, 3, 4]);
    const storage = gpu.createBuffer({
      size: input.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    gpu.queue.writeBuffer(storage, 0, input);
    const module = gpu.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
             @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) i: vec3u) {
               v[i.x] = v[i.x] * 2.0;
             }`,
    });
    const pipeline = gpu.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
    });
    const bindGroup = gpu.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }],
    });
    const readback = gpu.createBuffer({
      size: input.byteLength,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    const encoder = gpu.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
    gpu.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const doubled = Array.from(new Float32Array(readback.getMappedRange()));
    readback.unmap();
    gpu.destroy();
    return { vendor, architecture, device, description, isFallbackAdapter, doubled };
  });

  expect(typeof report, String(report)).toBe('object');
  const adapter = report as AdapterReport;
  const summary = `${adapter.vendor} / ${adapter.architecture} (${adapter.description})`;
  test.info().annotations.push({ type: 'webgpu-adapter', description: JSON.stringify(adapter) });
  console.log(`WebGPU adapter: ${summary}; isFallbackAdapter=${adapter.isFallbackAdapter}`);

  // CI runs Chromium with --use-webgpu-adapter=swiftshader; a different adapter means the flags
  // did not take and the WebGPU tests would not be testing what we think.
  expect(`${adapter.architecture} ${adapter.description}`).toMatch(/swiftshader/i);
  expect(adapter.doubled).toEqual([2, 4, 6, 8]);
});

test('the page is cross-origin isolated (COOP/COEP headers), so wasm may run threaded', async ({
  page,
}) => {
  await page.goto('/');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
});
