"""The MLP: backpropagation against finite differences and torch.autograd, and training."""
import copy
import traceback
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from nnkit import activations, datasets, grid, layers, training
from nnkit import mlp as mlp_module
from nnkit.backprop import gradient_check
from nnkit.mlp import MLP

TORCH_HIDDEN = {
    "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda t: t,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01), "elu": F.elu,
}
N_OUT = {"softmax": 4, "sigmoid": 1, "linear": 2}
# every output layer, and several sigmoid outputs (multi-label) besides one
OUTPUT_CASES = [("softmax", 4), ("sigmoid", 1), ("sigmoid", 3), ("linear", 2)]


def make_problem(output, n_samples=12, n_inputs=3, seed=0, n_out=None):
    rng = np.random.default_rng(seed)
    n_out = N_OUT[output] if n_out is None else n_out
    X = rng.normal(size=(n_samples, n_inputs))
    if output == "softmax":
        y = rng.integers(0, n_out, size=n_samples)
    elif output == "sigmoid":
        y = rng.integers(0, 2, size=n_samples if n_out == 1 else (n_samples, n_out))
    else:
        y = rng.normal(size=(n_samples, n_out))
    return X, y


def torch_loss(model, X, y, l2=0.0, masks=None):
    """The same network and loss written with torch: the reference for values and gradients."""
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
              for W, b in model.params]
    a = torch.tensor(X)
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        if l < len(params) - 1:
            a = TORCH_HIDDEN[model.hidden_activation](z)
            if masks is not None:
                a = a * torch.tensor(masks[l])
    if model.output == "softmax":
        loss = F.cross_entropy(z, torch.tensor(y))
    elif model.output == "sigmoid":  # summed over the outputs, averaged over the samples
        targets = torch.tensor(y, dtype=torch.float64).reshape(z.shape)
        loss = F.binary_cross_entropy_with_logits(z, targets, reduction="sum") / len(X)
    else:
        loss = ((z - torch.tensor(y)) ** 2).sum(dim=1).mean()
    loss = loss + l2 * sum((W ** 2).sum() for W, _ in params)
    loss.backward()
    return loss.item(), [(W.grad.numpy(), b.grad.numpy()) for W, b in params]


@pytest.mark.parametrize("l2", [0.0, 0.05])
@pytest.mark.parametrize("hidden", sorted(TORCH_HIDDEN))
@pytest.mark.parametrize("output, n_out", OUTPUT_CASES)
def test_backprop_matches_torch_autograd(output, n_out, hidden, l2):
    X, y = make_problem(output, n_out=n_out)
    model = MLP([3, 5, 4, n_out], hidden_activation=hidden, output=output, random_state=1)
    reference_loss, reference_grads = torch_loss(model, X, y, l2)
    assert model.loss(X, y, l2=l2) == pytest.approx(reference_loss, rel=1e-12)
    for (dW, db), (tW, tb) in zip(model.gradients(X, y, l2=l2), reference_grads):
        np.testing.assert_allclose(dW, tW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, tb, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("l2", [0.0, 0.1])
@pytest.mark.parametrize("output, n_out", OUTPUT_CASES)
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu"])
def test_backprop_matches_finite_differences(output, n_out, hidden, l2):
    X, y = make_problem(output, seed=2, n_out=n_out)
    model = MLP([3, 6, n_out], hidden_activation=hidden, output=output, random_state=3)
    assert gradient_check(model, X, y, l2=l2) < 1e-6


def test_gradient_check_catches_a_wrong_backward_pass(monkeypatch):
    X, y = make_problem("softmax")
    model = MLP([3, 5, 4], hidden_activation="tanh", random_state=0)
    right = model.gradients

    def off_by_a_factor(*args, **kwargs):
        grads = right(*args, **kwargs)
        return [(1.1 * dW, db) for dW, db in grads]
    monkeypatch.setattr(model, "gradients", off_by_a_factor)
    assert gradient_check(model, X, y) > 0.01


def test_forward_matches_torch_nn_modules():
    X, _ = make_problem("softmax")
    model = MLP([3, 5, 4], hidden_activation="tanh", random_state=0)
    (W1, b1), (W2, b2) = model.params
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4),
                              torch.nn.Softmax(dim=1)).double()
    with torch.no_grad():
        for layer, (W, b) in zip([net[0], net[2]], model.params):
            layer.weight.copy_(torch.tensor(W.T))  # torch stores (n_out, n_in)
            layer.bias.copy_(torch.tensor(b))
        expected = net(torch.tensor(X)).numpy()
    np.testing.assert_allclose(model.forward(X), expected, rtol=1e-12)
    assert model.n_params == sum(p.numel() for p in net.parameters())


