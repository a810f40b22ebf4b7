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
export SKILLBENCH_PROBE_WEBGPU=1
# timestamp queries give tf.profile real per-kernel GPU times (an "unsafe" API in Dawn)
export SKILLBENCH_DAWN_OPTIONS="enable-dawn-features=allow_unsafe_apis"

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true; ./node --version; } \
  | tee "$RESULTS/machine.txt"

# 0. Which Vulkan driver configuration gives Dawn an adapter? (A container without a display
#    may fail in the GLX entry point of the NVIDIA driver, libGLX_nvidia, and work through the
#    EGL one, libEGL_nvidia, which exports the same Vulkan ICD interface.) The first that works
#    is kept; each attempt's loader log is in probe-*.log.
printf '{"file_format_version":"1.0.1","ICD":{"library_path":"libEGL_nvidia.so.0","api_version":"1.3.0"}}\n' \
  > "$HERE/nvidia_icd_egl.json"
candidates=("$HERE/nvidia_icd_egl.json" /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json \
  /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json default)
found=""
for icd in "${candidates[@]}"; do
  name=$(echo "${icd#"$HERE"/}" | tr / _)
  if [ "$icd" = default ]; then unset VK_DRIVER_FILES
  elif [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"
  else continue; fi
  if VK_LOADER_DEBUG=error,warn,driver timeout 60 ./node probe-adapter.mjs \
    > "$RESULTS/probe-$name.json" 2> "$RESULTS/probe-$name.log"; then
    found="$icd"; echo "adapter via $name: $(cat "$RESULTS/probe-$name.json")"; break
  fi
  echo "no adapter via $name: $(grep -m1 -E 'ERROR|error' "$RESULTS/probe-$name.log" || echo '?')"
done
echo "${found:-none}" > "$RESULTS/vulkan-driver.txt"

# 1. tfjs on webgpu: numerics check against the cpu backend (tiny config), then bert-base B 32 T 64.
#    Skipped without an adapter (the device time is better spent on the PyTorch side).
if [ -n "$found" ]; then
timeout 240 ./node train-step.mjs --backend webgpu --steps 20 --warmup 3 \
  > "$RESULTS/tfjs-webgpu-b32.json" 2> "$RESULTS/tfjs-webgpu-b32.log"
echo "tfjs webgpu B32 exit $?"; tail -n 3 "$RESULTS/tfjs-webgpu-b32.log"

# 2. the same at B 128 (dispatch overhead amortised over 4x the tokens)
timeout 120 ./node train-step.mjs --backend webgpu --batch 128 --steps 8 --warmup 2 --no-check \
  > "$RESULTS/tfjs-webgpu-b128.json" 2> "$RESULTS/tfjs-webgpu-b128.log"
echo "tfjs webgpu B128 exit $?"; tail -n 2 "$RESULTS/tfjs-webgpu-b128.log"
fi

# 3. PyTorch: BertForTokenClassification (transformers when installed, else our structural twin), fp32.
timeout 120 python3 bert_step_torch_gpu.py --batch 32 --length 64 --dtype fp32 \
  > "$RESULTS/torch-b32-fp32.json" 2> "$RESULTS/torch-b32-fp32.log"
echo "torch B32 fp32 exit $?"; cat "$RESULTS/torch-b32-fp32.json"
timeout 90 python3 bert_step_torch_gpu.py --batch 32 --length 64 --dtype fp32 --attention eager \
  > "$RESULTS/torch-b32-fp32-eager.json" 2> "$RESULTS/torch-b32-fp32-eager.log"
echo "torch B32 fp32 eager attention exit $?"; cat "$RESULTS/torch-b32-fp32-eager.json"
