"""The training explorer: each control changes the run it shows, and failures are named."""
import html
import json
import re

import numpy as np
import pytest

from nnkit.mlp import MLP
from nnkit.training import identical_hidden_units
from nnkit.widgets import training


@pytest.fixture(scope="module")
def explorer():
    return training.training_explorer()


def status(explorer):
    """The status line the reader sees under the figure."""
    return html.unescape(re.search(r"<pre[^>]*>(.*)</pre>", explorer.last, re.S).group(1))


def current_run(explorer):
    values = explorer.values()
    return explorer.runs[tuple(values[k] for k in values if k != "epochs")]


def train_to(explorer, epochs):
    """Move the slider, then press Continue until the run has got there."""
    explorer.controls["epochs"].value = epochs
    for _ in range(50):
        if current_run(explorer).epochs_done >= epochs or current_run(explorer).diverged_at:
            break
        explorer.refresh()


def test_the_epochs_slider_trains_the_network_and_the_loss_falls(explorer):
    explorer.controls["epochs"].value = 0
    first = current_run(explorer).losses[0]
    train_to(explorer, 100)
    run = current_run(explorer)
    assert run.epochs_done == 100 and run.losses[-1] < 0.7 * first
    assert len(explorer.artists["curve"].get_xdata()) == 101
    assert "epoch 100" in status(explorer) and "DIVERGED" not in status(explorer)
    explorer.controls["epochs"].value = 40  # moving back shows the snapshot, trains nothing
    assert run.epochs_done == 100 and "epoch 40" in status(explorer)
    assert len(explorer.artists["curve"].get_xdata()) == 41


def test_an_update_trains_at_most_its_step_budget(explorer):
    explorer.controls["epochs"].value = 0
    explorer.controls["batch_size"].value = 30  # 4 steps per epoch
    explorer.controls["epochs"].value = 100
    run = current_run(explorer)
    assert run.epochs_done == training.STEPS_PER_UPDATE // 4
    assert "press Continue" in status(explorer)
    explorer.controls["batch_size"].value = 120


def test_zero_initialisation_is_flagged_as_symmetry(explorer):
    explorer.controls["init"].value = "zeros"
    train_to(explorer, 100)
    run = current_run(explorer)
    assert identical_hidden_units(run.model) == [True, True]
    assert "SYMMETRY" in status(explorer)
    assert run.snapshots[100]["accuracy"] <= 0.6  # about chance on two spirals
    explorer.controls["init"].value = "xavier"
    assert "SYMMETRY" not in status(explorer)


def test_a_huge_learning_rate_is_reported_as_divergence_not_a_crash(explorer):
    explorer.controls["activation"].value = "relu"
    explorer.controls["learning_rate"].value = 100.0
    train_to(explorer, 100)
    run = current_run(explorer)
    assert run.diverged_at is not None
    assert f"DIVERGED in epoch {run.diverged_at}" in status(explorer)
    assert list(explorer.artists["cut"].get_xdata()) == [run.diverged_at]
    assert len(explorer.artists["curve"].get_xdata()) == run.epochs_done + 1
    explorer.controls["learning_rate"].value = 0.1
    assert "DIVERGED" not in status(explorer)
    assert len(explorer.artists["cut"].get_xdata()) == 0
    explorer.controls["activation"].value = "tanh"


def test_deep_sigmoid_layers_show_vanishing_gradients_and_relu_does_not(explorer):
    explorer.controls["hidden_layers"].value = 4
    explorer.controls["epochs"].value = 0
    for activation, vanishing in (("sigmoid", True), ("relu", False)):
        explorer.controls["activation"].value = activation
        norms = current_run(explorer).snapshots[0]["gradient_norms"]
        assert (norms[0] < norms[-1] / training.VANISHING_RATIO) == vanishing
        assert ("VANISHING" in status(explorer)) == vanishing
        heights = explorer.artists["bars"].get_ydata()[1::3]  # (bottom, top, gap) per layer
        np.testing.assert_allclose(heights, np.clip(norms, 1e-8, 10))
    explorer.controls["hidden_layers"].value = 2
    explorer.controls["activation"].value = "tanh"


def test_every_control_selects_its_own_cached_run(explorer):
    explorer.controls["epochs"].value = 10
    for name in ("learning_rate", "batch_size", "hidden_units", "hidden_layers", "optimizer",
                 "init", "activation"):
        control = explorer.controls[name]
        before = control.value
        other = next(v for v in (o[1] if isinstance(o, tuple) else o for o in control.options)
                     if v != before)
        control.value = other
        run = current_run(explorer)
        assert run.learning_rate == explorer.controls["learning_rate"].value
        assert run.model.layer_sizes == ([2] + [explorer.controls["hidden_units"].value]
                                         * explorer.controls["hidden_layers"].value + [1])
        assert run.model.hidden_activation == explorer.controls["activation"].value
        assert run.model.init == explorer.controls["init"].value
        assert type(run.opt).__name__.lower() == explorer.controls["optimizer"].value
        control.value = before