@pytest.mark.parametrize("optimizer, make_torch", [
    ("sgd", lambda ps: torch.optim.SGD(ps, lr=0.1)),
    ("momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.1)),
])
def test_optimizers_match_torch_optim(optimizer, make_torch):
    X, y = make_problem("softmax", n_samples=20)
    model = MLP([3, 5, 4], hidden_activation="tanh", random_state=0)
    params = [torch.tensor(t, requires_grad=True) for pair in model.params for t in pair]
    opt = make_torch(params)
    for _ in range(4):
        opt.zero_grad()
        a = torch.tanh(torch.tensor(X) @ params[0] + params[1])
        F.cross_entropy(a @ params[2] + params[3], torch.tensor(y)).backward()
        opt.step()
    model.fit(X, y, epochs=4, learning_rate=0.1, optimizer=optimizer, random_state=0)
    for ours, theirs in zip([t for pair in model.params for t in pair], params):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("batch_size, expected", [(None, 1), (1, 30), (8, 4), (30, 1), (7, 5)])
def test_updates_per_epoch(monkeypatch, batch_size, expected):
    steps = []

    class CountingSGD(training.SGD):
        def step(self, params, grads, learning_rate=None):
            steps.append(len(grads))
            super().step(params, grads, learning_rate)
    monkeypatch.setitem(training.OPTIMIZERS, "sgd", CountingSGD)
    X, y = make_problem("softmax", n_samples=30)
    history = MLP([3, 4, 4], random_state=0).fit(X, y, epochs=2, learning_rate=0.1,
                                                 batch_size=batch_size, random_state=0)
    assert history["updates_per_epoch"] == expected
    assert len(steps) == 2 * expected


def test_training_reaches_95_percent_on_xor_like_data():
    X, y = datasets.make_xor(n_samples=400, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
    model = MLP([2, 8, 1], hidden_activation="tanh", output="sigmoid", random_state=0)
    history = model.fit(X_train, y_train, epochs=300, learning_rate=0.5, batch_size=32,
                        random_state=0)
    assert history["loss"][-1] < history["loss"][0] / 3
    assert model.score(X_train, y_train) >= 0.95
    assert model.score(X_test, y_test) >= 0.95


@pytest.mark.slow
def test_training_reaches_95_percent_test_accuracy_on_digits():
    X, y = datasets.load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y,
                                                        random_state=0)
    model = MLP([64, 64, 10], random_state=0)
    history = model.fit(X_train, y_train, epochs=30, learning_rate=0.01, batch_size=32,
                        optimizer="adam", validation_data=(X_test, y_test), random_state=0)
    assert model.score(X_test, y_test) >= 0.95
    assert history["val_score"][-1] == model.score(X_test, y_test)


def test_regression_output_fits_a_sine_and_score_is_r2():
    X = np.linspace(-3, 3, 120)[:, None]
    y = np.sin(X[:, 0])
    model = MLP([1, 16, 1], hidden_activation="tanh", output="linear", random_state=0)
    model.fit(X, y, epochs=500, learning_rate=0.01, batch_size=16, optimizer="adam", random_state=0)
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)), rel=1e-12)
    assert model.score(X, y) > 0.98
    assert model.predict(X).shape == (120,)


def test_l2_shrinks_the_weights():
    X, y = make_problem("softmax", n_samples=40)
    norms = []
    for l2 in [0.0, 0.1]:
        model = MLP([3, 10, 4], random_state=0)
        model.fit(X, y, epochs=200, learning_rate=0.1, l2=l2, random_state=0)
        norms.append(sum(np.sum(W ** 2) for W, _ in model.params))
    assert norms[1] < 0.5 * norms[0]


def test_early_stopping_restores_the_best_weights():
    X, y = datasets.make_xor(n_samples=60, noise=0.6, random_state=1)
    X_val, y_val = datasets.make_xor(n_samples=200, noise=0.6, random_state=2)
    model = MLP([2, 64, 64, 1], output="sigmoid", random_state=0)
    history = model.fit(X, y, epochs=400, learning_rate=0.02, optimizer="adam",
                        validation_data=(X_val, y_val), early_stopping=10, random_state=0)
    assert history["epochs_run"] < 400
    assert history["epochs_run"] == history["best_epoch"] + 11
    assert model.loss(X_val, y_val) == pytest.approx(min(history["val_loss"]), rel=1e-12)


def test_zero_initialisation_keeps_hidden_units_identical():
    X, y = make_problem("softmax", n_samples=30)
    model = MLP([3, 5, 4], hidden_activation="tanh", init="zeros")
    model.fit(X, y, epochs=50, learning_rate=0.5, random_state=0)
    W1 = model.params[0][0]
    np.testing.assert_allclose(W1, W1[:, :1].repeat(5, axis=1))  # every hidden unit the same


def test_dropout_trains_and_prediction_is_deterministic():
    X, y = datasets.make_xor(n_samples=200, random_state=0)
    model = MLP([2, 32, 1], output="sigmoid", random_state=0)
    model.fit(X, y, epochs=100, learning_rate=0.01, batch_size=20, optimizer="adam",
              dropout=0.3, random_state=0)
    assert model.score(X, y) >= 0.95
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))


def test_fit_is_deterministic_given_random_states():
    X, y = make_problem("softmax", n_samples=30)
    runs = [MLP([3, 6, 4], random_state=5).fit(X, y, epochs=5, learning_rate=0.1, batch_size=4,
                                                dropout=0.2, random_state=9) for _ in range(2)]
    assert runs[0]["loss"] == runs[1]["loss"]


@pytest.mark.parametrize("sizes, learning_rate", [([3, 1], 10.0), ([3, 8, 1], 100.0)])
def test_a_learning_rate_far_too_large_is_reported_as_divergence(sizes, learning_rate):
    # [3, 1]: the loss overflows first; [3, 8, 1]: the weights themselves overflow
    X = np.random.default_rng(0).normal(size=(50, 3)) * 10
    y = X @ np.array([1.0, -2.0, 3.0])
    model = MLP(sizes, output="linear", random_state=0)
    with pytest.raises(ValueError, match=rf"diverged in epoch \d+: the loss became infinite or "
                                         rf"NaN; learning_rate={learning_rate} is too large, "
                                         "try a smaller one$"):
        model.fit(X, y, epochs=500, learning_rate=learning_rate)


# An input of ±1.7e308 overflows the weighted inputs of the first layer.
BIG = np.full((4, 2), 1.7e308)
MIXED = BIG * np.array([[1, -1], [-1, 1], [1, 1], [-1, -1]])
TOO_LARGE = (r"^X is too large for this network: the weighted inputs of layer \d overflow "
             r"float64 \(max \|X\| = 1\.7e\+308\); standardise X, e\.g\. each column")


def unchanged(params, before):
    return all(np.array_equal(theta, old) for pair, old_pair in zip(params, before)
               for theta, old in zip(pair, old_pair))


