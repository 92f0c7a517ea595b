#!/usr/bin/env bash
# On the GPU server: unpack .gpubench/ (bench/gpu/pack.sh) and run Node WebGPU (Dawn on the
# GPU's Vulkan driver) against PyTorch CUDA, side by side in one run. Results go to $OUT (or
# bench-results/). Usage: bash bench/gpu/run.sh [extra bench arguments]
set -uo pipefail
cd "$(dirname "$0")/../.."
g=.gpubench
out=${OUT:-bench-results}
mkdir -p "$out" /tmp/nodebin
xz -dc $g/node.xz >/tmp/nodebin/node && chmod +x /tmp/nodebin/node
xz -dc $g/dawn.node.xz >$g/node_modules/webgpu/dist/linux-x64/dawn.node
# NVIDIA's Vulkan driver is libGLX_nvidia, which needs the GL dispatch library (libglvnd) too:
# without it the loader finds the driver but not vkCreateInstance
if ! ldconfig -p | grep -q libvulkan.so.1 || ! ldconfig -p | grep -q libGLdispatch.so.0; then
  for f in $g/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] &&
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv | tee "$out/bench.log"
PY=${PYTHON:-python3}
/tmp/nodebin/node --version
# no adapter: stop here, before the minutes of the rest (Dawn's own messages say why)
(cd $g && /tmp/nodebin/node --input-type=module -e "
  import { create } from 'webgpu';
  const a = await create([]).requestAdapter();
  console.log(a ? 'WebGPU adapter: ' + [a.info.vendor, a.info.architecture, a.info.device, a.info.description].join(' / ') : 'no WebGPU adapter');
  process.exit(a ? 0 : 3);") 2>&1 | tee -a "$out/bench.log"
[ "${PIPESTATUS[0]}" = 0 ] || exit 3
# correctness first: the four UFM reference runs (5 000 steps from the reference initial state);
# read them back against the reference with `npx tsx bench/gpu/compare.ts <the results folder>`
for c in $g/check/*.json; do
  name=$(basename "$c" .json)
  /tmp/nodebin/node $g/gpu.mjs experiment --config "$c" --backend webgpu --quiet \
    --init "test/oracles/ufm/ref_ufm_${name}_it5000.json" --out "$out/check-$name.json" ||
    echo "check $name failed"
done
/tmp/nodebin/node $g/gpu.mjs bench --node-only --node-backends webgpu --compare-backend webgpu \
  --torch-run --torch-device cuda --python "$PY" --large "$@" 2>&1 | tee -a "$out/bench.log"
rc=${PIPESTATUS[0]}
cp bench-results/*.json "$out/" 2>/dev/null
exit "$rc"
