"""The auto-graded exercises (exercises/, otter-grader 7): generation, grading, leaks.

The master notebooks are assigned once per session (into a temporary folder, with
.ci/assign_exercises.py and without otter's own solution run), then graded without Docker through
`otter.api.grade_submission` on each chapter's autograder zip, in child processes forked from a
server that imported otter once (tests/otter_grading.py), WORKERS at a time, each bounded by
GRADE_TIMEOUT:

- the reference solutions (the autograder notebook) score full marks, graded on one CPU core that
  a busy loop keeps busy at the same time (a slow laptop, a shared Binder core): no correct
  solution reaches a test's time limit;
- the blank student notebook scores 0 and does not crash;
- a planted buggy submission scores partial marks, and a hard-coded answer that the public tests
  accept loses points on the hidden ones;
- points only for being right: a wrong multiple-choice letter and all-zero logic weights (which
  fire on every input) score 0, and a numpy integer where an int is asked scores full marks
  (PLANTED);
- a submission whose code raises and one whose code loops forever are scored (0 for those
  questions, every test case being cut by its CPU-time limit), not crashed;
- every test case carries that limit, and chapter 9's autograder installs (CPU) PyTorch;
- the `otter run` and `otter grade` commands of for-instructors.md work as written;
- no hidden test appears in a student notebook or in the built book (`_build/html`).
"""

import ast
import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import otter_grading
import pytest
import yaml

pytest.importorskip("otter", reason="otter-grader is not installed (pip install -r requirements.txt)")

# Every test here shares the session's assigned exercises: under pytest-xdist (--dist loadgroup)
# they run on one worker.
pytestmark = pytest.mark.xdist_group("exercises")

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
MASTERS = sorted(EXERCISES.glob("[0-9][0-9]-*.ipynb"))
SLUGS = [p.stem for p in MASTERS]

# One planted bug per chapter: (text of the reference solution, its buggy replacement). Each
# breaks one question only, so the submission must score strictly between 0 and full marks.
BUGS = {
    "01-patterns-and-dimensionality": ("return 1 - (1 - 2 * margin) ** d", "return 1 - (1 - margin) ** d"),
    "02-perceptron": ("return L * (K + 1)", "return L * K"),
    "03-logic-gates": ("return (w @ x >= 0).astype(int)", "return (w @ x > 0).astype(int)"),
    "05-backpropagation": ("grad_X = grad_out @ W.T", "grad_X = grad_out @ W"),
    "07-convolution": ("return (n + 2 * padding - k) // stride + 1", "return (n - k) // stride + 1"),
    "08-pooling-and-cnns": ("out[..., i, j] = window.max(axis=(-2, -1))",
                            "out[..., i, j] = window.mean(axis=(-2, -1))"),
    "04-multilayer-perceptrons": ("Z = X @ W + b", "Z = X @ W"),
    "06-training-in-practice": ("(X_test - mean) / std", "(X_test - X_test.mean(axis=0)) / X_test.std(axis=0)"),
    "09-transfer-learning": ("for p in model.parameters() if p.requires_grad)", "for p in model.parameters())"),
    "10-model-family": ("np.mean(val_errors[name])", "np.min(val_errors[name])"),
}

# Wrong answers fitted to what the public tests show: (question, text of the reference solution,
# its hard-coded replacement). The public tests accept each one; a hidden test must catch it.
HARD_CODED = {
    # Net's head has 8 inputs; the hidden test replaces the head of a wider backbone.
    "09-transfer-learning": ("q3", "nn.Linear(model.head.in_features, n_classes)", "nn.Linear(8, n_classes)"),
}