@pytest.mark.parametrize("X", [BIG, MIXED], ids=["big", "mixed"])
@pytest.mark.parametrize("call", [
    lambda m, X, y: m.forward(X), lambda m, X, y: m.predict(X),
    lambda m, X, y: m.predict_proba(X), lambda m, X, y: m.hidden_activations(X),
    lambda m, X, y: m.score(X, y), lambda m, X, y: m.loss(X, y),
    lambda m, X, y: m.gradients(X, y), lambda m, X, y: m.gradient_norms(X, y),
    lambda m, X, y: m.fit(X, y, epochs=1, learning_rate=0.1),
    lambda m, X, y: gradient_check(m, X, y),
], ids=["forward", "predict", "predict_proba", "hidden_activations", "score", "loss",
        "gradients", "gradient_norms", "fit", "gradient_check"])
def test_inputs_that_overflow_the_default_network_raise_an_error_naming_X(call, X):
    model = MLP([2, 8, 2], random_state=0)  # ReLU hidden layer, softmax output
    before = copy.deepcopy(model.params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NaN probabilities, no bare numpy RuntimeWarning
        with pytest.raises(ValueError, match=TOO_LARGE):
            call(model, X, [0, 1, 0, 1])
    assert unchanged(model.params, before)  # fit refuses before any update


@pytest.mark.parametrize("hidden", layers.HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("output, n_out", OUTPUT_CASES)
def test_every_output_and_hidden_activation_reports_an_overflow_alike(output, n_out, hidden):
    model = MLP([2, 8, n_out], hidden_activation=hidden, output=output, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=TOO_LARGE):
            model.predict(BIG)


def test_an_overflow_caused_by_the_weights_blames_them_not_X():
    model = MLP([2, 3, 1], output="sigmoid", random_state=0)
    model.params = [(np.full((2, 3), 1e300), np.zeros(3)), (np.full((3, 1), 1e300), np.zeros(1))]
    with pytest.raises(ValueError, match=r"^the weights are too large or not finite for X: the "
                                         r"weighted inputs of layer 2 overflow float64 \(max "
                                         r"\|X\| = 1, largest \|weight\| = 1e\+300\)"):
        model.predict([[1.0, 0.0]])


def test_a_float32_model_refuses_X_beyond_the_float32_range():
    with pytest.raises(ValueError, match=r"^X has values beyond the range of float32.*"
                                         r"max \|X\| = 1e\+39"):
        MLP([2, 2], dtype="float32").predict(np.full((2, 2), 1e39))


def linear_data(n_samples=20):
    X = np.random.default_rng(0).normal(size=(n_samples, 3))
    return X, X @ np.array([1.0, -2.0, 3.0])


@pytest.mark.parametrize("scale_X, scale_y, culprit", [(1e200, 1.0, "X"), (1.0, 1e200, "y")])
def test_fit_blames_the_data_when_the_loss_is_infinite_before_any_update(scale_X, scale_y,
                                                                          culprit):
    X, y = linear_data()
    model = MLP([3, 8, 1], output="linear", random_state=0)
    before = copy.deepcopy(model.params)
    with pytest.raises(ValueError, match=rf"^{culprit} is too large for this network: the loss is "
                                         "infinite or NaN before any update, so no learning_rate "
                                         rf"can help \(max \|X\| = .*\); standardise {culprit},"
                       ) as err:
        model.fit(X * scale_X, y * scale_y, epochs=5, learning_rate=1e-300)
    assert "diverged" not in str(err.value)
    assert unchanged(model.params, before)


@pytest.mark.parametrize("scale, learning_rate", [(1e4, 1e-3), (1e151, 1e-300)])
def test_divergence_on_inputs_far_from_standardised_names_their_scale(scale, learning_rate):
    # The loss is finite at the start, but the curvature grows like |X|²: any rate is too large.
    X, y = linear_data(50)
    model = MLP([3, 1], output="linear", random_state=0)
    with pytest.raises(ValueError, match=r"^training diverged in epoch \d+: the loss became "
                                         r"infinite or NaN; X is far from standardised \(max "
                                         rf"\|X\| = .*\), which makes steps of learning_rate="
                                         rf"{learning_rate} too large: standardise X"):
        model.fit(X * scale, y, epochs=50, learning_rate=learning_rate)


def test_divergence_does_not_chain_an_error_about_internal_variables():
    X = np.random.default_rng(0).normal(size=(50, 3)) * 10
    model = MLP([3, 8, 1], output="sigmoid", random_state=0)
    with pytest.raises(ValueError, match="diverged") as err:
        model.fit(X, (X[:, 0] > 0).astype(int), epochs=50, learning_rate=1e10)
    assert err.value.__cause__ is None
    assert "z contains" not in "".join(traceback.format_exception(err.value))


def test_early_stopping_when_the_validation_loss_never_improves():
    model = MLP([1, 1], output="linear", random_state=0)
    history = model.fit([[1.0], [2.0]], [1.0, 2.0], epochs=5, learning_rate=0.01,
                        validation_data=([[1e200]], [0.0]), early_stopping=1)
    assert history["val_loss"] == [np.inf]
    assert history["epochs_run"] == 1 and history["best_epoch"] is None


@pytest.mark.parametrize("y", [[5.0, 5.0, 5.0], [[1.0, 2.0], [1.0, 3.0], [1.0, 4.0]]])
def test_r2_of_a_constant_target_follows_scikit_learn(y):
    model = MLP([1, np.shape(y)[1] if np.ndim(y) == 2 else 1], output="linear", random_state=0)
    X = [[1.0], [2.0], [3.0]]
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)), rel=1e-12)
    model.params = [(np.zeros_like(W), np.asarray(y, dtype=float)[0] * np.ones_like(b))
                    for W, b in model.params]
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)), rel=1e-12)


