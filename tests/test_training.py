"""nnkit.training: dropout and L2 against torch and finite differences, optimizers given their
rate by the loop, early stopping, and the fit loop behind MLP.fit."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnkit import backprop, datasets, mlp, training
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
    Y = model.targets(y, len(X))
    grads = model.backprop_pass(X, Y, 0.05, masks)  # the path each step of fit takes
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


def test_chapter_6_and_backprop_names_have_one_import_path():
    """nnkit.mlp no longer re-exports what moved out: each name is imported from the module
    that defines and documents it."""
    for name in ("SGD", "Momentum", "Adam", "SCHEDULES", "learning_rate_at", "jacobian_norms",
                 "batch_norm", "validation_scores"):
        assert hasattr(training, name) and not hasattr(mlp, name), name
    for name in ("cross_entropy", "binary_cross_entropy", "squared_error", "gradient_check"):
        assert hasattr(backprop, name) and not hasattr(mlp, name), name


@pytest.mark.parametrize("call, error, name", [
    (lambda: training.dropout_masks(4, [3], 1.0), ValueError, "p must be < 1"),
    (lambda: training.dropout_masks(0, [3], 0.5), ValueError, "n_samples"),
    (lambda: training.SGD(-1.0), ValueError, "learning_rate"),
    (lambda: training.fit("model", [[0.0]], [0], 1, 0.1), TypeError, "model must be an MLP"),
])
def test_bad_arguments_are_named(call, error, name):
    with pytest.raises(error, match=name):
        call()


# ------------------------------------------------------------------------- gradient clipping

@pytest.mark.parametrize("max_norm", [0.5, 3.0, 1e3])
def test_clip_by_global_norm_matches_torch(max_norm):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 1))]
    clipped, norm = training.clip_by_global_norm(grads, max_norm)
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    torch_norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    assert norm == pytest.approx(float(torch_norm), rel=1e-12)
    for c, t in zip(clipped, tensors):  # torch divides by norm + 1e-6
        np.testing.assert_allclose(c, t.grad.numpy(), rtol=1e-6)
    total = np.sqrt(sum(np.sum(c ** 2) for c in clipped))
    assert total == pytest.approx(min(norm, max_norm), rel=1e-12)
    if norm <= max_norm:
        assert all(np.array_equal(c, g) for c, g in zip(clipped, grads))


def test_clip_by_global_norm_leaves_inputs_and_rejects_bad_max_norm():
    g = [np.full(4, 10.0)]
    clipped, norm = training.clip_by_global_norm(g, 1.0)
    assert norm == 20.0 and np.allclose(clipped[0], 0.5) and np.all(g[0] == 10.0)
    for bad in (0.0, -1.0):
        with pytest.raises(ValueError, match="max_norm"):
            training.clip_by_global_norm(g, bad)


def test_fit_with_clip_norm_takes_the_clipped_step():
    X, y = make_problem("softmax", 4)
    model = MLP([3, 5, 4], hidden_activation="tanh", random_state=0)
    before = [p.copy() for pair in model.params for p in pair]
    grads = [g for pair in model.backprop_pass(X, model.targets(y, len(X)), 0.0, None) for g in pair]
    clipped, norm = training.clip_by_global_norm(grads, 0.1)
    assert norm > 0.1  # the clip is active
    model.fit(X, y, epochs=1, learning_rate=0.5, clip_norm=0.1)
    after = [p for pair in model.params for p in pair]
    for b, a, c in zip(before, after, clipped):
        np.testing.assert_allclose(a, b - 0.5 * c, rtol=1e-12, atol=1e-15)
    for bad in (0.0, -2.0):
        with pytest.raises(ValueError, match="clip_norm"):
            MLP([3, 5, 4], random_state=0).fit(X, y, epochs=1, learning_rate=0.1, clip_norm=bad)


def exploding_regression(seed, clip_norm):
    """Chapter 6's exploding-gradient run: six ReLU layers with He weights scaled by 1.5."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.sin(2 * X[:, 0]) * X[:, 1]
    model = MLP([2] + [32] * 6 + [1], output="linear", random_state=seed)
    for W, _ in model.params:
        W *= 1.5
    start = np.linalg.norm(model.gradient_norms(X, y))
    try:
        loss = model.fit(X, y, epochs=60, learning_rate=0.01, batch_size=20,
                         random_state=seed, clip_norm=clip_norm)["loss"][-1]
    except ValueError as error:
        assert "diverged in epoch 0" in str(error)  # the chapter: "within the first epoch"
        loss = None
    return start, loss