def test_a_run_continues_its_optimizer_state_like_one_long_fit():
    run = training.TrainingRun(0.05, 120, 8, 1, "adam", "xavier", "tanh", random_state=3)
    run.advance(6, max_steps=2)
    run.advance(6)
    model = MLP([2, 8, 1], hidden_activation="tanh", output="sigmoid", init="xavier",
                random_state=3)
    history = model.fit(run.X, run.y, epochs=6, learning_rate=0.05, optimizer="adam",
                        random_state=3)
    np.testing.assert_allclose(run.losses[1:], history["loss"], rtol=1e-12)


def test_the_page_shows_the_live_version_with_the_widgets_data_and_controls(explorer):
    page = explorer._repr_mimebundle_()["text/html"]
    assert 'data-nnkit-live="training_explorer"' in page and "nnkit-static" not in page
    config = json.loads(re.search(r'nnkit-live-config">(.*?)</script>', page).group(1))
    X, y = training.spiral_data()
    np.testing.assert_array_equal(config["X"], X)  # JSON keeps every float exactly
    assert config["y"] == y.tolist() and config["max_epochs"] == training.MAX_EPOCHS
    fresh = training.training_explorer()  # the module's explorer has moved its controls
    for name, value in config["settings"].items():
        if name != "seed":
            assert fresh.controls[name].value == value
    for name, options in config["options"].items():
        control = explorer.controls[name]
        offered = [o[1] if isinstance(o, tuple) else o for o in control.options]
        assert [value for _, value in options] == offered
    assert config["vanishing_ratio"] == training.VANISHING_RATIO
    assert config["divergence_factor"] == training.DIVERGENCE_FACTOR
    assert len(page) < 20_000  # no frames: the page computes


def test_the_status_line_wraps_instead_of_being_cut_off(explorer):
    assert re.search(r'<pre class="nnkit-training-status" style="white-space: pre-wrap">',
                     explorer.last)


def describe_after(epochs, **settings):
    run = training.TrainingRun(**{"learning_rate": 1.0, "batch_size": 120, "hidden_units": 8,
                                  "hidden_layers": 2, "optimizer": "momentum", "init": "xavier",
                                  "activation": "tanh", **settings})
    run.advance(epochs)
    shown, _ = run.view(epochs)
    return training.describe(run, epochs, shown)


def test_zero_weights_are_named_symmetry_not_vanishing_gradients():
    # layer 1 gets no gradient at all from zero weights above it: no activation is to blame
    text = describe_after(0, init="zeros", activation="sigmoid", hidden_layers=3)
    assert "SYMMETRY" in text and "VANISHING" not in text


def test_a_diverged_run_is_not_called_vanishing():
    text = describe_after(100, learning_rate=100.0, activation="sigmoid", hidden_layers=3)
    assert "DIVERGED" in text and "VANISHING" not in text and "STUCK" not in text


def test_vanishing_gradients_stay_named_while_the_network_is_stuck():
    # issue 17: four sigmoid layers with plain SGD at rate 1 showed VANISHING at epoch 0 only,
    # although at epoch 100 the network still guesses
    settings = {"activation": "sigmoid", "hidden_layers": 4, "optimizer": "sgd"}
    assert "VANISHING GRADIENTS: layer 1's gradient is 4e+02" in describe_after(0, **settings)
    text = describe_after(100, **settings)
    assert "VANISHING GRADIENTS at the start: layer 1's gradient was 4e+02" in text
    assert "STUCK" in text and "accuracy 47%" in text


def test_a_network_that_learns_is_neither_stuck_nor_vanishing():
    text = describe_after(100)
    assert "accuracy 98%" in text
    assert not any(word in text for word in ("STUCK", "VANISHING", "SYMMETRY", "DIVERGED"))


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="max_epochs"):
        training.training_explorer(max_epochs=5)
    with pytest.raises(ValueError, match="init"):
        training.TrainingRun(0.1, 120, 8, 1, "sgd", "ones", "tanh")
    with pytest.raises(ValueError, match="optimizer"):
        training.TrainingRun(0.1, 120, 8, 1, "rmsprop", "he", "tanh")


def test_chapter_6_describes_the_explorer_it_has():
    """The numbers chapter 6's "Explore" section states are the explorer's."""
    from pathlib import Path
    nb = json.loads((Path(__file__).resolve().parents[1] / "chapters"
                     / "06-training-in-practice.ipynb").read_text())
    text = next("".join(c["source"]) for c in nb["cells"]
                if "".join(c["source"]).startswith("## Explore: the training explorer"))
    n_points = len(training.spiral_data()[1])
    assert f"trains a small network on {n_points} spiral points" in text
    assert 100.0 in training.LEARNING_RATES and "a learning rate of 100\n" in text
    assert max(training.HIDDEN_LAYERS) == 4 and "four hidden layers" in text
    assert f"in steps of {training.EPOCH_STEP} epochs" in text
