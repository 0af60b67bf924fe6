"""Training, opened up: costs, gradient descent, and backpropagation one step at a time.

:class:`nnkit.mlp.MLP` computes its gradients in a few lines of matrix code. This module
spells out the same mathematics for the reader of chapter 5:

- the three costs on predictions (squared error, binary and multiclass cross-entropy);
- gradient descent θ ← θ − η ∇J on any differentiable function;
- the worked derivations, as plain functions: a linear neuron with the mean squared error, a
  sigmoid neuron with the squared error, and a network with two hidden units, each
  differentiated by hand with the chain rule;
- backpropagation through an :class:`~nnkit.mlp.MLP` that keeps every intermediate quantity
  (weighted inputs z, activations a, error signals δ, gradients), and the same chain rule as a
  product of Jacobians;
- what a gradient costs (Baur–Strassen) and how many updates an epoch makes.

Notation as in :mod:`nnkit.mlp`: rows are samples, layer l computes z^[l] = a^[l−1] W^[l] + b^[l]
and a^[l] = h(z^[l]), with a^[0] = X.

Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""
import math
from collections import namedtuple

import numpy as np

from nnkit import activations
from nnkit._validation import (
    as_float,
    as_float_array,
    as_int,
    as_labels,
    as_rng,
    as_samples,
)
from nnkit.mlp import MLP, OUTPUTS

# ---------------------------------------------------------------------------------- costs


def _predictions(y_hat, y, name_hat="y_hat"):
    y_hat = as_float_array(y_hat, name_hat, ndim=(1, 2))
    if np.shape(y) != y_hat.shape:
        raise ValueError(f"y must have the shape of {name_hat} {y_hat.shape}, "
                         f"got {np.shape(y)}")
    return y_hat


def squared_error_cost(y_hat, y):
    """The mean squared error (1/N) Σ_i (ŷ_i − y_i)², the cost for regression.

    Parameters
    ----------
    y_hat : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    y : array-like of the same shape
        Targets.

    Returns
    -------
    float
        For several outputs, the squared errors are summed over the outputs, then averaged
        over the samples (as :func:`nnkit.mlp.squared_error` does).

    Examples
    --------
    >>> squared_error_cost([1.0, 2.0], [0.0, 4.0])
    2.5

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    y_hat = _predictions(y_hat, y)
    y = as_float_array(y, "y", ndim=y_hat.ndim)
    err = (y_hat - y) ** 2
    return float(err.reshape(len(err), -1).sum(axis=1).mean())


def binary_cross_entropy_cost(y_hat, y):
    """Binary cross-entropy −(1/N) Σ_i [y_i ln ŷ_i + (1 − y_i) ln(1 − ŷ_i)].

    The negative log-likelihood of 0/1 labels when the model says P(y = 1) = ŷ. Only the term
    of the true label counts, so ŷ = 1 for a label 1 costs exactly 0 (no 0 · ln 0 = NaN).

    Parameters
    ----------
    y_hat : array-like of shape (n_samples,)
        Predicted probabilities of class 1, in [0, 1].
    y : array-like of int of shape (n_samples,)
        True labels, 0 or 1.

    Returns
    -------
    float
        Infinite if a sample gets probability 0 for its true label.

    Examples
    --------
    >>> round(binary_cross_entropy_cost([0.9, 0.2], [1, 0]), 4)
    0.1643

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    y_hat = as_float_array(y_hat, "y_hat", ndim=1)
    y = as_labels(y, "y", n_samples=len(y_hat), n_classes=2, samples_name="y_hat")
    if y_hat.min() < 0 or y_hat.max() > 1:
        raise ValueError("y_hat must hold probabilities in [0, 1]")
    p_true = np.where(y == 1, y_hat, 1.0 - y_hat)
    with np.errstate(divide="ignore"):
        return float(-np.log(p_true).mean())


def cross_entropy_cost(P, y):
    """Multiclass cross-entropy −(1/N) Σ_i ln p̂_i(true class): the negative log-likelihood.

    Parameters
    ----------
    P : array-like of shape (n_samples, K)
        Predicted class probabilities (each row sums to 1), e.g. a softmax output.
    y : array-like of int of shape (n_samples,)
        True classes 0..K−1.

    Returns
    -------
    float

    Examples
    --------
    >>> round(cross_entropy_cost([[0.7, 0.2, 0.1]], [0]), 4)  # −ln 0.7
    0.3567

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    P = as_float_array(P, "P", ndim=2)
    y = as_labels(y, "y", n_samples=len(P), n_classes=P.shape[1], samples_name="P")
    if P.min() < 0 or not np.allclose(P.sum(axis=1), 1.0):
        raise ValueError("P must hold probabilities: non-negative rows that sum to 1")
    with np.errstate(divide="ignore"):
        return float(-np.log(P[np.arange(len(y)), y]).mean())


