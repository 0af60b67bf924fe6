"""The perceptron and its learning rule (syllabus §2)."""
import numpy as np
import pytest
from scipy.optimize import linprog
from sklearn.linear_model import LinearRegression, LogisticRegression

from nnkit import activations, datasets, grid
from nnkit.perceptron import (
    Perceptron,
    RuleStep,
    accuracies,
    boundary_segment,
    extend,
    rule_steps,
    update,
)


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


# --- the step-by-step rule, the XOR impossibility and the models hidden in one neuron ---------


@pytest.mark.parametrize("name, seed", [("separable", 0), ("separable", 4), ("XOR", 0),
                                        ("XOR", 3)])
def test_rule_steps_are_the_picks_of_fit(name, seed):
    if name == "XOR":
        X, y = datasets.logic_table("XOR")
    else:
        X, y = datasets.make_linearly_separable(n_samples=40, random_state=seed)
    start = Perceptron.random(2, random_state=seed)
    steps = list(rule_steps(X, y, start.extended_weights, max_epochs=50, random_state=seed))
    fitted = start.fit(X, y, max_epochs=50, random_state=seed)
    np.testing.assert_array_equal(steps[-1].w_after, fitted.extended_weights)
    per_epoch = np.bincount([s.epoch for s in steps], weights=[s.updated for s in steps])
    assert per_epoch.tolist() == fitted.errors_
    assert steps[-1].converged == fitted.converged_
    assert sum(s.converged for s in steps) == int(fitted.converged_)  # only ever the last one
    X1 = extend(X)
    for s in steps:  # every step is one application of the rule to the picked point
        assert isinstance(s, RuleStep) and s.z == pytest.approx(s.w_before @ X1[s.index])
        w_new, updated = update(s.w_before, X1[s.index], y[s.index])
        assert updated == s.updated and np.array_equal(w_new, s.w_after)
        assert not s.w_after.flags.writeable
    for a, b in zip(steps, steps[1:]):
        assert np.array_equal(a.w_after, b.w_before)


def test_rule_steps_yields_nothing_when_the_weights_are_already_right():
    X, y = datasets.logic_table("AND")
    assert list(rule_steps(X, y, [-1.5, 1.0, 1.0], random_state=0)) == []


@pytest.mark.parametrize("seed", range(6))
def test_no_run_of_the_rule_ever_converges_on_xor(seed):
    X, y = datasets.logic_table("XOR")
    p = Perceptron.random(2, random_state=seed).fit(X, y, max_epochs=1000, random_state=seed)
    assert not p.converged_ and len(p.errors_) == 1000
    assert sum(p.errors_[-100:]) > 100  # still updating, more than once an epoch, at the end
    assert accuracies([p.extended_weights], X, y)[0] <= 0.75


def test_no_weight_vector_classifies_all_four_xor_points():
    """Linear programming: find w with w·x >= 1 on P and w·x <= -1 on N (margin as scale)."""
    def separable(name):
        X, y = datasets.logic_table(name)
        signs = np.where(y == 1, -1.0, 1.0)[:, None]  # -w·x <= -1 on P, w·x <= -1 on N
        result = linprog(np.zeros(3), A_ub=signs * extend(X), b_ub=-np.ones(len(y)),
                         bounds=[(None, None)] * 3)
        return result.status == 0
    assert not separable("XOR")
    assert separable("AND") and separable("OR") and separable("NAND")


def test_random_search_finds_at_most_three_of_four_xor_points():
    """The notebook's search: 100,000 random weight vectors, the best gets 3/4 of XOR right."""
    X, y = datasets.logic_table("XOR")
    W = np.random.default_rng(0).normal(size=(100_000, 3))
    acc = accuracies(W, X, y)
    assert acc.max() == 0.75
    assert accuracies(W, *datasets.logic_table("OR")).max() == 1.0  # the same search solves OR


