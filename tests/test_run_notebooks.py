"""The notebooks for running (chapters/run/, `make run-notebooks`) and what Colab needs.

- chapters/run/ is what .ci/run_notebooks.py writes from the chapters now (regenerated and
  compared); it holds no raw MyST, every glued number the page shows, the chapter's own code;
- the converter renders each kind of MyST it meets, and refuses what it cannot render;
- the Colab install cell keeps Colab's ipywidgets and switches on its widget manager;
- the built pages' launch buttons open these notebooks, and their links and citations match the
  pages (`html` fixture: builds the whole book);
- nnkit's widgets and progress bars work with Colab's widget stack (ipywidgets 7.7.1, ipykernel
  6.17.1, Python 3.13), in a second environment (skipped, saying how to make it, if absent);
- every notebook for running runs there offline, with torch 2.11, without an error or a stderr
  box, its widgets complete in the saved widget state and its progress bars closed (minutes:
  only with NNKIT_COLAB_CHAPTERS=1);
- the exercises' export cell shows no false alarm (.ci/quiet_export.py).
"""
import html as html_lib
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from colab_setup import COLAB_PYTHON, MAKE_COLAB_ENV, NO_COLAB_ENV
from myst_nb.core.variables import format_plain_text

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))
RUN = ROOT / "chapters" / "run"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / ".ci" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_notebooks = _load("run_notebooks")
quiet_export = _load("quiet_export")
SITE = run_notebooks.SITE
GLUE = re.compile(r"\{glue:text\}`([^`:]+):?([^`]*)`")
RAW_MYST = re.compile(r"\{[\w:-]+\}`|^\s*(:{3,}|`{3,})\{|^\([\w.:-]+\)=\s*$", re.M)


def read(path):
    return json.loads(Path(path).read_text())


def text(cell):
    return "".join(cell["source"])


def pairs():
    """(chapter notebook, its notebook for running), both as dicts."""
    return [(read(p), read(RUN / p.name)) for p in CHAPTERS]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    run_notebooks.main(["--out", str(out)])
    return out


# --- the committed notebooks -----------------------------------------------------------------

def test_committed_run_notebooks_are_what_the_generator_writes(regenerated):
    committed = sorted(p.name for p in RUN.glob("*.ipynb"))
    assert committed == [p.name for p in CHAPTERS], "run `make run-notebooks`"
    for path in CHAPTERS:
        assert (RUN / path.name).read_text() == (regenerated / path.name).read_text(), (
            f"chapters/run/{path.name} is out of date with its chapter: run `make run-notebooks`")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_raw_myst_remains(path):
    for index, cell in enumerate(read(RUN / path.name)["cells"]):
        if cell["cell_type"] == "markdown":
            raw = RAW_MYST.search(text(cell))
            assert raw is None, f"cell {index}: raw MyST {raw.group(0)!r} in\n{text(cell)}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_glued_value_appears_as_the_page_formats_it(path):
    chapter, run = read(path), read(RUN / path.name)
    saved = {}
    for cell in chapter["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                saved[scrapbook["name"]] = "".join(
                    output["data"][scrapbook.get("mime_prefix", "") + "text/plain"])
    n_glued = 0
    for source, target in zip(chapter["cells"], run["cells"]):
        for key, spec in GLUE.findall(text(source)):
            if key in saved:
                value = format_plain_text(saved[key], spec)
                assert value in text(target), f"{key} = {value!r} missing from\n{text(target)}"
                n_glued += 1
            else:  # a measurement (nbval-ignore-output): the student's own run shows it
                assert "measured when you run the code above" in text(target), key
    assert n_glued == len([k for c in chapter["cells"] for k, _ in GLUE.findall(text(c))
                           if k in saved])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_code_is_the_chapters_own_without_outputs(path):
    chapter, run = read(path), read(RUN / path.name)
    assert [c["cell_type"] for c in chapter["cells"]] == [c["cell_type"] for c in run["cells"]]
    code = [(a, b) for a, b in zip(chapter["cells"], run["cells"]) if a["cell_type"] == "code"]
    install, rest = code[0], code[1:]
    assert "google.colab" in text(install[0]) and "google.colab" in text(install[1])
    for source, target in rest:
        assert text(source) == text(target)
    assert all(t["outputs"] == [] and t["execution_count"] is None for _, t in code)
    assert run["metadata"]["nnkit"]["generated_from"] == f"chapters/{path.name}"