def test_predictions_and_probabilities():
    X, y = make_problem("softmax", n_samples=10)
    model = MLP([3, 4, 4], random_state=0)
    p = model.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), p.argmax(axis=1))
    assert model.score(X, y) == np.mean(model.predict(X) == y)
    binary = MLP([3, 4, 1], output="sigmoid", random_state=0)
    assert binary.predict_proba(X).shape == (10,)
    np.testing.assert_array_equal(binary.predict(X), (binary.predict_proba(X) >= 0.5).astype(int))
    with pytest.raises(ValueError, match="predict_proba needs"):
        MLP([3, 2], output="linear").predict_proba(X)
    assert "n_params=" in repr(model)


def test_multi_label_sigmoid_outputs():
    X, _ = make_problem("sigmoid", n_samples=16)
    Y = (X[:, :2] > 0).astype(int)
    model = MLP([3, 8, 2], hidden_activation="tanh", output="sigmoid", random_state=0)
    model.fit(X, Y, epochs=300, learning_rate=0.05, optimizer="adam", random_state=0)
    assert model.predict(X).shape == (16, 2)
    assert model.score(X, Y) == 1.0


@pytest.mark.parametrize("sizes, expected", [([784, 10], 7_850), ([784, 200, 10], 159_010)])
def test_mnist_parameter_counts(sizes, expected):
    model = MLP(sizes)
    assert model.n_params == expected
    U = sizes[1] if len(sizes) == 3 else None
    by_formula = 784 * 10 + 10 if U is None else 784 * U + U + 10 * U + 10
    assert by_formula == expected
    assert sum(grid.dense_param_count(a, b) for a, b in zip(sizes[:-1], sizes[1:])) == expected


def test_params_can_be_replaced_and_are_checked():
    model = MLP([2, 3, 1], output="sigmoid", random_state=0)
    new = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    model.params = new
    assert model.forward([[1.0, 1.0]])[0, 0] == pytest.approx(1 / (1 + np.exp(-6)))
    with pytest.raises(ValueError, match=r"params\[1\] must have shapes"):
        model.params = [new[0], (np.ones((2, 1)), np.zeros(1))]
    with pytest.raises(ValueError, match=r"params\[0\]\[0\] \(W\) contains NaN"):
        model.params = [(np.full((2, 3), np.nan), np.zeros(3)), new[1]]


X4, Y4 = np.zeros((4, 2)), np.array([0, 1, 0, 1])
X_MISSING = r"validation_data\[1\] \(y_val\) has 2 labels but validation_data\[0\] \(X_val\) has 4"


@pytest.mark.parametrize("call, error, name", [
    (lambda: MLP([2]), ValueError, "layer_sizes"),
    (lambda: MLP("2,3"), TypeError, "layer_sizes"),
    (lambda: MLP([2, 0, 2]), ValueError, r"layer_sizes\[1\]"),
    (lambda: MLP([2, 2.5, 2]), TypeError, r"layer_sizes\[1\]"),
    (lambda: MLP([2, 1]), ValueError, "softmax output needs at least 2"),
    (lambda: MLP([2, 2], hidden_activation="step"), ValueError, "hidden_activation"),
    (lambda: MLP([2, 2], output="tanh"), ValueError, "unknown output 'tanh'.*'softmax'"),
    (lambda: MLP([2, 2], init="ones"), ValueError, "init"),
    (lambda: MLP([2, 2], random_state="seed"), TypeError, "random_state"),
    (lambda: MLP([2, 2]).forward([[1.0, 2.0, 3.0]]), ValueError, "X must have 2 features"),
    (lambda: MLP([2, 2]).forward(np.zeros((0, 2))), ValueError, "X is empty"),
    (lambda: MLP([2, 2]).forward([[np.nan, 1.0]]), ValueError, "X contains NaN"),
    (lambda: MLP([2, 3]).loss(X4, [0, 1, 3, 1]), ValueError, r"y must contain integers in \[0, 3\)"),
    (lambda: MLP([2, 2]).loss(X4, [0, 1]), ValueError, "y has 2 labels but X has 4"),
    (lambda: MLP([2, 1], output="sigmoid").loss(X4, [0, 1, 0, 3]), ValueError, "y must contain 0 or 1"),
    (lambda: MLP([2, 1], output="sigmoid").loss(X4, [0.0, 1.0, 0.0, 1.0]), TypeError, "y must hold integer"),
    (lambda: MLP([2, 2], output="linear").loss(X4, np.zeros((4, 3))), ValueError, "y must have shape"),
    (lambda: MLP([2, 2], output="linear").loss(X4, np.full((4, 2), np.inf)), ValueError, "y contains NaN"),
    (lambda: MLP([2, 2]).loss(X4, Y4, l2=-1.0), ValueError, "l2"),
    (lambda: MLP([2, 2]).fit(X4, Y4, epochs=0, learning_rate=0.1), ValueError, "epochs"),
    (lambda: MLP([2, 2]).fit(X4, Y4, epochs=1, learning_rate=0.0), ValueError, "learning_rate"),
    (lambda: MLP([2, 2]).fit(X4, Y4, epochs=1, learning_rate=np.nan), ValueError, "learning_rate"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, batch_size=0), ValueError, "batch_size"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, batch_size=5), ValueError, "batch_size must be <= 4"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, optimizer="rmsprop"), ValueError, "optimizer"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, dropout=1.0), ValueError, "dropout"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, early_stopping=3), ValueError, "early_stopping needs"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, validation_data=X4), TypeError, "validation_data"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, validation_data=(X4, [0, 5, 0, 1])), ValueError,
     r"validation_data\[1\]"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, validation_data=(X4, [0, 1])), ValueError, X_MISSING),
    (lambda: MLP([2, 1], output="sigmoid").fit(X4, Y4, 1, 0.1, validation_data=(X4, [0, 1])),
     ValueError, X_MISSING),
    (lambda: MLP([2, 8, 2], random_state=0).fit(X4, Y4, 1, 0.1, validation_data=(BIG, Y4)),
     ValueError, r"^validation_data\[0\] \(X_val\) is too large for this network"),
    (lambda: training.SGD(0.0), ValueError, "learning_rate"),
    (lambda: training.Momentum(0.1, beta=1.0), ValueError, "beta"),
    (lambda: training.Adam(0.1, beta2=-0.5), ValueError, "beta2"),
    (lambda: training.Adam(0.1, eps="tiny"), TypeError, "eps"),
    (lambda: gradient_check("model", X4, Y4), TypeError, "model"),
    (lambda: gradient_check(MLP([2, 2]), X4, Y4, eps=0.0), ValueError, "eps"),
    (lambda: MLP([2, 2], dtype="float16"), ValueError, "dtype"),
    (lambda: MLP([2, 2], dtype=None), ValueError, "dtype"),
    (lambda: MLP([2, 2], dtype=np.int64), ValueError, "dtype"),
    (lambda: gradient_check(MLP([2, 2], dtype="float32"), X4, Y4), ValueError, "float64 model"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=1, max_size=3), n_samples=st.integers(1, 6),
       output=st.sampled_from(["softmax", "sigmoid", "linear"]), seed=st.integers(0, 1000))
