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