# --- the converter ---------------------------------------------------------------------------

def convert(source, glue=None):
    return run_notebooks.markdown(source, "chapters/04-multilayer-perceptrons", glue or {})


def test_admonitions_become_block_quotes_and_dropdowns_details():
    out = convert(textwrap.dedent("""\
        ::::{admonition} Check yourself
        :class: hint
        Is $a +
        b$ the sum? See

        $$
        c = a + b
        $$
        :::{dropdown} Answer
        Yes, {glue:text}`x:.2f`.
        :::
        ::::
        After."""), {"x": "0.12345"})
    assert out.startswith("> **Check yourself**\n>\n> Is $a + b$ the sum? See\n>\n"
                          "> $$ c = a + b $$\n>\n> <details>\n> <summary>Answer</summary>\n")
    assert "> Yes, 0.12." in out and out.endswith("> </details>\n\nAfter.")
    assert ":class:" not in out


def test_note_figure_and_code_fences():
    out = convert(":::{note}\nMind the $b$.\n:::\n```{figure} img.png\n:alt: a plot\nThe plot.\n```\n"
                  "```python\n{doc}`not a role in code`\n```")
    assert out.startswith("> **Note**\n>\n> Mind the $b$.\n\n![a plot](img.png)\n\n*The plot.*")
    assert out.endswith("```python\n{doc}`not a role in code`\n```")


def test_literalinclude_shows_the_lines_the_page_shows(tmp_path):
    out = convert("```{literalinclude} ../nnkit/_progress.py\n:pyobject: plural\n"
                  ":language: python\n```")
    assert out.startswith("```python\ndef plural(n, unit):\n") and out.endswith("\n```")
    assert "class Progress" not in out


def test_roles_become_links_to_the_published_book():
    out = convert("{doc}`02-perceptron`, {doc}`the next one <05-backpropagation>`, "
                  "{py:func}`~nnkit.mlp.gradient_check`, {py:class}`nnkit.mlp.MLP`, "
                  "{py:mod}`nnkit.logic`, {term}`spread <Curse of dimensionality>`")
    assert f"[2. The perceptron]({SITE}chapters/02-perceptron.html)" in out
    assert f"[the next one]({SITE}chapters/05-backpropagation.html)" in out
    assert f"[`gradient_check()`]({SITE}api.html#nnkit.mlp.gradient_check)" in out
    assert f"[`nnkit.mlp.MLP`]({SITE}api.html#nnkit.mlp.MLP)" in out
    assert f"[`nnkit.logic`]({SITE}api.html#module-nnkit.logic)" in out
    assert f"[spread]({SITE}glossary.html#term-Curse-of-dimensionality)" in out


def test_citations_are_author_year_from_references_bib():
    refs = f"({SITE}references.html)"
    assert convert("{cite}`nielsen2015neural`") == f"\\[[Nielsen, 2015]{refs}\\]"
    assert convert("{cite:p}`minsky1969perceptrons`") == f"\\[[Minsky and Papert, 1969]{refs}\\]"
    assert convert("{cite:t}`he2016deep`") == f"[He *et al.* \\[2016\\]]{refs}"


@pytest.mark.parametrize("source, problem", [
    ("{glue:text}`nowhere:.2f`", "glue key 'nowhere'"),
    ("{cite}`nobody2099`", "'nobody2099' is not in references.bib"),
    ("{doc}`99-no-such-chapter`", "no such page"),
    ("{ref}`no-such-label`", "label 'no-such-label'"),
    ("{sup}`2`", "role {sup}"),
    (":::{margin}\nAside.\n:::", "directive {margin}"),
    (":::{note}\nNever closed.", "unclosed {note}"),
])
def test_what_cannot_be_rendered_is_an_error_not_raw_text(source, problem):
    with pytest.raises(run_notebooks.MystError, match=re.escape(problem)):
        convert(source)


