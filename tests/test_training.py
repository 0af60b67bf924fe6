"""nnkit.training: dropout and L2 against torch and finite differences, optimizers given their
rate by the loop, early stopping, and the fit loop behind MLP.fit."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnkit import backprop, mlp, training
from nnkit.mlp import MLP

TORCH_HIDDEN = {
    "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda t: t,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01), "elu": F.elu,
}
OUTPUT_CASES = [("softmax", 4), ("sigmoid", 1), ("sigmoid", 3), ("linear", 2)]


def make_problem(output, n_out, n_samples=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    if output == "softmax":
        y = rng.integers(0, n_out, size=n_samples)
    elif output == "sigmoid":
        y = rng.integers(0, 2, size=n_samples if n_out == 1 else (n_samples, n_out))
    else:
        y = rng.normal(size=(n_samples, n_out))
    return X, y


def torch_reference(model, X, y, l2, masks):
    """The same network with the same dropout masks and L2 term, differentiated by torch."""
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
              for W, b in model.params]
    a = torch.tensor(X)
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        if l < len(params) - 1:
            a = TORCH_HIDDEN[model.hidden_activation](z) * torch.tensor(masks[l])
    if model.output == "softmax":
        loss = F.cross_entropy(z, torch.tensor(y))
    elif model.output == "sigmoid":
        targets = torch.tensor(y, dtype=torch.float64).reshape(z.shape)
        loss = F.binary_cross_entropy_with_logits(z, targets, reduction="sum") / len(X)
    else:
        loss = ((z - torch.tensor(y)) ** 2).sum(dim=1).mean()
    loss = loss + l2 * sum((W ** 2).sum() for W, _ in params)
    loss.backward()
    return [(W.grad.numpy(), b.grad.numpy()) for W, b in params]


def masked_cost(model, X, Y, l2, masks):
    """J with fixed dropout masks, from the layers' forward rules (no backward pass)."""
    a = X
    for layer, mask in zip(model.layers[:-1], masks):
        a = training.Dropout(layer, mask).forward(a)
    model.layers[-1].forward(a)
    return model.head.loss(model.layers[-1].z, Y) + training.l2_penalty(
        (W for W, _ in model.params), l2)