# Planted answers whose score is known in advance: {slug: [(question, [(text of the reference
# solution, its replacement), ...], expected score: 0 or "full")]}. One submission per chapter holds all
# of that chapter's changes, each to its own question. A format check (one letter, a whole number,
# a shape) earns no points: only a right answer does, in whatever correct form.
PLANTED = {
    "01-patterns-and-dimensionality": [("q3", [('q3_answer = "c"', 'q3_answer = "a"')], 0)],
    "03-logic-gates": [
        ("q2", [("AND_W = np.array([-1.5, 1.0, 1.0])", "AND_W = np.zeros(3)"),
                ("NAND_W = np.array([1.5, -1.0, -1.0])", "NAND_W = np.zeros(3)"),
                ("NOR_W = np.array([0.5, -1.0, -1.0])", "NOR_W = np.zeros(3)"),
                ("NOT_W = np.array([0.5, -1.0])", "NOT_W = np.zeros(2)")], 0),
        ("q4", [("DIAG_KERNEL = 2 * np.eye(3) - 1", "DIAG_KERNEL = np.zeros((3, 3))"),
                ("DIAG_BIAS = -8", "DIAG_BIAS = 0")], 0),
    ],
    "05-backpropagation": [
        ("q3", [("return n_samples\n", "return np.int64(n_samples)\n")], "full"),
        ("q4", [('q4_answer = "b"', 'q4_answer = "B "')], "full"),
    ],
    "07-convolution": [
        ("q1", [("return (n + 2 * padding - k) // stride + 1",
                 "return np.int64((n + 2 * padding - k) // stride + 1)")], "full"),
        ("q3", [("q3_params = 16 * (5 * 5 * 3 + 1)", "q3_params = np.int64(1216)")], "full"),
    ],
    "08-pooling-and-cnns": [
        ("q2", [("q2_pool_params = 0", "q2_pool_params = 0.0")], 0),
        ("q3", [('q3_answer = "c"', 'q3_answer = "b"')], 0),
    ],
}

# Chapter 02's submission whose q1 raises and whose q3 loops forever. It is graded by a copy of the
# autograder whose test cases stop the code after LOOP_LIMIT s of CPU time instead of their own
# limit (the guard's code unchanged): q3's three test cases then burn 3 × 2 s of CPU rather than
# 3 × 60 s, which take minutes of wall time on a busy machine. The real limits are checked apart:
# test_every_test_case_has_a_cpu_time_limit reads them, and the reference solutions' grading on a
# busy core shows that none is within a correct solution's reach.
BROKEN = {
    "slug": "02-perceptron",
    "raises": ("q1", "z = w @ x\n", "raise RuntimeError('planted error')\n"),
    "loops": ("q3", "return L * (K + 1)", "while True:\n        pass"),
}
LOOP_LIMIT = 2


