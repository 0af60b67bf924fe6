"""The book's kernel widgets in a real JupyterLab, driven by Chromium.

The chapters build their widgets (``nnkit.widgets``) in a Python kernel; in JupyterLab, Binder
and Colab these are ipywidgets. Here each one is built as its chapter builds it (the cells are
taken from the chapters), in a JupyterLab started on 127.0.0.1 with its settings, data and
runtime folders of its own, and every control is moved once: the widget's output must change
each time, with no console error and no request leaving 127.0.0.1.

Two Python environments serve the kernel: this one (ipywidgets 8) and one with Colab's widget
stack (ipywidgets 7.7.1, Python 3.13, at NNKIT_COLAB_PYTHON; skipped, saying how to make it,
where it is absent). ipywidgets 7 needs the JupyterLab extension of its own series
(jupyterlab_widgets 1.x, which supports JupyterLab 4 from 1.1.5 on); with jupyterlab_widgets 3
(ipywidgets 8's) no ipywidgets 7 widget renders at all.
"""
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_setup import require_chromium
from colab_setup import COLAB_PYTHON, MAKE_COLAB_ENV

require_chromium()

# One JupyterLab per environment for the whole module: its tests stay on one xdist worker.
pytestmark = pytest.mark.xdist_group("jupyterlab")

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENTS = {"ipywidgets8": Path(sys.executable), "colab-ipywidgets7": COLAB_PYTHON}
HOW_TO_MAKE = {"ipywidgets8": "make install (pip install -r requirements.txt -e .)",
               "colab-ipywidgets7": MAKE_COLAB_ENV}

# Guards against a hang, far above the real times (seconds); never a pass condition.
START_TIMEOUT = 120
RUN_TIMEOUT = 300
CHANGE_TIMEOUT = 60

# The chapters whose notebooks build a kernel widget, and the builder each calls.
CHAPTER_WIDGETS = {
    "curse_explorer": ["01-patterns-and-dimensionality"],
    "perceptron_stepper": ["02-perceptron"],
    "xor_playground": ["03-logic-gates"],
    "grid_detector": ["03-logic-gates", "07-convolution"],
    "training_explorer": ["06-training-in-practice"],
}

# The controls each builder makes (nnkit/widgets/*.py), by kind, as found in the page.
CONTROLS = {
    "curse_explorer": {"slider": 3},  # d, N, irrelevant
    "perceptron_stepper": {"dropdown": 1, "slider": 1, "button": 3},  # data set, step; step/run/reset
    "xor_playground": {"slider": 9, "button": 2},  # nine weights; show a solution, reset
    # nine cells, kernel + preset menus, mode, row + column, nine weights + bias, three starts
    "grid_detector": {"toggle button": 9, "dropdown": 2, "toggle buttons": 1, "slider": 2,
                      "number box": 10, "button": 3},
    # seven menus, epochs, play, continue
    "training_explorer": {"dropdown": 7, "slider": 1, "play": 1, "button": 1},
}

# Every control-like element of a widget, by kind (slider internals and the buttons inside a
# Play or a ToggleButtons widget are parts of one control); anything else is reported.
CLASSIFY = """root => {
  const counts = {};
  const add = kind => { counts[kind] = (counts[kind] || 0) + 1; };
  for (const e of root.querySelectorAll("input, select, button, textarea, .widget-slider")) {
    if (e.matches(".widget-slider")) add("slider");
    else if (e.closest(".widget-slider")) continue;
    else if (e.closest(".widget-play")) { if (!e.previousElementSibling) add("play"); }
    else if (e.closest(".widget-toggle-buttons")) { if (!e.previousElementSibling) add("toggle buttons"); }
    else if (e.matches("select")) add("dropdown");
    else if (e.matches("input[type=number]")) add("number box");
    else if (e.matches("button.widget-toggle-button")) add("toggle button");
    else if (e.matches("button.widget-button")) add("button");
    else add("other: " + e.outerHTML.slice(0, 100));
  }
  return counts;
}"""

