"""The perceptron and its learning rule (syllabus §2)."""
import numpy as np
import pytest

from nnkit import datasets, grid
from nnkit.perceptron import Perceptron, extend, update


def test_net_input_and_prediction():
    p = Perceptron([2.0, -1.0], bias=0.5)
    X = np.array([[1.0, 1.0], [0.0, 3.0], [-1.0, -1.5]])
    np.testing.assert_allclose(p.net_input(X), [1.5, -2.5, 0.0])
    np.testing.assert_array_equal(p.predict(X), [1, 0, 1])  # z = 0 counts as class 1
    assert p.predict(X).dtype.kind == "i"


def test_activation_changes_the_output_not_the_hyperplane():
    X = np.array([[1.0, 1.0], [0.0, 3.0], [-1.0, -1.5], [0.2, 0.1]])
    hard = Perceptron([2.0, -1.0], 0.5).predict(X)
    soft = Perceptron([2.0, -1.0], 0.5, activation="sigmoid").predict(X)
    assert ((soft > 0) & (soft < 1)).all()
    np.testing.assert_array_equal(soft >= 0.5, hard == 1)
    np.testing.assert_array_equal(Perceptron([2.0, -1.0], 0.5, "sign").predict(X), 2 * hard - 1)


def test_update_rule_adds_or_subtracts_misclassified_points():
    w = np.array([0.0, 1.0, -1.0])
    x = np.array([1.0, 0.0, 2.0])  # w·x = -2 < 0: predicted 0
    w_new, updated = update(w, x, 1)
    assert updated and np.array_equal(w_new, w + x)
    w_same, updated = update(w, x, 0)
    assert not updated and np.array_equal(w_same, w)
    x_pos = np.array([1.0, 2.0, 0.0])  # w·x = 2 ≥ 0: predicted 1
    w_new, updated = update(w, x_pos, 0)
    assert updated and np.array_equal(w_new, w - x_pos)
    assert update(w, np.array([1.0, 1.0, 1.0]), 0)[1]  # w·x = 0 ≥ 0 counts as class 1


def test_extend_prepends_a_column_of_ones():
    np.testing.assert_array_equal(extend([[2.0, 3.0]]), [[1.0, 2.0, 3.0]])


@pytest.mark.parametrize("seed", range(5))
def test_rule_converges_on_linearly_separable_data(seed):
    X, y = datasets.make_linearly_separable(n_samples=60, n_features=2, random_state=seed)
    p = Perceptron.random(2, random_state=seed).fit(X, y, max_epochs=1000, random_state=seed)
    assert p.converged_
    assert len(p.errors_) < 1000 and sum(p.errors_) > 0
    assert p.errors_[-1] > 0  # it stopped at the update that made every point right
    np.testing.assert_array_equal(p.predict(X), y)


def test_rule_never_converges_on_xor():
    X, y = datasets.logic_table("XOR")
    p = Perceptron.zeros(2).fit(X, y, max_epochs=200, random_state=0)
    assert not p.converged_
    assert len(p.errors_) == 200 and sum(p.errors_) > 200  # 800 picks, a mistake every few
    assert (p.predict(X) != y).any()


def test_rule_picks_random_points_with_replacement_and_stops_when_all_are_right():
    X, y = datasets.make_linearly_separable(n_samples=30, random_state=5)
    p = Perceptron.zeros(2).fit(X, y, max_epochs=500, random_state=11)
    rng, w, X1, updates = np.random.default_rng(11), np.zeros(3), extend(X), 0
    while not np.array_equal((X1 @ w >= 0).astype(int), y):  # the syllabus's loop, verbatim
        i = rng.integers(len(y), size=len(y))  # one epoch of independent picks ...
        for j in i:
            w, updated = update(w, X1[j], y[j])
            updates += updated
            if updated and np.array_equal((X1 @ w >= 0).astype(int), y):
                break
    np.testing.assert_array_equal(p.extended_weights, w)
    assert sum(p.errors_) == updates


def test_fit_leaves_correct_weights_alone():
    X, y = datasets.logic_table("OR")
    p = Perceptron([1.0, 1.0], -0.5).fit(X, y, random_state=0)
    assert p.converged_ and p.errors_ == []
    assert p.extended_weights.tolist() == [-0.5, 1.0, 1.0]


def test_rule_learns_and_from_zero_weights():
    X, y = datasets.logic_table("AND")
    p = Perceptron.zeros(2).fit(X, y, random_state=1)
    assert p.converged_
    np.testing.assert_array_equal(p.predict(X), y)


def test_fit_is_deterministic_given_random_state():
    X, y = datasets.make_linearly_separable(n_samples=40, random_state=3)
    a = Perceptron.zeros(2).fit(X, y, random_state=7)
    b = Perceptron.zeros(2).fit(X, y, random_state=7)
    assert a.errors_ == b.errors_
    np.testing.assert_array_equal(a.weights, b.weights)


def test_constructors():
    assert np.array_equal(Perceptron.zeros(3).extended_weights, np.zeros(4))
    r = Perceptron.random(3, random_state=0)
    np.testing.assert_array_equal(r.extended_weights, np.random.default_rng(0).normal(size=4))
    assert r.n_inputs == 3
    assert "activation='step'" in repr(r)


@pytest.mark.parametrize("L, K", [(1, 2), (10, 784), (36, 36), (5, 64)])
def test_layer_of_L_perceptrons_with_K_inputs_has_L_times_K_plus_1_weights(L, K):
    layer = [Perceptron.zeros(K) for _ in range(L)]
    counted = sum(p.extended_weights.size for p in layer)
    assert counted == L * (K + 1) == grid.dense_param_count(K, L)


@pytest.mark.parametrize("call, error, name", [
    (lambda: Perceptron([1.0, np.nan]), ValueError, "weights"),
    (lambda: Perceptron([]), ValueError, "weights"),
    (lambda: Perceptron([[1.0, 2.0]]), ValueError, "weights"),
    (lambda: Perceptron([1.0], bias="0"), TypeError, "bias"),
    (lambda: Perceptron([1.0], activation="magic"), ValueError, "activation"),
    (lambda: Perceptron([1.0], activation="softmax"), ValueError, "softmax"),
    (lambda: Perceptron.zeros(0), ValueError, "n_inputs"),
    (lambda: Perceptron.zeros(2.5), TypeError, "n_inputs"),
    (lambda: Perceptron.zeros(2).predict([[1.0, 2.0, 3.0]]), ValueError, "X must have 2"),
    (lambda: Perceptron.zeros(2).predict([1.0, 2.0]), ValueError, "X must be 2-D"),
    (lambda: Perceptron.zeros(2).predict(np.empty((0, 2))), ValueError, "X is empty"),
    (lambda: Perceptron.zeros(2).predict([[np.inf, 0.0]]), ValueError, "X contains NaN"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0, 2]), ValueError, "y must contain 0 or 1"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0.0, 1.0]), TypeError, "y must hold integer"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0, 1, 1]), ValueError, "y has 3 labels"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0, 1], max_epochs=0), ValueError, "max_epochs"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0, 1], random_state=-1), ValueError, "random_state"),
    (lambda: update([0.0, 1.0], [1.0, 2.0, 3.0], 1), ValueError, "x must have the shape of w"),
    (lambda: update([0.0, 1.0], [1.0, 2.0], 2), ValueError, "label"),
    (lambda: Perceptron([1.0, 1.0], activation="sign").fit([[0, 0], [1, 1]], [0, 1]), ValueError, "step perceptron"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
