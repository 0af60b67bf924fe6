"""The perceptron: one artificial neuron and Rosenblatt's learning rule.

A perceptron extends its input with a constant 1, x = (1, x1, ..., xk), so that the bias is the
weight w0; its net input is z = wᵀx and its output h(z). With the step activation it is a linear
classifier: the hyperplane z = 0 splits the input space into the points it labels 1 and 0.

The learning rule (labels 1 = set P, 0 = set N): pick a random x; if x ∈ P and wᵀx < 0 then
w ← w + x; if x ∈ N and wᵀx ≥ 0 then w ← w − x; stop when every point is classified correctly.

Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
"""
import numpy as np

from nnkit import activations
from nnkit._validation import as_float, as_float_array, as_int, as_labels, as_rng, as_samples


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

    def fit(self, X, y, max_epochs=100, random_state=None):
        """Train with the perceptron rule, starting from the current weights.

        The rule exactly: pick a random point (each pick independent of the others); if it is
        misclassified, add it to the extended weights when it belongs to P (label 1) or
        subtract it when it belongs to N (label 0); stop as soon as every point is classified
        correctly. Counting ``n_samples`` picks as an epoch, the rule gives up after
        ``max_epochs`` epochs: on data that no hyperplane separates it would never stop.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of int of shape (n_samples,)
            Labels 1 (the set P) or 0 (the set N).
        max_epochs : int, default 100
        random_state : int, numpy.random.Generator or None
            Seeds the random picks.

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
        X1 = extend(as_samples(X, n_features=self.n_inputs))
        y = as_labels(y, n_samples=X1.shape[0], n_classes=2)
        max_epochs = as_int(max_epochs, "max_epochs", minimum=1)
        rng = as_rng(random_state)
        w = self.extended_weights
        self.errors_ = []
        converged = _classifies_all(w, X1, y)
        for _ in range(max_epochs):
            if converged:
                break
            n_errors = 0
            for i in rng.integers(X1.shape[0], size=X1.shape[0]):
                w, updated = _apply_rule(w, X1[i], y[i])
                n_errors += updated
                if updated and _classifies_all(w, X1, y):
                    converged = True
                    break
            self.errors_.append(n_errors)
        self.bias, self.weights = float(w[0]), w[1:]
        self.converged_ = converged
        return self

    def __repr__(self):
        w = np.array2string(self.weights, precision=3, separator=", ")
        return f"Perceptron(weights={w}, bias={self.bias:.3g}, activation={self.activation!r})"

