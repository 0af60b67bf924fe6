"""Training: costs, gradient descent and backpropagation, the one backward pass of nnkit.

- The costs, in one convention: the loss of a sample is summed over the outputs, and the
  cost J is its mean over the samples. ``OUTPUTS`` is the output/loss table an
  :class:`~nnkit.mlp.MLP` ends with: for each output layer its activation, its cost computed
  stably from the weighted inputs z^L, and its error signal δ^L = ∂J/∂z^L; the same costs on
  predictions (``squared_error_cost`` and the two cross-entropies) are what chapter 5 computes
  by hand. ``targets`` turns the caller's y into the target matrix, with errors naming y.
- :func:`backward`, the backward loop: given δ^L it calls each layer's backward rule
  (:class:`nnkit.layers.Dense`), from l = L down to 1. :class:`~nnkit.mlp.MLP` trains with it,
  and :func:`backprop_trace` shows the lists of that same pass.
- Gradient descent θ ← θ − η ∇J on any differentiable function, the numerical gradient by
  central differences, and the gradient check of a network against it.
- The worked derivations, as plain functions: a linear neuron with the mean squared error, a
  sigmoid neuron with the squared error, and a network with two hidden units, each
  differentiated by hand with the chain rule; the same chain rule as a product of Jacobians.
- What a gradient costs (Baur–Strassen) and how many updates an epoch makes.

Notation as in the book: rows are samples, layer l = 1, …, L computes
z^l = a^(l−1) W^l + b^l and a^l = h(z^l), with a^0 = X.

Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""
import math
from collections import namedtuple

import numpy as np

from nnkit import activations
from nnkit._validation import (
    as_array,
    as_float,
    as_float_array,
    as_int,
    as_labels,
    as_rng,
    as_samples,
    check_choice,
)

__all__ = ["OUTPUTS", "BackpropTrace", "squared_error_cost", "binary_cross_entropy_cost",
           "cross_entropy_cost", "cross_entropy", "binary_cross_entropy", "squared_error",
           "targets", "backward", "gradient_descent", "numerical_gradient", "gradient_check",
           "linear_neuron_loss", "linear_neuron_gradient", "NEURON_COSTS", "sigmoid_neuron_loss",
           "sigmoid_neuron_gradient", "sigmoid_neuron_descent", "two_unit_forward",
           "two_unit_loss", "two_unit_gradient",
           "backprop_trace", "layer_jacobians", "operation_counts", "updates_per_epoch",
           "train_validation_split", "minibatch_gradient_noise"]


def _check_model(model):
    from nnkit.mlp import MLP  # nnkit.mlp imports this module: look the class up when called

    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    return model

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
        over the samples (as :func:`nnkit.backprop.squared_error` does).

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


# The same three costs as functions of the output layer's weighted inputs z^L and the target
# matrix Y, the form a network trains with: computed from z, they never take ln 0.

def cross_entropy(z, Y):
    """Mean cross-entropy −ln p̂(true class) of softmax outputs, from the logits ``z``.

    Equals ``cross_entropy_cost(softmax(z), y)`` for the labels y of the one-hot rows of Y,
    computed as ln Σ_k e^(z_k) − z_true, which stays finite where p̂ underflows to 0.

    Parameters
    ----------
    z : ndarray of shape (n_samples, K)
        Weighted inputs of the output layer.
    Y : ndarray of shape (n_samples, K)
        One-hot targets.

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-(Y * log_p).sum(axis=1).mean())


def binary_cross_entropy(z, Y):
    """Binary cross-entropy of sigmoid outputs from the logits ``z``, summed over the outputs
    and averaged over the samples.

    Uses −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = ln(1 + e^z) − y z, which never takes ln 0; for
    one output it equals ``binary_cross_entropy_cost(sigmoid(z), y)``.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_outputs)
    Y : ndarray of shape (n_samples, n_outputs), values 0 or 1

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    return float((np.logaddexp(0.0, z) - Y * z).sum(axis=1).mean())


def squared_error(z, Y):
    """Mean over samples of the squared error summed over outputs: ``squared_error_cost``.

    Parameters
    ----------
    z : ndarray of shape (n_samples, n_outputs)
        Predictions: the outputs of the linear output layer (its activation is the identity).
    Y : ndarray of shape (n_samples, n_outputs)
        Targets.

    Returns
    -------
    float
        (1/N) Σ_i Σ_k (z_ik − Y_ik)².

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    return float(((z - Y) ** 2).sum(axis=1).mean())


