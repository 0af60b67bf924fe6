"""Neural networks as a family of models: choosing among architectures, and a map beyond MLPs.

Each architecture (layer sizes, activations, output) is one model of the family. This module
compares architectures on validation data, and gives the smallest runnable form of three
members of the family the book only sketches: a recurrent layer, an attention layer and an
autoencoder's bottleneck.

Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
"""
from collections import namedtuple

import numpy as np

from nnkit import activations
from nnkit._validation import as_float_array, as_int, as_labels, as_samples, check_choice
from nnkit.mlp import MLP

__all__ = ["Result", "compare_architectures", "best_by_validation", "rnn_forward", "attention",
           "bottleneck_error"]

#: One row of :func:`compare_architectures`.
Result = namedtuple("Result", "layer_sizes n_params train_accuracy val_accuracy")
Result.__doc__ = """One architecture: layer sizes, parameters, training and validation accuracy.

Its fields, in order:

layer_sizes : list of int
    Units per layer, inputs first (as ``MLP(layer_sizes)`` takes them).
n_params : int
    Weights and biases of the network.
train_accuracy : float
    Fraction of the training samples classified correctly after training.
val_accuracy : float
    Fraction of the validation samples classified correctly: the score to compare.

Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
"""


def compare_architectures(architectures, X_train, y_train, X_val, y_val, epochs=200,
                          learning_rate=0.01, hidden_activation="relu", random_state=0):
    """Train one MLP per architecture on the same data; score each on validation data.

    Parameters
    ----------
    architectures : sequence of sequence of int
        Layer sizes per model, input first, e.g. ``[[2, 2], [2, 16, 2]]``.
    X_train : array-like of shape (n_train, n_inputs)
    y_train : array-like of int of shape (n_train,)
    X_val : array-like of shape (n_val, n_inputs)
    y_val : array-like of int of shape (n_val,)
    epochs : int, default 200
        Full-batch Adam epochs per model.
    learning_rate : float, default 0.01
    hidden_activation : str, default "relu"
    random_state : int, default 0
        Seeds every model's initial weights alike.

    Returns
    -------
    list of Result
        ``(layer_sizes, n_params, train_accuracy, val_accuracy)``, in the given order.

    Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
    """
    if isinstance(architectures, (str, bytes)) or not hasattr(architectures, "__len__") \
            or len(architectures) == 0:
        raise TypeError("architectures must be a non-empty list of layer-size lists")
    X_train = as_samples(X_train, "X_train")
    y_train = as_labels(y_train, "y_train", n_samples=X_train.shape[0])
    X_val = as_samples(X_val, "X_val", n_features=X_train.shape[1])
    y_val = as_labels(y_val, "y_val", n_samples=X_val.shape[0])
    results = []
    for sizes in architectures:
        model = MLP(sizes, hidden_activation=hidden_activation, random_state=random_state)
        if model.layer_sizes[0] != X_train.shape[1]:
            raise ValueError(f"architecture {list(sizes)} takes {model.layer_sizes[0]} inputs;"
                             f" X_train has {X_train.shape[1]} features")
        model.fit(X_train, y_train, epochs=epochs, learning_rate=learning_rate,
                  optimizer="adam", random_state=random_state)
        results.append(Result(list(model.layer_sizes), model.n_params,
                              model.score(X_train, y_train), model.score(X_val, y_val)))
    return results


def best_by_validation(results):
    """The architecture with the highest validation accuracy (the smallest one on a tie).

    Parameters
    ----------
    results : list of Result
        As returned by :func:`compare_architectures`.

    Returns
    -------
    Result

    Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
    """
    if not results or not all(isinstance(r, Result) for r in results):
        raise TypeError("results must be the non-empty list compare_architectures returns")
    return max(results, key=lambda r: (r.val_accuracy, -r.n_params))


