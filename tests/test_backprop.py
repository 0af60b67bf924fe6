"""nnkit.backprop: costs, gradient descent, the hand-derived gradients and backpropagation,
each checked against finite differences and against torch's automatic differentiation."""
import math

import numpy as np
import pytest
import torch
from sklearn.metrics import log_loss, mean_squared_error
from torch.utils.flop_counter import FlopCounterMode

from nnkit import activations, backprop, datasets
from nnkit.backprop import (
    backprop_trace,
    binary_cross_entropy_cost,
    cross_entropy_cost,
    gradient_descent,
    layer_jacobians,
    linear_neuron_gradient,
    linear_neuron_loss,
    numerical_gradient,
    operation_counts,
    sigmoid_neuron_gradient,
    sigmoid_neuron_loss,
    squared_error_cost,
    train_validation_split,
    two_unit_forward,
    two_unit_gradient,
    two_unit_loss,
    updates_per_epoch,
)
from nnkit.layers import Dense
from nnkit.mlp import MLP


def t64(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# ------------------------------------------------------------------------------- costs

def test_squared_error_cost_matches_sklearn():
    rng = np.random.default_rng(0)
    y_hat, y = rng.normal(size=20), rng.normal(size=20)
    assert squared_error_cost(y_hat, y) == pytest.approx(mean_squared_error(y, y_hat), rel=1e-12)
    Y_hat, Y = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    assert squared_error_cost(Y_hat, Y) == pytest.approx(backprop.squared_error(Y_hat, Y), rel=1e-12)


def test_binary_cross_entropy_cost_matches_sklearn_and_the_logit_form():
    rng = np.random.default_rng(1)
    z = rng.normal(size=30)
    y = rng.integers(0, 2, size=30)
    p = activations.sigmoid(z)
    assert binary_cross_entropy_cost(p, y) == pytest.approx(log_loss(y, p), rel=1e-10)
    assert binary_cross_entropy_cost(p, y) == pytest.approx(
        backprop.binary_cross_entropy(z[:, None], y[:, None]), rel=1e-10)


def test_binary_cross_entropy_cost_edges():
    assert binary_cross_entropy_cost([1.0, 0.0], [1, 0]) == 0.0  # no 0 · ln 0 = NaN
    assert binary_cross_entropy_cost([0.0], [1]) == math.inf
    assert binary_cross_entropy_cost([0.5, 0.5], [0, 1]) == pytest.approx(math.log(2))


def test_cross_entropy_cost_is_minus_log_of_the_true_class_probability():
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.25, 0.5, 0.25]])
    y = np.array([0, 2, 0])
    expected = -(math.log(0.7) + math.log(0.8) + math.log(0.25)) / 3
    assert cross_entropy_cost(P, y) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_cost(P, y) == pytest.approx(log_loss(y, P, labels=[0, 1, 2]), rel=1e-12)
    z = np.random.default_rng(2).normal(size=(10, 4))
    y = np.arange(10) % 4
    assert cross_entropy_cost(activations.softmax(z), y) == pytest.approx(
        backprop.cross_entropy(z, np.eye(4)[y]), rel=1e-12)


@pytest.mark.parametrize("call, error", [
    (lambda: squared_error_cost([1.0, 2.0], [1.0]), ValueError),
    (lambda: binary_cross_entropy_cost([1.2], [1]), ValueError),
    (lambda: binary_cross_entropy_cost([0.5], [2]), ValueError),
    (lambda: binary_cross_entropy_cost([0.5], [0.5]), TypeError),
    (lambda: cross_entropy_cost([[0.5, 0.6]], [0]), ValueError),
    (lambda: cross_entropy_cost([[0.5, 0.5]], [2]), ValueError),
    (lambda: cross_entropy_cost("P", [0]), TypeError),
])
def test_costs_refuse_bad_input(call, error):
    with pytest.raises(error):
        call()


# ------------------------------------------------------------------------------- descent

@pytest.mark.parametrize("eta", [0.01, 0.3, 0.9, 1.1])
def test_gradient_descent_on_a_parabola_follows_the_closed_form(eta):
    # J = θ², ∇J = 2θ: each step multiplies θ by (1 − 2η).
    path = gradient_descent(lambda t: 2 * t, [1.0], learning_rate=eta, n_steps=20)
    np.testing.assert_allclose(path[:, 0], (1 - 2 * eta) ** np.arange(21), rtol=1e-12)