def _assign_script():
    spec = importlib.util.spec_from_file_location("assign_exercises", ROOT / ".ci" / "assign_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """{slug: folder with student/ and autograder/}, assigned once per session."""
    if not MASTERS:
        pytest.skip("no master notebook in exercises/")
    out = tmp_path_factory.mktemp("exercises")
    return _assign_script().assign_all(out / "generated", out / "student", run_tests=False)


WORKERS = 3
# A guard against a hang only, far above any grading (10 to 60 s each on a busy 2-core machine).
GRADE_TIMEOUT = 600

# The reference solutions are graded on this one core, all at once, while a busy loop pinned to it
# takes its share (where the OS cannot pin processes, they are graded unpinned next to the loop).
# The time limits count CPU seconds, so the sharing slows the wall clock, never a test's verdict.
PINNED_CORE = min(os.sched_getaffinity(0)) if hasattr(os, "sched_setaffinity") else None
BUSY_LOOP = """
import os, sys
if len(sys.argv) > 1:
    os.sched_setaffinity(0, {int(sys.argv[1])})
while True:
    pass
"""


def _zip(folder, slug):
    return folder / "autograder" / f"{slug}-autograder.zip"


def _edited(folder, slug, target, *replacements):
    """The reference solution with `replacements` (old, new) applied, written to `target`."""
    nb = json.loads((folder / "autograder" / f"{slug}.ipynb").read_text())
    for old, new in replacements:
        hits = 0
        for cell in nb["cells"]:
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if old in src:
                hits += 1
                cell["source"] = src.replace(old, new)
        assert hits == 1, f"{slug}: the planted change {old!r} must match exactly one cell"
    target.write_text(json.dumps(nb))
    return target


def _with_limit(zip_path, limit, target):
    """A copy of the autograder zip `zip_path`, written to `target`, with every test's `limit`."""
    with zipfile.ZipFile(zip_path) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if re.fullmatch(r"tests/q\d+\.py", item.filename):
                data, n = re.subn(rb"^(\s*limit = )\d+", rb"\g<1>%d" % limit, data, flags=re.M)
                assert n, f"{item.filename}: no `limit = N` to lower"
            copy.writestr(item, data)
    return target


def _submissions(generated, root):
    """{(kind, slug): (submission, autograder zip, core or None)}, the longest grading first."""
    jobs = {}
    order = [("broken", BROKEN["slug"])] + [
        (kind, slug) for slug in generated for kind in ("solution", "blank", "buggy", "hard-coded", "planted")
    ]
    for kind, slug in order:
        if slug not in generated or (kind == "buggy" and slug not in BUGS) or (
            kind == "hard-coded" and slug not in HARD_CODED
        ) or (kind == "planted" and slug not in PLANTED):
            continue
        folder = generated[slug]
        target = root / f"{kind}-{slug}" / f"{slug}.ipynb"
        target.parent.mkdir()
        if kind == "solution":
            shutil.copy(folder / "autograder" / f"{slug}.ipynb", target)
        elif kind == "blank":
            shutil.copy(folder / "student" / f"{slug}.ipynb", target)
        elif kind == "buggy":
            _edited(folder, slug, target, BUGS[slug])
        elif kind == "hard-coded":
            _edited(folder, slug, target, HARD_CODED[slug][1:])
        elif kind == "planted":
            _edited(folder, slug, target, *(c for _, changes, _ in PLANTED[slug] for c in changes))
        else:
            _edited(folder, slug, target, BROKEN["raises"][1:], BROKEN["loops"][1:])
        zip_path = _zip(folder, slug)
        if kind == "broken":
            zip_path = _with_limit(zip_path, LOOP_LIMIT, target.parent / zip_path.name)
        jobs[kind, slug] = (target, zip_path, PINNED_CORE if kind == "solution" else None)
    return jobs


def _grade_all(jobs):
    """{(kind, slug): results}: the solutions all at once on PINNED_CORE next to a busy loop
    pinned there too (each gets a fraction of one busy core: a slower machine than any laptop,
    and only one core of the run's), the other submissions meanwhile, WORKERS - 1 at a time.

    Each solution's results say on which cores it ran ("cores") and whether the busy loop ran
    until the last solution was graded ("busy").
    """
    pin = [] if PINNED_CORE is None else [str(PINNED_CORE)]
    busy = subprocess.Popen([sys.executable, "-c", BUSY_LOOP, *pin])
    try:
        n_solutions = sum(kind == "solution" for kind, _ in jobs)
        with ThreadPoolExecutor(max(1, n_solutions)) as pinned, \
                ThreadPoolExecutor(max(1, WORKERS - 1)) as others:
            futures = {
                key: (pinned if key[0] == "solution" else others).submit(
                    otter_grading.grade, *job, GRADE_TIMEOUT)
                for key, job in jobs.items()
            }
            wait([f for (kind, _), f in futures.items() if kind == "solution"])
            busy_throughout = busy.poll() is None
            busy.kill()
            results = {key: future.result() for key, future in futures.items()}
    finally:
        busy.kill()
        busy.wait()
    for (kind, _), result in results.items():
        if kind == "solution":
            result["busy"] = busy_throughout
    return results


@pytest.fixture(scope="session")
def graded(generated, tmp_path_factory):
    """{(kind, slug): results} for the solution, blank, buggy, hard-coded, planted and broken
    submissions."""
    return _grade_all(_submissions(generated, tmp_path_factory.mktemp("submissions")))


def _result(graded, kind, slug):
    results = graded[kind, slug]
    assert "error" not in results, results.get("error")
    return results


@pytest.mark.parametrize("slug", SLUGS)
def test_master_has_three_questions_and_links_back(slug, generated):
    student = json.loads((generated[slug] / "student" / f"{slug}.ipynb").read_text())
    text = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in student["cells"]
    )
    questions = re.findall(r'grader\.check\("(q\d+)"\)', text)
    assert len(set(questions)) >= 3, f"{slug}: at least 3 graded questions, found {questions}"
    assert re.search(rf"\(\.\./chapters/{slug}\.(ipynb|md)\)", text), "the student notebook links back to its chapter"
    assert "grader.export(" in text, "the student notebook tells how to export a submission"
    assert "BEGIN SOLUTION" not in text and "# SOLUTION" not in text


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_solution_scores_full_marks_on_a_busy_core(slug, graded):
    """Full marks on one core that a busy loop shares: no test's time limit is within reach."""
    results = _result(graded, "solution", slug)
    assert results["possible"] > 0
    assert results["total"] == results["possible"], results["summary"]
    if PINNED_CORE is not None:
        assert results["cores"] == [PINNED_CORE], "the reference solution was not graded on one core"
    assert results["busy"], "the busy loop stopped before the reference solutions were graded"