Output = namedtuple("Output", "activation loss error")
Output.__doc__ = """One row of the output/loss table: the output layer's activation (a name of
``nnkit.activations.FORMULAS``), its cost ``loss(z, Y)`` from the weighted inputs, and
``error(y_hat, Y)``, the per-sample ∂loss/∂z (the error signal δ^L is its mean share,
``error / N``).

Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""

#: The output layer and its cost: for softmax with cross-entropy and sigmoid with binary
#: cross-entropy, δ^L = (ŷ − y) / N; for a linear output with squared error, 2 (ŷ − y) / N.
OUTPUTS = {
    "softmax": Output("softmax", cross_entropy, lambda y_hat, Y: y_hat - Y),
    "sigmoid": Output("sigmoid", binary_cross_entropy, lambda y_hat, Y: y_hat - Y),
    "linear": Output("linear", squared_error, lambda y_hat, Y: 2.0 * (y_hat - Y)),
}


def targets(y, output, n_outputs, n_samples, name="y", samples_name="X", dtype=np.float64):
    """The target matrix Y of shape (n_samples, n_outputs) for an output layer.

    Parameters
    ----------
    y : array-like
        Int labels 0..K−1 of shape (n_samples,) for softmax (returned one-hot); 0/1 labels of
        shape (n_samples,) for one sigmoid output or (n_samples, n_outputs) for several;
        numbers of shape (n_samples,) or (n_samples, n_outputs) for a linear output.
    output : {"softmax", "sigmoid", "linear"}
    n_outputs : int
        Units of the output layer.
    n_samples : int
        Rows of the inputs.
    name, samples_name : str
        The caller's names of y and of the inputs, for error messages.
    dtype : numpy dtype, default float64

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if output == "softmax":
        labels = as_labels(y, name, n_samples, n_classes=n_outputs, samples_name=samples_name)
        return np.eye(n_outputs, dtype=dtype)[labels]
    if output == "sigmoid":
        Y = as_array(y, name)
        if n_outputs == 1 and Y.ndim == 1:
            return as_labels(Y, name, n_samples, n_classes=2,
                             samples_name=samples_name)[:, None].astype(dtype)
        if Y.ndim != 2 or Y.shape != (n_samples, n_outputs):
            raise ValueError(f"{name} must have shape ({n_samples},) for one sigmoid output "
                             f"or ({n_samples}, {n_outputs}), got {Y.shape}")
        as_labels(Y.ravel(), name, n_classes=2)
        return Y.astype(dtype)
    Y = as_float_array(y, name, ndim=(1, 2))
    Y = Y[:, None] if Y.ndim == 1 else Y
    if Y.shape != (n_samples, n_outputs):
        raise ValueError(f"{name} must have shape ({n_samples},) or ({n_samples}, {n_outputs}), "
                         f"got {np.shape(y)}")
    return Y.astype(dtype, copy=False)


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


