/** The browser every e2e test and the browser benchmark drive. */
// Playwright cannot download browsers here: we drive Debian's Chromium (.ci/run installs it).
export const CHROMIUM = '/usr/bin/chromium';

// Headless Chromium gives a real WebGPU adapter only with these flags, and only on a secure
// origin (http://localhost counts). The adapter is SwiftShader, a CPU emulation: 20–40× slower
// than wasm, so keep WebGPU tests small. The last three flags keep the browser off the network.
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