# A short fingerprint of what a widget shows: its output (an HTML widget, the last child of the
# explorer) — images as data URIs, tables, status text.
SNAPSHOT = """root => {
  const out = root.querySelector(":scope > .widget-html:last-child .widget-html-content");
  if (!out) return null;
  const s = out.innerHTML;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return s.length + ":" + h;
}"""

# Known noise that is not the book's, allowed in the ipywidgets 7 environment only: ipywidgets
# 7's controls typeset every description with MathJax 2's API (MathJax.Hub.Queue) whenever
# window.MathJax exists, and JupyterLab 4 ships MathJax 3, which has no Hub (ipywidgets issue
# #3829; fixed in ipywidgets 8 only). The label's text is set before that call, so it shows:
# test_the_controls_show_their_labels checks it.
MATHJAX2_TYPESET = re.compile(r"Cannot read properties of undefined \(reading 'Queue'\)")


# ---- the notebook -------------------------------------------------------------------------

def chapter_widget_cells():
    """The widget cells of the chapters: {cell source: [chapters]}, each an import and a call.

    A widget cell is a code cell whose last line calls a builder the chapter imports from
    nnkit.widgets; cells that build the same widget the same way are one."""
    cells = {}
    for chapter in sorted({c for names in CHAPTER_WIDGETS.values() for c in names}):
        nb = json.loads((ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        imports = {}
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]).strip()
            for m in re.finditer(r"^from nnkit\.widgets\.\w+ import (\w+)$", source, re.M):
                imports[m.group(1)] = m.group(0)
            last = source.splitlines()[-1] if source else ""
            call = re.fullmatch(r"(\w+)\(.*\)", last)
            if call and call.group(1) in imports:
                cells.setdefault(f"{imports[call.group(1)]}\n\n{last}", []).append(chapter)
    return cells


def builder(source):
    return source.splitlines()[-1].split("(")[0]


def write_notebook(path):
    """A notebook that builds each chapter widget, one per cell under a heading; return the
    builders in order."""
    cells = [{"cell_type": "code", "execution_count": None, "id": "setup", "metadata": {},
              "outputs": [], "source": "import sys\n\nimport ipywidgets\n\nfrom nnkit import "
              "plotting\n\nplotting.use_style()\nprint('ipywidgets', ipywidgets.__version__, "
              "sys.prefix)"}]
    order = []
    for k, (source, chapters) in enumerate(chapter_widget_cells().items()):
        order.append(builder(source))
        cells += [{"cell_type": "markdown", "id": f"heading-{k}", "metadata": {},
                   "source": f"## {order[-1]} (chapter {', '.join(chapters)})"},
                  {"cell_type": "code", "execution_count": None, "id": f"widget-{k}",
                   "metadata": {}, "outputs": [], "source": source}]
    notebook = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}}}
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return order


def test_the_notebook_builds_the_widgets_as_the_chapters_do():
    found = {builder(s): chapters for s, chapters in chapter_widget_cells().items()}
    assert found == CHAPTER_WIDGETS
    assert set(CONTROLS) == set(found)


# ---- JupyterLab -----------------------------------------------------------------------------