def gradient_check(model, X, y, eps=1e-6, l2=0.0):
    """Compare ``model.gradients`` with the numerical gradient of ``model.loss``.

    For every parameter array θ, :func:`nnkit.backprop.numerical_gradient` differentiates the
    cost as a function of θ alone; the error of that array is ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) (0 when
    both vanish), g from backpropagation and ĝ from the central differences.

    Parameters
    ----------
    model : MLP
        A float64 network (float32 rounding would swamp the differences).
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    eps : float, default 1e-6
    l2 : float, default 0.0

    Returns
    -------
    float
        The largest relative error over all parameter arrays (around 1e-7 or below when
        backpropagation is right).

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    _check_model(model)
    if model.dtype != np.float64:
        raise ValueError(f"gradient_check needs a float64 model (MLP(..., dtype='float64')), got "
                         f"dtype={model.dtype.name!r}: float32 rounding swamps the differences")
    eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)
    analytic = [g for pair in model.gradients(X, y, l2) for g in pair]
    worst = 0.0
    for theta, g in zip([theta for pair in model.params for theta in pair], analytic):
        def cost(value, theta=theta):
            kept = theta.copy()
            theta[...] = value
            try:
                return model.loss(X, y, l2)
            finally:
                theta[...] = kept
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            numeric = numerical_gradient(cost, theta, eps)
            scale = np.linalg.norm(g) + np.linalg.norm(numeric)
            if not np.isfinite(scale):
                X_checked = model.check_inputs(X)
                raise model.overflow_error(X_checked, "the finite differences overflow float64",
                                           model.targets(y, len(X_checked)))
            if scale > 0:
                worst = max(worst, float(np.linalg.norm(g - numeric) / scale))
    return worst


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


NEURON_COSTS = ("squared_error", "cross_entropy")


def sigmoid_neuron_loss(w, b, x, y, cost="squared_error"):
    """The loss of one sigmoid neuron ŷ = σ(z), z = wᵀx + b, on one sample.

    Squared error L = (y − ŷ)², or cross-entropy L = −[y ln ŷ + (1 − y) ln(1 − ŷ)] (computed
    as ln(1 + e^z) − y z, which never takes ln 0).

    Parameters
    ----------
    w : array-like of shape (n_features,)
    b : float
    x : array-like of shape (n_features,)
    y : float
        The target (for cross-entropy, in [0, 1]).
    cost : {"squared_error", "cross_entropy"}, default "squared_error"

    Returns
    -------
    float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, x = _neuron_args(w, b, x, ndim=1)
    y = as_float(y, "y")
    z = float(x @ w + b)
    if check_choice(cost, "cost", NEURON_COSTS) == "cross_entropy":
        return float(np.logaddexp(0.0, z) - y * z)
    return (y - float(activations.sigmoid(z))) ** 2


def sigmoid_neuron_gradient(w, b, x, y, cost="squared_error"):
    """The gradient of :func:`sigmoid_neuron_loss` by the chain rule.

    ∂L/∂w_j = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w_j. For the squared error that is
    −2 (y − ŷ) · σ(z)(1 − σ(z)) · x_j: the slope σ'(z) ≤ 1/4 of the sigmoid stays in, and a
    saturated neuron (σ'(z) ≈ 0) learns slowly however wrong it is. For the cross-entropy,
    ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)) cancels that slope and ∂L/∂z = ŷ − y. The bias gets the same
    without the factor x_j.

    Parameters
    ----------
    w, b, x, y, cost
        As in :func:`sigmoid_neuron_loss`.

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, x = _neuron_args(w, b, x, ndim=1)
    y = as_float(y, "y")
    s = float(activations.sigmoid(x @ w + b))  # σ(z) = ŷ
    if check_choice(cost, "cost", NEURON_COSTS) == "cross_entropy":
        dz = s - y  # ∂L/∂z: σ'(z) cancelled
    else:
        dz = -2.0 * (y - s) * s * (1.0 - s)  # ∂L/∂z
    return dz * x, dz


def sigmoid_neuron_descent(w, b, x, y, cost, learning_rate, n_steps):
    """Gradient descent on one sigmoid neuron and one sample: its output after every step.

    Starting a neuron saturated and wrong (ŷ ≈ 1 for y = 0) shows the learning slowdown of the
    squared error, whose gradient carries the vanishing slope σ'(z), against cross-entropy,
    whose gradient ŷ − y is largest exactly when the neuron is most wrong.

    Parameters
    ----------
    w : array-like of shape (n_features,)
    b : float
    x : array-like of shape (n_features,)
    y : float
    cost : {"squared_error", "cross_entropy"}
    learning_rate : float
        The step size η > 0.
    n_steps : int
        Updates to make.

    Returns
    -------
    ndarray of shape (n_steps + 1,)
        ŷ = σ(wᵀx + b) before the first step and after each one.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    w, b, x = _neuron_args(w, b, x, ndim=1)
    check_choice(cost, "cost", NEURON_COSTS)

    def gradient(theta):
        dw, db = sigmoid_neuron_gradient(theta[:-1], theta[-1], x, y, cost)
        return np.r_[dw, db]
    path = gradient_descent(gradient, np.r_[w, b], learning_rate, n_steps)
    return activations.sigmoid(path[:, :-1] @ x + path[:, -1])


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