def test_learning_rate_too_small_is_slow_too_large_diverges():
    X = np.linspace(-1, 1, 20)[:, None]
    y = 3 * X[:, 0] + 1

    def loss_after(eta, steps=50):
        path = gradient_descent(lambda t: np.r_[linear_neuron_gradient(t[:1], t[1], X, y)],
                                [0.0, 0.0], eta, steps)
        return linear_neuron_loss(path[-1, :1], path[-1, 1], X, y)

    start = linear_neuron_loss([0.0], 0.0, X, y)
    assert loss_after(0.3) < 1e-6 * start  # a good rate converges
    assert 0.1 * start < loss_after(0.003) < start  # a tiny one barely moves
    assert loss_after(1.5) > 100 * start  # a large one diverges


def test_gradient_descent_refuses_bad_arguments():
    with pytest.raises(TypeError, match="gradient"):
        gradient_descent(3, [0.0], 0.1, 1)
    with pytest.raises(ValueError, match="learning_rate"):
        gradient_descent(lambda t: t, [0.0], 0.0, 1)
    with pytest.raises(ValueError, match="n_steps"):
        gradient_descent(lambda t: t, [0.0], 0.1, -1)


def test_numerical_gradient_of_a_known_function():
    A = np.random.default_rng(3).normal(size=(3, 3))
    theta = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(lambda t: t @ A @ t, theta),
                               (A + A.T) @ theta, rtol=1e-7)
    assert numerical_gradient(lambda t: t.sum(), np.ones((2, 3))).shape == (2, 3)
    with pytest.raises(TypeError, match="f must"):
        numerical_gradient(None, theta)


# ------------------------------------------------------------------------------- derivations

def test_linear_neuron_gradient_matches_finite_differences_and_torch():
    rng = np.random.default_rng(4)
    X, y, w, b = rng.normal(size=(15, 3)), rng.normal(size=15), rng.normal(size=3), 0.3
    dw, db = linear_neuron_gradient(w, b, X, y)
    # The syllabus formula, literally: ∂L/∂w1 = (1/N) Σ 2(ŷ_i − y_i) x_(i,1).
    y_hat = X @ w + b
    assert dw[0] == pytest.approx(np.mean([2 * (y_hat[i] - y[i]) * X[i, 0] for i in range(15)]))
    theta = np.r_[w, b]
    numeric = numerical_gradient(lambda t: linear_neuron_loss(t[:3], t[3], X, y), theta)
    np.testing.assert_allclose(np.r_[dw, db], numeric, rtol=1e-6)
    tw, tb = t64(w, True), t64(b, True)
    torch.mean((t64(X) @ tw + tb - t64(y)) ** 2).backward()
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-12)
    assert db == pytest.approx(tb.grad.item(), rel=1e-12)


def test_sigmoid_neuron_gradient_matches_finite_differences_and_torch():
    x, w, b, y = np.array([0.5, -1.5]), np.array([0.8, 0.2]), -0.1, 1.0
    dw, db = sigmoid_neuron_gradient(w, b, x, y)
    s = activations.sigmoid(x @ w + b)
    assert dw[0] == pytest.approx(-2 * (y - s) * s * (1 - s) * x[0])  # the syllabus formula
    numeric = numerical_gradient(lambda t: sigmoid_neuron_loss(t[:2], t[2], x, y), np.r_[w, b])
    np.testing.assert_allclose(np.r_[dw, db], numeric, rtol=1e-6)
    tw, tb = t64(w, True), t64(b, True)
    ((t64(y) - torch.sigmoid(t64(x) @ tw + tb)) ** 2).backward()
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-12)
    assert db == pytest.approx(tb.grad.item(), rel=1e-12)


def two_unit_example(seed=5, n_inputs=3):
    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(size=(n_inputs, 2)), "b": rng.normal(size=2),
              "v": rng.normal(size=2), "c": float(rng.normal())}
    return params, rng.normal(size=n_inputs), float(rng.normal())