# ---------------------------------------------------------------------------------- descent


def gradient_descent(gradient, theta0, learning_rate, n_steps):
    """Run θ ← θ − η ∇J(θ) for ``n_steps`` steps and return every θ visited.

    Parameters
    ----------
    gradient : callable
        ``gradient(theta)`` returns ∇J(θ), an array of the shape of ``theta0``.
    theta0 : array-like of shape (n_params,)
        Starting point.
    learning_rate : float
        The step size η > 0.
    n_steps : int
        Number of updates (≥ 0).

    Returns
    -------
    ndarray of shape (n_steps + 1, n_params)
        Row t is θ after t steps (row 0 is ``theta0``). A learning rate that is too large
        makes the rows grow without bound.

    Examples
    --------
    >>> gradient_descent(lambda t: 2 * t, [1.0], learning_rate=0.25, n_steps=3)[:, 0]
    array([1.   , 0.5  , 0.25 , 0.125])

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not callable(gradient):
        raise TypeError(f"gradient must be a function of theta, got {type(gradient).__name__}")
    theta = as_float_array(theta0, "theta0", ndim=1)
    eta = as_float(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    path = [theta]
    for _ in range(as_int(n_steps, "n_steps", minimum=0)):
        theta = theta - eta * np.asarray(gradient(theta), dtype=np.float64)
        path.append(theta)
    return np.array(path)


def numerical_gradient(f, theta, eps=1e-6):
    """The gradient of a scalar function by central finite differences.

    Entry i is (f(θ + ε e_i) − f(θ − ε e_i)) / 2ε: two evaluations of f per parameter, so
    it is slow, but it needs no calculus, which makes it the referee for backpropagation.

    Parameters
    ----------
    f : callable
        ``f(theta)`` returns a float.
    theta : array-like of any shape
        Where to differentiate (not changed).
    eps : float, default 1e-6
        The step ε > 0.

    Returns
    -------
    ndarray of the shape of ``theta``

    Examples
    --------
    >>> numerical_gradient(lambda t: float(t[0] ** 2 + 3 * t[1]), [2.0, 0.0]).round(6)
    array([4., 3.])

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not callable(f):
        raise TypeError(f"f must be a function of theta, got {type(f).__name__}")
    theta = as_float_array(theta, "theta")
    eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[i] = eps
        grad[i] = (float(f(theta + step)) - float(f(theta - step))) / (2 * eps)
    return grad


# ---------------------------------------------------------------------------------- neurons


def _neuron_args(w, b, X, ndim):
    w = as_float_array(w, "w", ndim=1)
    b = as_float(b, "b")
    if ndim == 2:
        X = as_samples(X, "X", n_features=len(w))
    else:
        X = as_float_array(X, "x", ndim=1)
        if len(X) != len(w):
            raise ValueError(f"x must have {len(w)} entries like w, got {len(X)}")
    return w, b, X


def linear_neuron_loss(w, b, X, y):
    """Mean squared error of a linear neuron ŷ = Xw + b: L = (1/N) Σ_i (ŷ_i − y_i)².

    Parameters
    ----------
    w : array-like of shape (n_features,)
    b : float
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, X = _neuron_args(w, b, X, ndim=2)
    return squared_error_cost(X @ w + b, as_float_array(y, "y", ndim=1))


def linear_neuron_gradient(w, b, X, y):
    """The gradient of :func:`linear_neuron_loss`, derived by hand.

    ∂L/∂w_j = (1/N) Σ_i 2 (ŷ_i − y_i) x_ij and ∂L/∂b = (1/N) Σ_i 2 (ŷ_i − y_i).

    Parameters
    ----------
    w, b, X, y
        As in :func:`linear_neuron_loss`.

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, X = _neuron_args(w, b, X, ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"y must have {len(X)} targets, one per row of X, got {len(y)}")
    error = X @ w + b - y  # ŷ_i − y_i
    return 2.0 * X.T @ error / len(y), float(2.0 * error.mean())


