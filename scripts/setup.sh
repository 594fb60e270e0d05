#!/usr/bin/env bash
# One-time setup of a fresh Debian 12 machine for the whole project (needs root for apt):
# Debian's chromium for the browser tests, torch/onnx for the Python toolchain, npm packages, the toolchain venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c "import torch, onnx" 2>/dev/null || need+=(python3-torch python3-onnx libopenblas0-openmp)
/usr/bin/python3 -c "import venv, ensurepip" 2>/dev/null || need+=(python3-venv python3-pip)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
# .npmrc skips onnxruntime-node's CUDA download (the CPU binaries ship in the npm tarball)
npm ci --no-audit --no-fund
bash toolchain/setup.sh
