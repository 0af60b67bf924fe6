"""Chapter 10: choosing architectures by validation, and the small members of the family."""
import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from nnkit import architectures, datasets
from nnkit.mlp import MLP


@pytest.fixture(scope="module")
def spirals():
    X, y = datasets.make_spirals(400, noise=0.05, random_state=0)
    return X[:300], y[:300], X[300:], y[300:]


@pytest.fixture(scope="module")
def results(spirals):
    return architectures.compare_architectures([[2, 2], [2, 4, 2], [2, 32, 32, 2]], *spirals,
                                               epochs=300, learning_rate=0.02)


def test_a_linear_model_cannot_fit_spirals_but_a_deeper_network_can(results):
    linear, small, deep = results
    assert linear.n_params == 6 and linear.val_accuracy < 0.75
    assert deep.val_accuracy > 0.9
    assert architectures.best_by_validation(results) == deep


def test_best_by_validation_prefers_the_smaller_model_on_a_tie():
    a = architectures.Result([2, 2], 6, 1.0, 0.9)
    b = architectures.Result([2, 8, 2], 42, 1.0, 0.9)
    assert architectures.best_by_validation([b, a]) == a


def test_rnn_forward_matches_torch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 5, 4))
    rnn = torch.nn.RNN(4, 6, batch_first=True, nonlinearity="tanh").double()
    expected, _ = rnn(torch.from_numpy(X))
    W_x = rnn.weight_ih_l0.detach().numpy().T
    W_h = rnn.weight_hh_l0.detach().numpy().T
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    np.testing.assert_allclose(architectures.rnn_forward(X, W_x, W_h, b), expected.detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_rnn_reads_sequences_of_any_length_with_the_same_weights():
    W_x, W_h, b = np.eye(1), np.eye(1), np.zeros(1)
    for n in (1, 4, 9):
        sums = architectures.rnn_forward(np.ones((1, n, 1)), W_x, W_h, b, activation="linear")
        assert sums[0, :, 0].tolist() == list(range(1, n + 1))


def test_attention_matches_torch_and_ignores_the_order_of_keys():
    rng = np.random.default_rng(1)
    Q, K, V = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    out, weights = architectures.attention(Q, K, V)
    expected = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (Q, K, V)))
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-10)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    order = rng.permutation(5)
    np.testing.assert_allclose(architectures.attention(Q, K[order], V[order])[0], out)


def test_bottleneck_error_is_pca_reconstruction_error_and_a_trained_autoencoder_approaches_it():
    X, _ = datasets.load_digits()
    pca = PCA(8).fit(X)
    reconstruction = pca.inverse_transform(pca.transform(X))
    reference = architectures.bottleneck_error(X, 8)
    assert reference == pytest.approx(((X - reconstruction) ** 2).mean(), rel=1e-9)
    autoencoder = MLP([64, 8, 64], hidden_activation="linear", output="linear", random_state=0)
    autoencoder.fit(X, X, epochs=60, learning_rate=0.005, batch_size=32, optimizer="adam",
                    random_state=0)
    error = autoencoder.loss(X, X) / X.shape[1]
    assert reference <= error < 1.15 * reference
    assert architectures.bottleneck_error(X, 32) < reference < architectures.bottleneck_error(X, 2)