def sigmoid_neuron_loss(w, b, x, y):
    """Squared error of one sigmoid neuron on one sample: L = (y − σ(z))², z = wᵀx + b.

    Parameters
    ----------
    w : array-like of shape (n_features,)
    b : float
    x : array-like of shape (n_features,)
    y : float
        The target.

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, x = _neuron_args(w, b, x, ndim=1)
    y_hat = float(activations.sigmoid(x @ w + b))
    return (as_float(y, "y") - y_hat) ** 2


def sigmoid_neuron_gradient(w, b, x, y):
    """The gradient of :func:`sigmoid_neuron_loss` by the chain rule.

    ∂L/∂w_j = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w_j = −2 (y − ŷ) · σ(z)(1 − σ(z)) · x_j, and the same
    without the factor x_j for the bias.

    Parameters
    ----------
    w, b, x, y
        As in :func:`sigmoid_neuron_loss`.

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, x = _neuron_args(w, b, x, ndim=1)
    s = float(activations.sigmoid(x @ w + b))  # σ(z) = ŷ
    dz = -2.0 * (as_float(y, "y") - s) * s * (1.0 - s)  # ∂L/∂z
    return dz * x, dz


# ---------------------------------------------------------------------------------- two units

TWO_UNIT_KEYS = ("W", "b", "v", "c")


def _two_unit_params(params, n_inputs=None):
    if not isinstance(params, dict) or set(params) != set(TWO_UNIT_KEYS):
        raise TypeError(f"params must be a dict with the keys {TWO_UNIT_KEYS}")
    W = as_float_array(params["W"], "params['W']", ndim=2)
    if W.shape[1] != 2 or (n_inputs is not None and W.shape[0] != n_inputs):
        raise ValueError(f"params['W'] must have shape ({n_inputs or 'n_inputs'}, 2), "
                         f"got {W.shape}")
    b = as_float_array(params["b"], "params['b']", ndim=1)
    v = as_float_array(params["v"], "params['v']", ndim=1)
    if b.shape != (2,) or v.shape != (2,):
        raise ValueError("params['b'] and params['v'] must have shape (2,)")
    return W, b, v, as_float(params["c"], "params['c']")


def two_unit_forward(params, x):
    """Forward pass of a network with two sigmoid hidden units and one linear output.

    z_q = Σ_j W_jq x_j + b_q and h_q = σ(z_q) for q = 0, 1; then ŷ = v_0 h_0 + v_1 h_1 + c.

    Parameters
    ----------
    params : dict
        ``W`` of shape (n_inputs, 2), ``b`` of shape (2,), ``v`` of shape (2,), ``c`` float.
    x : array-like of shape (n_inputs,)
        One sample.

    Returns
    -------
    dict
        ``z`` and ``h`` (arrays of shape (2,)) and ``y_hat`` (float).

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    x = as_float_array(x, "x", ndim=1)
    W, b, v, c = _two_unit_params(params, len(x))
    z = np.array([x @ W[:, 0] + b[0], x @ W[:, 1] + b[1]])
    h = activations.sigmoid(z)
    return {"z": z, "h": h, "y_hat": float(v[0] * h[0] + v[1] * h[1] + c)}


def two_unit_loss(params, x, y):
    """Squared error L = (ŷ − y)² of :func:`two_unit_forward` on one sample.

    Parameters
    ----------
    params, x
        As in :func:`two_unit_forward`.
    y : float
        The target.

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    return (two_unit_forward(params, x)["y_hat"] - as_float(y, "y")) ** 2