@pytest.mark.parametrize("hidden", sorted(TORCH_HIDDEN))
@pytest.mark.parametrize("output, n_out", OUTPUT_CASES)
def test_dropout_and_l2_gradients_match_torch_and_finite_differences(output, n_out, hidden):
    X, y = make_problem(output, n_out)
    model = MLP([3, 6, 5, n_out], hidden_activation=hidden, output=output, random_state=4)
    for _, b in model.params:  # non-zero biases: a row that dropout zeroes is off ReLU's kink
        b += np.random.default_rng(1).normal(scale=0.3, size=b.shape)
    masks = training.dropout_masks(len(X), model.layer_sizes[1:-1], 0.5, random_state=0)
    Y = model._targets(y, len(X))
    grads = model._backprop(X, Y, 0.05, masks)  # the path each step of fit takes
    for (dW, db), (tW, tb) in zip(grads, torch_reference(model, X, y, 0.05, masks)):
        np.testing.assert_allclose(dW, tW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(db, tb, rtol=1e-9, atol=1e-12)
    for (W, b), (dW, db) in zip(model.params, grads):
        for theta, g in ((W, dW), (b, db)):
            def cost(value, theta=theta):
                kept = theta.copy()
                theta[...] = value
                try:
                    return masked_cost(model, X, Y, 0.05, masks)
                finally:
                    theta[...] = kept
            numeric = backprop.numerical_gradient(cost, theta)
            assert np.linalg.norm(g - numeric) <= 1e-6 * (np.linalg.norm(g) + 1e-8)


def test_one_step_of_fit_with_dropout_and_l2_follows_the_torch_gradient():
    """Full batch, plain SGD: fit draws the permutation, then the masks, from its generator."""
    X, y = make_problem("softmax", 4, n_samples=10)
    model = MLP([3, 6, 5, 4], hidden_activation="tanh", random_state=2)
    before = [(W.copy(), b.copy()) for W, b in model.params]
    rng = np.random.default_rng(7)
    order = rng.permutation(len(X))
    masks = training.dropout_masks(len(X), [6, 5], 0.3, rng)
    reference = torch_reference(model, X[order], y[order], 0.01, masks)
    model.fit(X, y, epochs=1, learning_rate=0.1, l2=0.01, dropout=0.3, random_state=7)
    for (W, b), (W0, b0), (tW, tb) in zip(model.params, before, reference):
        np.testing.assert_allclose(W, W0 - 0.1 * tW, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, b0 - 0.1 * tb, rtol=1e-12, atol=1e-14)


def test_dropout_masks_keep_each_unit_with_probability_one_minus_p():
    masks = training.dropout_masks(500, [200, 100], 0.2, random_state=1)
    assert [m.shape for m in masks] == [(500, 200), (500, 100)]
    assert all(set(np.unique(m)) == {0.0, 1.25} for m in masks)  # kept units scaled by 1/(1-p)
    kept = np.concatenate([(m > 0).ravel() for m in masks])
    assert kept.mean() == pytest.approx(0.8, abs=0.005)
    assert np.concatenate([m.ravel() for m in masks]).mean() == pytest.approx(1.0, abs=0.01)


def test_a_dropout_layer_is_its_layer_with_masked_output_and_error():
    model = MLP([3, 4, 2], hidden_activation="tanh", random_state=0)
    layer, mask = model.layers[0], np.array([[0.0, 2.0, 2.0, 0.0]])
    dropped = training.Dropout(layer, mask)
    a = dropped.forward(np.ones((1, 3)))
    np.testing.assert_array_equal(a, np.tanh(layer.z) * mask)
    assert dropped.W is layer.W and dropped.z is layer.z
    np.testing.assert_array_equal(dropped.error(np.ones((1, 4))), (1 - np.tanh(layer.z) ** 2) * mask)


def test_the_l2_term_and_its_gradient_match_torch():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    tensors = [torch.tensor(W, requires_grad=True) for W in weights]
    penalty = 0.3 * sum((T ** 2).sum() for T in tensors)
    penalty.backward()
    assert training.l2_penalty(weights, 0.3) == pytest.approx(penalty.item(), rel=1e-12)
    for W, T in zip(weights, tensors):
        np.testing.assert_allclose(training.l2_gradient(W, 0.3), T.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------ optimizers

def test_the_learning_rate_is_passed_to_step():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    opt = training.SGD()
    opt.step([theta], [grad], 0.2)
    np.testing.assert_allclose(theta, [0.9, -2.1])
    with pytest.raises(ValueError, match="learning_rate"):
        opt.step([theta], [grad])  # no rate of its own and none given
    own = training.SGD(0.1)
    own.step([theta], [grad])
    np.testing.assert_allclose(theta, [0.85, -2.15])
    assert own.learning_rate == 0.1


def test_fit_never_overwrites_a_passed_optimizers_rate():
    X, y = make_problem("softmax", 4, n_samples=20)
    adam = training.Adam(0.01)
    history = MLP([3, 4, 4], random_state=0).fit(X, y, epochs=4, learning_rate=0.01,
                                                 optimizer=adam, schedule="cosine")
    assert adam.learning_rate == 0.01 and history["learning_rate"][-1] < 0.01
    with pytest.raises(ValueError, match=r"learning_rate=0\.1 differs from the learning_rate="
                                         r"0\.01 the optimizer was built with"):
        MLP([3, 4, 4], random_state=0).fit(X, y, epochs=1, learning_rate=0.1, optimizer=adam)
    # an optimizer without a rate of its own trains at fit's rate, like one made by name
    runs = []
    for optimizer in (training.Adam(), "adam"):
        model = MLP([3, 4, 4], random_state=0)
        model.fit(X, y, epochs=3, learning_rate=0.05, optimizer=optimizer, random_state=0)
        runs.append(model.params)
    for (W1, b1), (W2, b2) in zip(*runs):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


@pytest.mark.parametrize("name, per_parameter", [("sgd", 0), ("momentum", 1), ("adam", 2)])
def test_each_optimizer_knows_its_state_size(name, per_parameter):
    opt = training.OPTIMIZERS[name]()
    assert opt.state_size == 0
    params = [np.zeros((3, 4)), np.zeros(4)]
    opt.step(params, [np.ones((3, 4)), np.ones(4)], 0.1)
    assert opt.state_size == per_parameter * 16


# ------------------------------------------------------------------------------ early stopping

def test_early_stopping_keeps_the_best_weights_and_stops_after_its_patience():
    stopper = training.EarlyStopping(patience=2)
    W = np.zeros((1, 1))
    decisions = []
    for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.6, 0.4]):
        W[...] = epoch
        decisions.append(stopper.should_stop(loss, epoch, [(W, np.zeros(1))]))
    assert decisions == [False, False, False, True, False]
    assert stopper.best_epoch == 4 and stopper.best_loss == 0.4
    assert stopper.best_params[0][0][0, 0] == 4 and stopper.best_params[0][0] is not W
    patient = training.EarlyStopping()  # no patience: finds the best epoch, never stops
    assert not any(patient.should_stop(loss, e, [(W, W)]) for e, loss in enumerate([3, 2, 5, 6]))
    assert patient.best_epoch == 1 and patient.best_params is None


# ------------------------------------------------------------------------------ the loop

def test_mlp_fit_is_a_wrapper_of_training_fit():
    X, y = make_problem("sigmoid", 1, n_samples=30)
    options = dict(epochs=5, learning_rate=0.05, batch_size=8, optimizer="momentum", l2=0.01,
                   dropout=0.2, validation_data=(X[:10], y[:10]), early_stopping=2,
                   random_state=3, schedule="step")
    a, b = (MLP([3, 5, 1], output="sigmoid", random_state=1) for _ in range(2))
    history_a = a.fit(X, y, **options)
    history_b = training.fit(b, X, y, **options)
    assert history_a == history_b and b.history_ is history_b
    for (W1, b1), (W2, b2) in zip(a.params, b.params):
        assert np.array_equal(W1, W2) and np.array_equal(b1, b2)


def test_old_import_paths_still_work():
    for name in ("SGD", "Momentum", "Adam", "OPTIMIZERS", "SCHEDULES", "learning_rate_at",
                 "identical_hidden_units", "jacobian_norms", "batch_norm", "validation_scores"):
        assert getattr(mlp, name) is getattr(training, name)
    for name in ("OUTPUTS", "cross_entropy", "binary_cross_entropy", "squared_error",
                 "gradient_check"):
        assert getattr(mlp, name) is getattr(backprop, name)


@pytest.mark.parametrize("call, error, name", [
    (lambda: training.dropout_masks(4, [3], 1.0), ValueError, "p must be < 1"),
    (lambda: training.dropout_masks(0, [3], 0.5), ValueError, "n_samples"),
    (lambda: training.SGD(-1.0), ValueError, "learning_rate"),
    (lambda: training.fit("model", [[0.0]], [0], 1, 0.1), TypeError, "model must be an MLP"),
])
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call()
