"""What several test modules share: the chapter notebooks executed once, and the book built once.

Each chapter notebook is executed once per test session, into a jupyter-cache of the session's own
(the notebooks run side by side, one process per core). Two things reuse that one execution:

- tests/test_notebooks.py compares every cell's outputs with those saved in the notebook, as
  nbval does (`make nbval` runs nbval itself);
- the `html` fixture builds the book with warnings as errors from the same cache, so the build
  executes nothing (test_book.py, test_browser.py and test_screens.py read its pages).

Under pytest-xdist every worker has its own session fixtures, so the tests that use them are kept on
one worker (`xdist_group`, see pytest_collection_modifyitems): the book group and the exercises
group each run once, side by side with the unit tests. The notebook runs and the book build are
also made once per run for all workers (`_once`, a file lock), so that a few slow tests of the
built book (LATE) can run at the end on whichever worker is free.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# One BLAS/OpenMP thread per process, set before numpy or torch start theirs: pytest-xdist already
# runs a process per core and the notebook kernels run side by side, so a second thread each
# would oversubscribe the cores, and OpenBLAS's idle threads spin instead of sleeping (on a busy
# 2-core machine one training test took 134 s of CPU with two threads, 14 s with one). Results do
# not depend on it: the notebooks print rounded numbers. Set the variables yourself to override.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402
import yaml  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

# for a BLAS that a plugin loaded before this file (subprocesses read the variables above)
threadpool_limits(int(os.environ["OPENBLAS_NUM_THREADS"]))

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
# A cell may run for this long before the notebook counts as failed (a guard against a hang, far
# above the slowest cell, which takes seconds).
CELL_TIMEOUT = 900

# Session fixtures whose tests share one xdist worker, and the group each belongs to.
GROUPS = {"notebook_cache": "book", "html": "book", "generated": "exercises"}
# Tests of the built book that run last, in a group of their own, on whichever worker is free
# by then: they read the same build (see `_once`), so the book worker's long queue is shortened
# while the other worker, done with the exercises and the unit tests, would otherwise idle.
LATE = {"book-late": ("tests/test_accessibility.py::test_no_page_has_a_serious_or_critical_axe_"
                      "violation[dark]", "tests/test_screens.py::")}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's hook turns the marks into groups
def pytest_collection_modifyitems(config, items):
    late = []
    for item in items:
        group = next((g for g, prefixes in LATE.items()
                      if any(item.nodeid.startswith(p) for p in prefixes)), None)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            late.append(item)
            continue
        for fixture, group in GROUPS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(group))
                break
    items[:] = [item for item in items if item not in late] + late


def pytest_xdist_node_collection_finished(node, ids):
    """Stop the run when pytest-xdist's loadgroup does not group (pytest-xdist issue 1386): each
    worker would then run the notebooks, build the book and grade every exercise again."""
    if node.config.getoption("dist", None) != "loadgroup":
        return
    # Modules whose tests (some or all) use a grouped fixture, and the group's suffix.
    for module, suffix in (("tests/test_exercises.py::", "@exercises"),
                           ("tests/test_notebooks.py::", "@book"),
                           ("tests/test_book.py::", "@book")):
        mine = [i for i in ids if i.startswith(module)]
        if mine and not any(i.endswith(suffix) for i in mine):
            pytest.exit(f"pytest-xdist --dist loadgroup did not group {module[:-2]} ({suffix}): "
                        "each worker would build the book and grade the exercises again. Check "
                        "that conftest.py marks the tests before xdist reads the marks, and that "
                        "this pytest and pytest-xdist work together (pytest-xdist issue 1386; "
                        "install the versions requirements.txt names)", returncode=3)


def _execute(cache_path, notebooks):
    """Run `notebooks` into the jupyter-cache at `cache_path`, one process per core."""
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_path))
    for path in notebooks:
        cache.add_nb_to_project(str(path))
    executor = load_executor("local-parallel" if (os.cpu_count() or 1) > 1 else "local-serial",
                             cache=cache)
    result = executor.run_and_cache(timeout=CELL_TIMEOUT, allow_errors=False)
    return cache, result


def _shared_root(tmp_path_factory):
    """The run's temporary root, shared by all xdist workers (a worker's own is pytest-N/popen-gwK;
    without xdist it is pytest-N itself)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def _once(tmp_path_factory, name, make):
    """``make(folder)`` once per test run, however many xdist workers ask for it.

    The first worker to ask makes it in ``folder``, a folder of the run's temporary root that all
    workers share, under a file lock; a worker that asks later waits for the lock and reuses what
    was made (or fails with the same error). ``make`` returns a JSON-able value, returned here.
    """
    from filelock import FileLock

    root = _shared_root(tmp_path_factory)
    folder, record = root / name, root / f"{name}.json"
    with FileLock(str(root / f"{name}.lock")):
        if not record.exists():
            folder.mkdir()
            try:
                record.write_text(json.dumps({"value": make(folder)}))
            except BaseException as error:
                record.write_text(json.dumps({"error": f"{type(error).__name__}: {error}"}))
                raise
    made = json.loads(record.read_text())
    if "error" in made:
        pytest.fail(f"{name} failed in another worker of this run: {made['error']}")
    return made["value"]


