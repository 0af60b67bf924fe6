"""A property-based sweep over the public API: junk in, a clear error from nnkit out.

Every call below gets arbitrary arguments (None, strings, bools, NaN and infinity, empty and
ragged arrays, wrong shapes). It may succeed, or raise ValueError/TypeError; when it raises,
the error must come from nnkit's own checks, not from deep inside numpy.
"""
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnkit import activations, backprop, datasets, dimensionality, grid, logic
from nnkit.backprop import gradient_check
from nnkit.layers import HIDDEN_ACTIVATIONS
from nnkit.mlp import MLP
from nnkit.perceptron import Perceptron, update

NNKIT = Path(logic.__file__).resolve().parent

numbers = st.floats(allow_nan=True, allow_infinity=True, width=64)
JUNK = st.one_of(
    st.none(), st.text(max_size=3), st.booleans(), st.integers(-4, 6), numbers,
    arrays(np.float64, array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
           elements=st.one_of(st.floats(-3, 3), st.sampled_from([np.nan, np.inf]))),
    arrays(np.int64, array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5),
           elements=st.integers(-2, 3)),
    st.lists(st.integers(-2, 4), max_size=4),
    st.lists(st.lists(st.floats(-2, 2), max_size=3), max_size=3),
)

CALLS = {
    **{f"activations.{name}": lambda a, b, h=h: h(a) for name, h in activations.ACTIVATIONS.items()},
    "activations.leaky_relu(alpha)": lambda a, b: activations.leaky_relu(a, alpha=b),
    "activations.get": lambda a, b: activations.get(a),
    "Perceptron": lambda a, b: Perceptron(a, b),
    "Perceptron.zeros": lambda a, b: Perceptron.zeros(a, activation=b),
    "Perceptron.random": lambda a, b: Perceptron.random(a, scale=b),
    "Perceptron.predict": lambda a, b: Perceptron.zeros(2).predict(a),
    "Perceptron.fit": lambda a, b: Perceptron.zeros(2).fit(a, b, max_epochs=2),
    "Perceptron.fit(max_epochs)": lambda a, b: Perceptron.zeros(1).fit([[1.0]], [1], max_epochs=a),
    "perceptron.update": lambda a, b: update(a, b, 1),
    "logic.truth_table": lambda a, b: logic.truth_table(a),
    "logic.Network": lambda a, b: logic.Network(a),
    "MLP": lambda a, b: MLP(a, b),
    "MLP(output)": lambda a, b: MLP([2, 2], output=a, random_state=b),
    "MLP.forward": lambda a, b: MLP([2, 3, 2], random_state=0).forward(a),
    "MLP.loss": lambda a, b: MLP([2, 3, 2], random_state=0).loss(a, b),
    "MLP.loss(sigmoid)": lambda a, b: MLP([2, 1], output="sigmoid").loss(np.ones((2, 2)), a, l2=b),
    "MLP.loss(linear)": lambda a, b: MLP([2, 2], output="linear").loss(np.ones((3, 2)), a),
    "MLP.fit": lambda a, b: MLP([2, 2], random_state=0).fit(a, b, epochs=1, learning_rate=0.1),
    "MLP.fit(options)": lambda a, b: MLP([2, 2], random_state=0).fit(
        np.ones((4, 2)), [0, 1, 0, 1], epochs=1, learning_rate=0.1, batch_size=a, dropout=b),
    "MLP.fit(validation)": lambda a, b: MLP([2, 2], random_state=0).fit(
        np.ones((4, 2)), [0, 1, 0, 1], epochs=2, learning_rate=0.1, validation_data=(a, b),
        early_stopping=1),
    "MLP.score": lambda a, b: MLP([2, 2], random_state=0).score(a, b),
    "MLP.params=": lambda a, b: setattr(MLP([2, 2]), "params", [(a, b)]),
    "gradient_check": lambda a, b: gradient_check(MLP([2, 2], random_state=0), a, b, eps=1e-4),
    "grid.conv2d": lambda a, b: grid.conv2d(a, b),
    "grid.conv2d(stride, padding)": lambda a, b: grid.conv2d(np.ones((4, 4)), np.ones((2, 2)),
                                                             stride=a, padding=b),
    "grid.max_pool2d": lambda a, b: grid.max_pool2d(a, b),
    "grid.avg_pool2d": lambda a, b: grid.avg_pool2d(np.ones((4, 4)), size=a, stride=b),
    "grid.conv_output_size": lambda a, b: grid.conv_output_size(a, b),
    "grid.dense_param_count": lambda a, b: grid.dense_param_count(a, b),
    "grid.conv_param_count": lambda a, b: grid.conv_param_count(a, b, 1, 1),
    "dimensionality.pairwise_distances": lambda a, b: dimensionality.pairwise_distances(a, b),
    "dimensionality.distance_concentration": lambda a, b: dimensionality.distance_concentration(
        a, n_samples=b),
    "dimensionality.ball_volume_fraction": lambda a, b: dimensionality.ball_volume_fraction(a, b),
    "dimensionality.knn_predict": lambda a, b: dimensionality.knn_predict(a, b, a),
    "dimensionality.accuracy_vs_irrelevant_features":
        lambda a, b: dimensionality.accuracy_vs_irrelevant_features(a, n_samples=b, n_repeats=1),
    "dimensionality.max_spurious_correlation":
        lambda a, b: dimensionality.max_spurious_correlation(a, b, n_repeats=1),
    "datasets.logic_table": lambda a, b: datasets.logic_table(a),
    "datasets.make_linearly_separable": lambda a, b: datasets.make_linearly_separable(a, margin=b),
    "datasets.make_xor": lambda a, b: datasets.make_xor(a, b),
    "datasets.make_blobs": lambda a, b: datasets.make_blobs(8, centers=a, spread=b),
    "datasets.make_spirals": lambda a, b: datasets.make_spirals(a, n_turns=b),
    "datasets.make_grid_segments": lambda a, b: datasets.make_grid_segments(a, length=b),
    "datasets.load_image": lambda a, b: datasets.load_image(a),
}