def test_property_gradients_have_the_shapes_of_params_and_pass_the_check(sizes, n_samples,
                                                                         output, seed):
    n_out = {"softmax": 3, "sigmoid": 1, "linear": 2}[output]
    model = MLP(sizes + [n_out], hidden_activation="tanh", output=output, random_state=seed)
    X, y = make_problem(output, n_samples=n_samples, n_inputs=sizes[0], seed=seed)
    if output == "softmax":
        y = y % 3
    elif output == "linear":
        y = y[:, :2]
    grads = model.gradients(X, y)
    assert [(dW.shape, db.shape) for dW, db in grads] == [(W.shape, b.shape) for W, b in model.params]
    # central differences with eps = 1e-6 carry a rounding noise of about 1e-10, so they cannot
    # check gradients that small (e.g. all of X within 1e-4 of 0 and a tanh unit in between)
    assume(all(np.linalg.norm(g) > 1e-6 for pair in grads for g in pair))
    assert gradient_check(model, X, y) < 1e-5


# ---------------------------------------------------------------- chapter 6: training in practice
def xor_split():
    X, y = datasets.make_xor(n_samples=60, noise=0.6, random_state=1)
    X_val, y_val = datasets.make_xor(n_samples=200, noise=0.6, random_state=2)
    return X, y, X_val, y_val


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid"])
def test_zero_initialisation_fails_on_xor_where_xavier_succeeds(hidden):
    X, y = datasets.make_xor(n_samples=200, random_state=0)
    scores = {}
    for init in ("zeros", "xavier"):
        model = MLP([2, 8, 1], hidden_activation=hidden, output="sigmoid", init=init,
                    random_state=0)
        model.fit(X, y, epochs=200, learning_rate=0.5, batch_size=32, random_state=0)
        scores[init] = model.score(X, y)
        assert training.identical_hidden_units(model) == [init == "zeros"]
    assert scores["zeros"] <= 0.6  # chance is 0.5: eight copies of one unit cannot do XOR
    assert scores["xavier"] >= 0.95


def test_identical_hidden_units_checks_incoming_and_outgoing_weights():
    model = MLP([2, 3, 3, 1], output="sigmoid", init="zeros")
    assert training.identical_hidden_units(model) == [True, True]
    (W1, b1), rest = model.params[0], model.params[1:]
    b1 = b1.copy()
    b1[0] = 0.1
    model.params = [(W1, b1), *rest]
    assert training.identical_hidden_units(model) == [False, True]
    assert training.identical_hidden_units(MLP([2, 2], random_state=0)) == []


def final_losses(sizes, seeds):
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    return np.array([MLP(sizes, hidden_activation="tanh", output="sigmoid", random_state=s)
                     .fit(X, y, epochs=300, learning_rate=0.05, optimizer="adam",
                          random_state=s)["loss"][-1] for s in seeds])


def test_restarts_agree_for_convex_logistic_regression_but_not_for_a_network():
    logistic = final_losses([2, 1], range(5))
    network = final_losses([2, 8, 1], range(5))
    assert np.ptp(logistic) < 1e-3  # one minimum: every start reaches it
    assert np.ptp(network) > 0.01  # different starts end in different places
    assert network.max() < logistic.min()  # and the network fits the spirals far better


def test_standardising_large_inputs_unsaturates_the_sigmoids():
    from sklearn.preprocessing import StandardScaler

    X, y = datasets.make_xor(n_samples=200, random_state=0)
    X_big = 100 * X
    X_std = StandardScaler().fit_transform(X_big)
    np.testing.assert_allclose(X_std, (X_big - X_big.mean(0)) / X_big.std(0))
    results = {}
    for name, inputs in (("raw", X_big), ("standardised", X_std)):
        model = MLP([2, 16, 1], hidden_activation="sigmoid", output="sigmoid", random_state=0)
        history = model.fit(inputs, y, epochs=100, learning_rate=0.05, batch_size=32,
                            optimizer="adam", random_state=0)
        a = model.hidden_activations(inputs)[0]
        results[name] = history["loss"][-1], np.mean(a * (1 - a) < 0.01)
    assert results["raw"][1] > 0.9 and results["standardised"][1] < 0.5  # saturated units
    assert results["raw"][0] > 0.5 and results["standardised"][0] < 0.1  # loss after training


