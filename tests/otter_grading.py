"""Grade one exercise submission with otter, in a child process of its own.

tests/test_exercises.py grades about 36 submissions, several at a time. Each grading runs in its
own process (so that it can be pinned to a core, bounded by a timeout and killed), but the
processes are forked from one server process that has imported otter already (multiprocessing's
"forkserver" with otter preloaded): importing otter takes about 1.2 s of CPU, which a fresh Python
per grading would pay 36 times over. The grading itself is otter's own, unchanged:
`otter.api.grade_submission` on the chapter's autograder zip, which starts a kernel and runs the
submission in it.

A kernel's TCP ports are picked free by its launcher and bound by the kernel a moment later; with
a dozen gradings starting kernels at once another process can take a port in between, and the
kernel dies at start ("Address already in use", then "Kernel died before replying to
kernel_info": seen once in a full run). A grading that dies of that start-up race is run again,
up to ATTEMPTS times; any other crash is reported as it is.
"""
import json
import multiprocessing
import os
import warnings
from pathlib import Path

# Loaded once by the server process, before it forks a grading (see `_server`).
PRELOAD = ["otter.api", "otter_grading"]
PORT_RACE = "zmq.error.ZMQError: Address already in use"  # in what the dead kernel printed
ATTEMPTS = 3


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

    r = grade_submission(str(submission), str(zip_path), quiet=True)
    out.write_text(json.dumps({
        "total": r.total, "possible": r.possible, "catastrophic": r.has_catastrophic_failure(),
        "summary": r.summary(), "cores": cores,
        "questions": {q: {"score": r.get_score(q), "possible": r.get_result(q).possible,
                          "summary": r.get_result(q).summary()} for q in r.test_files},
    }))


def grade(submission, zip_path, core=None, timeout=600):
    """Grade the notebook `submission` (a Path) with the autograder zip `zip_path`.

    The grading runs in `submission`'s folder, on CPU `core` only if one is given, and is killed
    after `timeout` s of wall time (a guard against a hang). Returns the scores as a dict, or
    {"error": what went wrong and the end of what the grading printed} if it crashed or was
    killed (after ATTEMPTS tries if its kernel lost a port at start-up).
    """
    for _ in range(ATTEMPTS):
        results, status, printed = _grade_once(Path(submission), Path(zip_path), core, timeout)
        if results is not None:
            return results
        if PORT_RACE not in printed:
            break
    return {"error": f"grading crashed ({status}):\n{printed[-3000:]}"}


def _grade_once(submission, zip_path, core, timeout):
    """(scores or None, how the child ended, what it printed) of one grading."""
    out = submission.parent / "results.json"
    out.unlink(missing_ok=True)
    child = _server().Process(target=_grade, args=(submission, zip_path, out, core))
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
        return None, status, printed
    return json.loads(out.read_text()), status, printed
