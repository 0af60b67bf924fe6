"""Chapter 4: hand-set one-hidden-layer networks approximate continuous functions, and the
parameter counts of the MNIST networks (syllabus §4)."""
import inspect

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit import datasets, universal
from nnkit.mlp import MLP
from nnkit.universal import (
    knots,
    max_error,
    max_errors,
    n_params_one_hidden,
    relu_interpolant,
    sigmoid_staircase,
    unit_contributions,
)


def wiggle(x):
    """The chapter's example: smooth, with three bumps on [−2, 2]."""
    return np.sin(3 * x) + 0.5 * x


A, B = -2.0, 2.0
UNITS = [4, 8, 16, 32, 64, 128, 256]


def evaluate(model, x):
    return model.forward(np.asarray(x, dtype=float)[:, None])[:, 0]


# ---------------------------------------------------------------------- the constructions
@settings(max_examples=40, deadline=None)
@given(coefs=st.lists(st.floats(-3, 3), min_size=1, max_size=5),
       a=st.floats(-5, 5), width=st.floats(0.1, 10), n_units=st.integers(1, 40))
def test_relu_network_is_numpys_piecewise_linear_interpolant(coefs, a, width, n_units):
    def f(x):
        return np.polyval(coefs, x) + np.cos(x)

    b = a + width
    model = relu_interpolant(f, a, b, n_units)
    assert model.layer_sizes == [1, n_units, 1] and model.hidden_activation == "relu"
    x = np.linspace(a, b, 301)
    xs = knots(a, b, n_units)
    np.testing.assert_allclose(evaluate(model, x), np.interp(x, xs, f(xs)),
                               atol=1e-9 * (1 + np.abs(f(xs)).max()))


def test_relu_hat_is_three_kinks():
    """A triangle of height 1 on [0, 2]: one network, three ReLU units."""
    model = relu_interpolant(lambda x: np.maximum(0, 1 - np.abs(x - 1)), -1.0, 3.0, 4)
    np.testing.assert_allclose(model.params[1][0].ravel(), [0, 1, -2, 1], atol=1e-12)
    np.testing.assert_allclose(evaluate(model, [-1, 0, 0.5, 1, 1.5, 2, 3]),
                               [0, 0, 0.5, 1, 0.5, 0, 0], atol=1e-12)


def test_sharp_sigmoid_steps_become_the_exact_staircase():
    n = 12
    model = sigmoid_staircase(wiggle, A, B, n, sharpness=2000.0)
    xs = knots(A, B, n)
    h = xs[1] - xs[0]
    x = np.linspace(A, B, 2000)
    x = x[np.abs((x - A) / h - np.round((x - A) / h + 0.5) + 0.5) > 0.05]  # away from the steps
    nearest_knot = xs[np.round((x - A) / h).astype(int)]
    np.testing.assert_allclose(evaluate(model, x), wiggle(nearest_knot), atol=1e-9)
    assert model.layer_sizes == [1, n, 1] and model.hidden_activation == "sigmoid"


def test_each_sigmoid_unit_is_a_step_as_tall_as_the_jump_between_knots():
    model = sigmoid_staircase(wiggle, A, B, 5)
    (W1, b1), (W2, b2) = model.params
    xs = knots(A, B, 5)
    np.testing.assert_allclose(-b1 / W1[0], (xs[:-1] + xs[1:]) / 2)  # steps at midpoints
    np.testing.assert_allclose(W2[:, 0], np.diff(wiggle(xs)))
    assert b2[0] == wiggle(xs[0])


@pytest.mark.parametrize("kind", ["sigmoid", "relu"])
def test_unit_contributions_add_up_to_the_output(kind):
    model = universal.BUILDERS[kind](wiggle, A, B, 7)
    x = np.linspace(-2.5, 2.5, 50)
    parts = unit_contributions(model, x)
    assert parts.shape == (50, 7)
    np.testing.assert_allclose(parts.sum(axis=1) + model.params[1][1][0], evaluate(model, x),
                               atol=1e-12)


# ---------------------------------------------------------------------- the headline result
@pytest.mark.parametrize("kind", ["sigmoid", "relu"])
def test_max_error_shrinks_every_time_the_units_double(kind):
    errors = max_errors(kind, wiggle, A, B, UNITS)
    assert np.all(np.diff(errors) < 0)


def test_stated_tolerances_with_256_units():
    sigmoid_err, relu_err = (max_errors(kind, wiggle, A, B, [256])[0]
                             for kind in ("sigmoid", "relu"))
    assert sigmoid_err < 0.02
    assert relu_err < 0.001


def test_convergence_rates_halve_and_quarter():
    """Doubling the units halves the staircase's error (O(h)) and quarters the ReLU's (O(h²))."""
    sig = max_errors("sigmoid", wiggle, A, B, UNITS[3:])
    relu = max_errors("relu", wiggle, A, B, UNITS[3:])
    assert np.all((sig[:-1] / sig[1:] > 1.8) & (sig[:-1] / sig[1:] < 2.2))
    assert np.all((relu[:-1] / relu[1:] > 3.5) & (relu[:-1] / relu[1:] < 4.5))