@pytest.mark.parametrize("slug", SLUGS)
def test_blank_student_notebook_scores_zero(slug, graded):
    results = _result(graded, "blank", slug)
    assert not results["catastrophic"]
    assert results["possible"] > 0
    assert results["total"] == 0, results["summary"]


@pytest.mark.parametrize("slug", SLUGS)
def test_buggy_submission_scores_partial_marks(slug, graded):
    if slug not in BUGS:
        pytest.fail(f"{slug}: plant a bug for this chapter in BUGS")
    results = _result(graded, "buggy", slug)
    assert 0 < results["total"] < results["possible"], results["summary"]


@pytest.mark.parametrize("slug", sorted(HARD_CODED))
def test_hidden_tests_catch_hard_coded_answer(slug, graded):
    question, _, hard_coded = HARD_CODED[slug]
    result = _result(graded, "hard-coded", slug)["questions"][question]
    assert result["score"] > 0, f"{slug} {question}: the public tests should accept {hard_coded!r}"
    assert result["score"] < result["possible"], (
        f"{slug} {question}: the hidden tests give full marks to {hard_coded!r}\n{result['summary']}"
    )


@pytest.mark.parametrize(
    "slug, question, change, expected",
    [(slug, *case) for slug, cases in PLANTED.items() for case in cases],
    ids=[f"{slug[:2]}-{q}-{'zero' if e == 0 else e}" for slug, cases in PLANTED.items() for q, _, e in cases],
)
def test_planted_answer_scores_what_it_deserves(slug, question, change, expected, graded):
    """A wrong letter or weights that fire on everything score 0 (passing a format check earns
    nothing); a right answer in another correct form (a numpy integer, "B ") scores full marks."""
    if ("planted", slug) not in graded:
        pytest.skip(f"{slug} has no master notebook")
    result = _result(graded, "planted", slug)["questions"][question]
    assert result["possible"] > 0
    wanted = result["possible"] if expected == "full" else expected
    assert result["score"] == wanted, (
        f"{slug} {question}: {[new for _, new in change]} scores {result['score']} of {result['possible']}, "
        f"expected {wanted}\n{result['summary']}"
    )


@pytest.fixture
def broken_results(graded):
    if ("broken", BROKEN["slug"]) not in graded:
        pytest.skip(f"{BROKEN['slug']} has no master notebook")
    return _result(graded, "broken", BROKEN["slug"])


def test_submission_that_raises_scores_zero_for_that_question(broken_results):
    questions = broken_results["questions"]
    assert questions[BROKEN["raises"][0]]["score"] == 0
    assert "planted error" in questions[BROKEN["raises"][0]]["summary"]
    assert not broken_results["catastrophic"]
    assert any(q["score"] == q["possible"] > 0 for q in questions.values()), questions


def test_submission_that_loops_forever_is_cut_and_scores_zero(broken_results):
    """Each looping test case is stopped by its CPU-time limit and grading goes on.

    That grading ended at all (within GRADE_TIMEOUT) is what shows the limit works; how long it
    took in wall time depends on the machine's load, so it is not asserted.
    """
    question = broken_results["questions"][BROKEN["loops"][0]]
    assert question["score"] == 0
    message = f"your code ran for more than {LOOP_LIMIT} s of CPU time: is there an infinite loop?"
    assert message in question["summary"], question["summary"]
    assert not broken_results["catastrophic"]


def _test_functions(zip_path):
    """{question: [(name, source)]} of every test case (public and hidden) in an autograder zip."""
    found = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"tests/q\d+\.py", name):
                source = archive.read(name).decode()
                found[Path(name).stem] = [
                    (node.name, ast.get_source_segment(source, node))
                    for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
                ]
    return found


@pytest.mark.parametrize("slug", SLUGS)
def test_every_test_case_has_a_cpu_time_limit(slug, generated):
    """The guard of exercises/README.md ("Time limits") in every test case, never below the floor."""
    floor = _assign_script().MIN_LIMIT
    tests = _test_functions(_zip(generated[slug], slug))
    assert tests, f"{slug}: no test file in the autograder zip"
    for question, cases in tests.items():
        for name, source in cases:
            where = f"{slug} {question} {name}"
            limit = re.search(r"^\s*limit = (\d+)\b", source, re.M)
            assert limit and int(limit[1]) >= floor, f"{where}: set `limit = N` (N >= {floor} s)"
            assert "signal.setitimer(signal.ITIMER_PROF, limit)" in source, f"{where}: no CPU-time guard"
            assert "signal.setitimer(signal.ITIMER_PROF, 0)" in source, f"{where}: the guard is not cancelled"