def environment(name):
    """The versions in environment ``name``, and why JupyterLab cannot show its widgets (or
    None)."""
    python, how = ENVIRONMENTS[name], HOW_TO_MAKE[name]
    if not python.exists():
        return None, f"no Python at {python}; make it with: {how}"
    probe = ("import json, sys; from importlib.metadata import version as v, PackageNotFoundError\n"
             "out = {'prefix': sys.prefix}\n"
             "for n in ('ipywidgets', 'jupyterlab', 'jupyterlab_widgets', 'ipykernel'):\n"
             "    try: out[n] = v(n)\n"
             "    except PackageNotFoundError: out[n] = None\n"
             "print(json.dumps(out))")
    versions = json.loads(subprocess.run([str(python), "-c", probe], capture_output=True,
                                         text=True, check=True, timeout=120).stdout)
    missing = [n for n in ("ipywidgets", "jupyterlab", "ipykernel") if not versions[n]]
    if missing:
        return versions, f"{python} has no {', '.join(missing)}; make it with: {how}"
    series = {"7": "1", "8": "3"}[versions["ipywidgets"].split(".")[0]]
    if (versions["jupyterlab_widgets"] or "").split(".")[0] != series:
        return versions, (f"{python} has ipywidgets {versions['ipywidgets']} with "
                          f"jupyterlab_widgets {versions['jupyterlab_widgets']}, whose JupyterLab "
                          f"extension cannot show its widgets; install jupyterlab_widgets "
                          f"{series}.x ({how})")
    return versions, None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server of one environment, on a free port of 127.0.0.1."""

    def __init__(self, python, folder, versions):
        self.python, self.versions = python, versions
        self.root = folder / "notebooks"
        self.root.mkdir()
        self.builders = write_notebook(self.root / "widgets.ipynb")
        home = folder / "home"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "IPYTHON", "PYTHONPATH"))}
        for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                          ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("MPLCONFIGDIR", "mpl")):
            (home / sub).mkdir(parents=True)
            env[name] = str(home / sub)
        # every cell in the page, not only those scrolled into view (JupyterLab's windowing)
        tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True)
        (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = folder / "jupyterlab.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [str(python), "-m", "jupyterlab", "--no-browser", "--allow-root",
                 "--ip=127.0.0.1", f"--port={urlsplit(self.url).port}",
                 f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                 # nothing fetched from elsewhere, and window.jupyterapp to run the cells
                 "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
                 "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                 "--LabApp.expose_app_in_browser=True"],
                env=env, cwd=self.root, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def log_tail(self):
        return self.log.read_text(errors="replace")[-3000:]

    def wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        request = urllib.request.Request(f"{self.url}/api/status",
                                         headers={"Authorization": f"token {self.token}"})
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"JupyterLab exited:\n{self.log_tail()}"
            try:
                with urllib.request.urlopen(request, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def terminate(self):
        """Ask the server to shut down cleanly (its kernels too)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self):
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: server and kernels
            self.process.wait(timeout=30)


class Notebook:
    """The notebook open in JupyterLab, its cells run; records console errors and every request
    (and WebSocket) to a host other than 127.0.0.1, which it also blocks."""

    def __init__(self, browser, lab):
        self.lab = lab
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = page = self.context.new_page()
        self.errors, self.left = [], []
        self.ignored = MATHJAX2_TYPESET if lab.versions["ipywidgets"].startswith("7.") else None
        self.noise = 0
        page.on("console", lambda m: m.type == "error" and self._error(m.text))
        page.on("pageerror", lambda e: self._error(f"{e}\n{e.stack}"))
        page.on("websocket", lambda ws: self._local(ws.url) or self.left.append(ws.url))

        def route(r):
            if self._local(r.request.url):
                r.continue_()
            else:
                self.left.append(r.request.url)
                r.abort()

        page.route("**/*", route)

    def _error(self, text):
        if self.ignored and self.ignored.search(text) and "jupyterlab-manager" in text:
            self.noise += 1
        else:
            self.errors.append(text)

    @staticmethod
    def _local(url):
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob") or parts.hostname == "127.0.0.1"

    def start(self):
        """Open the notebook and set its cells running (without waiting for them)."""
        page = self.page
        page.goto(f"{self.lab.url}/lab/tree/widgets.ipynb?token={self.lab.token}")
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=RUN_TIMEOUT * 1000, polling=200)
        page.evaluate("""() => {
          const app = window.jupyterapp, panel = app.shell.currentWidget;
          panel.context.ready.then(() => panel.sessionContext.ready)
            .then(() => app.commands.execute("notebook:run-all-cells"));
        }""")

    def wait(self):
        """Wait until every widget cell shows its widget."""
        self.page.wait_for_function(
            "n => document.querySelectorAll('.jp-CodeCell .jp-OutputArea-output > .widget-vbox')"
            ".length >= n", arg=len(self.lab.builders), timeout=RUN_TIMEOUT * 1000, polling=200)

    def cell(self, k):
        return self.page.locator(".jp-Notebook .jp-CodeCell").nth(k)

    def widget(self, name):
        k = 1 + self.lab.builders.index(name)  # cell 0 is the setup
        return self.cell(k).locator(".jp-OutputArea-output > .widget-vbox")


