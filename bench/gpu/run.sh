#!/usr/bin/env bash
# Runs on the GPU machine from the unpacked tarball (see README.md):
#   mkdir -p /tmp/sb && tar -xJf bench/gpu/out/skillbench-gpu.tar.xz -C /tmp/sb && bash /tmp/sb/run.sh
# Results (JSON lines and logs) go to $OUT when the device tool sets it, else ./results.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
RESULTS="${OUT:-$HERE/results}"
mkdir -p "$RESULTS"
cd "$HERE"

# The Vulkan loader is not installed there: unpack Debian's libvulkan1 next to us.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  mkdir -p vulkan && dpkg -x debs/libvulkan1_*.deb vulkan
  export LD_LIBRARY_PATH="$HERE/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export SKILLBENCH_PROBE_WEBGPU=1

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; ./node --version; } \
  | tee "$RESULTS/machine.txt"

# 1. tfjs on webgpu: numerics check against the cpu backend (tiny config), then bert-base B 32 T 64.
timeout 240 ./node train-step.mjs --backend webgpu --steps 20 --warmup 3 \
  > "$RESULTS/tfjs-webgpu-b32.json" 2> "$RESULTS/tfjs-webgpu-b32.log"
echo "tfjs webgpu B32 exit $?"; tail -n 3 "$RESULTS/tfjs-webgpu-b32.log"

# 2. the same at B 128 (dispatch overhead amortised over 4x the tokens)
timeout 120 ./node train-step.mjs --backend webgpu --batch 128 --steps 8 --warmup 2 --no-check \
  > "$RESULTS/tfjs-webgpu-b128.json" 2> "$RESULTS/tfjs-webgpu-b128.log"
echo "tfjs webgpu B128 exit $?"; tail -n 2 "$RESULTS/tfjs-webgpu-b128.log"

# 3. PyTorch: BertForTokenClassification (transformers when installed, else our structural twin), fp32.
timeout 120 python3 bert_step_torch_gpu.py --batch 32 --length 64 --dtype fp32 \
  > "$RESULTS/torch-b32-fp32.json" 2> "$RESULTS/torch-b32-fp32.log"
echo "torch B32 fp32 exit $?"; cat "$RESULTS/torch-b32-fp32.json"
timeout 90 python3 bert_step_torch_gpu.py --batch 32 --length 64 --dtype fp32 --attention eager \
  > "$RESULTS/torch-b32-fp32-eager.json" 2> "$RESULTS/torch-b32-fp32-eager.log"
echo "torch B32 fp32 eager attention exit $?"; cat "$RESULTS/torch-b32-fp32-eager.json"