def rnn_forward(X, W_x, W_h, b, h0=None, activation="tanh"):
    """Run a recurrent layer over sequences: h_t = h(x_t W_x + h_(t−1) W_h + b).

    The same weights are used at every time step, as a convolution reuses one kernel at every
    position: the layer can read sequences of any length.

    Parameters
    ----------
    X : array-like of shape (n_sequences, n_steps, n_inputs)
    W_x : array-like of shape (n_inputs, n_hidden)
    W_h : array-like of shape (n_hidden, n_hidden)
    b : array-like of shape (n_hidden,)
    h0 : array-like of shape (n_sequences, n_hidden) or None
        Initial state (zeros when None).
    activation : str, default "tanh"
        A name in ``nnkit.activations.ACTIVATIONS`` (not softmax).

    Returns
    -------
    ndarray of shape (n_sequences, n_steps, n_hidden)
        The state after every step.

    Examples
    --------
    A one-unit linear RNN with W_x = W_h = 1 keeps a running sum:

    >>> rnn_forward([[[1.0], [2.0], [3.0]]], [[1.0]], [[1.0]], [0.0], activation="linear")[0, :, 0]
    array([1., 3., 6.])

    Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
    """
    X = as_float_array(X, "X", ndim=3)
    W_x = as_float_array(W_x, "W_x", ndim=2)
    W_h = as_float_array(W_h, "W_h", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    n_seq, _, n_in = X.shape
    n_hidden = W_h.shape[0]
    if W_x.shape != (n_in, n_hidden) or W_h.shape != (n_hidden, n_hidden) or b.shape != (n_hidden,):
        raise ValueError(f"with {n_in} inputs and {n_hidden} hidden units, W_x must be "
                         f"({n_in}, {n_hidden}), W_h ({n_hidden}, {n_hidden}) and b ({n_hidden},);"
                         f" got {W_x.shape}, {W_h.shape}, {b.shape}")
    h = np.zeros((n_seq, n_hidden)) if h0 is None else as_float_array(h0, "h0", ndim=2)
    if h.shape != (n_seq, n_hidden):
        raise ValueError(f"h0 must have shape ({n_seq}, {n_hidden}), got {h.shape}")
    name = check_choice(activation, "activation",
                        [a for a in activations.ACTIVATIONS if a != "softmax"])
    act = activations.get(name)
    states = []
    for x_t in np.moveaxis(X, 1, 0):
        h = act(x_t @ W_x + h @ W_h + b)
        states.append(h)
    return np.stack(states, axis=1)


def attention(Q, K, V):
    """Scaled dot-product attention, the core of a transformer: softmax(Q Kᵀ / √d) V.

    Each query takes a weighted average of the values; the weights say how well the query
    matches each key. Nothing depends on the order of the keys: permuting keys and values
    together leaves the output unchanged.

    Parameters
    ----------
    Q : array-like of shape (n_queries, d)
    K : array-like of shape (n_keys, d)
    V : array-like of shape (n_keys, d_v)

    Returns
    -------
    output : ndarray of shape (n_queries, d_v)
    weights : ndarray of shape (n_queries, n_keys)
        Each row sums to 1.

    Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
    """
    Q = as_float_array(Q, "Q", ndim=2)
    K = as_float_array(K, "K", ndim=2)
    V = as_float_array(V, "V", ndim=2)
    if K.shape[1] != Q.shape[1]:
        raise ValueError(f"Q and K must have the same width d, got {Q.shape} and {K.shape}")
    if V.shape[0] != K.shape[0]:
        raise ValueError(f"V needs one row per key ({K.shape[0]}), got shape {V.shape}")
    weights = activations.softmax(Q @ K.T / np.sqrt(Q.shape[1]))
    return weights @ V, weights


def bottleneck_error(X, n_components):
    """The smallest mean squared reconstruction error of any linear autoencoder of this width.

    A linear autoencoder squeezes each input through ``n_components`` numbers and expands it
    back. The best one spans the top principal components (Eckart–Young), so its error is the
    sum of the discarded variances: the reference a trained autoencoder approaches.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : int
        Width of the bottleneck, between 1 and n_features.

    Returns
    -------
    float
        Mean over samples and features of the squared error, on centred data.

    Taught in: chapter 10, "Neural networks as a family of models" (chapters/10-model-family).
    """
    X = as_samples(X, "X")
    k = as_int(n_components, "n_components", minimum=1, maximum=X.shape[1])
    centred = X - X.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    return float((singular[k:] ** 2).sum() / centred.size)
