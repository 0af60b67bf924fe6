"""Logic gates as step perceptrons, and XOR as a two-layer network of them.

With inputs A, B ∈ {0, 1}, a step perceptron with weights (w0, wA, wB) = (−0.5, 1, 1) outputs
A OR B, and with (−1.5, 1, 1) it outputs A AND B; negating all weights gives NOR and NAND.
XOR is not linearly separable, so no single perceptron computes it; two layers do:
XOR(A, B) = AND(OR(A, B), NAND(A, B)).

The gates below are constants: read-only weights, so a gate cannot be retrained by accident.
Build your own ``Perceptron`` to experiment.

Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
"""
import itertools

import numpy as np

from nnkit._validation import as_samples
from nnkit.perceptron import Perceptron


class Gate(Perceptron):
    """A step perceptron whose weights cannot change: the logic gates are constants.

    Setting any attribute, which training with ``fit`` would do, raises ``AttributeError``.

    Parameters
    ----------
    weights : array-like of shape (n_inputs,)
    bias : float

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """

    def __init__(self, weights, bias):
        super().__init__(weights, bias)
        self.weights.setflags(write=False)
        self._frozen = True

    def __setattr__(self, name, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"cannot set {name}: a logic gate is a constant; build a "
                                 "Perceptron of your own to experiment")
        super().__setattr__(name, value)


OR = Gate([1.0, 1.0], -0.5)
AND = Gate([1.0, 1.0], -1.5)
NOR = Gate([-1.0, -1.0], 0.5)
NAND = Gate([-1.0, -1.0], 1.5)
NOT = Gate([-1.0], 0.5)


class Network:
    """A feed-forward network of perceptrons, layer by layer.

    Every perceptron of a layer sees all outputs of the previous layer (the first layer sees
    the inputs); the network's output is the last layer's output.

    Parameters
    ----------
    layers : list of list of Perceptron
        ``layers[l][q]`` is unit q of layer l; the units of layer l + 1 must each take
        ``len(layers[l])`` inputs.

    Examples
    --------
    >>> XOR = Network([[OR, NAND], [AND]])
    >>> XOR.predict([[0, 0], [0, 1], [1, 0], [1, 1]])
    array([0, 1, 1, 0])

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """

    def __init__(self, layers):
        if not isinstance(layers, (list, tuple)) or not layers:
            raise TypeError("layers must be a non-empty list of lists of Perceptron")
        n_inputs = None  # what the units of the current layer must take: the layer before's size
        for l, layer in enumerate(layers):
            if not isinstance(layer, (list, tuple)) or not layer:
                raise TypeError(f"layers[{l}] must be a non-empty list of Perceptron")
            for q, unit in enumerate(layer):
                if not isinstance(unit, Perceptron):
                    raise TypeError(f"layers[{l}][{q}] must be a Perceptron, "
                                    f"got {type(unit).__name__}")
                if n_inputs is None:  # the first unit fixes the network's number of inputs
                    n_inputs = unit.n_inputs
                if unit.n_inputs != n_inputs:
                    source = "the network's inputs" if l == 0 else f"layer {l - 1}'s units"
                    raise ValueError(f"layers[{l}][{q}] takes {unit.n_inputs} inputs but "
                                     f"{source} number {n_inputs}")
            n_inputs = len(layer)
        self.layers = [list(layer) for layer in layers]

    @property
    def n_inputs(self):
        """Number of inputs the first layer takes."""
        return self.layers[0][0].n_inputs

    def predict(self, X):
        """Pass the samples through every layer and return the last layer's outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
            For logic, rows of 0s and 1s.

        Returns
        -------
        outputs : ndarray of int of shape (n_samples,) when the last layer has one unit,
            else (n_samples, n_units)
        """
        a = as_samples(X, n_features=self.n_inputs)
        for layer in self.layers:
            a = np.column_stack([unit.predict(a) for unit in layer])
        return a[:, 0] if a.shape[1] == 1 else a

    def __repr__(self):
        sizes = [len(layer) for layer in self.layers]
        return f"Network(n_inputs={self.n_inputs}, layer_sizes={sizes})"


XOR = Network([[OR, NAND], [AND]])


def truth_table(gate):
    """Every input combination of a gate and its output.

    Parameters
    ----------
    gate : Perceptron or Network
        Anything with ``n_inputs`` and ``predict``.

    Returns
    -------
    ndarray of int of shape (2**n_inputs, n_inputs + 1)
        One row per input combination in counting order (0…0, 0…1, …, 1…1): the inputs,
        then the output.

    Examples
    --------
    >>> truth_table(AND)
    array([[0, 0, 0],
           [0, 1, 0],
           [1, 0, 0],
           [1, 1, 1]])

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    if not (hasattr(gate, "n_inputs") and hasattr(gate, "predict")):
        raise TypeError(f"gate must be a Perceptron or Network, got {type(gate).__name__}")
    inputs = np.array(list(itertools.product([0, 1], repeat=gate.n_inputs)), dtype=np.int64)
    outputs = np.asarray(gate.predict(inputs))
    if outputs.ndim != 1:
        raise ValueError(f"gate must have a single output, got outputs of shape {outputs.shape}")
    if outputs.dtype.kind not in "biu" or not np.isin(outputs, (0, 1)).all():
        raise ValueError("gate must output 0 or 1 (a step activation), got "
                         f"{np.unique(outputs).tolist()}")
    return np.column_stack([inputs, outputs.astype(np.int64)])