def _hidden_tests(zip_path):
    """The source of every hidden test case in an autograder zip."""
    found = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if not re.fullmatch(r"tests/q\d+\.py", name):
                continue
            source = archive.read(name).decode()
            for node in ast.parse(source).body:
                if not isinstance(node, ast.FunctionDef):
                    continue
                hidden = any(
                    kw.arg == "hidden" and getattr(kw.value, "value", False)
                    for dec in node.decorator_list if isinstance(dec, ast.Call)
                    for kw in dec.keywords
                )
                if hidden:
                    found.append((f"def {node.name}(", ast.get_source_segment(source, node)))
    return found


@pytest.mark.parametrize("slug", SLUGS)
def test_no_hidden_test_in_student_notebooks(slug, generated):
    hidden = _hidden_tests(_zip(generated[slug], slug))
    assert hidden, f"{slug}: every chapter has hidden tests"
    texts = [(generated[slug] / "student" / f"{slug}.ipynb").read_text()]
    committed = EXERCISES / "student" / f"{slug}.ipynb"
    if committed.exists():
        texts.append(committed.read_text())
    for text in texts:
        for signature, _ in hidden:
            assert signature not in text, f"{slug}: hidden test {signature} leaks into a student notebook"


def test_committed_student_notebooks_are_up_to_date(generated):
    """exercises/student/ is what `python .ci/assign_exercises.py` writes from the masters."""
    fresh = Path(next(iter(generated.values()))).parents[1] / "student"
    for slug in SLUGS:
        committed = EXERCISES / "student" / f"{slug}.ipynb"
        assert committed.exists(), f"run `python .ci/assign_exercises.py` ({committed} is missing)"
        assert committed.read_text() == (fresh / f"{slug}.ipynb").read_text(), (
            f"{committed} is stale: run `python .ci/assign_exercises.py`"
        )


@pytest.mark.parametrize("slug", SLUGS)
def test_student_page_shows_its_title_first(slug):
    student = json.loads((EXERCISES / "student" / f"{slug}.ipynb").read_text())
    first = student["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# Exercises:")
    assert "".join(student["cells"][1]["source"]).startswith("# Initialize Otter")


