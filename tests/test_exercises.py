"""The auto-graded exercises (exercises/, otter-grader 7): generation, grading, leaks.

The master notebooks are assigned once per session (into a temporary folder, with
.ci/assign_exercises.py and without otter's own solution run), then graded without Docker through
`otter.api.grade_submission` on each chapter's autograder zip, in child processes (WORKERS at a
time, each bounded by GRADE_TIMEOUT):

- the reference solutions (the autograder notebook) score full marks;
- the blank student notebook scores 0 and does not crash;
- a planted buggy submission scores partial marks;
- a submission whose code raises and one whose code loops forever are scored (0 for those
  questions, every test case being cut after a few seconds), not crashed;
- no hidden test appears in a student notebook or in the built book (`_build/html`).
"""

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("otter", reason="otter-grader is not installed (pip install -r requirements.txt)")

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

# Chapter 02's submission whose q1 raises and whose q3 loops forever.
BROKEN = {
    "slug": "02-perceptron",
    "raises": ("q1", "z = w @ x\n", "raise RuntimeError('planted error')\n"),
    "loops": ("q3", "return L * (K + 1)", "while True:\n        pass"),
}


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


# Grades one submission in a child process (so that several run at once, each bounded by a
# timeout) with otter.api.grade_submission, and writes the scores as JSON.
GRADER = """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
from otter.api import grade_submission
start = time.perf_counter()
r = grade_submission(sys.argv[1], sys.argv[2], quiet=True)
out = {
    "total": r.total, "possible": r.possible, "catastrophic": r.has_catastrophic_failure(),
    "seconds": time.perf_counter() - start, "summary": r.summary(),
    "questions": {q: {"score": r.get_score(q), "possible": r.get_result(q).possible,
                      "summary": r.get_result(q).summary()} for q in r.test_files},
}
with open(sys.argv[3], "w") as f:
    json.dump(out, f)
"""
WORKERS = 3
GRADE_TIMEOUT = 300


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


def _run_grader(submission, zip_path):
    out = submission.parent / "results.json"
    proc = subprocess.run(
        [sys.executable, "-c", GRADER, str(submission), str(zip_path), str(out)],
        capture_output=True, text=True, timeout=GRADE_TIMEOUT, cwd=submission.parent,
    )
    if proc.returncode != 0 or not out.exists():
        return {"error": f"grading crashed (status {proc.returncode}):\n{proc.stderr[-3000:]}"}
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def graded(generated, tmp_path_factory):
    """{(kind, slug): results} for the solution, blank, buggy and broken submissions."""
    root = tmp_path_factory.mktemp("submissions")
    jobs = {}
    for slug, folder in generated.items():
        for kind in ("solution", "blank", "buggy", "broken"):
            if (kind == "buggy" and slug not in BUGS) or (kind == "broken" and slug != BROKEN["slug"]):
                continue
            target = root / f"{kind}-{slug}" / f"{slug}.ipynb"
            target.parent.mkdir()
            if kind == "solution":
                shutil.copy(folder / "autograder" / f"{slug}.ipynb", target)
            elif kind == "blank":
                shutil.copy(folder / "student" / f"{slug}.ipynb", target)
            elif kind == "buggy":
                _edited(folder, slug, target, BUGS[slug])
            else:
                _edited(folder, slug, target, BROKEN["raises"][1:], BROKEN["loops"][1:])
            jobs[kind, slug] = (target, _zip(folder, slug))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {key: pool.submit(_run_grader, *job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


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
def test_reference_solution_scores_full_marks(slug, graded):
    results = _result(graded, "solution", slug)
    assert results["possible"] > 0
    assert results["total"] == results["possible"], results["summary"]


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
    question = broken_results["questions"][BROKEN["loops"][0]]
    assert question["score"] == 0
    assert "infinite loop" in question["summary"]
    seconds = broken_results["seconds"]
    assert seconds < 120, f"grading took {seconds:.0f} s: the per-test time limit does not work"


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


def test_no_hidden_test_or_autograder_in_built_site(generated):
    html = ROOT / "_build" / "html"
    if not html.is_dir():
        pytest.skip("the book is not built (_build/html)")
    assert not list(html.rglob("*autograder*")), "autograder files are published"
    assert not list(html.rglob("_generated")), "exercises/_generated is published"
    hidden = [sig for slug in SLUGS for sig, _ in _hidden_tests(_zip(generated[slug], slug))]
    for page in html.rglob("*"):
        if page.suffix not in {".html", ".ipynb", ".txt", ".js", ".json", ".py"} or not page.is_file():
            continue
        text = page.read_text(errors="ignore")
        for signature in hidden:
            assert signature not in text, f"hidden test {signature} is published in {page}"
