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
  if VK_LOADER_DEBUG=error,warn,driver timeout 20 ./node probe-adapter.mjs \
    > "$RESULTS/probe-$name.json" 2> "$RESULTS/probe-$name.log"; then
    found="$icd"; echo "adapter via $name: $(cat "$RESULTS/probe-$name.json")"; break
  fi
  echo "no adapter via $name: $(grep -m1 -E 'ERROR|error' "$RESULTS/probe-$name.log" || echo '?')"
done
echo "${found:-none}" > "$RESULTS/vulkan-driver.txt"

# Worst case (every step at its timeout) stays under the device call's 600 s when the probes
# are quick; the most important pair (tfjs B 32, PyTorch B 32) runs first.
tfjs() { # name, timeout, train-step flags...
  local name=$1 limit=$2
  shift 2
  timeout "$limit" ./node train-step.mjs --backend webgpu "$@" \
    > "$RESULTS/$name.json" 2> "$RESULTS/$name.log"
  echo "$name exit $?"; tail -n 2 "$RESULTS/$name.log"
}
torch() { # name, timeout, script flags...
  local name=$1 limit=$2
  shift 2
  timeout "$limit" python3 bert_step_torch_gpu.py --batch 32 --length 64 --dtype fp32 "$@" \
    > "$RESULTS/$name.json" 2> "$RESULTS/$name.log"
  echo "$name exit $?"; cat "$RESULTS/$name.json"
}

# 1. tfjs on webgpu: numerics check against the cpu backend (tiny config), then bert-base B 32 T 64
#    (skipped without an adapter); 2. PyTorch BertForTokenClassification, same shapes, fp32.
[ -n "$found" ] && tfjs tfjs-webgpu-b32 180 --steps 20 --warmup 3
torch torch-b32-fp32 90

# 3. tfjs's own knobs on the same step: fewer queue submits (15 dispatches per submit by
#    default), the packed matMul program for every product, and B 128 (launch overhead
#    amortised over 4x the tokens).
if [ -n "$found" ]; then
  tfjs tfjs-webgpu-b32-submit256 60 --steps 10 --warmup 2 --no-check --tfjs-flag WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=256
  tfjs tfjs-webgpu-b32-matmul-packed 60 --steps 10 --warmup 2 --no-check --tfjs-flag WEBGPU_MATMUL_PROGRAM_TYPE=3
  tfjs tfjs-webgpu-b128 75 --batch 128 --steps 8 --warmup 2 --no-check
fi
torch torch-b32-fp32-eager 60 --attention eager