def test_each_remedy_for_overfitting_moves_the_curves_the_expected_way():
    X, y, X_val, y_val = xor_split()
    common = dict(epochs=300, learning_rate=0.02, optimizer="adam",
                  validation_data=(X_val, y_val), random_state=0)
    runs = {}
    for name, sizes, options in [("large", [2, 64, 64, 1], {}), ("small", [2, 4, 1], {}),
                                 ("l2", [2, 64, 64, 1], {"l2": 0.01}),
                                 ("dropout", [2, 64, 64, 1], {"dropout": 0.5}),
                                 ("early", [2, 64, 64, 1], {"early_stopping": 20})]:
        model = MLP(sizes, output="sigmoid", random_state=0)
        history = model.fit(X, y, **common, **options)
        gap = model.loss(X_val, y_val) - model.loss(X, y)
        runs[name] = history, gap, model
    large_history, large_gap, large = runs["large"]
    assert large_history["loss"][-1] < 0.01 and large_gap > 1.0  # memorised the noise
    for name in ("small", "l2", "dropout", "early"):
        assert runs[name][1] < 0.5 * large_gap, name
        assert runs[name][2].loss(X_val, y_val) < large.loss(X_val, y_val), name
    assert runs["l2"][2].squared_weight_norm < 0.1 * large.squared_weight_norm
    assert runs["dropout"][0]["loss"][-1] > large_history["loss"][-1]  # harder to memorise
    early = runs["early"][0]
    assert early["epochs_run"] < 100
    assert runs["early"][2].loss(X_val, y_val) == pytest.approx(min(early["val_loss"]))


def test_sigmoid_derivative_is_at_most_a_quarter():
    z = np.linspace(-10, 10, 2001)
    s = 1 / (1 + np.exp(-z))
    assert np.max(s * (1 - s)) == pytest.approx(0.25) and np.argmax(s * (1 - s)) == 1000
    slope = s * (1 - s)
    assert np.all(slope[np.abs(z) >= 5] < 0.01) and slope[np.abs(z) <= 4.5].min() > 0.01
    assert 0.25 ** 10 < 1e-6  # ten sigmoid layers: a millionth of the gradient, at best


def test_gradients_vanish_in_deep_sigmoid_networks_not_in_relu_networks():
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    ratios = {}
    for hidden in ("sigmoid", "relu"):
        model = MLP([2] + [16] * 8 + [1], hidden_activation=hidden, output="sigmoid",
                    random_state=0)
        norms = model.gradient_norms(X, y)
        expected = [np.linalg.norm(dW) for dW, _ in model.gradients(X, y)]
        np.testing.assert_allclose(norms, expected)
        ratios[hidden] = norms[0] / norms[-1]
    assert ratios["sigmoid"] < 1e-3 and ratios["relu"] > 0.05


@pytest.mark.parametrize("residual", [False, True])
def test_jacobian_norms_match_torch_autograd(residual):
    depth, width = 6, 5
    rng = np.random.default_rng(7)
    y0 = rng.normal(size=(1, width))
    std = 1.0 / np.sqrt(width) / (np.sqrt(depth) if residual else 1.0)
    Ws = [torch.tensor(rng.normal(0.0, std, size=(width, width))) for _ in range(depth)]

    def network(y):
        for W in Ws:
            y = y + torch.sigmoid(y @ W) if residual else torch.sigmoid(y @ W)
        return y
    J = torch.autograd.functional.jacobian(network, torch.tensor(y0)).reshape(width, width)
    ours = training.jacobian_norms(depth, width, residual=residual, random_state=7)
    assert ours[-1] == pytest.approx(np.linalg.norm(J.numpy(), 2), rel=1e-10)


def test_residual_connections_keep_the_gradient_plain_sigmoid_layers_lose_it():
    plain = training.jacobian_norms(20, 16, "sigmoid", random_state=0)
    residual = training.jacobian_norms(20, 16, "sigmoid", residual=True, random_state=0)
    assert plain[-1] < 1e-4 and np.all(np.diff(plain) < 0)
    assert residual.min() > 0.9


def test_batch_norm_matches_torch_and_unsaturates_sigmoids():
    rng = np.random.default_rng(0)
    Z = rng.normal(20.0, 8.0, size=(64, 5))
    gamma, beta = rng.normal(size=5), rng.normal(size=5)
    expected = F.batch_norm(torch.tensor(Z), None, None, torch.tensor(gamma),
                            torch.tensor(beta), training=True, eps=1e-5).numpy()
    np.testing.assert_allclose(training.batch_norm(Z, gamma, beta), expected, rtol=1e-10)
    slope = lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z)))  # noqa: E731
    assert slope(Z).mean() < 0.01 and slope(training.batch_norm(Z)).mean() > 0.15
    with pytest.raises(ValueError, match="gamma"):
        training.batch_norm(Z, gamma=np.ones(3))


def spiral_model():
    return MLP([2, 16, 16, 1], hidden_activation="tanh", output="sigmoid", random_state=0)


def test_optimizer_state_is_0_1_and_2_numbers_per_parameter_and_speeds_training():
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    losses, memory = {}, {}
    for name in ("sgd", "momentum", "adam"):
        model = spiral_model()
        history = model.fit(X, y, epochs=100, learning_rate=0.1, batch_size=50,
                            optimizer=name, random_state=0)
        losses[name] = history["loss"][-1]
        memory[name] = (model.n_params + model.optimizer_.state_size) / model.n_params
    assert memory == {"sgd": 1.0, "momentum": 2.0, "adam": 3.0}
    assert losses["adam"] < losses["momentum"] < 0.5 * losses["sgd"]


def test_fit_goes_on_with_an_optimizer_object_and_its_state():
    X, y = datasets.make_spirals(n_samples=50, random_state=0)
    once, twice = spiral_model(), spiral_model()
    once.fit(X, y, epochs=6, learning_rate=0.01, optimizer="adam")
    adam = training.Adam(0.01)
    twice.fit(X, y, epochs=2, learning_rate=0.01, optimizer=adam)
    twice.fit(X, y, epochs=4, learning_rate=0.01, optimizer=adam)
    assert adam.t == 6 and twice.optimizer_ is adam
    for (W1, _), (W2, _) in zip(once.params, twice.params):
        np.testing.assert_allclose(W1, W2, rtol=1e-10)


