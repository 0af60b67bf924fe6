"""What readers and maintainers wait for: notebooks, the book build, a fresh install."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def notebook_rows(paths=None):
    """Wall time of every chapter notebook, run top to bottom in a fresh kernel."""
    paths = sorted((ROOT / "chapters").glob("*.ipynb")) if paths is None else paths
    rows = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        client.execute()
        rows.append({"notebook": path.name, "seconds": time.perf_counter() - start})
        print(f"  {path.name}: {rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    return rows


def working_copy(destination):
    """Copy what a fresh clone would hold, with the uncommitted edits and new files that git
    does not ignore: what the next commit can hold."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def timed(command, cwd, env=None):
    """Run ``command``; return its wall time in seconds and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start, result.stdout


def pages_written(sphinx_output):
    """How many pages Sphinx found out of date ("targets for N source files")."""
    found = re.search(r"targets for (\d+) source files that are out of date", sphinx_output)
    return int(found.group(1)) if found else None


def book_rows():
    """The book built from scratch (every notebook executed: an empty cache), then rebuilt
    with nothing changed, with the README's options (warnings as errors)."""
    command = [str(BIN / "jupyter-book"), "build", "--warningiserror", "--nitpick",
               "--keep-going", "."]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        working_copy(Path(tmp))
        for build in ("clean (empty cache)", "unchanged rebuild"):
            seconds, output = timed(command, tmp)
            rows.append({"build": build, "seconds": seconds, "pages": pages_written(output)})
    return rows


def test_rows():
    """`make test` (the README's test command) on this checkout, timed once: every test on every
    core, notebooks and book build included. Its outcome is recorded, never asserted."""
    start = time.perf_counter()
    result = subprocess.run(["make", "test"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = re.findall(r"=+ (.*? in [\d.]+s.*?) =+", result.stdout)
    counts = {kind: int(n) for n, kind in
              re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary[-1] if summary else "")}
    return [{"command": "make test", "seconds": seconds, "cores": os.cpu_count(),
             "status": result.returncode, **counts}]


def folder_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()
               and not f.is_symlink())


def setup_rows():
    """A fresh clone and ``make install`` (the virtual environment and every requirement)
    with pip's download cache switched off, as on a new machine; then the environment's size.
    Needs the network (PyPI)."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "book"
        env = {**os.environ, "PIP_NO_CACHE_DIR": "1"}
        env.pop("VIRTUAL_ENV", None)
        seconds_clone, _ = timed(["git", "clone", "--quiet", str(ROOT), str(clone)], tmp)
        seconds_install, _ = timed(["make", "install"], clone, env)
        size = folder_size(clone / ".venv")
    return [{"step": "git clone", "seconds": seconds_clone},
            {"step": "make install", "seconds": seconds_install,
             "environment_bytes": size}]