def two_unit_gradient(params, x, y):
    """The gradient of :func:`two_unit_loss`, one chain rule per parameter, written out.

    With e = ∂L/∂ŷ = 2(ŷ − y):

    - ∂L/∂c = e and ∂L/∂v_q = e · h_q (the output unit is linear);
    - ∂L/∂b_q = e · v_q · σ(z_q)(1 − σ(z_q)), going back through hidden unit q;
    - ∂L/∂W_jq = e · v_q · σ(z_q)(1 − σ(z_q)) · x_j.

    The factor e · v_q · σ'(z_q) is shared by every parameter of hidden unit q: it is that
    unit's error signal δ_q, which backpropagation computes once and reuses.

    Parameters
    ----------
    params, x, y
        As in :func:`two_unit_loss`.

    Returns
    -------
    dict
        The partial derivatives, with the keys and shapes of ``params``.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    x = as_float_array(x, "x", ndim=1)
    W, b, v, c = _two_unit_params(params, len(x))
    fwd = two_unit_forward(params, x)
    h = fwd["h"]
    e = 2.0 * (fwd["y_hat"] - as_float(y, "y"))  # ∂L/∂ŷ
    grads = {"W": np.zeros_like(W), "b": np.zeros(2), "v": np.zeros(2), "c": e}
    for q in (0, 1):
        grads["v"][q] = e * h[q]  # ŷ = … + v_q h_q + …
        delta_q = e * v[q] * h[q] * (1.0 - h[q])  # ∂L/∂z_q
        grads["b"][q] = delta_q
        for j in range(len(x)):
            grads["W"][j, q] = delta_q * x[j]
    return grads


# ---------------------------------------------------------------------------------- backprop

BackpropTrace = namedtuple("BackpropTrace", "z a delta dW db loss")
BackpropTrace.__doc__ = """Every quantity of one forward and backward pass (lists indexed by layer).

``z[l]`` and ``a[l]`` for l = 1..L are the weighted inputs and outputs of layer l (``z[0]`` is
None and ``a[0]`` is X); ``delta[l]`` = ∂J/∂z^[l] (``delta[0]`` is None); ``dW[l]`` and
``db[l]`` the gradients of layer l's weights and biases (index 0 is None); ``loss`` the cost J.

Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""


def _targets(model, y, n_samples):
    """The target matrix of shape (n_samples, n_outputs) for the model's output layer."""
    if model.output == "softmax":
        return np.eye(model.layer_sizes[-1])[as_labels(y, "y", n_samples,
                                                       n_classes=model.layer_sizes[-1])]
    Y = as_float_array(y, "y", ndim=(1, 2))
    Y = Y[:, None] if Y.ndim == 1 else Y
    if Y.shape != (n_samples, model.layer_sizes[-1]):
        raise ValueError(f"y must have shape ({n_samples},) or "
                         f"({n_samples}, {model.layer_sizes[-1]}), got {np.shape(y)}")
    return Y


def layer_backward(delta, a_prev, W, dh_prev=None):
    """The backward pass of one dense layer z = a_prev W + b.

    Parameters
    ----------
    delta : ndarray of shape (n_samples, n_out)
        The error signal ∂J/∂z of this layer.
    a_prev : ndarray of shape (n_samples, n_in)
        The layer's input (the previous layer's output).
    W : ndarray of shape (n_in, n_out)
        The layer's weights.
    dh_prev : ndarray of shape (n_samples, n_in) or None
        h'(z) of the previous layer, to continue the chain; None for the first layer.

    Returns
    -------
    dW : ndarray of shape (n_in, n_out)
        ∂J/∂W = a_prevᵀ δ: entry (v, q) sums δ_q x_v over the samples.
    db : ndarray of shape (n_out,)
        ∂J/∂b: δ summed over the samples.
    delta_prev : ndarray of shape (n_samples, n_in) or None
        The previous layer's error signal (δ Wᵀ) ⊙ h'(z_prev), or None if ``dh_prev`` is None.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    delta = as_float_array(delta, "delta", ndim=2)
    a_prev = as_float_array(a_prev, "a_prev", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    if W.shape != (a_prev.shape[1], delta.shape[1]) or len(a_prev) != len(delta):
        raise ValueError(f"shapes do not chain: a_prev {a_prev.shape}, W {W.shape}, "
                         f"delta {delta.shape}")
    delta_prev = None
    if dh_prev is not None:
        dh_prev = as_float_array(dh_prev, "dh_prev", ndim=2)
        if dh_prev.shape != a_prev.shape:
            raise ValueError(f"dh_prev must have shape {a_prev.shape}, got {dh_prev.shape}")
        delta_prev = (delta @ W.T) * dh_prev
    return a_prev.T @ delta, delta.sum(axis=0), delta_prev


def backprop_trace(model, X, y):
    """Backpropagation through ``model``, step by step, keeping every intermediate quantity.

    1. Forward pass: z^[l] = a^[l−1] W^[l] + b^[l] and a^[l] = h(z^[l]), stored for l = 1..L.
    2. Output error: δ^[L] = ∂J/∂z^[L] = (ŷ − y)/N for softmax or sigmoid outputs with
       cross-entropy, 2(ŷ − y)/N for a linear output with squared error.
    3. Backward pass: δ^[l] = (δ^[l+1] W^[l+1]ᵀ) ⊙ h'(z^[l]), down to l = 1.
    4. Gradients: ∂J/∂W^[l] = a^[l−1]ᵀ δ^[l] and ∂J/∂b^[l] = Σ_samples δ^[l].

    The result equals :meth:`nnkit.mlp.MLP.gradients` (without the l2 penalty).

    Parameters
    ----------
    model : MLP
    X : array-like of shape (n_samples, n_inputs)
        One sample per row: one row for a single example, many for a mini-batch.
    y : array-like
        Targets as for :meth:`nnkit.mlp.MLP.loss`.

    Returns
    -------
    BackpropTrace
        Lists ``z``, ``a``, ``delta``, ``dW``, ``db`` indexed by layer, and ``loss``.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    X = as_samples(X, "X", n_features=model.layer_sizes[0])
    Y = _targets(model, y, len(X))
    model._loss(X, Y, 0.0, name="X")  # an overflow in the forward pass or the loss, and
    model._backprop(X, Y, 0.0, name="X")  # in the gradients, raises an error naming X
    h = activations.get(model.hidden_activation)
    dh = activations.derivative(model.hidden_activation)
    out = OUTPUTS[model.output]
    L = len(model.params)
    z, a = [None], [X]
    for l, (W, b) in enumerate(model.params, start=1):
        z.append(a[-1] @ W + b)
        a.append(out.activation(z[-1]) if l == L else h(z[-1]))
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    delta[L] = out.error(a[L], Y) / len(X)
    for l in range(L, 0, -1):
        dh_prev = dh(z[l - 1]) if l > 1 else None
        dW[l], db[l], delta[l - 1] = layer_backward(delta[l], a[l - 1], model.params[l - 1][0],
                                                    dh_prev)
    delta[0] = None
    return BackpropTrace(z, a, delta, dW, db, out.loss(z[L], Y))