@pytest.mark.parametrize("n_units", UNITS)
def test_errors_within_the_textbook_bounds(n_units):
    """Interpolation error ≤ h² max|f''| / 8; staircase error ≤ h max|f'| (f' ≤ 3.5, f'' ≤ 9)."""
    h = (B - A) / n_units
    assert max_error(relu_interpolant(wiggle, A, B, n_units), wiggle, A, B) <= h ** 2 * 9 / 8
    assert max_error(sigmoid_staircase(wiggle, A, B, n_units), wiggle, A, B) <= h * 3.5


@pytest.mark.parametrize("kind", ["sigmoid", "relu"])
def test_a_continuous_but_not_smooth_function_is_approximated_too(kind):
    def f(x):
        return np.sqrt(np.abs(x)) * np.sign(x)  # infinitely steep at 0

    errors = max_errors(kind, f, -1, 1, [10, 100, 1000])
    assert np.all(np.diff(errors) < 0) and errors[-1] < 0.05


def test_max_error_agrees_with_a_dense_check():
    model = relu_interpolant(wiggle, A, B, 9)
    x = np.linspace(A, B, 100_001)
    dense = np.max(np.abs(evaluate(model, x) - wiggle(x)))
    assert abs(max_error(model, wiggle, A, B, n_points=20_001) - dense) < 1e-3


# ---------------------------------------------------------------------- parameter counting
def test_mnist_shapes():
    X, y = datasets.load_mnist_5k()
    assert X.shape[1] == 28 * 28 == 784
    assert len(np.unique(y)) == 10


def test_mnist_parameter_counts_formula_and_mlp():
    assert n_params_one_hidden(784, 0, 10) == 784 * 10 + 10 == 7_850
    assert MLP([784, 10], random_state=0).n_params == 7_850
    U = 200
    assert n_params_one_hidden(784, U, 10) == 784 * U + U + 10 * U + 10 == 159_010
    assert MLP([784, U, 10], random_state=0).n_params == 159_010


def test_two_hidden_layers_count_from_the_chapter_self_check():
    assert MLP([784, 100, 100, 10], random_state=0).n_params == 89_610
    assert MLP([3, 4, 4, 2], random_state=0).n_params == 3 * 4 + 4 * 4 + 4 * 2 + 4 + 4 + 2 == 46
    # the chapter's "Try it": one layer of 24 units against two layers of 8, for the spirals
    assert MLP([2, 24, 2], random_state=0).n_params == 122
    assert MLP([2, 8, 8, 2], random_state=0).n_params == 114


@pytest.mark.parametrize("n_in, U, n_out", [(784, 0, 10), (784, 200, 10), (2, 3, 1), (5, 1, 4)])
def test_parameter_count_matches_torch(n_in, U, n_out):
    sizes = [n_in, U, n_out] if U else [n_in, n_out]
    layers = [torch.nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:])]
    torch_count = sum(p.numel() for p in torch.nn.Sequential(*layers).parameters())
    model = MLP(sizes, output="linear", random_state=0)
    assert n_params_one_hidden(n_in, U, n_out) == torch_count == model.n_params


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, error, words", [
    (lambda: sigmoid_staircase(wiggle, 1.0, 1.0, 3), ValueError, "a < b"),
    (lambda: relu_interpolant(wiggle, 0.0, 1.0, 0), ValueError, "n_units"),
    (lambda: relu_interpolant("sin", 0.0, 1.0, 3), TypeError, "f must be a function"),
    (lambda: relu_interpolant(lambda x: 1.0, 0.0, 1.0, 3), ValueError, "one value per x"),
    (lambda: relu_interpolant(lambda x: np.log(x), 0.0, 1.0, 3), ValueError, "f(x)"),
    (lambda: sigmoid_staircase(wiggle, 0.0, 1.0, 3, sharpness=0), ValueError, "sharpness"),
    (lambda: max_errors("tanh", wiggle, 0.0, 1.0, [2]), ValueError, "kind"),
    (lambda: max_errors("relu", wiggle, 0.0, 1.0, 4), TypeError, "units"),
    (lambda: max_errors("relu", wiggle, 0.0, 1.0, [2.5]), TypeError, "units[0]"),
    (lambda: max_error(MLP([2, 3, 1], output="linear"), wiggle, 0, 1), ValueError, "[1, n_units, 1]"),
    (lambda: max_error(MLP([1, 3, 2]), wiggle, 0, 1), ValueError, "layer sizes"),
    (lambda: max_error(MLP([1, 3, 1], output="sigmoid"), wiggle, 0, 1), ValueError, "linear"),
    (lambda: unit_contributions("model", [0.0]), TypeError, "MLP"),
    (lambda: n_params_one_hidden(784, -1, 10), ValueError, "n_units"),
    (lambda: n_params_one_hidden(784.0, 1, 10), TypeError, "n_inputs"),
])
def test_bad_input_is_refused_by_name(call, error, words):
    with pytest.raises(error, match=None) as info:
        with np.errstate(divide="ignore"):
            call()
    assert words in str(info.value)


def test_every_public_function_is_documented_and_names_this_chapter():
    for name, obj in vars(universal).items():
        if inspect.isfunction(obj) and obj.__module__ == universal.__name__ and name[0] != "_":
            doc = inspect.getdoc(obj)
            assert "Parameters\n----------" in doc, name
            assert doc.rstrip().endswith(
                'Taught in: chapter 4, "Multilayer perceptrons" '
                "(chapters/04-multilayer-perceptrons)."), name
