"""Run the benchmarks and write ``results.json`` and ``results.md`` (``make bench``).

Usage, from ``tests/``::

    python -m benchmarks                      # everything (about 10 minutes; setup needs PyPI)
    python -m benchmarks mlp grid widgets     # some sections; the others keep their last results
    python -m benchmarks --report-only        # remake results.md from results.json

Sections: mlp, grid, numerics, widgets, live, exercises, notebooks, book, tests, setup. Each section's rows replace its
earlier ones and carry the date and the machine they were measured on.
"""
import argparse
import datetime
import json
import os
import platform
import sys
from pathlib import Path

from benchmarks import report

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
MARKDOWN = HERE / "results.md"


def machine():
    """What the numbers were measured on."""
    import numpy
    import scipy
    import sklearn
    import torch
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = next((f"{pool['internal_api']} {pool['version']}" for pool in threadpool_info()
                 if pool["user_api"] == "blas" and "numpy" in pool["filepath"]), "unknown BLAS")
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": numpy.__version__, "blas": blas, "torch": torch.__version__,
            "scipy": scipy.__version__, "sklearn": sklearn.__version__}


# Calls of a few milliseconds: on a shared machine some are slowed many times over (a thread
# not scheduled in time), so they get more runs for a stable median.
FAST_SECTIONS = ("grid", "numerics")
TIMED_SECTIONS = ("mlp", *FAST_SECTIONS)  # those timed as medians of repeated runs


def measure(name, repeats):
    """The rows of one section (``repeats`` timed runs for ``TIMED_SECTIONS``)."""
    threads = sorted({1, os.cpu_count() or 1})
    if name in TIMED_SECTIONS:
        from benchmarks import speed
        return getattr(speed, f"{name}_rows")(threads, repeats)
    if name == "widgets":
        from benchmarks import latency
        return latency.latency_rows()
    if name == "live":
        from benchmarks import live_latency
        return live_latency.live_latency_rows()
    if name == "exercises":
        from benchmarks import exercise_latency
        return exercise_latency.exercise_rows(repeats)
    from benchmarks import build
    return {"notebooks": build.notebook_rows, "book": build.book_rows, "tests": build.test_rows,
            "setup": build.setup_rows}[name]()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help=f"among {', '.join(report.SECTIONS)}; default: all")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed runs per measurement, after one warm-up (default 5)")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing; remake results.md from results.json")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.sections) - set(report.SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; "
                     f"expected some of {', '.join(report.SECTIONS)}")
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    about = None if args.report_only else machine()
    for name in [] if args.report_only else args.sections or report.SECTIONS:
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        repeats = max(args.repeats, 25) if name in FAST_SECTIONS else args.repeats
        rows = measure(name, repeats)
        results[name] = {"measured": datetime.date.today().isoformat(), "machine": about,
                         "rows": rows}
        if name in TIMED_SECTIONS:
            results[name]["repeats"] = repeats
        print(report.RENDER[name](rows), flush=True)
        # Written after every section: kept if a later one fails, and the book build (a later
        # section) includes the tables.
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
        MARKDOWN.write_text(report.markdown(results))
    if args.report_only:
        MARKDOWN.write_text(report.markdown(results))
    print(f"wrote {RESULTS.relative_to(HERE.parents[1])} and "
          f"{MARKDOWN.relative_to(HERE.parents[1])}", file=sys.stderr)


if __name__ == "__main__":
    main()