def test_accuracies_match_predict():
    X, y = datasets.make_linearly_separable(n_samples=30, random_state=2)
    W = np.random.default_rng(1).normal(size=(7, 3))
    expected = [np.mean(Perceptron(w[1:], w[0]).predict(X) == y) for w in W]
    np.testing.assert_allclose(accuracies(W, X, y), expected)


def test_notebook_runs_converge_on_separable_data_and_not_on_xor():
    """The two runs of the chapter: 100 separable points (margin 0.02, seed 3) and XOR."""
    X, y = datasets.make_linearly_separable(n_samples=100, margin=0.02, random_state=3)
    p = Perceptron.random(2, random_state=3).fit(X, y, max_epochs=100, random_state=3)
    assert p.converged_ and 1 < len(p.errors_) < 100
    np.testing.assert_array_equal(p.predict(X), y)
    X, y = datasets.logic_table("XOR")
    q = Perceptron.random(2, random_state=0).fit(X, y, max_epochs=1000, random_state=0)
    assert not q.converged_ and len(q.errors_) == 1000


def test_boundary_segment_lies_on_the_line_inside_the_box():
    w = np.array([0.3, 1.0, -2.0])
    seg = boundary_segment(w, (-1, 1), (-1, 1))
    np.testing.assert_allclose(w[0] + w[1] * seg[0] + w[2] * seg[1], 0, atol=1e-12)
    assert (np.abs(seg) <= 1 + 1e-12).all() and not np.allclose(seg[:, 0], seg[:, 1])
    np.testing.assert_allclose(boundary_segment([-0.5, 1.0, 0.0], (-1, 1), (-2, 2)),
                               [[0.5, 0.5], [-2, 2]])  # vertical: x1 = 0.5
    np.testing.assert_allclose(boundary_segment([0.5, 0.0, 1.0], (-1, 1), (-1, 1)),
                               [[-1, 1], [-0.5, -0.5]])  # horizontal: x2 = -0.5
    assert np.isnan(boundary_segment([5.0, 1.0, 1.0], (-1, 1), (-1, 1))).all()  # misses
    assert np.isnan(boundary_segment([1.0, 0.0, 0.0], (-1, 1), (-1, 1))).all()  # no line


def test_fit_with_a_progress_bar_learns_the_same_weights(capsys):
    X, y = datasets.make_linearly_separable(n_samples=30, random_state=1)
    a = Perceptron.zeros(2).fit(X, y, random_state=3, progress=True)
    b = Perceptron.zeros(2).fit(X, y, random_state=3)
    np.testing.assert_array_equal(a.extended_weights, b.extended_weights)
    assert "perceptron rule" in capsys.readouterr().err


def test_linear_neuron_is_linear_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (50, 2))
    y = 3 + 2 * X[:, 0] - X[:, 1] + rng.normal(0, 0.1, 50)
    reg = LinearRegression().fit(X, y)
    neuron = Perceptron(reg.coef_, reg.intercept_, activation="linear")
    np.testing.assert_allclose(neuron.predict(X), reg.predict(X), rtol=1e-12)


def test_logistic_neuron_is_logistic_regression():
    X, y = datasets.make_blobs(100, centers=2, spread=1.0, random_state=0)
    clf = LogisticRegression().fit(X, y)
    neuron = Perceptron(clf.coef_[0], clf.intercept_[0], activation="sigmoid")
    np.testing.assert_allclose(neuron.predict(X), clf.predict_proba(X)[:, 1], rtol=1e-10)
    step = Perceptron(clf.coef_[0], clf.intercept_[0])  # same hyperplane, hard decisions
    np.testing.assert_array_equal(step.predict(X), clf.predict(X))


def test_a_layer_of_softmax_units_is_multinomial_logistic_regression():
    X, y = datasets.make_blobs(150, centers=3, spread=1.0, random_state=0)
    clf = LogisticRegression().fit(X, y)
    units = [Perceptron(w, b, activation="linear") for w, b in zip(clf.coef_, clf.intercept_)]
    Z = np.column_stack([unit.net_input(X) for unit in units])
    np.testing.assert_allclose(activations.softmax(Z), clf.predict_proba(X), rtol=1e-10)
    np.testing.assert_array_equal(Z.argmax(axis=1), clf.predict(X))