@pytest.fixture(scope="module")
def started(request, browser, tmp_path_factory):
    """The JupyterLab of every environment the selected tests use, each with its notebook open
    and its cells set running, all before the first test: the servers start and the kernels
    compute side by side, and the second environment's are ready by the time its tests come.
    Returns ({name: Notebook}, {name: why that environment cannot run, or None})."""
    wanted = {item.callspec.params["notebook"] for item in request.session.items
              if getattr(item, "module", None) is request.module and "notebook" in getattr(
                  getattr(item, "callspec", None), "params", {})}
    labs, notebooks, problems = {}, {}, {}
    try:
        for name in sorted(wanted):
            versions, problems[name] = environment(name)
            if not problems[name]:
                labs[name] = Lab(ENVIRONMENTS[name], tmp_path_factory.mktemp(f"lab-{name}"),
                                 versions)
        for name, lab in labs.items():
            lab.wait_ready()
            notebooks[name] = Notebook(browser, lab)
            notebooks[name].start()
        yield notebooks, problems
    finally:
        for nb in notebooks.values():
            nb.context.close()
        for lab in labs.values():
            lab.terminate()
        for lab in labs.values():
            lab.wait_stopped()


@pytest.fixture(scope="module", params=list(ENVIRONMENTS))
def notebook(request, started):
    """The notebook in one environment's JupyterLab, every widget shown."""
    notebooks, problems = started
    if problems[request.param]:
        pytest.skip(problems[request.param])
    notebooks[request.param].wait()
    return notebooks[request.param]


def test_the_kernel_runs_in_the_environment(notebook):
    """The setup cell ran in the kernel of the environment under test, and no cell wrote an
    error or anything to stderr."""
    output = notebook.cell(0).locator(".jp-OutputArea-output")
    assert output.get_attribute("data-mime-type") == "application/vnd.jupyter.stdout"
    printed = output.inner_text().strip()
    versions = notebook.lab.versions
    assert printed == f"ipywidgets {versions['ipywidgets']} {versions['prefix']}"
    stderr = notebook.page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
        " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert stderr.count() == 0, stderr.all_inner_texts()
    assert not notebook.errors and not notebook.left


def test_the_controls_show_their_labels(notebook):
    """Every description is shown as its text (ipywidgets 7 tries MathJax 2 on it first)."""
    labels = notebook.page.locator(".jp-OutputArea-output .widget-vbox label.widget-label")
    shown = [t for t in labels.all_inner_texts() if t.strip()]
    for expected in ("d", "N", "irrelevant", "data set", "step", "h1_wA", "out_b", "slide",
                     "row", "column", "bias", "preset", "learning rate", "epochs"):
        assert expected in shown, (expected, shown)


# ---- moving every control -------------------------------------------------------------------

def snapshot(root):
    return root.evaluate(SNAPSHOT)


def each_changes(notebook, name, actions):
    """Count the widget's controls, then run each action: the output must change each time."""
    root = notebook.widget(name)
    assert root.count() == 1, f"{name}: no widget view"
    assert root.evaluate(CLASSIFY) == CONTROLS[name], name
    handle = root.element_handle()
    before = snapshot(root)
    assert before is not None, f"{name}: no output"
    for label, act in actions:
        act(root)
        try:
            notebook.page.wait_for_function(
                f"([root, before]) => ({SNAPSHOT})(root) !== before", arg=[handle, before],
                timeout=CHANGE_TIMEOUT * 1000, polling=100)
        except Exception:  # Playwright's TimeoutError: report which control did nothing
            pytest.fail(f"{name}: moving {label} did not change the output")
        before = snapshot(root)
    return len(actions)


def slider(k, key="ArrowRight"):
    """Move slider ``k`` by one step with the keyboard (noUiSlider in ipywidgets 8, jQuery UI
    in ipywidgets 7)."""
    def act(root):
        handle = root.locator(".widget-slider").nth(k).locator(".noUi-handle, .ui-slider-handle")
        handle.focus()
        handle.press(key)
    return act