def test_two_unit_gradient_matches_finite_differences_and_torch():
    params, x, y = two_unit_example()
    grads = two_unit_gradient(params, x, y)
    for key in backprop.TWO_UNIT_KEYS:
        def f(value, key=key):
            return two_unit_loss({**params, key: value if key != "c" else float(value[0])}, x, y)
        at = np.atleast_1d(params[key])
        np.testing.assert_allclose(np.atleast_1d(grads[key]), numerical_gradient(f, at),
                                   rtol=1e-6, atol=1e-10)
    tp = {k: t64(v, True) for k, v in params.items()}
    h = torch.sigmoid(t64(x) @ tp["W"] + tp["b"])
    ((h @ tp["v"] + tp["c"] - y) ** 2).backward()
    for key in backprop.TWO_UNIT_KEYS:
        np.testing.assert_allclose(grads[key], tp[key].grad.numpy(), rtol=1e-12)


def test_two_unit_network_is_an_mlp_with_two_sigmoid_units():
    params, x, y = two_unit_example(seed=6)
    model = MLP([3, 2, 1], hidden_activation="sigmoid", output="linear")
    model.params = [(params["W"], params["b"]), (params["v"][:, None], np.array([params["c"]]))]
    assert two_unit_forward(params, x)["y_hat"] == pytest.approx(model.forward([x])[0, 0])
    assert two_unit_loss(params, x, y) == pytest.approx(model.loss([x], [y]), rel=1e-12)
    grads = two_unit_gradient(params, x, y)
    (dW1, db1), (dW2, db2) = model.gradients([x], [y])
    np.testing.assert_allclose(grads["W"], dW1, rtol=1e-12)
    np.testing.assert_allclose(grads["b"], db1, rtol=1e-12)
    np.testing.assert_allclose(grads["v"], dW2[:, 0], rtol=1e-12)
    assert grads["c"] == pytest.approx(db2[0], rel=1e-12)


def test_two_unit_functions_refuse_bad_params():
    params, x, y = two_unit_example()
    with pytest.raises(TypeError, match="params"):
        two_unit_loss({"W": params["W"]}, x, y)
    with pytest.raises(ValueError, match="params\\['W'\\]"):
        two_unit_loss(params, x[:2], y)


# ------------------------------------------------------------------------------- backprop

CASES = [  # layer sizes, hidden activation, output, targets
    ([4, 5, 3], "relu", "softmax", lambda rng, n: rng.integers(0, 3, n)),
    ([4, 6, 5, 3], "tanh", "softmax", lambda rng, n: rng.integers(0, 3, n)),
    ([4, 3, 1], "sigmoid", "sigmoid", lambda rng, n: rng.integers(0, 2, n)),
    ([4, 5, 2], "elu", "linear", lambda rng, n: rng.normal(size=(n, 2))),
]


def make_case(case, n=7, seed=7):
    sizes, hidden, output, targets = case
    rng = np.random.default_rng(seed)
    model = MLP(sizes, hidden_activation=hidden, output=output, random_state=seed)
    for _, b in model.params:  # non-zero biases, so that they matter
        b += rng.normal(scale=0.3, size=b.shape)
    return model, rng.normal(size=(n, sizes[0])), targets(rng, n)


