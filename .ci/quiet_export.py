"""Keep the exercises' export cell free of a false alarm (a red stderr box when all is well).

``grader.export(run_tests=True)`` checks the zip it wrote in a new process
(``otter.check.validate_export``), which runs the notebook in a fresh kernel (nbconvert). Since
ipykernel 7 that kernel logs on start-up::

    [IPKernelApp] WARNING | Kernel is running over TCP without encryption. ...

otter 7 passes whatever the process wrote on stderr to ``warnings.warn(..., RuntimeWarning)``
(otter/check/utils.py, ``grade_zip_file``), so every export ends in a pink box although nothing
went wrong: the kernel talks to its own machine only. The cure is a warnings filter in the export
cell that ignores exactly that stderr and nothing else: it matches only when the notice is *all*
the check wrote, so an error (a traceback, any other line) still shows in full.

``quiet_export(nb)`` puts the filter into a student notebook's export cell (otter assign writes
that cell; .ci/assign_exercises.py calls this on each student notebook it copies). Run as a
script it checks notebooks: ``python .ci/quiet_export.py --check exercises/student/*.ipynb``.
"""
import json
import sys
from pathlib import Path

EXPORT = "grader.export("
MARKER = "# Only the grading kernel's start-up notice is hidden"
FILTER = MARKER + r''' (ipykernel 7: "running over TCP without
# encryption", on this machine only); any other message of the check still shows.
import warnings

warnings.filterwarnings(
    "ignore", category=RuntimeWarning,
    message=r"(\[IPKernelApp\][^\n]*Kernel is running over TCP without encryption\.[^\n]*\s*)+\Z")
'''


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def export_cell(nb):
    """The code cell that calls ``grader.export(``, or None."""
    return next((c for c in nb["cells"] if c["cell_type"] == "code" and EXPORT in _source(c)),
                None)


def quiet_export(nb):
    """Put the filter into the export cell of ``nb`` (a notebook dict), just before the call.

    Returns True if the cell changed (False: already there, or no export cell).
    """
    cell = export_cell(nb)
    if cell is None or MARKER in _source(cell):
        return False
    lines = _source(cell).split("\n")
    at = next(i for i, line in enumerate(lines) if EXPORT in line)
    source = "\n".join(lines[:at] + FILTER.split("\n") + lines[at:])
    # As it came: a list of lines (the JSON on disk) or one string (nbformat).
    as_list = isinstance(cell["source"], list)
    cell["source"] = source.splitlines(keepends=True) if as_list else source
    return True


def main(args):
    if args[:1] != ["--check"] or len(args) < 2:
        sys.exit("usage: python .ci/quiet_export.py --check NOTEBOOK ...")
    loud = [p for p in args[1:] if quiet_export(json.loads(Path(p).read_text()))]
    for path in loud:
        print(f"{path}: its export cell shows the kernel's TCP notice as an error (no filter)")
    sys.exit(1 if loud else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
