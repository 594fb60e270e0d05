#!/usr/bin/env bash
# Sets up the Python toolchain on Debian 12: torch/onnx from Debian, the rest pinned from PyPI in a venv.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c "import torch, onnx" 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq python3-torch python3-onnx python3-venv python3-pip libopenblas0-openmp >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -c "import torch, onnx, onnxruntime, tokenizers; print('toolchain ready: torch', torch.__version__, 'onnxruntime', onnxruntime.__version__)"
