#!/usr/bin/env bash
# GPU check for an NVIDIA machine (docs/gpu-workers.md): builds hwsweep's GPU backend (TensorFlow 2.21 + CUDA 12
# libraries from PyPI), trains the VGG-style net for one epoch of Fashion-MNIST on the GPU and prints images/s and
# the device. About 5 minutes on an H200 with a fast link to PyPI (a ~4 GB download the first time).
#
#   scripts/gpu-check.sh                      # from the repository root
#   scripts/gpu-check.sh --wheels DIR         # offline: wheels downloaded beforehand (see docs/gpu-workers.md)
#   GPU_CHECK_IMAGES=6000 scripts/gpu-check.sh   # a shorter epoch
#
# Exit code 0 only when the epoch ran on a GPU. The last line is a JSON summary (also in .hwsweep/gpu-check.json).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo; echo "=== $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "✖ $*" >&2; exit 1; }

WHEELS=()
if [ "${1:-}" = "--wheels" ]; then
  [ -d "${2:-}" ] || fail "--wheels needs a folder of wheels"
  WHEELS=(--wheels "$2")
fi

step "GPU and driver"
command -v nvidia-smi >/dev/null || fail "nvidia-smi not found: this check needs an NVIDIA GPU and its driver"
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader || fail "nvidia-smi lists no GPU"
driver=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)
# CUDA 12 libraries need driver >= 525 (>= 550 for the newest 12.x minor versions TensorFlow's wheels pull).
[ "${driver%%.*}" -ge 525 ] || fail "driver $driver is older than CUDA 12 needs (>= 525)"

step "tools"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node >= 20.19 needed, have "+process.versions.node); process.exit(1) }'
for t in python3 g++ make; do command -v $t >/dev/null || fail "$t is missing (Debian/Ubuntu: apt-get install -y python3-pip g++ make)"; done
python3 -m pip --version >/dev/null || fail "pip is missing (Debian/Ubuntu: apt-get install -y python3-pip)"

step "npm ci (when node_modules is missing)"
[ -d node_modules/@tensorflow/tfjs-node ] || npm ci --no-audit --no-fund

step "hwsweep setup native --gpu"
node bin/hwsweep.js setup native --gpu "${WHEELS[@]}"

step "one epoch of VGG-style on the GPU"
export TF_FORCE_GPU_ALLOW_GROWTH=true
mkdir -p .hwsweep
npx tsx scripts/native-epoch.ts --backend tensorflow-gpu --images "${GPU_CHECK_IMAGES:-60000}" --json | tee .hwsweep/gpu-check.json
step "done"
