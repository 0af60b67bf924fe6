"""Regenerate the student and autograder versions of every exercise with `otter assign`.

    python .ci/assign_exercises.py [--no-run-tests] [--out DIR] [--students DIR] [CHAPTER ...]

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
"""

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"


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
    args = parser.parse_args(argv)
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
