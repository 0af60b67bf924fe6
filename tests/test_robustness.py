"""A property-based sweep over the public API: junk in, a clear error from nnkit out.

Every call below gets arbitrary arguments (None, strings, bools, NaN and infinity, empty and
ragged arrays, wrong shapes). It may succeed, or raise ValueError/TypeError; when it raises,
the error must come from nnkit's own checks, not from deep inside numpy.
"""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from nnkit import activations, datasets, dimensionality, grid, logic
from nnkit.mlp import MLP, gradient_check
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