@pytest.mark.parametrize("call, message", [
    (lambda: architectures.compare_architectures([], [[0, 0]], [0], [[0, 0]], [0]), "architectures"),
    (lambda: architectures.compare_architectures([[3, 2]], [[0, 0]], [0], [[0, 0]], [0]), "takes 3 inputs"),
    (lambda: architectures.rnn_forward(np.ones((1, 2, 3)), np.ones((2, 2)), np.eye(2), np.zeros(2)), "W_x must be"),
    (lambda: architectures.rnn_forward(np.ones((1, 2, 1)), [[1.0]], [[1.0]], [0.0], activation="softmax"), "activation"),
    (lambda: architectures.attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 1))), "same width"),
    (lambda: architectures.bottleneck_error(np.ones((4, 3)), 4), "n_components"),
    (lambda: architectures.best_by_validation([]), "results"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


# --- chapter 10's claims over seeds: the numbers its prose states --------------------------

@pytest.mark.slow
def test_chapter_architecture_comparison_over_seeds_0_to_4():
    """Five seeds, each with new spirals and new weights: the linear model stays near 62%,
    [2, 32, 32, 2] wins every seed, and the largest network is never ahead of it."""
    candidates = [[2, 2], [2, 4, 2], [2, 16, 2], [2, 32, 32, 2], [2, 128, 128, 2]]
    val = np.empty((5, len(candidates)))
    for seed in range(5):
        X, y = datasets.make_spirals(400, noise=0.05, random_state=seed)
        for k, sizes in enumerate(candidates):
            model = MLP(sizes, random_state=seed)
            model.fit(X[:300], y[:300], epochs=300, learning_rate=0.02, optimizer="adam",
                      random_state=seed)
            val[seed, k] = model.score(X[300:], y[300:])
    mean, sd = val.mean(axis=0), val.std(axis=0)
    assert (round(mean[0], 2), round(sd[0], 2)) == (0.62, 0.04)
    assert (round(mean[3], 3), round(sd[3], 3)) == (0.968, 0.016)
    assert (round(mean[4], 3), round(sd[4], 3)) == (0.966, 0.014)
    assert (round(val[:, 1].min(), 2), round(val[:, 1].max(), 2)) == (0.58, 0.82)
    assert np.sum(val[:, 1] < val[:, 0]) == 2  # [2, 4, 2] below the linear model twice
    assert np.all(val[:, 3] >= val.max(axis=1))  # [2, 32, 32, 2] best (or tied) at every seed
    assert np.all(val[:, 3] > val[:, :3].max(axis=1))  # ... and ahead of every smaller one
    assert np.sum(val[:, 4] > val[:, 3]) == 0  # the largest never ahead
    assert np.all(val[:, 0] < 0.7)  # the linear model fails at every seed
    assert MLP(candidates[4]).n_params == 17_154 and MLP(candidates[3]).n_params == 1_218


@pytest.mark.slow
def test_chapter_memoriser_learns_coin_flips_over_seeds_0_to_2():
    X_small, _ = datasets.make_spirals(60, random_state=1)
    X_new, _ = datasets.make_spirals(400, random_state=2)
    train, new = [], []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        flips, new_flips = rng.integers(0, 2, size=60), rng.integers(0, 2, size=400)
        model = MLP([2, 256, 256, 2], random_state=seed)
        model.fit(X_small, flips, epochs=1500, learning_rate=0.005, optimizer="adam",
                  random_state=seed)
        train.append(np.mean(model.predict(X_small) == flips))
        new.append(np.mean(model.predict(X_new) == new_flips))
    assert (round(min(train), 3), round(max(train), 3)) == (0.983, 1.0)
    assert (round(min(new), 3), round(max(new), 3)) == (0.475, 0.502)
    assert model.n_params == 67_074
    assert min(train) - max(new) > 0.4


@pytest.mark.slow
def test_chapter_linear_autoencoder_over_seeds_0_to_4_nearly_reaches_pca():
    X, _ = datasets.load_digits()
    pca = PCA(8).fit(X)
    best = ((X - pca.inverse_transform(pca.transform(X))) ** 2).mean()  # reference: scikit-learn
    ratios = []
    for seed in range(5):
        autoencoder = MLP([64, 8, 64], hidden_activation="linear", output="linear",
                          random_state=seed)
        autoencoder.fit(X, X, epochs=60, learning_rate=0.005, batch_size=32, optimizer="adam",
                        random_state=seed)
        ratios.append(((autoencoder.forward(X) - X) ** 2).mean() / best)
    assert (round(min(ratios), 2), round(max(ratios), 2)) == (1.01, 1.02)
    assert min(ratios) >= 1