def test_a_layer_of_ten_perceptrons_on_784_inputs_has_7850_weights():
    layer = [Perceptron.zeros(784) for _ in range(10)]
    assert sum(p.extended_weights.size for p in layer) == 7850


@pytest.mark.parametrize("call, error, name", [
    (lambda: list(rule_steps([[0, 0], [1, 1]], [0, 1], [0.0, 1.0])), ValueError, "weights must have"),
    (lambda: list(rule_steps([[0, 0], [1, 1]], [0, 1], [0.0, 1.0, 1.0], max_epochs=0)), ValueError,
     "max_epochs"),
    (lambda: list(rule_steps([[0, 0], [1, 1]], [0, 3], [0.0, 1.0, 1.0])), ValueError, "y must"),
    (lambda: accuracies([0.0, 1.0, 1.0], [[0, 0]], [0]), ValueError, "weights must be 2-D"),
    (lambda: accuracies([[0.0, 1.0]], [[0, 0]], [0]), ValueError, "weights must have"),
    (lambda: boundary_segment([1.0, 2.0], (0, 1), (0, 1)), ValueError, "weights must be"),
    (lambda: boundary_segment([1.0, 2.0, 3.0], (1, 0), (0, 1)), ValueError, "xlim"),
    (lambda: boundary_segment([1.0, 2.0, 3.0], (0, 1), (0, 1, 2)), ValueError, "ylim"),
    (lambda: Perceptron.zeros(2).fit([[0, 0], [1, 1]], [0, 1], progress="yes"), TypeError, "progress"),
])
def test_new_functions_name_bad_arguments(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_chapter_runs_over_seeds_0_to_4():
    """The numbers chapter 2 states for seeds 0-4: the separable points always end with every
    point right after a varying number of updates; XOR never stops."""
    X, y = datasets.make_linearly_separable(n_samples=100, margin=0.02, random_state=3)
    runs = [Perceptron.random(2, random_state=s).fit(X, y, max_epochs=100, random_state=s)
            for s in range(5)]
    assert all(p.converged_ and np.array_equal(p.predict(X), y) for p in runs)
    epochs, updates = [len(p.errors_) for p in runs], [sum(p.errors_) for p in runs]
    assert (min(epochs), max(epochs), min(updates), max(updates)) == (3, 12, 24, 57)
    X, y = datasets.logic_table("XOR")
    runs = [Perceptron.random(2, random_state=s).fit(X, y, max_epochs=1000, random_state=s)
            for s in range(5)]
    assert not any(p.converged_ for p in runs)
    updates = [sum(p.errors_) for p in runs]
    assert (min(updates), max(updates)) == (1559, 2219)


def test_chapter_random_search_over_seeds_0_to_4():
    """Chapter 2's search of 100,000 random weight vectors, scored here with plain numpy."""
    X_xor, y_xor = datasets.logic_table("XOR")
    X_or, y_or = datasets.logic_table("OR")

    def fires(W, X):  # each row of W = (w0, w1, w2) on each point of X: 1 where z >= 0
        return (W[:, :1] + W[:, 1:] @ X.T >= 0).astype(int)

    best_xor, or_shares = [], []
    for seed in range(5):
        W = np.random.default_rng(seed).normal(size=(100_000, 3))
        best_xor.append(np.mean(fires(W, X_xor) == y_xor, axis=1).max())
        or_shares.append(np.mean(np.all(fires(W, X_or) == y_or, axis=1)))
    assert max(best_xor) == 0.75 and min(best_xor) == 0.75
    assert round(or_shares[0], 3) == 0.042
    assert (round(min(or_shares), 3), round(max(or_shares), 3)) == (0.041, 0.043)
