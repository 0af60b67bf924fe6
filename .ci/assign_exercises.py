"""Regenerate the student and autograder versions of every exercise with `otter assign`.

    python .ci/assign_exercises.py [--no-run-tests] [--out DIR] [--students DIR] [CHAPTER ...]
    python .ci/assign_exercises.py --time-tests [CHAPTER ...]

For each master notebook `exercises/NN-slug.ipynb` (questions, reference solutions, public and
hidden tests in otter's assignment format) this runs `otter assign` and writes

- `exercises/_generated/NN-slug/autograder/`: the autograder notebook (solutions and hidden tests)
  and `NN-slug-autograder.zip` (what `otter run`, `otter grade` and Gradescope take); git-ignored,
  never published;
- `exercises/_generated/NN-slug/student/NN-slug.ipynb`, copied to `exercises/student/NN-slug.ipynb`:
  the student notebook (solutions stripped, no hidden tests), which the book's Exercises part shows
  unexecuted and which Binder and Colab open.

`otter assign` grades every reference solution against its own tests (public and hidden) and this
script exits with status 1 if any solution does not score full marks (or if any chapter fails to
assign), naming the chapters. `--no-run-tests` skips that check (the test suite grades the
solutions itself). The output is deterministic: cell ids are renumbered, the zip gets a stable name
and the student notebooks only change when their master does.

`--time-tests` assigns nothing: it runs each master's reference solution and test cases in a fresh
Python process, as a grading kernel does, and prints the CPU time every test case takes next to
the time limit written in the test (`limit = ...`). It exits with status 1 if a test fails or if a
limit is below `limit_for(measured)`, the rule of exercises/README.md ("Time limits").
"""

import argparse
import importlib.util
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"

# Every test case stops the code it calls after `limit` seconds of CPU time (not wall time, so that
# a busy or shared core does not count): MARGIN times what the reference solution needs, and never
# less than MIN_LIMIT. See "Time limits" in exercises/README.md.
MIN_LIMIT, MARGIN = 60, 20


def masters(exercises=EXERCISES, chapters=()):
    """The master notebooks `NN-slug.ipynb`, in chapter order (optionally only some chapters)."""
    found = sorted(p for p in exercises.glob("[0-9][0-9]-*.ipynb"))
    if chapters:
        found = [p for p in found if p.stem in chapters or p.stem[:2] in chapters]
    return found


def _renumber_ids(nb, prefix):
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{prefix}-{i:03d}"
        if cell["cell_type"] == "code":
            cell["execution_count"] = None
            cell["outputs"] = []


def _write(nb, path):
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


def _student_for_book(nb):
    """The committed/published copy: shown unexecuted, links fixed for exercises/student/."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"]["mystnb"] = {"execution_mode": "off"}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = src.replace("](../chapters/", "](../../chapters/")
    return nb


def _title_first(nb):
    """Move otter's "Initialize Otter" cell, which otter assign puts first, below the title."""
    cells = nb["cells"]
    init = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"
                 and "".join(c["source"]).lstrip().startswith("# Initialize Otter")), None)
    title = next((i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                  and "".join(c["source"]).lstrip().startswith("# ")), None)
    if init is not None and title is not None and init < title:
        cells.insert(title, cells.pop(init))


def _quiet_export(nb):
    """Hide only the grading kernel's start-up notice in the export cell (.ci/quiet_export.py)."""
    spec = importlib.util.spec_from_file_location("quiet_export", ROOT / ".ci" / "quiet_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.quiet_export(nb)


def limit_for(cpu_seconds):
    """The CPU-time limit in seconds (a multiple of 10) of a test case that takes `cpu_seconds`."""
    return max(MIN_LIMIT, 10 * math.ceil(MARGIN * cpu_seconds / 10))


# Runs a master's reference solution in a fresh process, as the grading kernel does (its code cells
# in order, each question's test cases after its solution), and prints the CPU and wall time of
# each test case as JSON.
TIMER = """
import inspect, json, sys, time, yaml
cells = json.load(open(sys.argv[1]))["cells"]
ns, question, in_tests, rows = {"__name__": "__main__"}, None, False, []
for cell in cells:
    src = "".join(cell["source"])
    if cell["cell_type"] == "raw":
        if src.startswith("# BEGIN QUESTION"):
            question = yaml.safe_load(src.partition("\\n")[2])["name"]
        in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(src.strip(), in_tests)
    elif cell["cell_type"] == "code" and not in_tests:
        exec(compile(src, "<cell>", "exec"), ns)
    elif cell["cell_type"] == "code":
        scope = {}
        exec(compile(src, "<test>", "exec"), scope)
        test = next(f for f in scope.values() if inspect.isfunction(f))
        args = {a: ns if a == "env" else ns.get(a) for a in inspect.signature(test).parameters}
        cpu, wall, error = time.process_time(), time.perf_counter(), None
        try:
            test(**args)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
        rows.append({"question": question, "test": test.__name__, "source": src, "error": error,
                     "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall})
print(json.dumps(rows))
"""


def time_tests(master, repeat=3):
    """Each test case of `master` on its reference solution: the slowest of `repeat` fresh runs.

    Returns a list of dicts: question, test, cpu and wall (seconds), error (None if it passed),
    limit (the `limit = N` written in the test, or None) and needed (`limit_for(cpu)`).
    """
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", TIMER, str(master)], capture_output=True,
                              text=True, check=True, cwd=master.parent)
        runs.append(json.loads(proc.stdout.splitlines()[-1]))
    rows = []
    for cases in zip(*runs):
        row = dict(cases[0], cpu=max(c["cpu"] for c in cases), wall=max(c["wall"] for c in cases),
                   error=next((c["error"] for c in cases if c["error"]), None))
        found = re.search(r"^\s*limit = (\d+)", row.pop("source"), re.M)
        rows.append(dict(row, limit=int(found[1]) if found else None, needed=limit_for(row["cpu"])))
    return rows