@pytest.mark.parametrize("schedule, formula", [
    ("constant", lambda t, T: 0.4),
    ("step", lambda t, T: 0.4 * 0.5 ** (4 * t // T)),
    ("exponential", lambda t, T: 0.4 * 0.01 ** (t / T)),
    ("cosine", lambda t, T: 0.4 * (1 + np.cos(np.pi * t / T)) / 2),
])
def test_learning_rate_schedules_follow_their_formula_and_reach_the_optimizer(
        monkeypatch, schedule, formula):
    seen = []

    class Recording(training.SGD):
        def step(self, params, grads, learning_rate=None):
            seen.append(learning_rate)  # fit passes each epoch's rate to step
            super().step(params, grads, learning_rate)
    monkeypatch.setitem(training.OPTIMIZERS, "sgd", Recording)
    X, y = make_problem("softmax", n_samples=20)
    history = MLP([3, 4, 4], random_state=0).fit(X, y, epochs=8, learning_rate=0.4,
                                                 schedule=schedule)
    expected = [formula(t, 8) for t in range(8)]
    np.testing.assert_allclose(history["learning_rate"], expected, rtol=1e-12)
    np.testing.assert_allclose(seen, expected, rtol=1e-12)
    assert history["learning_rate"][0] == 0.4 and min(expected) == expected[-1]


def test_a_decaying_learning_rate_is_fast_like_a_large_one_and_settles_like_a_small_one():
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    runs = {(rate, s): np.array(spiral_model().fit(X, y, epochs=200, learning_rate=rate,
                                                   batch_size=20, random_state=0,
                                                   schedule=s)["loss"])
            for rate, s in ((0.05, "constant"), (0.5, "constant"), (0.5, "cosine"))}
    small, large, cosine = runs.values()
    assert cosine[-1] < 0.25 * small[-1]  # far ahead of the small constant rate
    assert large[-30:].max() > 5 * large[-30:].min()  # the large one jumps by a factor > 5
    assert np.ptp(cosine[-30:]) < 0.01 * np.ptp(large[-30:])  # the schedule has settled


def test_a_callable_schedule_is_used_as_given():
    X, y = make_problem("softmax", n_samples=20)
    history = MLP([3, 4], random_state=0).fit(X, y, epochs=3, learning_rate=1.0,
                                              schedule=lambda t, T: 0.1 / (t + 1))
    np.testing.assert_allclose(history["learning_rate"], [0.1, 0.05, 0.1 / 3])


def search_data():
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    X_val, y_val = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=1)
    return X, y, X_val, y_val


def test_validation_scores_train_each_setting_as_fit_would():
    X, y, X_val, y_val = search_data()
    settings = [{"learning_rate": 0.03, "hidden_layers": (8,), "epochs": 20},
                {"learning_rate": 1e300, "optimizer": "sgd", "hidden_layers": (8,),
                 "epochs": 20}]
    scores = training.validation_scores(settings, X, y, X_val, y_val, random_state=0)
    model = MLP([2, 8, 2], random_state=0)
    model.fit(X, y, epochs=20, learning_rate=0.03, optimizer="adam", random_state=0)
    assert scores[0] == model.score(X_val, y_val)
    assert scores[1] == 0.0  # diverged
    with pytest.raises(ValueError, match=r"settings\[0\]"):
        training.validation_scores([{"units": 3}], X, y, X_val, y_val)


def test_random_search_tries_more_learning_rates_than_grid_search_and_finds_a_better_one():
    from scipy.stats import loguniform
    from sklearn.model_selection import ParameterGrid, ParameterSampler

    X, y, X_val, y_val = search_data()
    grid = list(ParameterGrid({"learning_rate": [0.001, 0.01, 0.1],
                               "l2": [0.0, 1e-4, 1e-2]}))
    sampled = list(ParameterSampler({"learning_rate": loguniform(1e-3, 1e-1),
                                     "l2": loguniform(1e-6, 1e-2)}, n_iter=9, random_state=0))
    common = {"hidden_layers": (16, 16), "epochs": 60}
    scores = {name: training.validation_scores([{**s, **common} for s in settings], X, y,
                                                 X_val, y_val, random_state=0)
              for name, settings in (("grid", grid), ("random", sampled))}
    assert len({s["learning_rate"] for s in grid}) == 3
    assert len({s["learning_rate"] for s in sampled}) == 9
    assert scores["random"].max() > scores["grid"].max()


@pytest.mark.parametrize("sizes, expected", [([64, 16, 10], 1_210), ([64, 128, 10], 9_610),
                                             ([2, 64, 64, 1], 4_417)])
def test_chapter_6_parameter_counts(sizes, expected):
    assert MLP(sizes, output="sigmoid").n_params == expected == sum(
        grid.dense_param_count(a, b) for a, b in zip(sizes[:-1], sizes[1:]))


@pytest.mark.parametrize("call, error, name", [
    (lambda: training.learning_rate_at("linear", 0.1, 0, 10), ValueError, "schedule"),
    (lambda: training.learning_rate_at("step", 0.1, 10, 10), ValueError, "epoch"),
    (lambda: training.learning_rate_at(lambda t, T: -1.0, 0.1, 0, 10), ValueError, "schedule"),
    (lambda: MLP([2, 2]).fit(X4, Y4, 1, 0.1, schedule="fast"), ValueError, "schedule"),
    (lambda: training.jacobian_norms(0), ValueError, "depth"),
    (lambda: training.jacobian_norms(3, residual="yes"), TypeError, "residual"),
    (lambda: training.jacobian_norms(3, activation="step"), ValueError, "activation"),
    (lambda: training.batch_norm([1.0, 2.0]), ValueError, "Z"),
    (lambda: training.identical_hidden_units("model"), TypeError, "model"),
    (lambda: training.jacobian_norms(40, activation="relu", weight_scale=1e30,
                                               random_state=0), ValueError,
     r"^weight_scale=1e\+30 is too large for depth=40: layer \d+ overflows float64"),
    # here the product of the Jacobians overflows (numpy's SVD failed on it)
    (lambda: training.jacobian_norms(3500, activation="tanh", weight_scale=4.0,
                                               random_state=0), ValueError,
     r"^weight_scale=4.0 is too large for depth=3500"),
    (lambda: training.validation_scores([{}], X4, Y4, X4[:, :1], Y4), ValueError,
     "^X_val must have 2 features"),
    (lambda: training.validation_scores([{}], X4, Y4, X4, [0, 1]), ValueError,
     "^y_val has 2 labels but X_val has 4"),
    (lambda: training.validation_scores([{}], X4, Y4, X4, [0, 1, 2, 1]), ValueError,
     r"^y_val must contain 0 or 1, got \[2\]"),
    (lambda: training.validation_scores([{}], X4, [0, 1], X4, Y4), ValueError,
     "^y_train has 2 labels but X_train has 4"),
    (lambda: training.validation_scores([{}], X4, [0, 1, -1, 1], X4, Y4), ValueError,
     r"^y_train must contain 0 or 1, got \[-1\]"),
])
def test_chapter_6_helpers_name_bad_arguments(call, error, name):
    with pytest.raises(error, match=name):
        call()


@pytest.mark.parametrize("hidden", sorted(TORCH_HIDDEN))
@pytest.mark.parametrize("output, n_out", OUTPUT_CASES)
def test_a_float32_model_computes_in_float32_and_agrees_with_float64(output, n_out, hidden):
    X, y = make_problem(output, n_out=n_out)
    exact = MLP([3, 5, n_out], hidden_activation=hidden, output=output, random_state=0)
    single = MLP([3, 5, n_out], hidden_activation=hidden, output=output, random_state=0,
                 dtype="float32")
    assert "dtype='float32'" in repr(single) and "dtype" not in repr(exact)
    for (W, _b), (W32, b32) in zip(exact.params, single.params):
        assert W32.dtype == b32.dtype == np.float32
        np.testing.assert_allclose(W32, W, rtol=1e-6)
    assert single.forward(X).dtype == np.float32
    for (dW, db), (dW32, db32) in zip(exact.gradients(X, y, l2=0.01),
                                      single.gradients(X, y, l2=0.01)):
        assert dW32.dtype == db32.dtype == np.float32
        np.testing.assert_allclose(dW32, dW, rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(db32, db, rtol=1e-3, atol=1e-5)
    assert single.loss(X, y) == pytest.approx(exact.loss(X, y), rel=1e-5)


def test_a_float32_model_trains_like_float64_with_dropout_and_adam():
    X, y = datasets.load_digits()
    X = X / 16.0
    runs = {}
    for dtype in ("float64", "float32"):
        model = MLP([64, 32, 10], random_state=0, dtype=dtype)
        history = model.fit(X, y, epochs=3, learning_rate=0.01, batch_size=64, optimizer="adam",
                            dropout=0.1, random_state=1)
        assert all(theta.dtype == np.dtype(dtype) for pair in model.params for theta in pair)
        runs[dtype] = history
    assert runs["float32"]["score"][-1] > 0.8  # 3 epochs with dropout; float64 is no better
    assert runs["float32"]["score"][-1] == pytest.approx(runs["float64"]["score"][-1], abs=0.01)
    np.testing.assert_allclose(runs["float32"]["loss"], runs["float64"]["loss"], rtol=1e-3)


def test_a_float32_model_casts_assigned_params():
    model = MLP([2, 3, 2], dtype=np.float32)
    model.params = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 2)), np.zeros(2))]
    assert all(theta.dtype == np.float32 for pair in model.params for theta in pair)