def test_chapter6_clipping_cures_the_exploding_run():
    """The chapter's claim, per seed: without clipping training diverges, with it it learns."""
    for seed in range(3):
        start, plain = exploding_regression(seed, None)
        _, clipped = exploding_regression(seed, 1.0)
        assert start > 100 and plain is None
        assert clipped is not None and clipped < 0.2


# ------------------------------------------------------------------------ residual networks

@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_residual_mlp_gradients_match_torch(residual, activation):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3))
    y = rng.integers(0, 2, size=7)
    model = training.ResidualMLP(3, 5, 4, activation=activation, residual=residual,
                                 random_state=0)
    for b in model.params[1::2]:
        b += rng.normal(scale=0.1, size=b.shape)  # nonzero biases, to test their gradients
    params = [torch.tensor(p, requires_grad=True) for p in model.params]
    h = TORCH_HIDDEN[activation]
    a = torch.tensor(X) @ params[0] + params[1]
    for k in range(4):
        out = h(a @ params[2 + 2 * k] + params[3 + 2 * k])
        a = a + out if residual else out
    z = (a @ params[-2] + params[-1])[:, 0]
    loss = F.binary_cross_entropy_with_logits(z, torch.tensor(y, dtype=torch.float64))
    loss.backward()
    assert model.loss(X, y) == pytest.approx(loss.item(), rel=1e-12)
    for g, p in zip(model.gradients(X, y), params):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X), torch.sigmoid(z).detach().numpy(),
                               rtol=1e-12)


