"""Grade one exercise submission with otter, in a child process of its own.

tests/test_exercises.py grades about 36 submissions, several at a time. Each grading runs in its
own process (so that it can be pinned to a core, bounded by a timeout and killed), but the
processes are forked from one server process that has imported otter already (multiprocessing's
"forkserver" with otter preloaded): importing otter takes about 1.2 s of CPU, which a fresh Python
per grading would pay 36 times over. The grading itself is otter's own, unchanged:
`otter.api.grade_submission` on the chapter's autograder zip, which starts a kernel and runs the
submission in it.
"""
import json
import multiprocessing
import os
import time
import warnings
from pathlib import Path

# Loaded once by the server process, before it forks a grading (see `_server`).
PRELOAD = ["otter.api", "otter_grading"]


def _server():
    """multiprocessing's forkserver context, with otter imported by the server (where there is no
    forkserver, as on Windows, the "spawn" context: each grading then imports otter itself)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # read when the server starts (on the first grading)
    return context


def _grade(submission, zip_path, out, core):
    """In the child: grade `submission`; write the scores to `out` as JSON."""
    log = os.open(out.with_suffix(".log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)  # otter's output, the kernel's and any traceback go to the log (the kernel
    os.dup2(log, 2)  # inherits these descriptors)
    os.chdir(submission.parent)
    if core is not None:
        os.sched_setaffinity(0, {core})
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    warnings.filterwarnings("ignore")
    from otter.api import grade_submission

    start = time.perf_counter()
    r = grade_submission(str(submission), str(zip_path), quiet=True)
    out.write_text(json.dumps({
        "total": r.total, "possible": r.possible, "catastrophic": r.has_catastrophic_failure(),
        "seconds": time.perf_counter() - start, "summary": r.summary(), "cores": cores,
        "questions": {q: {"score": r.get_score(q), "possible": r.get_result(q).possible,
                          "summary": r.get_result(q).summary()} for q in r.test_files},
    }))


def grade(submission, zip_path, core=None, timeout=600):
    """Grade the notebook `submission` (a Path) with the autograder zip `zip_path`.

    The grading runs in `submission`'s folder, on CPU `core` only if one is given, and is killed
    after `timeout` s of wall time (a guard against a hang). Returns (results, log): the scores
    as a dict (None if the grading crashed or was killed) and what the grading printed.
    """
    out = Path(submission).parent / "results.json"
    out.unlink(missing_ok=True)
    child = _server().Process(target=_grade, args=(Path(submission), Path(zip_path), out, core))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        status = f"killed after {timeout} s"
    else:
        status = f"status {child.exitcode}"
    log = out.with_suffix(".log")
    printed = log.read_text(errors="replace") if log.exists() else ""
    if child.exitcode != 0 or not out.exists():
        return None, f"grading crashed ({status}):\n{printed[-3000:]}"
    return json.loads(out.read_text()), printed