@pytest.mark.parametrize("slug", SLUGS)
def test_each_chapter_links_its_student_exercise_page_never_the_master(slug):
    chapter = json.loads((ROOT / "chapters" / f"{slug}.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in chapter["cells"] if c["cell_type"] == "markdown")
    assert f"{{doc}}`../exercises/student/{slug}`" in text, f"chapter {slug} must link its exercises"
    assert f"exercises/{slug}.ipynb" not in text, "the master (with the solutions) is named"


def _imports(master):
    """The top-level modules that a master notebook's code cells import."""
    found = set()
    for cell in json.loads(master.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("slug", [p.stem for p in MASTERS if "torch" in _imports(p)])
def test_autograder_environment_installs_cpu_torch(slug, generated):
    """`otter grade` (Docker) and Gradescope build the zip's environment.yml: torch must be in it,
    pinned as in requirements.txt, from PyTorch's CPU index (no CUDA packages)."""
    pin = re.search(r"^torch==\S+", (ROOT / "requirements.txt").read_text(), re.M)
    assert pin, "requirements.txt pins torch"
    with zipfile.ZipFile(_zip(generated[slug], slug)) as archive:
        environment = yaml.safe_load(archive.read("environment.yml"))
    pip = next(dep["pip"] for dep in environment["dependencies"] if isinstance(dep, dict))
    assert pin[0] in pip, f"{slug}: set `requirements:` in the master's assignment config ({pip})"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in pip, pip


def _bash_blocks(page):
    return re.findall(r"^```bash\n(.*?)^```", page.read_text(), re.M | re.S)


# Stands in for `otter` in the page's `otter grade` block: otter's own command line and
# `otter.grade.main` (options, checks, final_grades.csv), each container replaced by a grading
# without Docker.
OTTER_WITHOUT_DOCKER = """#!{python}
import os, sys
import otter.grade
from otter.api import grade_submission


def launch_containers(autograder, submission_paths, **_):
    results = []
    for path in submission_paths:
        results.append(grade_submission(path, autograder, quiet=True))
        results[-1].file = os.path.basename(path)
    return results


otter.grade.launch_containers = launch_containers
from otter.cli import cli
sys.exit(cli())
"""


def test_instructor_page_commands_work_as_written(generated, tmp_path):
    """for-instructors.md's `otter run` and `otter grade` blocks, run verbatim by bash.

    They run with the venv's otter, in a folder laid out as the page assumes: the autograder zip
    under exercises/_generated/, alice's notebook and, in submissions/, bob's exported zip, both
    the reference solution; `otter grade` runs without Docker (OTTER_WITHOUT_DOCKER).
    """
    page = EXERCISES / "for-instructors.md"
    blocks = [b for b in _bash_blocks(page) if re.search(r"\botter (run|grade)\b", b)]
    assert any("otter run" in b for b in blocks), f"{page.name} has no `otter run` block"
    venv_bin = Path(sys.executable).parent
    if not (venv_bin / "otter").exists() or not shutil.which("bash"):
        pytest.skip(f"needs bash and an otter command next to {sys.executable}")
    text = "\n".join(blocks)
    (slug,) = set(re.findall(r"exercises/_generated/(\d\d-[\w-]+)/autograder/", text))
    reference = generated[slug] / "autograder" / f"{slug}.ipynb"
    autograder = tmp_path / "exercises" / "_generated" / slug / "autograder"
    autograder.mkdir(parents=True)
    shutil.copy(_zip(generated[slug], slug), autograder)
    for notebook in set(re.findall(rf"\s(\w+/{slug}\.ipynb)", text)):  # alice/02-perceptron.ipynb
        (tmp_path / notebook).parent.mkdir(exist_ok=True)
        shutil.copy(reference, tmp_path / notebook)
    (tmp_path / "submissions").mkdir()
    with zipfile.ZipFile(tmp_path / "submissions" / "bob.zip", "w") as exported:
        exported.write(reference, reference.name)
    stand_in = tmp_path / "without-docker"
    stand_in.mkdir()
    (stand_in / "otter").write_text(OTTER_WITHOUT_DOCKER.format(python=sys.executable))
    (stand_in / "otter").chmod(0o755)

    for block in blocks:
        path = [stand_in, venv_bin] if "otter grade" in block else [venv_bin]
        env = dict(os.environ, PATH=os.pathsep.join([*map(str, path), os.environ["PATH"]]))
        proc = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=GRADE_TIMEOUT)
        assert proc.returncode == 0, f"this block of {page.name} fails:\n{block}\n{proc.stderr[-3000:]}"

    runs = {p.parent.name: json.loads(p.read_text()) for p in (tmp_path / "results").rglob("results.json")}
    assert set(runs) == {"alice", "bob"}, f"results.json written for {sorted(runs)}"
    for name, run in runs.items():
        scored = [t for t in run["tests"] if "max_score" in t]
        assert scored and sum(t["score"] for t in scored) == sum(t["max_score"] for t in scored), (name, run)
    if any("otter grade" in b for b in blocks):
        with open(tmp_path / "results" / "final_grades.csv", newline="") as f:
            rows = {row["file"]: row for row in csv.DictReader(f)}
        assert rows["bob.zip"]["grading_status"] == "Completed", rows
        assert float(rows["bob.zip"]["percent_correct"]) == 1, rows


def test_cells_the_autograder_skips_feed_no_test():
    """A cell tagged `otter_ignore` (exercise 9's few-label experiment: ~10 s of CPU that grades
    nothing) runs for the student but not in grading, so no test may read what it defines."""
    skipped = 0
    for master in MASTERS:
        cells = json.loads(master.read_text())["cells"]
        text = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
        # what a test reads from the notebook: its arguments (otter passes the notebook's names)
        tests = {arg for t in text if "# BEGIN TEST CONFIG" in t
                 for args in re.findall(r"^def test_\w+\(([^)]*)\)", t, re.M)
                 for arg in re.findall(r"\w+", args)}
        for cell, source in zip(cells, text):
            if "otter_ignore" not in cell.get("metadata", {}).get("tags", []):
                continue
            skipped += 1
            assert "BEGIN" not in source and "grader.check" not in source, master.name
            defined = {node.id for node in ast.walk(ast.parse(source))
                       if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
            read = defined & tests
            assert not read, f"{master.name}: tests read {read}, defined in a cell grading skips"
    assert skipped >= 1