def test_residual_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="depth"):
        training.ResidualMLP(2, 4, 0)
    with pytest.raises(ValueError, match="activation"):
        training.ResidualMLP(2, 4, 3, activation="softmax")
    with pytest.raises(TypeError, match="residual"):
        training.ResidualMLP(2, 4, 3, residual="yes")
    model = training.ResidualMLP(2, 4, 3, random_state=0)
    with pytest.raises(ValueError, match="features"):
        model.loss(np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y must"):
        model.loss(np.zeros((5, 2)), np.full(5, 2.0))
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(np.zeros((5, 2)), np.zeros(5), epochs=1, learning_rate=0.1, batch_size=6)


def test_chapter6_residual_network_trains_where_the_plain_one_cannot():
    """The chapter's claim, per seed: 20 sigmoid blocks stay at the loss of guessing (ln 2)
    without skip connections and fit the spirals with them."""
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    for seed in range(3):
        runs = {}
        for residual in (False, True):
            model = training.ResidualMLP(2, 16, 20, residual=residual, random_state=seed)
            losses = model.fit(X, y, epochs=100, learning_rate=0.01, batch_size=20,
                               random_state=seed)
            runs[residual] = (losses[-1], model.score(X, y))
        assert runs[False][0] > 0.69 and runs[False][1] <= 0.55
        assert runs[True][0] < 0.15 and runs[True][1] >= 0.95


# ------------------------------------------------------------------------ batch normalisation

def test_batch_norm_layer_matches_torch_in_training_and_at_test_time():
    rng = np.random.default_rng(2)
    layer = training.BatchNorm(4, momentum=0.2)
    ref = torch.nn.BatchNorm1d(4, momentum=0.2, dtype=torch.float64)
    gamma, beta = rng.normal(size=4), rng.normal(size=4)
    layer.gamma[:], layer.beta[:] = gamma, beta
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(gamma))
        ref.bias.copy_(torch.tensor(beta))
    ref.train()
    for _ in range(3):  # the running averages after several batches
        Z = rng.normal(3.0, 2.0, size=(6, 4))
        G = rng.normal(size=(6, 4))
        Zt = torch.tensor(Z, requires_grad=True)
        ref.zero_grad()
        out_t = ref(Zt)
        (out_t * torch.tensor(G)).sum().backward()
        np.testing.assert_allclose(layer.forward(Z), out_t.detach().numpy(), rtol=1e-10)
        np.testing.assert_allclose(layer.backward(G), Zt.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(layer.grad_gamma, ref.weight.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(layer.grad_beta, ref.bias.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.running_mean, ref.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var, ref.running_var.numpy(), rtol=1e-12)
    ref.eval()
    Z = rng.normal(size=(1, 4))  # one sample: only possible with the running statistics
    Zt = torch.tensor(Z, requires_grad=True)
    ref(Zt).sum().backward()
    np.testing.assert_allclose(layer.forward(Z, training=False), ref(torch.tensor(Z))
                               .detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.backward(np.ones((1, 4))), Zt.grad.numpy(), rtol=1e-10)


def test_batch_norm_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    Z, G = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    layer = training.BatchNorm(3)
    layer.gamma[:] = [0.5, 2.0, -1.0]

    def J(Z):
        return float(np.sum(training.BatchNorm.forward(layer, Z) * G))

    layer.forward(Z)
    analytic = layer.backward(G)
    numeric = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[idx] = 1e-6
        numeric[idx] = (J(Z + step) - J(Z - step)) / 2e-6
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_batch_norm_layer_rejects_bad_input():
    layer = training.BatchNorm(3)
    with pytest.raises(ValueError, match="at least 2 samples"):
        layer.forward(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="Z must have 3 features"):
        layer.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="momentum"):
        training.BatchNorm(3, momentum=0.0)
    with pytest.raises(ValueError, match="forward pass first"):
        training.BatchNorm(3).backward(np.zeros((2, 3)))
    layer.forward(np.ones((4, 3)) * np.arange(4)[:, None])
    with pytest.raises(ValueError, match="grad_out has shape"):
        layer.backward(np.zeros((3, 3)))
    model = training.ResidualMLP(2, 4, 2, batch_norm=True, random_state=0)
    with pytest.raises(ValueError, match="batch_size=4"):
        model.fit(np.zeros((9, 2)), np.zeros(9), epochs=1, learning_rate=0.1, batch_size=4)


@pytest.mark.parametrize("residual", [False, True])
def test_residual_mlp_with_batch_norm_gradients_match_torch(residual):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(8, 2))
    y = rng.integers(0, 2, size=8)
    model = training.ResidualMLP(2, 5, 3, activation="tanh", residual=residual,
                                 batch_norm=True, random_state=0)
    for p in model.params:
        p += rng.normal(scale=0.1, size=p.shape)  # γ ≠ 1, β ≠ 0, nonzero biases
    params = [torch.tensor(p, requires_grad=True) for p in model.params]
    a = torch.tensor(X) @ params[0] + params[1]
    for k in range(3):
        z = a @ params[2 + 2 * k] + params[3 + 2 * k]
        z = F.batch_norm(z, None, None, params[10 + 2 * k], params[11 + 2 * k], training=True,
                         eps=1e-5)
        a = a + torch.tanh(z) if residual else torch.tanh(z)
    logits = (a @ params[8] + params[9])[:, 0]
    F.binary_cross_entropy_with_logits(logits, torch.tensor(y, dtype=torch.float64)).backward()
    for g, p in zip(model.gradients(X, y), params):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=1e-8, atol=1e-11)


def test_chapter6_batch_norm_trains_the_plain_stack_better_at_every_seed():
    """The chapter's claim: 10 plain sigmoid blocks reach a higher training accuracy (running
    statistics) with batch normalisation than without, seed by seed, and the test-time
    prediction of one sample alone equals its prediction within the whole set."""
    X, y = datasets.make_spirals(n_samples=200, n_turns=1.0, random_state=0)
    for seed in range(3):
        scores = {}
        for bn in (False, True):
            model = training.ResidualMLP(2, 16, 10, residual=False, batch_norm=bn,
                                         random_state=seed)
            model.fit(X, y, epochs=60, learning_rate=0.01, batch_size=20, random_state=seed)
            scores[bn] = model.score(X, y)
        assert scores[True] > scores[False] + 0.1
        assert scores[False] < 0.7 and scores[True] > 0.75
    alone = [model.predict_proba(X[i:i + 1])[0] for i in range(len(X))]
    assert np.allclose(alone, model.predict_proba(X), rtol=1e-12, atol=0)