def backward(layers, delta):
    """The backward pass: every layer's backward rule, from the last layer to the first.

    Given the output error δ^L = ∂J/∂z^L, layer l (for l = L, …, 1) keeps its gradients
    dW^l = (a^(l−1))ᵀ δ^l and db^l = Σ δ^l and returns ∂J/∂a^(l−1) = δ^l (W^l)ᵀ; the layer below
    turns that into its own error signal δ^(l−1) = ∂J/∂a^(l−1) ⊙ h'(z^(l−1)).

    Parameters
    ----------
    layers : list of Dense
        Layers 1, …, L (``layers[l - 1]`` is layer l), after their forward pass.
    delta : ndarray of shape (n_samples, n_L)
        δ^L, the error signal of the output layer.

    Returns
    -------
    list of (dW, db)
        One pair per layer, l = 1, …, L.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    L = len(layers)
    for l in range(L, 0, -1):
        grad_a = layers[l - 1].backward(delta, propagate=l > 1)  # keeps δˡ, dWˡ, dbˡ
        if l > 1:
            delta = layers[l - 2].error(grad_a)  # δˡ⁻¹ = (δˡ Wˡᵀ) ⊙ h'(zˡ⁻¹)
    return [(layer.dW, layer.db) for layer in layers]


BackpropTrace = namedtuple("BackpropTrace", "z a delta dW db loss")
BackpropTrace.__doc__ = """Every quantity of one forward and backward pass (lists indexed by layer).

``z[l]`` and ``a[l]`` for l = 1..L are the weighted inputs and outputs of layer l (``z[0]`` is
None and ``a[0]`` is X); ``delta[l]`` = ∂J/∂z^l (``delta[0]`` is None); ``dW[l]`` and
``db[l]`` the gradients of layer l's weights and biases (index 0 is None); ``loss`` the cost J.

Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""


def backprop_trace(model, X, y):
    """One forward and backward pass through ``model``, with every intermediate quantity.

    Runs :meth:`nnkit.mlp.MLP.backprop`, the pass that :meth:`~nnkit.mlp.MLP.gradients` and
    ``fit`` use, and collects what each layer kept from it:

    1. Forward pass: z^l = a^(l−1) W^l + b^l and a^l = h(z^l), for l = 1..L, from a^0 = X.
    2. Output error: δ^L = ∂J/∂z^L = (ŷ − y)/N for softmax or sigmoid outputs with
       cross-entropy, 2(ŷ − y)/N for a linear output with squared error.
    3. Backward pass (:func:`backward`): δ^l = (δ^(l+1) (W^(l+1))ᵀ) ⊙ h'(z^l), down to l = 1.
    4. Gradients: ∂J/∂W^l = (a^(l−1))ᵀ δ^l and ∂J/∂b^l = Σ_samples δ^l.

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
        Lists ``z``, ``a``, ``delta``, ``dW``, ``db`` indexed by layer (index 0 is the input
        side), and ``loss`` (without an l2 penalty).

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    loss, _ = _check_model(model).backprop(X, y)
    layers = model.layers
    return BackpropTrace(z=[None] + [layer.z for layer in layers],
                         a=[layers[0].a_prev] + [layer.a for layer in layers],
                         delta=[None] + [layer.delta for layer in layers],
                         dW=[None] + [layer.dW for layer in layers],
                         db=[None] + [layer.db for layer in layers], loss=loss)


def layer_jacobians(model, x):
    """The Jacobian of every layer's map for one sample, for the chain rule as matrix products.

    For a hidden layer, a^l = h(z^l) with z^l = a^(l−1) W^l + b^l, so
    ∂a^l/∂a^(l−1) = diag(h'(z^l)) (W^l)ᵀ. For the output layer the map is taken up to its
    weighted input: ∂z^L/∂a^(L−1) = (W^L)ᵀ, since δ^L = ∂J/∂z^L already contains the output
    activation's derivative. The gradient of the cost with respect to the input is then the
    row vector δ^L times these Jacobians, last layer first: a chain of vector–Jacobian
    products, which is what backpropagation evaluates.

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
    _check_model(model)
    x = as_float_array(x, "x", ndim=1)
    if len(x) != model.layer_sizes[0]:
        raise ValueError(f"x must have {model.layer_sizes[0]} entries, got {len(x)}")
    model.forward_pass(x[None, :], name="x")  # a⁰ = x; layer l keeps zˡ; an overflow names x
    L, layers, dh = len(model.layers), model.layers, activations.derivative(model.hidden_activation)
    hidden = [dh(layers[l - 1].z[0])[:, None] * layers[l - 1].W.T for l in range(1, L)]  # l < L
    return hidden + [layers[L - 1].W.T.copy()]


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
    _check_model(model)
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