def dropdown(k, label=None):
    """Pick option ``label`` of menu ``k`` (default: the option after the current one)."""
    def act(root):
        select = root.locator("select").nth(k)
        if label is None:
            select.select_option(index=select.evaluate(
                "s => (s.selectedIndex + 1) % s.options.length"))
        else:
            select.select_option(label=label)
    return act


def number_box(k, value):
    def act(root):
        box = root.locator("input[type=number]").nth(k)
        box.fill(str(value))
        box.press("Enter")
    return act


def button(text):
    return lambda root: root.locator("button.widget-button", has_text=text).click()


def test_every_control_of_the_curse_explorer_changes_its_output(notebook):
    n = each_changes(notebook, "curse_explorer",
                     [(name, slider(k)) for k, name in enumerate(("d", "N", "irrelevant"))])
    assert n == 3
    assert not notebook.errors and not notebook.left


def test_every_control_of_the_perceptron_stepper_changes_its_output(notebook):
    each_changes(notebook, "perceptron_stepper", [
        ("the data set", dropdown(0, "XOR")),
        ("the step slider", slider(0)),
        ("step", button("step")),
        ("run", button("run")),
        ("reset", button("reset")),
    ])
    assert not notebook.errors and not notebook.left


def test_every_control_of_the_xor_playground_changes_its_output(notebook):
    from nnkit.widgets.logic import WEIGHT_NAMES

    each_changes(notebook, "xor_playground",
                 [(f"slider {name}", slider(k)) for k, name in enumerate(WEIGHT_NAMES)]
                 + [("show a solution", button("Show a solution")), ("reset", button("Reset"))])
    assert not notebook.errors and not notebook.left


def test_every_control_of_the_grid_detector_changes_its_output(notebook):
    def cell(k):
        return lambda root: root.locator("button.widget-toggle-button.jupyter-widgets").nth(k) \
            .click()

    def challenge(root):
        root.locator(".widget-toggle-buttons button").nth(1).click()

    actions = [(f"cell {k} of the 3x3 grid", cell(k)) for k in range(9)]
    actions += [("the sliding detector", dropdown(0)), ("challenge mode", challenge),
                ("the row", slider(0)), ("the column", slider(1))]
    actions += [(f"kernel weight {k}", number_box(k, 2.5)) for k in range(9)]
    actions += [("the bias", number_box(9, -1.5)), ("the preset menu", dropdown(1))]
    actions += [(f"kernel ← {start}", button(f"kernel ← {start}"))
                for start in ("vertical bar", "horizontal bar", "zeros")]
    each_changes(notebook, "grid_detector", actions)
    assert not notebook.errors and not notebook.left


def test_every_control_of_the_training_explorer_changes_its_output(notebook):
    from playwright.sync_api import expect

    def play(root):
        root.locator(".widget-play button").first.click()

    def stop(root):  # back to the first epoch, and no more ticks
        root.locator(".widget-play button:has(.fa-stop)").click()

    # the epochs first (at epoch 0 the settings that shape training show the same start); the
    # batch of 30 last: 4 steps an epoch, so an update stops short and Continue trains on
    each_changes(notebook, "training_explorer", [
        ("the epochs", slider(0)),
        ("the learning rate", dropdown(0, "0.1")),
        ("the hidden units", dropdown(2, "16")),
        ("the hidden layers", dropdown(3, "3")),
        ("the optimizer", dropdown(4, "adam")),
        ("the initialisation", dropdown(5, "he")),
        ("the activation", dropdown(6, "relu")),
        ("the batch size", dropdown(1, "30")),
        ("continue", button("Continue")),
        ("play", play),
        ("stop", stop),
    ])
    epochs = notebook.widget("training_explorer").locator(".widget-slider .widget-readout")
    expect(epochs).to_have_text("0", timeout=CHANGE_TIMEOUT * 1000)  # stopped at the start
    assert not notebook.errors and not notebook.left
