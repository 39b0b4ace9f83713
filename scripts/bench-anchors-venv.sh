#!/usr/bin/env bash
# Creates the Python virtualenv that `npm run bench:train` uses for its anchor rows (PyTorch and Keras running
# the same LeNet-5 and VGG-style training as hwsweep, in the same run). Optional: without it the bench prints
# the hwsweep rows only and says the anchors are not applicable.
#
#   scripts/bench-anchors-venv.sh            # ~/.cache/hwsweep/anchors-venv (HWSWEEP_ANCHORS_VENV moves it)
#
# Downloads from PyPI: torch (the Linux wheel pulls its CUDA libraries too: several GB, though the bench runs it on
# the CPU) and tensorflow-cpu (~270 MB). Idempotent: a second run only checks the imports.
set -euo pipefail
VENV="${HWSWEEP_ANCHORS_VENV:-$HOME/.cache/hwsweep/anchors-venv}"
PYTHON="${HWSWEEP_PYTHON:-python3}"
TORCH=2.15.0
TENSORFLOW=2.21.0

if ! "$PYTHON" -m venv --help >/dev/null 2>&1; then
  echo "✖ $PYTHON cannot create virtualenvs (Debian/Ubuntu: apt-get install -y python3-venv; or set HWSWEEP_PYTHON)" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if ! "$VENV/bin/python" -c "import torch, tensorflow" >/dev/null 2>&1; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off "torch==$TORCH" "tensorflow-cpu==$TENSORFLOW"
fi
"$VENV/bin/python" -c "import torch, tensorflow as tf; print(f'anchors venv {\"$VENV\"}: torch {torch.__version__}, tensorflow {tf.__version__}')"
