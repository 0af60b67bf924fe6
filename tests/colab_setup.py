"""Where the tests find the Colab-like Python environment, and how to make it.

`.ci/colab_env.sh` builds it: Python 3.13 with Colab's ipywidgets 7.7.1, ipykernel 6.17.1 and
torch 2.11, nnkit with the extras the chapters install, nbclient, and (LAB=1) JupyterLab 4 with
jupyterlab_widgets 1.1. tests/test_run_notebooks.py runs the widgets, progress bars and notebooks
for running in it; tests/test_jupyterlab.py serves JupyterLab from it. Both skip where it is absent.
"""
import os
from pathlib import Path

COLAB_PYTHON = Path(os.environ.get("NNKIT_COLAB_PYTHON", "/tmp/ipyw7/bin/python"))
MAKE_COLAB_ENV = (
    f"LAB=1 .ci/colab_env.sh {COLAB_PYTHON.parents[1]} (Python 3.13 with Colab's ipywidgets "
    "7.7.1, ipykernel 6.17.1 and torch 2.11, nnkit with the extras the chapters install, "
    "nbclient, JupyterLab 4 with jupyterlab_widgets 1.1; or set NNKIT_COLAB_PYTHON)")
NO_COLAB_ENV = f"no environment with Colab's widget stack at {COLAB_PYTHON}; make it with: " + (
    MAKE_COLAB_ENV)
