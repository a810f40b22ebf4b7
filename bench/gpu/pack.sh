#!/usr/bin/env bash
# Builds the GPU benchmark tarball (run on a development machine, from the project root):
#   bash bench/gpu/pack.sh [OUT_DIR]          (default bench/gpu/out)
# The GPU machine has no Node, no npm and no network, and a run carries at most 64 MiB, so the
# tarball holds everything: this machine's node binary, an esbuild bundle of bench/gpu/train-step.ts
# (tfjs and our code; `webgpu` kept external; the banner gives the CommonJS parts require,
# __filename and __dirname), node_modules/webgpu reduced to what loads Dawn
# (index.js, package.json, dist/linux-x64/dawn.node), Debian's libvulkan1 .deb (the Vulkan loader
# is not installed there), the PyTorch twin scripts and run.sh. See bench/gpu/README.md.
set -euo pipefail
OUT="${1:-bench/gpu/out}"
STAGE="$OUT/stage"
rm -rf "$STAGE"
mkdir -p "$STAGE/node_modules/webgpu/dist/linux-x64" "$STAGE/debs"

npx esbuild bench/gpu/train-step.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --log-level=warning --outfile="$STAGE/train-step.mjs" \
  --banner:js="import { createRequire as __sbRequire } from 'node:module'; import { fileURLToPath as __sbPath } from 'node:url'; const require = __sbRequire(import.meta.url); const __filename = __sbPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');"

cp "$(command -v node)" "$STAGE/node"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$STAGE/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$STAGE/node_modules/webgpu/dist/linux-x64/"
(cd "$STAGE/debs" && apt-get download libvulkan1 >/dev/null)
cp bench/gpu/run.sh bench/gpu/probe-adapter.mjs bench/gpu/bert_step_torch_gpu.py bench/reference/bert_step_torch.py "$STAGE/"

tar -C "$STAGE" -cf - . | xz -T2 -6 > "$OUT/skillbench-gpu.tar.xz"
rm -rf "$STAGE" # ~130 MB unpacked: only the tarball should travel
SIZE=$(stat -c %s "$OUT/skillbench-gpu.tar.xz")
echo "$OUT/skillbench-gpu.tar.xz: $((SIZE / 1024 / 1024)) MiB"
if [ "$SIZE" -ge $((60 * 1024 * 1024)) ]; then
  echo "too big: the GPU run carries at most 64 MiB in all (goal < 60 MiB)" >&2
  exit 1
fi