@pytest.fixture(scope="session")
def notebook_cache(tmp_path_factory):
    """The chapter notebooks, executed once: (jupyter-cache, {path: traceback or None})."""
    from jupyter_cache import get_cache

    def execute(folder):
        cache, result = _execute(folder / "cache", CHAPTERS)
        failed = {record.uri: record.traceback for record in cache.list_project_records()
                  if record.traceback}
        assert set(result.succeeded) | set(failed) == {str(p) for p in CHAPTERS}, result
        return failed

    failed = _once(tmp_path_factory, "jupyter_cache", execute)
    cache = get_cache(str(_shared_root(tmp_path_factory) / "jupyter_cache" / "cache"))
    return cache, {path: failed.get(str(path)) for path in CHAPTERS}


def book_config(cache_path):
    """_config.yml with its execution cache at `cache_path` and its paths made absolute (Jupyter
    Book reads them relative to the configuration file, which then lies elsewhere)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(cache_path)
    config["logo"] = str(ROOT / config["logo"])
    config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    config["bibtex_bibfiles"] = [str(ROOT / f) for f in config["bibtex_bibfiles"]]
    extensions = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {name: str(ROOT / path) + "/"
                                            for name, path in extensions.items()}
    return config


@pytest.fixture(scope="session")
def html(tmp_path_factory, notebook_cache):
    """Build the book with warnings as errors into a temporary folder; return its HTML folder.

    The build reads the notebooks' outputs from `notebook_cache`, so it executes nothing that the
    session has not already run (a notebook that failed there is run again and fails the build).
    """
    cache, _ = notebook_cache

    def build(out):
        config_path = out / "_config.yml"
        config_path.write_text(yaml.safe_dump(book_config(cache.path), sort_keys=False))
        jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
        result = subprocess.run(
            [jupyter_book, "build", "--warningiserror", "--nitpick", "--keep-going", "--all",
             "--config", str(config_path), "--path-output", str(out), str(ROOT)],
            capture_output=True, text=True, timeout=1800)
        assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
        rerun = [p.name for p in CHAPTERS if f"{p}: Using cached notebook" not in result.stdout]
        assert not rerun, f"the build ran notebooks again instead of the session's runs: {rerun}"
        return str(out / "_build" / "html")

    return Path(_once(tmp_path_factory, "book", build))


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, driven by Playwright (modules using it call
    browser_setup.require_chromium() first)."""
    from browser_setup import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(html):
    """Serve the built book on a free port of 127.0.0.1; yield its base URL."""
    from browser_setup import serve

    with serve(html) as url:
        yield url