def test_launch_extension_swaps_the_run_notebook_into_the_theme_urls():
    spec = importlib.util.spec_from_file_location("launch", ROOT / "_ext" / "launch_run_notebooks.py")
    launch = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launch)
    page = "chapters/02-perceptron"
    buttons = [{"url": "https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/" + page + ".ipynb"},
               {"url": "https://colab.research.google.com/github/o/r/blob/main/" + page + ".ipynb"}]
    context = {"header_buttons": [{"label": "launch-buttons", "buttons": buttons}]}
    app = type("App", (), {"srcdir": str(ROOT)})()
    launch.point_at_run_notebooks(app, page, "page.html", context, None)
    assert [b["url"].rsplit("/", 3)[-3:] for b in buttons] == [
        ["chapters", "run", "02-perceptron.ipynb"]] * 2


# --- the Colab install cell ------------------------------------------------------------------

COLAB = """
import json, sys, types
from IPython.core.interactiveshell import InteractiveShell
calls = []
colab = types.ModuleType("google.colab")
colab.output = types.SimpleNamespace(enable_custom_widget_manager=lambda: calls.append("manager"))
sys.modules.update({"google": types.ModuleType("google"), "google.colab": colab})
shell = InteractiveShell.instance()
shell.register_magic_function(lambda line: calls.append(line), "line", "pip")
result = shell.run_cell(json.load(sys.stdin))
result.raise_error()
print(json.dumps(calls))
"""


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_install_cell_keeps_colabs_widgets_and_enables_its_widget_manager(path):
    chapter_cell = text(read(path)["cells"][0])
    cell = text(read(RUN / path.name)["cells"][0])
    extras, url = re.search(r'"nnkit-book\[([\w,]*)\] @ (\S+?)"', chapter_cell).groups()
    kept = ",".join(e for e in extras.split(",") if e != "widgets")  # ipywidgets>=8 there
    # Run it as IPython would on Colab (google.colab present, %pip recorded, not run).
    done = subprocess.run([sys.executable, "-c", COLAB], input=json.dumps(cell),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    pip, manager = json.loads(done.stdout.strip().splitlines()[-1])
    from importlib.metadata import version
    assert pip == f'install --quiet "nnkit-book[{kept}] @ {url}" "ipywidgets=={version("ipywidgets")}"'
    assert manager == "manager"
    # ...and elsewhere it does nothing.
    elsewhere = subprocess.run(
        [sys.executable, "-c", "import json, sys\nfrom IPython.core.interactiveshell import "
         "InteractiveShell\nInteractiveShell.instance().run_cell(json.load(sys.stdin))"
         ".raise_error()\nprint('google' in sys.modules)"],
        input=json.dumps(cell), capture_output=True, text=True, timeout=120)
    assert elsewhere.stdout.strip() == "False", elsewhere.stderr


# --- the built book --------------------------------------------------------------------------

def page_text(page):
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page.read_text(), flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def markdown_text(markdown):
    """Roughly what Jupyter shows of a Markdown string: link texts, no markup."""
    plain = re.sub(r"\[([^\]]*(?:\\\][^\]]*)*)\]\([^)]*\)", r"\1", markdown)
    return " ".join(plain.replace("\\[", "[").replace("\\]", "]").replace("*", "").split())


def test_launch_buttons_open_the_notebooks_for_running(html):
    for path in CHAPTERS:
        page = (html / "chapters" / path.name).with_suffix(".html").read_text()
        launch = re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)'
                            r'[^"]+)"', page)
        assert len(launch) == 2, launch
        for url in launch:
            assert html_lib.unescape(url).endswith(f"chapters/run/{path.name}"), url
    for page in (html / "exercises" / "student").glob("*.html"):
        for url in re.findall(r'href="(https://(?:mybinder\.org|colab)[^"]+)"', page.read_text()):
            student = ROOT / "exercises" / "student" / f"{page.stem}.ipynb"
            assert html_lib.unescape(url).endswith(f"exercises/student/{student.name}"), url
            for cell in read(student)["cells"]:
                assert cell["cell_type"] != "markdown" or not RAW_MYST.search(text(cell))


