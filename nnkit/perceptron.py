"""The perceptron: one artificial neuron and Rosenblatt's learning rule.

A perceptron extends its input with a constant 1, x = (1, x1, ..., xk), so that the bias is the
weight w0; its net input is z = wᵀx and its output h(z). With the step activation it is a linear
classifier: the hyperplane z = 0 splits the input space into the points it labels 1 and 0.

The learning rule (labels 1 = set P, 0 = set N): pick a random x; if x ∈ P and wᵀx < 0 then
w ← w + x; if x ∈ N and wᵀx ≥ 0 then w ← w − x; stop when every point is classified correctly.

Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
"""
from typing import NamedTuple

import numpy as np

from nnkit import activations
from nnkit._progress import epochs as epochs_with_progress
from nnkit._progress import plural
from nnkit._validation import as_float, as_float_array, as_int, as_labels, as_rng, as_samples

__all__ = ["extend", "update", "RuleStep", "rule_steps", "accuracies", "boundary_segment",
           "Perceptron"]


def extend(X):
    """Prepend the constant input 1 to every sample: x = (1, x1, ..., xk).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_samples, n_features + 1)

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    X = as_samples(X)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def update(w, x, label):
    """Apply the perceptron rule to one extended sample.

    Parameters
    ----------
    w : ndarray of shape (n_features + 1,)
        Extended weights (w0, w1, ..., wk); w0 is the bias.
    x : ndarray of shape (n_features + 1,)
        Extended sample (1, x1, ..., xk).
    label : {0, 1}
        The sample's class: 1 for the set P, 0 for the set N.

    Returns
    -------
    w_new : ndarray of shape (n_features + 1,)
        ``w + x`` for a misclassified point of P, ``w − x`` for one of N, else ``w`` unchanged.
    updated : bool
        Whether the point was misclassified (and ``w`` changed).

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    w = as_float_array(w, "w", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x must have the shape of w {w.shape}, got {x.shape}")
    return _apply_rule(w, x, as_int(label, "label", minimum=0, maximum=1))


def _apply_rule(w, x, label):
    """The rule itself, on arguments already checked (``fit`` calls it once per pick)."""
    z = w @ x
    if label == 1 and z < 0:
        return w + x, True
    if label == 0 and z >= 0:
        return w - x, True
    return w, False


def _classifies_all(w, X1, y):
    """Whether the step perceptron with extended weights ``w`` gets every label right."""
    return np.array_equal((X1 @ w >= 0).astype(np.int64), y)


class RuleStep(NamedTuple):
    """One pick of the perceptron rule, as :func:`rule_steps` yields it.

    Its fields, in order:

    epoch : int
        Which epoch (block of ``n_samples`` picks) the pick belongs to, from 0.
    index : int
        Row of ``X`` that was picked.
    z : float
        Its net input wᵀx under the weights before the pick.
    label : int
        Its class, 1 (set P) or 0 (set N).
    w_before, w_after : ndarray of shape (n_inputs + 1,)
        Extended weights (w0, w1, ..., wk) before and after the pick (read-only).
    updated : bool
        Whether the point was misclassified, so that ``w_after`` is ``w_before ± x``.
    converged : bool
        Whether ``w_after`` classifies every point correctly (then the rule stops).

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """

    epoch: int
    index: int
    z: float
    label: int
    w_before: np.ndarray
    w_after: np.ndarray
    updated: bool
    converged: bool


def _read_only(w):
    w = np.array(w, dtype=float)
    w.flags.writeable = False
    return w


def rule_steps(X, y, weights, max_epochs=100, random_state=None):
    """Run the perceptron rule and yield every pick: which point, and what it did to w.

    This is the loop of :meth:`Perceptron.fit`, one pick at a time: for the same ``X``, ``y``,
    starting weights and ``random_state`` it makes the same picks and ends with the same
    weights (``fit`` is built on it). Nothing is yielded when ``weights`` already classify
    every point; otherwise the last step has ``converged`` True, or the picks run out after
    ``max_epochs`` epochs of ``n_samples`` picks each.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of int of shape (n_samples,)
        Labels 1 (the set P) or 0 (the set N).
    weights : array-like of shape (n_inputs + 1,)
        Starting extended weights (w0, w1, ..., wk); w0 is the bias.
    max_epochs : int, default 100
    random_state : int, numpy.random.Generator or None
        Seeds the random picks.

    Yields
    ------
    RuleStep
        ``(epoch, index, z, label, w_before, w_after, updated, converged)`` for each pick.

    Examples
    --------
    >>> X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]   # AND
    >>> steps = list(rule_steps(X, y, [0.0, 0.0, 0.0], random_state=1))
    >>> len(steps), sum(s.updated for s in steps), steps[-1].converged
    (26, 8, True)
    >>> steps[-1].w_after.tolist()
    [-2.0, 1.0, 1.0]

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    X = as_samples(X)
    X1 = extend(X)
    y = as_labels(y, n_samples=X1.shape[0], n_classes=2)
    w = _read_only(as_float_array(weights, "weights", ndim=1))
    if w.shape != (X1.shape[1],):
        raise ValueError(f"weights must have n_inputs + 1 = {X1.shape[1]} entries "
                         f"(w0, w1, ..., wk), got shape {w.shape}")
    max_epochs = as_int(max_epochs, "max_epochs", minimum=1)
    rng = as_rng(random_state)
    yield from _steps(X1, y, w, max_epochs, rng)


def _steps(X1, y, w, max_epochs, rng):
    """The loop of :func:`rule_steps` on checked arguments."""
    if _classifies_all(w, X1, y):
        return
    for epoch in range(max_epochs):
        for i in rng.integers(X1.shape[0], size=X1.shape[0]):
            w_new, updated = _apply_rule(w, X1[i], y[i])
            converged = bool(updated) and _classifies_all(w_new, X1, y)
            if updated:
                w_new.flags.writeable = False
            yield RuleStep(epoch, int(i), float(w @ X1[i]), int(y[i]), w, w_new, updated,
                           converged)
            w = w_new
            if converged:
                return


def accuracies(weights, X, y):
    """Fraction of points that step perceptrons classify correctly, one per weight vector.

    Handy for searching many weight vectors at once, e.g. to see that none gets XOR right.

    Parameters
    ----------
    weights : array-like of shape (n_weight_vectors, n_inputs + 1)
        Extended weights (w0, w1, ..., wk), one candidate per row.
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of int of shape (n_samples,)
        Labels 0 or 1.

    Returns
    -------
    ndarray of float, shape (n_weight_vectors,)
        Values in [0, 1]; 1 means that row's perceptron separates the classes.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    X1 = extend(X)
    y = as_labels(y, n_samples=X1.shape[0], n_classes=2)
    W = as_float_array(weights, "weights", ndim=2)
    if W.shape[1] != X1.shape[1]:
        raise ValueError(f"weights must have n_inputs + 1 = {X1.shape[1]} columns, "
                         f"got {W.shape[1]}")
    return ((X1 @ W.T >= 0) == (y[:, None] == 1)).mean(axis=0)


def boundary_segment(weights, xlim, ylim):
    """The part of the line w0 + w1·x1 + w2·x2 = 0 inside a box, for drawing it.

    Parameters
    ----------
    weights : array-like of shape (3,)
        Extended weights (w0, w1, w2) of a perceptron with two inputs.
    xlim, ylim : pair of float
        The box, (x1 min, x1 max) and (x2 min, x2 max).

    Returns
    -------
    ndarray of shape (2, 2)
        Rows are x1 and x2 coordinates of the segment's two ends (as ``ax.plot`` wants
        them); all NaN when the line misses the box or w1 = w2 = 0 (no line at all).

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape != (3,):
        raise ValueError(f"weights must be (w0, w1, w2), 3 numbers, got shape {w.shape}")
    (xa, xb), (ya, yb) = (_as_limits(lim, name) for lim, name in ((xlim, "xlim"), (ylim, "ylim")))
    w0, w1, w2 = w
    ends = []
    if w2 != 0:  # crossings with the vertical sides
        ends += [(x, -(w0 + w1 * x) / w2) for x in (xa, xb)]
    if w1 != 0:  # crossings with the horizontal sides
        ends += [(-(w0 + w2 * v) / w1, v) for v in (ya, yb)]
    tol = 1e-9 * (1 + abs(xb - xa) + abs(yb - ya))
    inside = sorted({(round(a, 12), round(b, 12)) for a, b in ends
                     if xa - tol <= a <= xb + tol and ya - tol <= b <= yb + tol})
    if len(inside) < 2:
        return np.full((2, 2), np.nan)
    (a0, b0), (a1, b1) = inside[0], inside[-1]
    return np.array([[a0, a1], [b0, b1]])


def _as_limits(lim, name):
    lim = as_float_array(lim, name, ndim=1)
    if lim.shape != (2,) or not lim[0] < lim[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {lim.tolist()}")
    return lim


class Perceptron:
    """One neuron: output h(wᵀx + b) for each row x of ``X``.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
        Input weights w1, ..., wk.
    bias : float, default 0.0
        The bias w0 (the weight of the constant input 1).
    activation : str, default "step"
        A name from ``nnkit.activations.ACTIVATIONS`` (not "softmax", which needs a layer).
        Only a step perceptron can be trained with ``fit``.

    Attributes
    ----------
    converged_ : bool
        After ``fit``: whether every training point ended correctly classified.
    errors_ : list of int
        After ``fit``: how many picked points were misclassified (so updated) in each epoch.

    Examples
    --------
    >>> OR = Perceptron([1, 1], bias=-0.5)
    >>> OR.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([0, 1, 1, 1])

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """

    def __init__(self, weights, bias=0.0, activation="step"):
        self.weights = as_float_array(weights, "weights", ndim=1)
        self.bias = as_float(bias, "bias")
        if activation == "softmax":
            raise ValueError("activation 'softmax' needs a layer of units; use nnkit.mlp.MLP")
        self._h = activations.get(activation)
        self.activation = activation

    @classmethod
    def zeros(cls, n_inputs, activation="step"):
        """An untrained perceptron with all weights and the bias 0.

        Parameters
        ----------
        n_inputs : int
            Number of inputs k, at least 1.
        activation : str, default "step"

        Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
        """
        return cls(np.zeros(as_int(n_inputs, "n_inputs", minimum=1)), 0.0, activation)

    @classmethod
    def random(cls, n_inputs, scale=1.0, activation="step", random_state=None):
        """An untrained perceptron with weights and bias drawn from N(0, scale²).

        Parameters
        ----------
        n_inputs : int
            Number of inputs k, at least 1.
        scale : float, default 1.0
            Standard deviation of the weights.
        activation : str, default "step"
        random_state : int, numpy.random.Generator or None

        Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
        """
        n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
        scale = as_float(scale, "scale", minimum=0.0)
        w = as_rng(random_state).normal(0.0, scale, size=n_inputs + 1)
        return cls(w[1:], w[0], activation)

    @property
    def n_inputs(self):
        """Number of inputs k (without the constant 1)."""
        return self.weights.shape[0]

    @property
    def extended_weights(self):
        """The bias followed by the input weights, (w0, w1, ..., wk)."""
        return np.concatenate([[self.bias], self.weights])

    def net_input(self, X):
        """Weighted input z = X @ weights + bias, one number per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
            Samples, one per row.

        Returns
        -------
        z : ndarray of float, shape (n_samples,)
        """
        return as_samples(X, n_features=self.n_inputs) @ self.weights + self.bias

    def predict(self, X):
        """The perceptron's output h(z) for each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
            Samples, one per row; ``net_input(X)`` gives their z.

        Returns
        -------
        h : ndarray of shape (n_samples,), ints 0/1 for the step activation, ±1 for sign,
            floats for the others
        """
        return self._h(self.net_input(X))

    def fit(self, X, y, max_epochs=100, random_state=None, progress=False):
        """Train with the perceptron rule, starting from the current weights.

        The rule exactly: pick a random point (each pick independent of the others); if it is
        misclassified, add it to the extended weights when it belongs to P (label 1) or
        subtract it when it belongs to N (label 0); stop as soon as every point is classified
        correctly. Counting ``n_samples`` picks as an epoch, the rule gives up after
        ``max_epochs`` epochs: on data that no hyperplane separates it would never stop.
        :func:`rule_steps` yields the same picks one by one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of int of shape (n_samples,)
            Labels 1 (the set P) or 0 (the set N).
        max_epochs : int, default 100
        random_state : int, numpy.random.Generator or None
            Seeds the random picks.
        progress : bool, default False
            Show a progress bar over the epochs (tqdm: a widget in Jupyter, text elsewhere).

        Returns
        -------
        self
            With ``converged_`` (whether every point ended correctly classified) and
            ``errors_`` (misclassified picks, hence updates, in each epoch; empty if the
            weights were right from the start).

        Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
        """
        if self.activation != "step":
            raise ValueError(
                f"the perceptron rule trains a step perceptron, but activation is "
                f"{self.activation!r}; train one with activation='step' and reuse its weights")
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be True or False, got {progress!r}")
        X1 = extend(as_samples(X, n_features=self.n_inputs))
        y = as_labels(y, n_samples=X1.shape[0], n_classes=2)
        max_epochs = as_int(max_epochs, "max_epochs", minimum=1)
        w = _read_only(self.extended_weights)
        self.errors_, converged = [], _classifies_all(w, X1, y)
        bar = epochs_with_progress(max_epochs, progress, None, desc="perceptron rule")
        for step in _steps(X1, y, w, max_epochs, as_rng(random_state)):
            if step.epoch == len(self.errors_):  # the first pick of a new epoch
                self.errors_.append(0)
                if step.epoch:
                    bar.update()
            self.errors_[-1] += step.updated
            w, converged = step.w_after, step.converged
        bar.update(len(self.errors_) - bar.n)
        bar.close(f"converged after {plural(len(self.errors_), 'epoch')}" if converged
                  else f"not converged after {plural(max_epochs, 'epoch')}")
        self.bias, self.weights = float(w[0]), np.array(w[1:])
        self.converged_ = converged
        return self

    def __repr__(self):
        w = np.array2string(self.weights, precision=3, separator=", ")
        return f"Perceptron(weights={w}, bias={self.bias:.3g}, activation={self.activation!r})"