# ------------------------------------------------------------------ chapter 4: why nonlinear

def test_linear_hidden_layers_collapse_into_one_affine_map():
    X, _ = make_problem("linear", n_samples=20)
    model = MLP([3, 8, 6, 2], hidden_activation="linear", output="linear", random_state=0)
    W, b = mlp_module.affine_collapse(model)
    assert W.shape == (3, 2) and b.shape == (2,)
    np.testing.assert_allclose(model.forward(X), X @ W + b, rtol=1e-12, atol=1e-12)
    # with a softmax output, the collapsed map gives the logits: softmax regression
    softmax = MLP([3, 5, 4], hidden_activation="linear", random_state=1)
    W, b = mlp_module.affine_collapse(softmax)
    np.testing.assert_allclose(softmax.forward(X), activations.softmax(X @ W + b), rtol=1e-12)
    with pytest.raises(ValueError, match="hidden_activation='linear'.*got 'tanh'"):
        mlp_module.affine_collapse(MLP([3, 4, 2], hidden_activation="tanh"))
    with pytest.raises(TypeError, match="model must be an MLP"):
        mlp_module.affine_collapse("model")


def test_chapter_4_linear_hidden_units_leave_xor_at_chance_tanh_units_solve_it():
    """The chapter's three seeds: linear hidden units never beat guessing, tanh units do."""
    X, y = datasets.make_xor(200, noise=0.3, random_state=0)
    accuracy = {}
    for h in ("linear", "tanh"):
        accuracy[h] = []
        for seed in (0, 1, 2):
            net = MLP([2, 8, 1], hidden_activation=h, output="sigmoid", random_state=seed)
            net.fit(X, y, epochs=300, learning_rate=0.05, optimizer="adam", random_state=seed)
            accuracy[h].append(net.score(X, y))
    assert max(accuracy["linear"]) <= 0.55 and min(accuracy["tanh"]) >= 0.95
    deep_linear = MLP([2, 8, 8, 1], hidden_activation="linear", output="linear", random_state=0)
    W, b = mlp_module.affine_collapse(deep_linear)
    assert (deep_linear.n_params, W.size + b.size) == (105, 3)  # the chapter's two counts
