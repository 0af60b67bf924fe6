"""How long a student waits for the exercises' feedback: the Otter cell, a check, the export.

The exercises are assigned into a temporary folder (``.ci/assign_exercises.py``, without otter's
solution run). Each chapter's reference solution (its autograder notebook, given the student
notebook's public tests) then runs top to bottom in a fresh Jupyter kernel, as a student's
notebook does, with a clock around three kinds of cell:

* the "Initialize Otter" cell (``import otter`` and ``otter.Notebook``);
* every ``grader.check("qN")`` cell (the first one separately: it pays for loading the tests);
* the export cell (``grader.export(run_tests=True)``: it writes the zip, then grades it in a new
  process and kernel, as otter does before a student submits).
"""
import importlib.util
import json
import statistics
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ("02-perceptron", "09-transfer-learning")  # numpy only, and torch

CLOCK = "import time as _clock\n_times = {'check': []}\n"
REPORT = "import json as _json\nprint('TIMES', _json.dumps(_times))\n"


def _timed(source, key):
    """``source`` with a clock around it, adding its seconds to ``_times[key]``."""
    store = (f"_times['{key}'].append(_clock.perf_counter() - _start)" if key == "check"
             else f"_times['{key}'] = _clock.perf_counter() - _start")
    return f"_start = _clock.perf_counter()\n{source}\n{store}\n"


def _kind(source):
    if source.lstrip().startswith("# Initialize Otter"):
        return "init"
    if "grader.export(" in source:
        return "export"
    if "grader.check(" in source and "check_all" not in source:
        return "check"
    return None


def _instrumented(autograder_nb, student_nb):
    """The reference solution with the student's (public) tests, a clock around its Otter, check
    and export cells, and a last cell that prints the times."""
    nb = json.loads(json.dumps(autograder_nb))
    nb["metadata"]["otter"] = student_nb["metadata"]["otter"]
    cells = [{"cell_type": "code", "execution_count": None, "id": "bench-clock", "metadata": {},
              "outputs": [], "source": CLOCK}]
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and _kind(source):
            cell["source"] = _timed(source, _kind(source))
        cells.append(cell)
    cells.append({"cell_type": "code", "execution_count": None, "id": "bench-report",
                  "metadata": {}, "outputs": [], "source": REPORT})
    nb["cells"] = cells
    return nb


def _run(path):
    """Execute the notebook at ``path`` in a fresh kernel (in its folder); return its times."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    return json.loads(text.split("TIMES", 1)[1])


def exercise_rows(repeats=5):
    """Median seconds of the Otter cell, the first and the later checks, and the export, per
    chapter, over ``repeats`` fresh kernels."""
    spec = importlib.util.spec_from_file_location("assign", ROOT / ".ci" / "assign_exercises.py")
    assign = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(assign)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        generated = assign.assign_all(Path(tmp) / "generated", None, run_tests=False,
                                      chapters=CHAPTERS)
        for slug in CHAPTERS:
            solution = json.loads((generated[slug] / "autograder" / f"{slug}.ipynb").read_text())
            student = json.loads((generated[slug] / "student" / f"{slug}.ipynb").read_text())
            runs = []
            for i in range(repeats + 1):  # the first run warms the disk cache, and is dropped
                folder = Path(tmp) / f"{slug}-{i}"
                folder.mkdir()
                path = folder / f"{slug}.ipynb"
                path.write_text(json.dumps(_instrumented(solution, student)))
                runs.append(_run(path))
            runs = runs[1:]
            rows.append({
                "chapter": slug, "runs": len(runs),
                "init": statistics.median(r["init"] for r in runs),
                "first_check": statistics.median(r["check"][0] for r in runs),
                "later_check": statistics.median(statistics.median(r["check"][1:])
                                                 for r in runs),
                "slowest_check": statistics.median(max(r["check"]) for r in runs),
                "export": statistics.median(r["export"] for r in runs),
            })
    return rows
