"""Run chapter notebooks top to bottom and save them with their outputs (``make notebooks``).

The saved outputs are what ``pytest --nbval`` compares a fresh run against, so they must be
deterministic. Cells tagged ``nbval-ignore-output`` (widgets, progress bars, timings) vary
from run to run: their outputs are cleared rather than committed, and so is the widget state
Jupyter stores in the notebook's metadata. The book re-executes every notebook anyway.

Usage: python .ci/execute_notebooks.py [NOTEBOOK ...]   (default: chapters/*.ipynb)
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbval-ignore-output" in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def main(args):
    paths = [Path(a) for a in args] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
