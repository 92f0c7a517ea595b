#!/usr/bin/env bash
# Packs `npm run bench`'s Node path for a GPU server that has no npm, no registry and no
# node_modules (the lent device machine: 64 MiB may travel with the work tree), into .gpubench/:
#   gpu.mjs            scripts/bench.ts and scripts/experiment.ts bundled with the engine
#                      (esbuild, Node ESM; bench/gpu/entry.ts); the browser benches and
#                      Playwright stay out (bench.ts imports them only when used)
#   check/             the four UFM reference runs' configs (bench/gpu/checkConfigs.ts)
#   node.xz            this machine's Node binary
#   webgpu/            Dawn's Node bindings for linux-x64 (dawn.node xz-compressed)
#   gl/                the Vulkan loader and GL dispatch libraries' Debian packages (libvulkan1,
#                      libglvnd0, …): NVIDIA's Vulkan driver (libGLX_nvidia) needs both
# bench/gpu/run.sh unpacks and runs it there. About 30 MB in all.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpubench
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/gl"
# --main-fields=module,main: one (ESM) copy of tfjs-core for every tfjs package
npx esbuild bench/gpu/entry.ts --bundle --platform=node --format=esm --target=node20 \
  --main-fields=module,main \
  --outfile="$out/gpu.mjs" --log-level=warning \
  --external:webgpu --external:playwright-core \
  --external:./benchBrowser --external:./benchUi --external:./benchOverlayUi \
  --external:./benchFirstChart \
  --banner:js="import { createRequire as __ncCreateRequire } from 'node:module'; const require = __ncCreateRequire(import.meta.url);"
mkdir -p "$out/node_modules/@tensorflow/tfjs"
echo '{"name":"@tensorflow/tfjs","type":"module","main":"index.js"}' \
  >"$out/node_modules/@tensorflow/tfjs/package.json"
echo '// empty: bench/gpu/entry.ts registers the gradients' >"$out/node_modules/@tensorflow/tfjs/index.js"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$out/dawn.node.xz"
xz -T0 -6 -c "$(command -v node)" >"$out/node.xz"
(cd "$out/gl" && apt-get download libvulkan1 libglvnd0 libegl1 libopengl0 libgl1 libglx0 \
  libgles2 2>&1 | grep -v '^W:' >/dev/null)
npx tsx bench/gpu/checkConfigs.ts "$out/check"
du -sh "$out"