def report_times(chapters=(), repeat=3):
    """Print every test case's time and limit; return False if one fails or has too low a limit."""
    ok = True
    print(f"{'test case':66} {'CPU s':>7} {'wall s':>7} {'limit':>6} {'needed':>6}")
    for master in masters(EXERCISES, chapters):
        for row in time_tests(master, repeat):
            problem = row["error"] or (
                "limit too low" if row["limit"] is None or row["limit"] < row["needed"] else ""
            )
            ok = ok and not problem
            name = f"{master.stem} {row['question']} {row['test']}"
            print(f"{name:66} {row['cpu']:7.3f} {row['wall']:7.3f} {row['limit'] or '-':>6} "
                  f"{row['needed']:>6}{'  <-- ' + problem if problem else ''}")
    return ok


def assign_one(master, out_dir, students_dir=None, run_tests=True):
    """Run `otter assign` on one master notebook; return the chapter's output folder."""
    from otter.assign import main as otter_assign

    slug = master.stem
    target = out_dir / slug
    with tempfile.TemporaryDirectory(prefix=f"assign-{slug}-") as tmp:
        work = Path(tmp)
        shutil.copy(master, work / master.name)
        otter_assign(
            str(work / master.name), str(work / "dist"), no_pdfs=True, no_run_tests=not run_tests
        )
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(work / "dist", target)
    for kind in ("student", "autograder"):
        path = target / kind / master.name
        nb = json.loads(path.read_text())
        _title_first(nb)
        if kind == "student":
            _quiet_export(nb)
        _renumber_ids(nb, f"{slug[:2]}-{kind[0]}")
        _write(nb, path)
    zips = sorted((target / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"{slug}: expected one autograder zip, found {zips}")
    zips[0].rename(target / "autograder" / f"{slug}-autograder.zip")
    if students_dir is not None:
        students_dir.mkdir(parents=True, exist_ok=True)
        nb = json.loads((target / "student" / master.name).read_text())
        _write(_student_for_book(nb), students_dir / master.name)
    return target


def assign_all(out_dir, students_dir=None, run_tests=True, chapters=(), exercises=EXERCISES):
    """Assign every master; return {slug: output folder} and raise if any chapter failed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    done, failed = {}, {}
    for master in masters(exercises, chapters):
        print(f"otter assign {master.relative_to(exercises.parent)}", flush=True)
        try:
            done[master.stem] = assign_one(master, out_dir, students_dir, run_tests)
        except Exception as exc:  # report every failing chapter, not just the first
            failed[master.stem] = f"{type(exc).__name__}: {exc}"
    if failed:
        lines = "\n".join(f"  {slug}: {msg}" for slug, msg in failed.items())
        raise RuntimeError(f"otter assign failed for {len(failed)} chapter(s):\n{lines}")
    return done


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="only these chapters (02 or 02-perceptron)")
    parser.add_argument("--out", type=Path, default=EXERCISES / "_generated")
    parser.add_argument("--students", type=Path, default=EXERCISES / "student")
    parser.add_argument(
        "--no-run-tests", action="store_true", help="do not grade the reference solutions"
    )
    parser.add_argument(
        "--time-tests", action="store_true",
        help="assign nothing; time each test case on its reference solution and check its limit",
    )
    args = parser.parse_args(argv)
    if args.time_tests:
        return 0 if report_times(args.chapters) else 1
    try:
        done = assign_all(args.out, args.students, not args.no_run_tests, args.chapters)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if not done:
        print("no master notebook found", file=sys.stderr)
        return 1
    print(f"assigned {len(done)} chapter(s) into {args.out}; student notebooks in {args.students}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