def test_links_citations_and_numbers_match_the_built_pages(html):
    link = re.compile(re.escape(SITE) + r"([^)#\s]+)(?:#([^)\s]+))?\)")
    for path in CHAPTERS:
        page = page_text((html / "chapters" / path.name).with_suffix(".html"))
        for cell in read(RUN / path.name)["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for target, anchor in link.findall(text(cell)):
                built = html / target
                assert built.exists(), f"{path.name}: link to {target}, which the book lacks"
                if anchor:
                    assert f'id="{anchor}"' in built.read_text(), f"{path.name}: {target}#{anchor}"
            for citation in re.findall(r"\\\[\[[^\]]+\]\([^)]*\)(?:, \[[^\]]+\]\([^)]*\))*\\\]",
                                       text(cell)):
                # (the page's tags leave spaces inside: "[ Lindholm et al. , 2022 ]")
                assert markdown_text(citation).replace(" ", "") in page.replace(" ", ""), (
                    f"{path.name}: {citation}")
        chapter_glue = run_notebooks.glued(read(path))
        for cell in read(path)["cells"]:
            for key, spec in GLUE.findall(text(cell)):
                if chapter_glue.get(key) is not None:
                    assert format_plain_text(chapter_glue[key], spec) in page, (path.name, key)


# --- Colab's widget stack (a second environment) ---------------------------------------------

colab_env = pytest.mark.skipif(not COLAB_PYTHON.exists(), reason=NO_COLAB_ENV)

DRIVER = '''
import importlib, inspect, pkgutil, re
import ipywidgets
import nnkit.widgets
from nnkit.widgets import base

print("ipywidgets", ipywidgets.__version__)
RETURNS_EXPLORER = re.compile(r"Returns\\s*\\n\\s*-+\\s*\\n\\s*(nnkit\\.widgets\\.base\\.)?Explorer\\b")


def builders():
    for info in pkgutil.iter_modules(nnkit.widgets.__path__):
        module = importlib.import_module(f"nnkit.widgets.{info.name}")
        for name, fn in vars(module).items():
            if (inspect.isfunction(fn) and fn.__module__ == module.__name__
                    and not name.startswith("_") and RETURNS_EXPLORER.search(fn.__doc__ or "")):
                yield f"{info.name}.{name}", fn


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def settings(control):
    if isinstance(control, ipywidgets.FloatText):
        return [control.value + 0.5, control.value]
    if hasattr(control, "_options_values"):
        return list(control._options_values)
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        return [not control.value, control.value]
    if hasattr(control, "min") and hasattr(control, "max"):
        return [control.max, control.min, control.value]
    raise TypeError(f"cannot drive a {type(control).__name__}")


for name, build in builders():
    explorer = build()
    assert isinstance(explorer, base.Explorer), name
    display(explorer)
    moves = clicks = 0
    for control in explorer.controls.values():
        leaves = [w for w in descendants(control) if not getattr(w, "children", ())
                  and isinstance(w, ipywidgets.ValueWidget) and not isinstance(w, ipywidgets.HTML)]
        for leaf in leaves:
            for value in settings(leaf):
                before = explorer.output.value
                leaf.value = value
                moves += 1
    for button in [w for w in descendants(explorer) if isinstance(w, ipywidgets.Button)]:
        button.click()
        clicks += 1
    print(f"{name}: {moves} settings, {clicks} clicks")
'''

PROGRESS = '''
from nnkit import datasets
from nnkit.mlp import MLP
from nnkit.perceptron import Perceptron

X, y = datasets.make_linearly_separable(40, random_state=0)
Perceptron([0.0, 0.0]).fit(X, y, max_epochs=50, random_state=0, progress=True)
X, y = datasets.make_blobs(60, centers=2, random_state=0)
MLP([2, 4, 2], random_state=0).fit(X, y, epochs=5, learning_rate=0.1, progress=True)
'''

RUNNER = '''
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.stdin.read())])
NotebookClient(nb, timeout=600, kernel_name="python3").execute()
print(json.dumps(nb.cells[0].outputs))
'''


def run_in_colab_env(code):
    """Run ``code`` in a kernel of the Colab-like environment; return the cell's outputs."""
    done = subprocess.run([str(COLAB_PYTHON), "-c", RUNNER], input=code, capture_output=True,
                          text=True, timeout=1200, cwd=ROOT,
                          env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@colab_env
def test_every_widget_builds_and_follows_its_controls_with_ipywidgets_7():
    outputs = run_in_colab_env(DRIVER)
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert printed.startswith("ipywidgets 7.7."), printed
    built = re.findall(r"^(\w+\.\w+): (\d+) settings, (\d+) clicks$", printed, re.M)
    names = {name for name, _, _ in built}
    assert {"dimensionality.curse_explorer", "grid.grid_detector", "logic.xor_playground",
            "perceptron.perceptron_stepper", "training.training_explorer"} <= names, printed
    assert all(int(moves) > 0 for _, moves, _ in built)
    views = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(views) == len(built)
    assert all("application/vnd.jupyter.widget-view+json" in o["data"] for o in views)


@colab_env
def test_progress_bars_end_with_their_final_line_with_ipywidgets_7():
    outputs = run_in_colab_env(PROGRESS)
    shown = [o["data"] for o in outputs if o["output_type"] == "display_data"]
    assert [d.get("text/plain", "") for d in shown] == [
        "perceptron rule: converged after 1 epoch", "training: 5/5 epochs, loss 0.671"]
    assert not any("application/vnd.jupyter.widget-view+json" in d for d in shown)


# --- every notebook for running, run as on Colab (the same second environment) --------------

def _why_not_run_chapters():
    """Why the chapters are not run in the Colab-like environment now (a skip reason), or ""."""
    how = ("NNKIT_COLAB_CHAPTERS=1 .venv/bin/pytest -n 0 tests/test_run_notebooks.py -k "
           "colab_env_offline (about 5 minutes on two cores)")
    if os.environ.get("NNKIT_COLAB_CHAPTERS") != "1":
        return f"runs every chapters/run notebook in the Colab-like environment; run it with: {how}"
    if not COLAB_PYTHON.exists():
        return NO_COLAB_ENV
    has_torch = subprocess.run(
        [str(COLAB_PYTHON), "-c", "import importlib.util, sys; "
         "sys.exit(importlib.util.find_spec('torch') is None)"], timeout=120)
    if has_torch.returncode != 0:
        return f"no torch in the Colab-like environment at {COLAB_PYTHON}; remake it with: " + (
            MAKE_COLAB_ENV)
    return ""


WHY_NOT_CHAPTERS = _why_not_run_chapters()
colab_chapters = pytest.mark.skipif(bool(WHY_NOT_CHAPTERS), reason=WHY_NOT_CHAPTERS)

NOTEBOOK_RUNNER = '''
import platform, sys, nbformat
from nbclient import NotebookClient
source, target, cwd = sys.argv[1:]
nb = nbformat.read(source, as_version=4)
print("runner python", platform.python_version(), flush=True)
try:  # top to bottom, stopping at the first error, as "Run all" does
    NotebookClient(nb, timeout=900, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": cwd}}).execute()
finally:
    nbformat.write(nb, target)
'''
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TQDM_BAR = re.compile(r"\d+%\|")  # a tqdm bar as text ("  0%|          | 0/50"): never closed
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run_notebook_in_colab_env(path, tmp_path):
    """Execute ``path`` offline in a kernel of the Colab-like environment, in an empty working
    folder (as Colab's /content): the executed notebook, and what the runner printed."""
    content = tmp_path / "content"
    content.mkdir()
    target = tmp_path / path.name
    done = subprocess.run(
        [str(ROOT / ".ci" / "offline"), str(COLAB_PYTHON), "-c", NOTEBOOK_RUNNER, str(path),
         str(target), str(content)],
        capture_output=True, text=True, timeout=1800, cwd=content,
        env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    assert target.exists(), done.stderr[-3000:]
    return read(target), done


def unrendered(model_id, models):
    """The ids of the models a view of ``model_id`` needs (itself, its children, layouts,
    styles, ...) that the notebook's widget state lacks: what a front end could not draw."""
    missing, seen, todo = [], set(), [model_id]
    while todo:
        mid = todo.pop()
        if mid in seen:
            continue
        seen.add(mid)
        if mid not in models:
            missing.append(mid)
            continue
        todo += re.findall(r"IPY_MODEL_(\w+)", json.dumps(models[mid]["state"]))
    return missing


def widget_calls(nb):
    """How many code cells call a widget builder imported from nnkit.widgets."""
    sources = [text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    names = {n.strip() for s in sources
             for group in re.findall(r"^from nnkit\.widgets\.\w+ import (.+)$", s, re.M)
             for n in group.split(",")}
    return sum(any(re.search(rf"^(?!from )[^#\n]*\b{n}\(", s, re.M) for n in names)
               for s in sources)


@colab_chapters
@pytest.mark.parametrize("path", sorted(RUN.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_run_notebook_runs_in_the_colab_env_offline_and_its_widgets_render(path, tmp_path):
    """Python 3.13, ipywidgets 7.7.1, ipykernel 6.17.1, torch 2.11, no network: no error, no
    stderr box, every widget view complete in the saved widget state, every bar closed."""
    nb, done = run_notebook_in_colab_env(path, tmp_path)
    models = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    problems, views = [], 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            where = f"{path.name}, cell {cell['id']}"
            data = out.get("data", {})
            if out["output_type"] == "error":
                trace = ANSI.sub("", "\n".join(out["traceback"][-3:]))
                problems.append(f"{where}: {out['ename']}: {out['evalue']}\n{trace}")
            elif out["output_type"] == "stream" and out["name"] == "stderr":
                printed = out["text"]
                printed = "".join(printed) if isinstance(printed, list) else printed
                problems.append(f"{where}: a stderr box: {printed[:500]}")
            if WIDGET_VIEW in data:
                views += 1
                missing = unrendered(data[WIDGET_VIEW]["model_id"], models)
                if missing:
                    problems.append(f"{where}: a widget whose models {missing} are not in the state")
            plain = data.get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else plain
            if TQDM_BAR.search(plain):
                problems.append(f"{where}: a progress bar left as {plain!r}")
    assert not problems, "\n\n".join(problems)
    assert done.returncode == 0, done.stderr[-3000:]
    python = re.search(r"runner python (\S+)", done.stdout).group(1)
    assert nb["metadata"]["language_info"]["version"] == python, "the kernel is not the env's"
    assert views >= widget_calls(nb), f"{views} widget views for {widget_calls(nb)} calls"


# --- the exercises' export cell --------------------------------------------------------------

NOTICE = ("[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication"
          " (including code and outputs) is sent in plain text and is susceptible to eavesdropping."
          "\n")


def warned_after_filter(stderr):
    """What otter's grade_zip_file would show for ``stderr`` once the export cell's filter ran."""
    namespace = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(quiet_export.FILTER, namespace)
        warnings.warn(stderr, RuntimeWarning, stacklevel=1)
    return [str(w.message) for w in caught]


def test_export_filter_hides_only_the_kernels_tcp_notice():
    assert warned_after_filter(NOTICE) == []
    assert warned_after_filter(NOTICE + NOTICE + "\n") == []
    real = NOTICE + "Traceback (most recent call last):\nNameError: name 'x' is not defined\n"
    assert warned_after_filter(real) == [real]
    assert warned_after_filter("ModuleNotFoundError: numpy\n" + NOTICE) != []


def test_quiet_export_puts_the_filter_before_the_export_call_once():
    nb = {"cells": [{"cell_type": "code", "source": ["# Save first.\n",
                                                      "grader.export(pdf=False, run_tests=True)"]}]}
    assert quiet_export.quiet_export(nb)
    source = text(nb["cells"][0])
    assert source.index("warnings.filterwarnings") < source.index("grader.export(")
    assert source.startswith("# Save first.\n") and not quiet_export.quiet_export(nb)
    compile(source, "export cell", "exec")


def test_an_export_with_the_filter_shows_no_stderr_box(tmp_path):
    """The real thing: a student notebook's export cell, run in a kernel as a student runs it."""
    import nbformat
    from nbclient import NotebookClient

    student = ROOT / "exercises" / "student" / "01-patterns-and-dimensionality.ipynb"
    nb = nbformat.read(student, as_version=4)
    assert not quiet_export.quiet_export(nb), "make exercises puts the filter in every export cell"
    cell = quiet_export.export_cell(nb)
    nbformat.write(nb, tmp_path / student.name)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert "received the following results" in printed  # the check ran (and found the `...`s)
    assert not [o for o in cell.outputs if o.get("name") == "stderr"], printed
    assert list(tmp_path.glob("*.zip"))