def raised_inside_nnkit(err):
    """Whether the innermost frame of the error's traceback is in nnkit's own code."""
    tb = err.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(NNKIT)


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=40, deadline=None)
@given(a=JUNK, b=JUNK)
def test_junk_gives_a_clear_error_or_a_result(name, a, b):
    try:
        CALLS[name](a, b)
    except (ValueError, TypeError) as err:
        assert raised_inside_nnkit(err), f"{name}: {type(err).__name__} from outside nnkit: {err}"
        assert str(err)


# ---------------------------------------------------------------- numbers too large for float64
HUGE = st.sampled_from([1.7e308, -1.7e308, 1e200, -1e200, 1e154, -1e154, 1e100, 3.0, -1.0, 0.0])
FORWARD_PASSES = {
    "MLP.forward": lambda m, X, y: m.forward(X),
    "MLP.predict": lambda m, X, y: m.predict(X),
    "MLP.predict_proba": lambda m, X, y: m.predict(X) if m.output == "linear" else
    m.predict_proba(X),
    "MLP.hidden_activations": lambda m, X, y: m.hidden_activations(X),
    "MLP.score": lambda m, X, y: m.score(X, y),
    "MLP.loss": lambda m, X, y: m.loss(X, y),
    "MLP.gradients": lambda m, X, y: m.gradients(X, y),
    "MLP.gradient_norms": lambda m, X, y: m.gradient_norms(X, y),
    "MLP.fit": lambda m, X, y: m.fit(X, y, epochs=2, learning_rate=0.1),
    "gradient_check": lambda m, X, y: gradient_check(m, X, y, eps=1e-4),
    "backprop.backprop_trace": lambda m, X, y: backprop.backprop_trace(m, X, y),
    "backprop.layer_jacobians": lambda m, X, y: backprop.layer_jacobians(m, X[0]),
}
INTERNAL_NAMES = re.compile(r"\bz\b|\bdelta\b|\by_hat\b|\ba_prev\b")


def all_finite(result):
    if result is None:
        return True
    if isinstance(result, dict):
        return all(all_finite(value) for value in result.values())
    if isinstance(result, (list, tuple)):
        return all(all_finite(value) for value in result)
    return bool(np.all(np.isfinite(result)))


@pytest.mark.parametrize("name", sorted(FORWARD_PASSES))
@settings(max_examples=30, deadline=None)
@given(X=arrays(np.float64, (3, 2), elements=HUGE), output=st.sampled_from(["softmax", "sigmoid",
                                                                            "linear"]),
       hidden=st.sampled_from(HIDDEN_ACTIVATIONS), n_hidden=st.integers(0, 2),
       seed=st.integers(0, 100))
def test_huge_inputs_give_a_finite_result_or_an_error_naming_the_argument(name, X, output,
                                                                          hidden, n_hidden, seed):
    """Never NaN or infinity, never a bare numpy RuntimeWarning, never an internal name."""
    n_out = 2 if output == "softmax" else 1
    model = MLP([2] + [3] * n_hidden + [n_out], hidden_activation=hidden, output=output,
                random_state=seed)
    y = [0.5, -1.0, 2.0] if output == "linear" else [0, 1, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = FORWARD_PASSES[name](model, X, y)
        except ValueError as err:
            message = str(err)
            assert raised_inside_nnkit(err), f"{name}: {message}"
            assert re.search(r"\b[Xxy]\b|learning_rate", message), f"{name}: {message}"
            assert not INTERNAL_NAMES.search(message), f"{name}: {message}"
            return
    assert all_finite(result), f"{name} returned {result!r}"
