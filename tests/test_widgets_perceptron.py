"""The perceptron rule stepper: what it draws is the recorded run of the rule."""
import html
import json
import re

import numpy as np
import pytest

from nnkit import datasets
from nnkit.perceptron import Perceptron, boundary_segment, rule_steps
from nnkit.widgets.perceptron import (
    LIVE_PICKS,
    N_STEPS,
    SEED,
    describe_step,
    half_box,
    perceptron_stepper,
    stepper_data,
    stepper_trace,
)


@pytest.fixture(scope="module")
def stepper():
    return perceptron_stepper()


def drawn(explorer):
    a = explorer.view.artists
    return {"after": np.array(a["after"].get_data()), "before": np.array(a["before"].get_data()),
            "ring": np.asarray(a["ring"].get_offsets()), "region 1": a["region 1"].get_xy()}


def test_the_trace_is_the_rule_that_fit_runs():
    for name in ("separable", "XOR"):
        X, y, w_start = stepper_data(name)
        trace = stepper_trace(name, n_steps=10_000)
        fitted = Perceptron(w_start[1:], w_start[0]).fit(X, y, max_epochs=10_000 // len(y),
                                                        random_state=SEED)
        np.testing.assert_array_equal(trace[-1].w_after, fitted.extended_weights)
        assert sum(s.updated for s in trace) == sum(fitted.errors_)
        assert trace[-1].converged == fitted.converged_ == (name == "separable")


def test_separable_run_converges_within_the_slider_and_xor_never_does():
    separable, xor = stepper_trace("separable"), stepper_trace("XOR")
    assert len(separable) < N_STEPS and separable[-1].converged
    assert sum(s.updated for s in separable) >= 5  # the boundary visibly moves several times
    assert len(xor) == N_STEPS and not any(s.converged for s in xor)
    assert sum(s.updated for s in xor) >= N_STEPS // 4


@pytest.mark.parametrize("dataset", ["separable", "XOR"])
@pytest.mark.parametrize("step", [0, 1, 2, 7, 13, N_STEPS])
def test_moving_the_controls_draws_the_traced_step(stepper, dataset, step):
    stepper.controls["dataset"].value = dataset
    stepper.controls["step"].value = step
    X, y, w_start = stepper_data(dataset)
    trace = stepper_trace(dataset)
    shown = min(step, len(trace))
    w = trace[shown - 1].w_after if shown else w_start
    d = drawn(stepper)
    lim = (-1.25, 1.25)
    np.testing.assert_allclose(d["after"], boundary_segment(w, lim, lim))
    # the drawn line is where w·x = 0, and the shaded class-1 region is where w·x >= 0
    ends = d["after"].T[~np.isnan(d["after"][0])]
    np.testing.assert_allclose(w[0] + ends @ w[1:], 0, atol=1e-9)
    assert (w[0] + d["region 1"] @ w[1:] >= -1e-9).all()
    if shown:
        s = trace[shown - 1]
        np.testing.assert_array_equal(d["ring"], X[[s.index]])
        if s.updated:
            np.testing.assert_allclose(d["before"], boundary_segment(s.w_before, lim, lim))
        else:
            assert np.isnan(d["before"]).all()
    else:
        assert d["ring"].shape == (0, 2) and np.isnan(d["before"]).all()
    assert html.escape(describe_step(trace, step, w_start)) in stepper.last


def test_buttons_step_run_and_reset(stepper):
    stepper.controls["dataset"].value = "separable"
    step_button, run_button, reset_button = stepper.children[-2].children
    stepper.controls["step"].value = 0
    step_button.click()
    step_button.click()
    assert stepper.controls["step"].value == 2
    run_button.click()
    assert stepper.controls["step"].value == len(stepper_trace("separable"))
    assert "the rule stops" in stepper.last
    reset_button.click()
    assert stepper.controls["step"].value == 0 and "start" in stepper.last


def test_the_text_says_what_the_rule_did():
    X, y, w_start = stepper_data("XOR")
    trace = stepper_trace("XOR")
    assert describe_step(trace, 0, w_start).startswith("start")
    for step, s in enumerate(trace, start=1):
        text = describe_step(trace, step, w_start)
        assert f"point {s.index} (class {s.label})" in text
        assert ("no update" in text) != s.updated
        if s.updated:
            assert ("w ← w + x" in text) == (s.label == 1)


def test_half_box_is_the_positive_side_of_the_square():
    lim = (-1.0, 1.0)
    np.testing.assert_allclose(half_box([0.0, 1.0, 0.0], lim), [[0, -1], [1, -1], [1, 1], [0, 1]])
    assert half_box([-5.0, 1.0, 1.0], lim).shape == (0, 2)  # the line misses the square
    assert half_box([5.0, 1.0, 1.0], lim).shape == (4, 2)  # all of it
    tri = half_box([1.0, -1.0, -1.0], lim)  # x1 + x2 <= 1: a pentagon (square minus a corner)
    area = 0.5 * abs(np.dot(tri[:, 0], np.roll(tri[:, 1], 1)) - np.dot(tri[:, 1], np.roll(tri[:, 0], 1)))
    assert len(tri) == 5 and area == pytest.approx(4 - 0.5)


def test_the_page_shows_the_live_version_with_the_books_run(stepper):
    page = stepper._repr_mimebundle_()["text/html"]
    assert page.startswith('<div class="nnkit-live" data-nnkit-live="perceptron_stepper">')
    assert "nnkit-static" not in page and len(page) < 10_000  # no pre-rendered frames
    config = json.loads(re.search(r'nnkit-live-config">(.*?)</script>', page).group(1))
    assert config["seed"] == SEED and config["dataset"] == "separable"
    for name in ("separable", "XOR"):
        X, y, w_start = stepper_data(name)
        data = config["datasets"][name]
        assert data["X"] == X.tolist() and data["y"] == y.tolist()
        assert config["w_start"] == w_start.tolist()
        trace = stepper_trace(name, LIVE_PICKS)
        assert data["order"] == [s.index for s in trace]
    assert len(config["datasets"]["XOR"]["order"]) == LIVE_PICKS  # XOR never converges


def test_the_rule_on_the_stepper_data_matches_rule_steps_directly():
    X, y = datasets.logic_table("XOR")
    direct = list(rule_steps(2.0 * X - 1.0, y, stepper_data("XOR")[2], max_epochs=N_STEPS,
                             random_state=SEED))[:N_STEPS]
    assert [s.index for s in direct] == [s.index for s in stepper_trace("XOR")]


@pytest.mark.parametrize("call, error, message", [
    (lambda: stepper_data("circles"), ValueError, "dataset"),
    (lambda: stepper_trace("XOR", n_steps=0), ValueError, "n_steps"),
    (lambda: perceptron_stepper(n_steps=500), ValueError, "n_steps"),
    (lambda: describe_step([], -1, [0, 0, 0]), ValueError, "step"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_revisited_step_shows_the_same_frame_and_state():
    explorer = perceptron_stepper(n_steps=12)
    explorer.controls["dataset"].value = "XOR"
    explorer.controls["step"].value = 7
    first = explorer.last
    explorer.controls["step"].value = 3
    assert explorer.last != first
    explorer.controls["step"].value = 7
    assert explorer.last == first
    w = stepper_trace("XOR", 12)[6].w_after
    np.testing.assert_allclose(drawn(explorer)["after"],
                               boundary_segment(w, (-1.25, 1.25), (-1.25, 1.25)))