def layer_jacobians(model, x):
    """The Jacobian of every layer's map for one sample, for the chain rule as matrix products.

    For a hidden layer, a^[l] = h(z^[l]) with z^[l] = a^[l−1] W^[l] + b^[l], so
    ∂a^[l]/∂a^[l−1] = diag(h'(z^[l])) W^[l]ᵀ. For the output layer the map is taken up to its
    weighted input: ∂z^[L]/∂a^[L−1] = W^[L]ᵀ. The gradient of the cost with respect to the
    input is then the row vector δ^[L] times these Jacobians, last layer first: a chain of
    vector–Jacobian products, which is what backpropagation evaluates.

    Parameters
    ----------
    model : MLP
    x : array-like of shape (n_inputs,)
        One sample.

    Returns
    -------
    list of ndarray
        One per layer, l = 1..L, of shape (n_l, n_(l−1)).

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    a = as_float_array(x, "x", ndim=1)
    if len(a) != model.layer_sizes[0]:
        raise ValueError(f"x must have {model.layer_sizes[0]} entries, got {len(a)}")
    model._forward(a[None, :], name="x")  # an overflow raises an error naming x
    h = activations.get(model.hidden_activation)
    dh = activations.derivative(model.hidden_activation)
    jacobians = []
    for l, (W, b) in enumerate(model.params, start=1):
        z = a @ W + b
        if l == len(model.params):
            jacobians.append(W.T.copy())
        else:
            jacobians.append(dh(z)[:, None] * W.T)
            a = h(z)
    return jacobians


# ---------------------------------------------------------------------------------- budgets


def operation_counts(layer_sizes, n_samples=1):
    """Multiply–adds in the matrix products of the loss and of its gradient (Baur–Strassen).

    The forward pass multiplies a^[l−1] (N × n_(l−1)) by W^[l]: N · n_(l−1) · n_l per layer,
    M in total. Backpropagation does two products of the same size per layer, aᵀδ for ∂J/∂W
    and δ Wᵀ for the previous δ, except that the first layer needs no δ for the input. So the
    gradient (forward plus backward pass) costs less than 3M: a small constant times the
    function, however many parameters there are. The elementwise work (activations, h') is
    of lower order and left out.

    Parameters
    ----------
    layer_sizes : sequence of int
        As for :class:`~nnkit.mlp.MLP`, inputs first.
    n_samples : int, default 1
        Rows in the mini-batch.

    Returns
    -------
    dict
        ``forward`` (M), ``backward``, ``gradient`` (forward + backward) and ``ratio``
        (gradient / forward).

    Examples
    --------
    >>> counts = operation_counts([784, 200, 10])
    >>> counts["forward"], counts["backward"], round(counts["ratio"], 3)
    (158800, 160800, 2.013)

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__") \
            or len(layer_sizes) < 2:
        raise ValueError("layer_sizes must list at least the inputs and the outputs")
    sizes = [as_int(n, f"layer_sizes[{i}]", minimum=1) for i, n in enumerate(layer_sizes)]
    n = as_int(n_samples, "n_samples", minimum=1)
    per_layer = [n * n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    forward = sum(per_layer)
    backward = 2 * forward - per_layer[0]
    return {"forward": forward, "backward": backward, "gradient": forward + backward,
            "ratio": (forward + backward) / forward}


def updates_per_epoch(n_samples, batch_size=None):
    """How many parameter updates one pass over the data makes.

    Full-batch gradient descent (``batch_size`` None or N) makes 1; stochastic gradient
    descent (``batch_size`` 1) makes N; mini-batches of B samples make ⌈N / B⌉ (the last
    batch may be smaller).

    Parameters
    ----------
    n_samples : int
        N, the number of training samples.
    batch_size : int or None, default None
        B, between 1 and N; None for the full batch.

    Returns
    -------
    int

    Examples
    --------
    >>> updates_per_epoch(60000, 32)
    1875

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    n = as_int(n_samples, "n_samples", minimum=1)
    if batch_size is None:
        return 1
    return math.ceil(n / as_int(batch_size, "batch_size", minimum=1, maximum=n))


def train_validation_split(X, y, n_validation, random_state=None):
    """Shuffle the samples and hold out ``n_validation`` of them for validation.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    n_validation : int
        Samples to hold out, between 1 and n_samples − 1.
    random_state : int, numpy.random.Generator or None
        Seeds the shuffle: the same seed gives the same split.

    Returns
    -------
    X_train, X_val, y_train, y_val : ndarray
        (n_samples − n_validation) and n_validation rows.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    X = as_samples(X, "X")
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(f"y must have {len(X)} entries, one per row of X, got shape {y.shape}")
    n_val = as_int(n_validation, "n_validation", minimum=1, maximum=len(X) - 1)
    order = as_rng(random_state).permutation(len(X))
    val, train = order[:n_val], order[n_val:]
    return X[train], X[val], y[train], y[val]


def minibatch_gradient_noise(model, X, y, batch_size, n_batches=50, random_state=None):
    """How far mini-batch gradients stray from the full-batch gradient.

    Draws ``n_batches`` mini-batches of ``batch_size`` samples (without replacement within a
    batch), computes each one's gradient with :meth:`nnkit.mlp.MLP.gradients` and compares it
    with the gradient on all of ``X``. The spread shrinks roughly like 1/√B: small batches give
    noisy, cheap steps; large ones accurate, expensive steps.

    Parameters
    ----------
    model : MLP
    X : array-like of shape (n_samples, n_inputs)
    y : array-like
        Targets as for :meth:`nnkit.mlp.MLP.loss`.
    batch_size : int
        B, between 1 and n_samples.
    n_batches : int, default 50
        Mini-batches to draw.
    random_state : int, numpy.random.Generator or None
        Seeds the draws.

    Returns
    -------
    float
        The root-mean-square of ‖g_B − g‖ / ‖g‖ over the draws, where g_B is a mini-batch
        gradient and g the full one (all parameters flattened into one vector).

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    X = as_samples(X, "X", n_features=model.layer_sizes[0])
    y = np.asarray(y)
    B = as_int(batch_size, "batch_size", minimum=1, maximum=len(X))
    rng = as_rng(random_state)

    def flat(grads):
        return np.concatenate([g.ravel() for pair in grads for g in pair])

    full = flat(model.gradients(X, y))
    spread = []
    for _ in range(as_int(n_batches, "n_batches", minimum=1)):
        idx = rng.choice(len(X), size=B, replace=False)
        spread.append(np.sum((flat(model.gradients(X[idx], y[idx])) - full) ** 2))
    return float(np.sqrt(np.mean(spread)) / np.linalg.norm(full))
