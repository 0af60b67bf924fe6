"""Progress bars (nnkit/_progress.py): what an executed notebook saves, and what a terminal shows.

The book's pages show no widgets, only the text/plain that the executed notebook saved for each
output; a live tqdm widget's text/plain is its state at creation ("0%"). The helper replaces the bar
by its final line when the loop ends, so that line is what the notebook saves.
"""
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from nnkit import datasets
from nnkit._progress import Progress, epochs
from nnkit.mlp import MLP
from nnkit.perceptron import Perceptron

ROOT = Path(__file__).resolve().parents[1]
SETUP = """\
import numpy as np
from nnkit import datasets
from nnkit._progress import Progress
from nnkit.mlp import MLP
from nnkit.perceptron import Perceptron
X = np.random.default_rng(0).normal(size=(40, 2))
y = (X[:, 0] > 0).astype(int)"""
# Each cell runs loops through the helper; the regular expressions are the lines it must save.
CELLS = {
    "complete": (
        "MLP([2, 4, 2], random_state=0).fit(X, y, epochs=30, learning_rate=0.1, "
        "random_state=0, progress=True);",
        [r"training: 30/30 epochs, loss \d\.\d+"]),
    "early stopping": (
        "MLP([2, 8, 2], random_state=0).fit(X[:30], y[:30], epochs=1000, learning_rate=0.5, "
        "random_state=0, progress=True, validation_data=(X[30:], y[30:]), early_stopping=2);",
        [r"training: stopped early after \d+ of 1000 epochs, loss \d\.\d+"]),
    "perceptron": (
        "Xp, yp = datasets.make_linearly_separable(n_samples=30, random_state=1)\n"
        "Perceptron.zeros(2).fit(Xp, yp, random_state=3, progress=True)\n"
        "Perceptron.random(2, random_state=0).fit(*datasets.logic_table('XOR'), max_epochs=50, "
        "random_state=0, progress=True);",
        ["perceptron rule: converged after 2 epochs",
         "perceptron rule: not converged after 50 epochs"]),
    "helper": (
        "bar = Progress(range(100), True, desc='search', unit='step')\n"
        "for i in bar:\n"
        "    if i == 8:\n"
        "        bar.close('converged after 9 steps')\n"
        "        break\n"
        "for run in Progress(['a', 'b', 'c'], True, desc='from scratch', unit='run'):\n"
        "    pass",
        ["search: converged after 9 steps", "from scratch: 3/3 runs"]),
}


@pytest.fixture(scope="module")
def executed():
    """A notebook of the cells above, executed in a kernel as the book's build does."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP)] + [
        nbformat.v4.new_code_cell(source) for source, _ in CELLS.values()])
    NotebookClient(nb, kernel_name="python3", timeout=300,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


@pytest.mark.parametrize("name", CELLS)
def test_an_executed_notebook_saves_the_final_line_of_each_bar(executed, name):
    cell = executed.cells[1 + list(CELLS).index(name)]
    texts = [output.get("data", {}).get("text/plain", "") + output.get("text", "")
             for output in cell.outputs]
    assert len(texts) == len(CELLS[name][1]), texts
    for text, pattern in zip(texts, CELLS[name][1]):
        assert re.fullmatch(pattern, text), (text, pattern)
    saved = json.dumps(cell.outputs)
    assert not re.search(r"(?<![0-9])0%", saved), saved  # no frozen bar at creation
    assert "vnd.jupyter.widget-view" not in saved  # the widget gave way to the text


def test_no_bar_ends_in_the_error_style(executed):
    # nbclient saves the state of the widgets still open in the notebook's metadata
    assert "danger" not in json.dumps(executed.metadata)
    assert all(output["output_type"] != "stream" or output["name"] != "stderr"
               for cell in executed.cells for output in cell.outputs)


def final_line(err):
    """What a terminal shows at the end: the text after the last carriage return."""
    return [line.split("\r")[-1].strip() for line in err.split("\n") if line.strip()]


def test_outside_a_notebook_the_bar_ends_in_its_final_line_on_stderr(capsys):
    X, y = datasets.make_linearly_separable(n_samples=30, random_state=1)
    Perceptron.zeros(2).fit(X, y, random_state=3, progress=True)
    history = MLP([2, 4, 2], random_state=0).fit(X, y, epochs=20, learning_rate=0.1,
                                                 random_state=0, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert final_line(err) == ["perceptron rule: converged after 2 epochs",
                               f"training: 20/20 epochs, loss {history['loss'][-1]:.4g}"]


def test_early_stopping_says_so_and_learns_the_same_weights(capsys):
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    kwargs = dict(epochs=1000, learning_rate=0.5, random_state=0,
                  validation_data=(X[30:], y[30:]), early_stopping=2)
    a, b = MLP([2, 8, 2], random_state=0), MLP([2, 8, 2], random_state=0)
    history = a.fit(X[:30], y[:30], progress=True, **kwargs)
    b.fit(X[:30], y[:30], **kwargs)
    assert history["epochs_run"] < 1000
    assert final_line(capsys.readouterr().err) == [
        f"training: stopped early after {history['epochs_run']} of 1000 epochs, "
        f"loss {history['loss'][-1]:.4g}"]
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_a_loop_ended_by_an_exception_says_where_it_stopped(capsys):
    history = {"loss": []}
    with pytest.raises(RuntimeError):
        for epoch in epochs(10, True, history):
            history["loss"].append(1.0 / (epoch + 1))
            if epoch == 2:
                raise RuntimeError("diverged")
    assert final_line(capsys.readouterr().err) == ["training: stopped at epoch 3 of 10, loss 0.3333"]


def test_without_progress_nothing_is_shown(capsys):
    bar = Progress(range(5), False)
    assert list(bar) == [0, 1, 2, 3, 4]
    bar.close("done")
    assert capsys.readouterr() == ("", "")
    with pytest.raises(TypeError, match="progress must be True or False"):
        epochs(5, "yes", {})


def test_every_progress_bar_goes_through_the_helper():
    users = [path.relative_to(ROOT).as_posix() for path in (ROOT / "nnkit").rglob("*.py")
             if re.search(r"^\s*(from|import) tqdm", path.read_text(), re.MULTILINE)
             and path.name != "_progress.py"]
    assert users == []