def torch_gradients(model, X, y):
    """The reference: the same network in torch, differentiated by autograd."""
    params = [(t64(W, True), t64(b, True)) for W, b in model.params]
    act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
           "elu": torch.nn.functional.elu}[model.hidden_activation]
    a = t64(X)
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        a = z if l == len(params) - 1 else act(z)
    if model.output == "softmax":
        loss = torch.nn.functional.cross_entropy(z, torch.as_tensor(y))
    elif model.output == "sigmoid":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], t64(y))
    else:
        loss = ((z - t64(y)) ** 2).sum(dim=1).mean()
    loss.backward()
    return loss.item(), [(W.grad.numpy(), b.grad.numpy()) for W, b in params]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_backprop_matches_mlp_finite_differences_and_torch_autograd(case):
    """The chapter's [check]: backpropagation equals finite differences and autodiff."""
    model, X, y = make_case(case)
    trace = backprop_trace(model, X, y)
    assert trace.loss == pytest.approx(model.loss(X, y), rel=1e-12)
    loss, reference = torch_gradients(model, X, y)
    assert trace.loss == pytest.approx(loss, rel=1e-12)
    for l, ((tW, tb), (mW, mb)) in enumerate(zip(reference, model.gradients(X, y)), start=1):
        np.testing.assert_allclose(trace.dW[l], tW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(trace.db[l], tb, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(trace.dW[l], mW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(trace.db[l], mb, rtol=1e-12, atol=1e-15)
    assert backprop.gradient_check(model, X, y) < 1e-6
    for l, (W, _) in enumerate(model.params, start=1):
        def f(theta, W=W):
            saved = W.copy()
            W[...] = theta
            try:
                return backprop_trace(model, X, y).loss
            finally:
                W[...] = saved
        np.testing.assert_allclose(trace.dW[l], numerical_gradient(f, W.copy()),
                                   rtol=1e-5, atol=1e-8)


def test_trace_stores_every_quantity_with_the_right_shapes():
    model, X, y = make_case(CASES[1], n=5)
    trace = backprop_trace(model, X, y)
    assert trace.z[0] is None and trace.delta[0] is None and trace.dW[0] is None
    assert trace.a[0] is not None and np.array_equal(trace.a[0], X)
    for l, n in enumerate(model.layer_sizes[1:], start=1):
        assert trace.z[l].shape == trace.a[l].shape == trace.delta[l].shape == (5, n)
        assert trace.dW[l].shape == model.params[l - 1][0].shape
    np.testing.assert_allclose(trace.a[1], np.tanh(trace.z[1]))
    # δ^[l] = (δ^[l+1] W^[l+1]ᵀ) ⊙ h'(z^[l])
    np.testing.assert_allclose(trace.delta[1],
                               (trace.delta[2] @ model.params[1][0].T) * (1 - trace.a[1] ** 2))


def test_softmax_cross_entropy_output_error_is_p_hat_minus_y():
    model, X, y = make_case(CASES[0], n=6)
    trace = backprop_trace(model, X, y)
    P = activations.softmax(trace.z[-1])
    np.testing.assert_allclose(trace.delta[-1] * len(X), P - np.eye(3)[y], atol=1e-15)
    # and it is the softmax Jacobian applied to ∂J/∂p̂ = −y / p̂, by the chain rule
    J = activations.softmax_jacobian(trace.z[-1])
    np.testing.assert_allclose(np.einsum("nk,nkj->nj", -np.eye(3)[y] / P, J), P - np.eye(3)[y],
                               atol=1e-12)


def test_a_mini_batch_gradient_is_the_mean_of_the_per_sample_gradients():
    model, X, y = make_case(CASES[0], n=8)
    batch = backprop_trace(model, X, y)
    per_sample = [backprop_trace(model, X[i:i + 1], y[i:i + 1]) for i in range(8)]
    for l in (1, 2):
        np.testing.assert_allclose(batch.dW[l], np.mean([t.dW[l] for t in per_sample], axis=0),
                                   atol=1e-14)


def test_a_dense_layer_keeps_what_its_backward_rule_needs_and_matches_torch():
    rng = np.random.default_rng(8)
    a_prev, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    upstream = rng.normal(size=(4, 2))  # ∂J/∂a of this layer
    layer = Dense(W, b, activation="tanh")
    a = layer.forward(a_prev)
    assert layer.a_prev is a_prev and layer.a is a
    grad_a_prev = layer.backward(layer.error(upstream))
    ta, tW, tb = t64(a_prev, True), t64(W, True), t64(b, True)
    out = torch.tanh(ta @ tW + tb)
    (out * t64(upstream)).sum().backward()
    np.testing.assert_allclose(a, out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.dW, tW.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.db, tb.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(grad_a_prev, ta.grad.numpy(), rtol=1e-12)
    # the names of the book: δ = ∂J/∂a ⊙ h'(z), dW = a_prevᵀ δ, db = Σ δ
    np.testing.assert_allclose(layer.delta, upstream * (1 - np.tanh(layer.z) ** 2))
    np.testing.assert_allclose(layer.dW, a_prev.T @ layer.delta)
    assert layer.backward(layer.delta, propagate=False) is None
    assert repr(layer) == "Dense(3 → 2, activation='tanh')"


def test_the_backward_loop_of_the_mlp_is_the_one_backprop_trace_shows(monkeypatch):
    """One backward pass: gradients, the trace, the gradient check and fit all run
    nnkit.backprop.backward, and the trace lists the very arrays that pass produced."""
    model, X, y = make_case(CASES[1], n=5)
    calls = []
    one_loop = backprop.backward

    def spy(layers, delta):
        grads = one_loop(layers, delta)
        calls.append(grads)
        return grads
    monkeypatch.setattr(backprop, "backward", spy)
    grads = model.gradients(X, y)
    trace = backprop_trace(model, X, y)
    assert len(calls) == 2
    for l, (dW, db) in enumerate(calls[-1], start=1):  # the trace's lists are the pass's arrays
        assert trace.dW[l] is dW and trace.db[l] is db
        assert trace.delta[l] is model.layers[l - 1].delta and trace.z[l] is model.layers[l - 1].z
    for l, (dW, db) in enumerate(grads, start=1):  # and equal to what gradients returned
        assert np.array_equal(trace.dW[l], dW) and np.array_equal(trace.db[l], db)
    backprop.gradient_check(model, X, y)
    assert len(calls) == 3
    model.fit(X, y, epochs=2, learning_rate=0.1, batch_size=5, dropout=0.5, random_state=0)
    assert len(calls) == 5


def test_backprop_trace_converts_targets_like_model_gradients():
    """One target converter: float targets for a sigmoid model fail the same way in both."""
    model, X, _ = make_case(CASES[2], n=2)
    errors = []
    for call in (model.gradients, lambda X, y: backprop_trace(model, X, y)):
        with pytest.raises(TypeError, match="y must hold integer class labels") as err:
            call(X, [0.3, 2.0])
        errors.append(str(err.value))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("output, n_out", [("softmax", 3), ("sigmoid", 1), ("linear", 2)])
def test_the_output_table_costs_are_the_costs_on_predictions(output, n_out):
    """One convention: the cost a network trains on (from z) equals the chapter's cost of ŷ."""
    rng = np.random.default_rng(5)
    z = rng.normal(scale=2.0, size=(6, n_out))
    if output == "softmax":
        y = rng.integers(0, 3, 6)
        on_predictions = cross_entropy_cost(activations.softmax(z), y)
    elif output == "sigmoid":
        y = rng.integers(0, 2, 6)
        on_predictions = binary_cross_entropy_cost(activations.sigmoid(z[:, 0]), y)
    else:
        y = rng.normal(size=(6, 2))
        on_predictions = squared_error_cost(z, y)
    row = backprop.OUTPUTS[output]
    Y = backprop.targets(y, output, n_out, 6)
    assert row.loss(z, Y) == pytest.approx(on_predictions, rel=1e-12)
    # and its error signal is the gradient of that cost with respect to z
    y_hat = activations.FORMULAS[row.activation](z)
    np.testing.assert_allclose(row.error(y_hat, Y) / 6,
                               numerical_gradient(lambda t: row.loss(t, Y), z), atol=1e-8)


def test_backprop_trace_refuses_bad_input():
    model, X, y = make_case(CASES[0])
    with pytest.raises(TypeError, match="model"):
        backprop_trace("model", X, y)
    with pytest.raises(ValueError, match="X must have 4 features"):
        backprop_trace(model, X[:, :2], y)
    with pytest.raises(ValueError, match="y must contain"):
        backprop_trace(model, X, y + 5)
    linear, Xl, yl = make_case(CASES[3])
    with pytest.raises(ValueError, match="y must have shape"):
        backprop_trace(linear, Xl, yl[:, :1])


def test_vector_jacobian_products_give_the_input_gradient_of_torch():
    model, X, y = make_case(CASES[1], n=1)
    trace = backprop_trace(model, X, y)
    g = trace.delta[-1][0]
    for J in reversed(layer_jacobians(model, X[0])):  # reverse mode: vector times Jacobian
        g = g @ J
    tX = t64(X, True)
    params = [(t64(W), t64(b)) for W, b in model.params]
    a = tX
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        a = z if l == len(params) - 1 else torch.tanh(z)
    torch.nn.functional.cross_entropy(z, torch.as_tensor(y)).backward()
    np.testing.assert_allclose(g, tX.grad.numpy()[0], rtol=1e-10)
    # One vector–Jacobian product through the hidden layer's map a^[1] -> z^[2] then through
    # h' gives the same error signal δ^[1] as the backward pass.
    J1, J2, J3 = layer_jacobians(model, X[0])
    np.testing.assert_allclose(trace.delta[-1][0] @ J3 @ J2, trace.delta[2][0] @ model.params[1][0].T)
    np.testing.assert_allclose(J1, (1 - trace.a[1][0] ** 2)[:, None] * model.params[0][0].T)


# ------------------------------------------------------------------------------- budgets

@pytest.mark.parametrize("sizes, n", [([3, 4, 2], 5), ([784, 200, 10], 32), ([5, 7, 7, 3], 4)])
def test_operation_counts_match_torch_flop_counter(sizes, n):
    rng = np.random.default_rng(9)
    X = t64(rng.normal(size=(n, sizes[0])))
    params = [(t64(rng.normal(size=(i, o)), True), t64(np.zeros(o), True))
              for i, o in zip(sizes[:-1], sizes[1:])]
    with FlopCounterMode(display=False) as forward:
        a = X
        for W, b in params:
            a = torch.relu(a @ W + b)
        loss = a.sum()
    with FlopCounterMode(display=False) as backward:
        loss.backward()
    counts = operation_counts(sizes, n_samples=n)
    assert 2 * counts["forward"] == forward.get_total_flops()  # torch counts 2 flops per MAC
    assert 2 * counts["backward"] == backward.get_total_flops()
    assert 2 <= counts["ratio"] < 3  # Baur–Strassen: a small constant


def test_updates_per_epoch_matches_mlp_fit():
    X, y = datasets.make_blobs(n_samples=50, centers=3, random_state=0)
    for batch_size, expected in [(None, 1), (1, 50), (16, 4), (32, 2), (50, 1)]:
        assert updates_per_epoch(50, batch_size) == expected
        history = MLP([2, 3]).fit(X, y, epochs=1, learning_rate=0.1, batch_size=batch_size,
                                  random_state=0)
        assert history["updates_per_epoch"] == expected
    assert updates_per_epoch(60000, 100) == 600  # the chapter's worked question
    assert updates_per_epoch(1000, 64) == 16  # its "Check yourself"
    with pytest.raises(ValueError, match="batch_size"):
        updates_per_epoch(10, 11)


def test_train_validation_split_is_a_seeded_partition():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_tr, X_val, y_tr, y_val = train_validation_split(X, y, 5, random_state=0)
    assert X_tr.shape == (15, 2) and X_val.shape == (5, 2)
    assert sorted(np.r_[y_tr, y_val]) == list(range(20))
    np.testing.assert_array_equal(X_val[:, 0], 2 * y_val)  # rows stay with their labels
    again = train_validation_split(X, y, 5, random_state=0)
    np.testing.assert_array_equal(again[3], y_val)
    with pytest.raises(ValueError, match="n_validation"):
        train_validation_split(X, y, 20)
    with pytest.raises(ValueError, match="y must have"):
        train_validation_split(X, y[:3], 2)


# ------------------------------------------------------------------------------- headline

@pytest.mark.slow
def test_a_hidden_layer_cuts_the_mnist_validation_error_by_at_least_40_percent():
    """Chapter 5's headline: softmax regression vs one hidden layer of 200 ReLU units, both
    trained 15 epochs with mini-batch SGD (the notebook's settings) on MNIST-5k."""
    X, y = datasets.load_mnist_5k()
    assert X.shape == (5000, 784) and X.min() == 0.0 and X.max() == 1.0
    assert np.array_equal(np.bincount(y), np.full(10, 500))
    X_train, X_val, y_train, y_val = train_validation_split(X, y, 1000, random_state=0)
    assert X_train.shape == (4000, 784)
    errors = {}
    for sizes in ([784, 10], [784, 200, 10]):
        model = MLP(sizes, random_state=0)
        history = model.fit(X_train, y_train, epochs=15, learning_rate=0.5, batch_size=32,
                            validation_data=(X_val, y_val), random_state=0)
        assert history["updates_per_epoch"] == 125
        errors[len(sizes)] = 1 - history["val_score"][-1]
    assert errors[3] <= 0.6 * errors[2], errors


def test_minibatch_gradient_noise_shrinks_like_one_over_root_b():
    X, y = datasets.make_blobs(n_samples=2000, centers=3, spread=1.5, random_state=0)
    model = MLP([2, 8, 3], random_state=0)
    noise = {B: backprop.minibatch_gradient_noise(model, X, y, B, n_batches=200, random_state=0)
             for B in (4, 64, 2000)}
    assert noise[2000] == pytest.approx(0.0, abs=1e-12)  # the full batch is the gradient
    # Sampling without replacement: variance ∝ (1/B)(N − B)/(N − 1), so the ratio is ≈ 4.
    expected = math.sqrt((64 / 4) * (2000 - 4) / (2000 - 64))
    assert noise[4] / noise[64] == pytest.approx(expected, rel=0.2)
    with pytest.raises(ValueError, match="batch_size"):
        backprop.minibatch_gradient_noise(model, X, y, 0)


def test_the_line_fit_of_the_chapter_diverges_exactly_above_a_learning_rate_of_one():
    # J = mean (w x + b − y)² with x symmetric on [−1, 1]: the Hessian is 2·diag(mean x², 1),
    # its largest curvature 2, so gradient descent is stable for η < 2 / 2 = 1.
    x = np.linspace(-1, 1, 20)
    y = 3 * x + 1 + 0.3 * np.random.default_rng(0).normal(size=20)

    def final_cost(eta):
        path = gradient_descent(
            lambda t: np.r_[linear_neuron_gradient(t[:1], t[1], x[:, None], y)], [0.0, 0.0],
            eta, 200)
        return linear_neuron_loss(path[-1, :1], path[-1, 1], x[:, None], y)

    best = final_cost(0.5)
    assert final_cost(0.98) == pytest.approx(best, rel=1e-4)
    assert final_cost(1.02) > 1e3


# ------------------------------------------------------------------------------- saturation

@pytest.mark.parametrize("cost", ["squared_error", "cross_entropy"])
def test_sigmoid_neuron_costs_and_gradients_match_torch(cost):
    w, b, x, y = np.array([0.8, -0.3]), 0.4, np.array([1.5, -2.0]), 0.25
    tw, tb = t64(w, True), t64(b, True)
    z = (tw * t64(x)).sum() + tb
    if cost == "squared_error":
        loss = (t64(y) - torch.sigmoid(z)) ** 2
    else:
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, t64(y))
    loss.backward()
    assert backprop.sigmoid_neuron_loss(w, b, x, y, cost) == pytest.approx(loss.item(), rel=1e-12)
    dw, db = backprop.sigmoid_neuron_gradient(w, b, x, y, cost)
    np.testing.assert_allclose(dw, tw.grad.numpy(), rtol=1e-12)
    assert db == pytest.approx(tb.grad.item(), rel=1e-12)
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        backprop.sigmoid_neuron_gradient(w, b, x, y, "hinge")


def test_a_saturated_sigmoid_learns_slowly_with_squared_error_not_with_cross_entropy():
    """Chapter 5's numbers: start at w = b = 2 (ŷ = 0.982 for target 0), η = 0.15."""
    curves = {(w0, cost): backprop.sigmoid_neuron_descent([w0], w0, [1.0], 0.0, cost, 0.15, 300)
              for w0 in (1.0, 2.0, 3.0) for cost in backprop.NEURON_COSTS}
    steps = {key: next((t for t, p in enumerate(y_hat) if p < 0.5), None)
             for key, y_hat in curves.items()}
    dz = {cost: backprop.sigmoid_neuron_gradient([2.0], 2.0, [1.0], 0.0, cost)[1]
          for cost in backprop.NEURON_COSTS}
    assert round(curves[2.0, "squared_error"][0], 3) == 0.982
    assert (round(dz["squared_error"], 3), round(dz["cross_entropy"], 3)) == (0.035, 0.982)
    assert round(dz["cross_entropy"] / dz["squared_error"]) == 28
    assert steps == {(1.0, "squared_error"): 26, (1.0, "cross_entropy"): 10,
                     (2.0, "squared_error"): 117, (2.0, "cross_entropy"): 17,
                     (3.0, "squared_error"): None, (3.0, "cross_entropy"): 23}
    # the slowdown grows with saturation for the squared error only
    assert curves[3.0, "squared_error"][-1] > 0.99
    # each path is gradient descent on the neuron's loss: one step by hand
    dw, db = backprop.sigmoid_neuron_gradient([2.0], 2.0, [1.0], 0.0, "squared_error")
    assert curves[2.0, "squared_error"][1] == pytest.approx(
        float(activations.sigmoid(2.0 - 0.15 * dw[0] + 2.0 - 0.15 * db)), rel=1e-12)


def test_the_gates_of_the_chapter_give_the_finite_difference_gradient():
    x, y, z, w = 3.0, -1.0, 2.0, -2.0
    s = x * y + z
    ds, dw = (1.0, 0.0) if s > w else (0.0, 1.0)
    by_gates = np.array([ds * y, ds * x, ds, dw])
    numeric = numerical_gradient(lambda t: max(t[0] * t[1] + t[2], t[3]), [x, y, z, w])
    np.testing.assert_allclose(by_gates, [-1.0, 3.0, 1.0, 0.0])
    np.testing.assert_allclose(numeric, by_gates, atol=1e-9)
