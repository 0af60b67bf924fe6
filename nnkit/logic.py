"""Logic gates as step perceptrons, and XOR as a two-layer network of them.

With inputs A, B ∈ {0, 1}, a step perceptron with weights (w0, wA, wB) = (−0.5, 1, 1) outputs
A OR B, and with (−1.5, 1, 1) it outputs A AND B; negating all weights gives NOR and NAND.
XOR is not linearly separable, so no single perceptron computes it; two layers do:
XOR(A, B) = AND(OR(A, B), NAND(A, B)).

The same trick combines linear boundaries into regions (:func:`box_region`,
:func:`union_of_boxes`) and simple pattern detectors into derived ones: on a 3×3 grid of dark
(+1) and light (−1) cells, the kernels ``nnkit.grid.VERTICAL_BAR`` and
``nnkit.grid.HORIZONTAL_BAR`` detect bars, and ``CROSS_DETECTOR`` = vertical AND horizontal.

The gates below are constants: read-only weights, so a gate cannot be retrained by accident.
Build your own ``Perceptron`` to experiment.

Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
"""
import itertools
import math

import numpy as np

from nnkit import activations
from nnkit._validation import as_array, as_float_array, as_int, as_samples
from nnkit.grid import HORIZONTAL_BAR, VERTICAL_BAR, conv2d
from nnkit.perceptron import Perceptron, extend

__all__ = ["Gate", "OR", "AND", "NOR", "NAND", "NOT", "Network", "XOR", "truth_table", "and_gate",
           "or_gate", "linearly_separable_functions", "box_region", "union_of_boxes", "BAR_BIAS",
           "dark_light", "GRID_PATTERNS", "VERTICAL_DETECTOR", "HORIZONTAL_DETECTOR",
           "CROSS_DETECTOR", "all_grids", "respond", "place_pattern", "feature_map",
           "CROSS_CHALLENGE", "check_detector"]


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


#: The gate A OR B, with weights (1, 1) and bias −0.5.
OR = Gate([1.0, 1.0], -0.5)
#: The gate A AND B, with weights (1, 1) and bias −1.5.
AND = Gate([1.0, 1.0], -1.5)
#: The gate NOR, that is NOT (A OR B), with the weights and bias of ``OR`` negated.
NOR = Gate([-1.0, -1.0], 0.5)
#: The gate NAND, that is NOT (A AND B), with the weights and bias of ``AND`` negated.
NAND = Gate([-1.0, -1.0], 1.5)
#: The gate NOT A, with weight −1 and bias 0.5.
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

    def forward(self, X):
        """Pass the samples through every layer, keeping each layer's net inputs and outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        list of (z, a)
            One pair per layer: ``z`` the net inputs and ``a`` the outputs of its units, both
            of shape (n_samples, n_units).
        """
        a = as_samples(X, n_features=self.n_inputs)
        steps = []
        for layer in self.layers:
            z = np.column_stack([unit.net_input(a) for unit in layer])
            a = np.column_stack([unit.predict(a) for unit in layer])
            steps.append((z, a))
        return steps

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


#: A XOR B as two layers, AND(OR(A, B), NAND(A, B)).
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


def and_gate(n_inputs):
    """An AND of ``n_inputs`` bits: weights 1, bias −(n − 0.5), so it fires only when all are 1.

    Parameters
    ----------
    n_inputs : int
        Number of inputs, at least 1 (``and_gate(2)`` is ``AND``).

    Returns
    -------
    Gate

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    n = as_int(n_inputs, "n_inputs", minimum=1)
    return Gate(np.ones(n), -(n - 0.5))


def or_gate(n_inputs):
    """An OR of ``n_inputs`` bits: weights 1, bias −0.5, so it fires when any input is 1.

    Parameters
    ----------
    n_inputs : int
        Number of inputs, at least 1 (``or_gate(2)`` is ``OR``).

    Returns
    -------
    Gate

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    return Gate(np.ones(as_int(n_inputs, "n_inputs", minimum=1)), -0.5)


def linearly_separable_functions(weight_values=None):
    """The two-input boolean functions that one step perceptron computes, found by search.

    Every combination ``(w0, wA, wB)`` of ``weight_values`` is tried on the four inputs
    (0, 0), (0, 1), (1, 0), (1, 1), and the output columns that occur are collected.

    Parameters
    ----------
    weight_values : array-like of shape (n_values,) or None
        The values tried for each of the three weights; None means −2, −1.5, …, 2.

    Returns
    -------
    list of tuple of int
        The distinct output columns ``(y00, y01, y10, y11)`` found, sorted. Of the 16
        possible columns, 14 appear; XOR ``(0, 1, 1, 0)`` and XNOR ``(1, 0, 0, 1)`` never do,
        whatever the grid.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    if weight_values is None:
        weight_values = np.arange(-2.0, 2.01, 0.5)
    values = as_float_array(weight_values, "weight_values", ndim=1)
    W = np.array(list(itertools.product(values, repeat=3)))          # (n_values**3, 3)
    X1 = extend(np.array(list(itertools.product([0, 1], repeat=2))))  # (4, 3)
    outputs = (W @ X1.T >= 0).astype(np.int64)                        # one row per weight triple
    return sorted({tuple(int(v) for v in row) for row in outputs})


# --- Carving regions of the plane ------------------------------------------------------------

def box_region(x_range, y_range):
    """A two-layer network that outputs 1 inside an axis-aligned rectangle of the plane.

    Layer 1 has four boundaries: two vertical ones (``x1 ≥ x_min`` and ``x1 ≤ x_max``) and
    two horizontal ones (``x2 ≥ y_min`` and ``x2 ≤ y_max``); layer 2 is a four-input AND.
    An infinite end (``-np.inf`` or ``np.inf``) drops that boundary, so
    ``box_region((1, np.inf), (-np.inf, 2))`` is the corner carved by one vertical and one
    horizontal boundary.

    Parameters
    ----------
    x_range : pair of float
        ``(x_min, x_max)`` along the first input, with ``x_min < x_max``.
    y_range : pair of float
        ``(y_min, y_max)`` along the second input, with ``y_min < y_max``.

    Returns
    -------
    Network
        Input shape (n_samples, 2); output 1 inside the region, 0 outside.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    units = []
    for name, pair, axis in (("x_range", x_range, 0), ("y_range", y_range, 1)):
        low, high = _as_range(pair, name)
        direction = np.eye(2)[axis]
        if np.isfinite(low):
            units.append(Perceptron(direction, -low))    # x ≥ low
        if np.isfinite(high):
            units.append(Perceptron(-direction, high))   # x ≤ high
    if not units:
        raise ValueError("x_range and y_range are both infinite; a box needs a boundary")
    return Network([units, [and_gate(len(units))]])


def _as_range(pair, name):
    if not isinstance(pair, (list, tuple, np.ndarray)) or len(pair) != 2:
        raise TypeError(f"{name} must be a pair of numbers (min, max), got {pair!r}")
    low, high = pair
    if isinstance(low, bool) or isinstance(high, bool):
        raise TypeError(f"{name} must be a pair of numbers, got {(low, high)!r}")
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers, got {(low, high)!r}") from None
    if np.isnan(low) or np.isnan(high) or not low < high:
        raise ValueError(f"{name} must be (min, max) with min < max, got {(low, high)}")
    return low, high


def union_of_boxes(boxes):
    """A three-layer network that outputs 1 inside any of several rectangles.

    Layer 1 holds the four boundaries of every box, layer 2 one AND per box (weight 1 on
    its own box's boundaries, 0 on the others), layer 3 an OR of the boxes.

    Parameters
    ----------
    boxes : list of (x_range, y_range)
        Finite rectangles, as for :func:`box_region`.

    Returns
    -------
    Network

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    if not isinstance(boxes, (list, tuple)) or not boxes:
        raise TypeError("boxes must be a non-empty list of (x_range, y_range) pairs")
    boundaries, ands = [], []
    for i, box in enumerate(boxes):
        if not isinstance(box, (list, tuple)) or len(box) != 2:
            raise TypeError(f"boxes[{i}] must be a pair (x_range, y_range), got {box!r}")
        units = box_region(*box).layers[0]
        if len(units) != 4:
            raise ValueError(f"boxes[{i}] must be finite, got {box!r}")
        boundaries += units
    for i in range(len(boxes)):
        weights = np.zeros(len(boundaries))
        weights[4 * i:4 * i + 4] = 1.0
        ands.append(Perceptron(weights, -3.5))
    return Network([boundaries, ands, [or_gate(len(boxes))]])


# --- Pattern detectors on a grid --------------------------------------------------------------

#: The bias of the bar detectors; with bias −4 a detector fires when the kernel's match w·x
#: is at least 4 (so 5, 7 or 9), that is when at most two of the nine cells differ from its bar.
BAR_BIAS = -4.0


def dark_light(dark):
    """Encode a grid of dark/light cells as numbers: dark +1, light −1.

    Parameters
    ----------
    dark : array-like of bool or of 0/1, shape (..., height, width)
        True (or 1) for a dark cell.

    Returns
    -------
    ndarray of float of the same shape
        +1.0 for dark cells, −1.0 for light ones.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    cells = as_array(dark, "dark")
    if cells.dtype.kind not in "biu" or not np.isin(cells, (0, 1)).all():
        raise ValueError("dark must hold booleans or 0/1 (True/1 for a dark cell)")
    if cells.ndim < 2 or cells.size == 0:
        raise ValueError(f"dark must be a non-empty grid (..., height, width), got {cells.shape}")
    return np.where(cells.astype(bool), 1.0, -1.0)


def _pattern(rows):
    grid = dark_light(np.array([[c == "#" for c in row] for row in rows]))
    grid.setflags(write=False)
    return grid


#: The 3×3 patterns of the chapter (dark +1, light −1), by name.
GRID_PATTERNS = {
    "vertical bar": _pattern([".#.", ".#.", ".#."]),
    "horizontal bar": _pattern(["...", "###", "..."]),
    "cross": _pattern([".#.", "###", ".#."]),
    "diagonal": _pattern(["#..", ".#.", "..#"]),
    "dot": _pattern(["...", ".#.", "..."]),
    "empty": _pattern(["...", "...", "..."]),
}

#: Fires on a vertical bar; the kernel ``nnkit.grid.VERTICAL_BAR`` and bias ``BAR_BIAS``.
VERTICAL_DETECTOR = Gate(VERTICAL_BAR.ravel(), BAR_BIAS)
#: Fires on a horizontal bar; the kernel ``nnkit.grid.HORIZONTAL_BAR``, bias ``BAR_BIAS``.
HORIZONTAL_DETECTOR = Gate(HORIZONTAL_BAR.ravel(), BAR_BIAS)
#: A derived pattern by depth, cross = vertical bar AND horizontal bar.
CROSS_DETECTOR = Network([[VERTICAL_DETECTOR, HORIZONTAL_DETECTOR], [AND]])


def all_grids(size=3):
    """Every dark/light grid of ``size × size`` cells, encoded +1/−1.

    Parameters
    ----------
    size : int, default 3
        Side of the grid, 1 to 4 (there are ``2**(size*size)`` grids).

    Returns
    -------
    ndarray of float of shape (2**(size*size), size, size)

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    size = as_int(size, "size", minimum=1, maximum=4)
    bits = np.array(list(itertools.product([0, 1], repeat=size * size)))
    return dark_light(bits.reshape(-1, size, size))


def respond(detector, grids):
    """A detector's net input and output on one grid or a stack of grids.

    Parameters
    ----------
    detector : Perceptron or Network
        Taking ``height * width`` inputs (the grid read row by row); for a network, the net
        input is that of its output unit.
    grids : array-like of shape (height, width) or (n_grids, height, width)
        Cells encoded +1 (dark) / −1 (light), see :func:`dark_light`.

    Returns
    -------
    z : float or ndarray of shape (n_grids,)
        Net input of the (output) unit.
    fires : int or ndarray of int of shape (n_grids,)
        Its output, 1 when the pattern is detected.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    grids = as_float_array(grids, "grids", ndim=(2, 3))
    single = grids.ndim == 2
    X = grids.reshape(1 if single else grids.shape[0], -1)
    if isinstance(detector, Network):
        z, a = detector.forward(X)[-1]
        z, a = z[:, 0], a[:, 0]
    elif isinstance(detector, Perceptron):
        z, a = detector.net_input(X), detector.predict(X)
    else:
        raise TypeError(f"detector must be a Perceptron or Network, got {type(detector).__name__}")
    return (float(z[0]), int(a[0])) if single else (z, a)


def place_pattern(pattern, size=8, row=0, col=0):
    """A larger light grid with ``pattern`` placed with its top-left cell at (row, col).

    Parameters
    ----------
    pattern : array-like of shape (h, w)
        Cells +1/−1.
    size : int, default 8
        Side of the square grid.
    row, col : int, default 0
        Where the pattern's top-left cell goes; the pattern must fit.

    Returns
    -------
    ndarray of float of shape (size, size)

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    pattern = as_float_array(pattern, "pattern", ndim=2)
    h, w = pattern.shape
    size = as_int(size, "size", minimum=max(h, w))
    row = as_int(row, "row", minimum=0, maximum=size - h)
    col = as_int(col, "col", minimum=0, maximum=size - w)
    image = -np.ones((size, size))
    image[row:row + h, col:col + w] = pattern
    return image


def feature_map(image, detector):
    """Slide a detector over a larger grid: its net input and output at every position.

    The first layer's units are slid with :func:`nnkit.grid.conv2d` (each unit's weights,
    read row by row, form its square kernel); later layers combine the first layer's outputs
    position by position, so ``CROSS_DETECTOR`` gives the AND of the vertical and horizontal
    feature maps.

    Parameters
    ----------
    image : array-like of shape (H, W)
        Cells +1/−1.
    detector : Perceptron or Network
        Whose (first-layer) units take ``k * k`` inputs, ``k <= min(H, W)``.

    Returns
    -------
    z : ndarray of shape (H − k + 1, W − k + 1)
        Net input of the (output) unit at each position.
    fires : ndarray of int of the same shape

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    image = as_float_array(image, "image", ndim=2)
    if isinstance(detector, Network):
        first, rest = detector.layers[0], detector.layers[1:]
    elif isinstance(detector, Perceptron):
        first, rest = [detector], []
    else:
        raise TypeError(f"detector must be a Perceptron or Network, got {type(detector).__name__}")
    k = math.isqrt(first[0].n_inputs)
    if k * k != first[0].n_inputs:
        raise ValueError(f"detector's units must take k*k inputs, got {first[0].n_inputs}")
    z = np.stack([conv2d(image, unit.weights.reshape(k, k)) + unit.bias for unit in first])
    a = np.stack([activations.get(unit.activation)(zq) for unit, zq in zip(first, z)])
    if rest:
        shape = a.shape[1:]
        z_out, a_out = Network(rest).forward(a.reshape(len(first), -1).T)[-1]
        return z_out[:, 0].reshape(shape), a_out[:, 0].reshape(shape)
    return z[0], a[0]


def _challenge():
    shapes = {
        "cross": [".#.", "###", ".#."], "vertical bar": [".#.", ".#.", ".#."],
        "horizontal bar": ["...", "###", "..."], "dot": ["...", ".#.", "..."],
        "empty": ["...", "...", "..."], "full": ["###", "###", "###"],
        "diagonal": ["#..", ".#.", "..#"], "X": ["#.#", ".#.", "#.#"],
        "T": ["###", ".#.", ".#."], "cross without top": ["...", "###", ".#."],
        "cross without left": [".#.", ".##", ".#."], "corner": [".#.", "##.", "..."],
        "cross with a dark corner": ["##.", "###", ".#."], "square ring": ["###", "#.#", "###"],
        "cross without centre": [".#.", "#.#", ".#."],
    }
    return tuple((name, _pattern(rows), int(name == "cross")) for name, rows in shapes.items())


#: The test grids of the "detect a cross" challenge, as ``(name, grid, is_cross)``; only the plus
#: sign itself counts as a cross, and the near misses (a missing arm, an extra cell) do not.
CROSS_CHALLENGE = _challenge()


def check_detector(detector, tests=CROSS_CHALLENGE):
    """Run a detector on labelled test grids and report which it gets wrong.

    Parameters
    ----------
    detector : Perceptron or Network
        Taking the grid's cells, row by row.
    tests : sequence of (name, grid, label), default ``CROSS_CHALLENGE``
        ``label`` is 1 when the detector should fire.

    Returns
    -------
    list of dict
        One per test grid: ``name``, ``z`` (net input), ``fires``, ``expected`` and
        ``correct``.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    names = [name for name, _, _ in tests]
    z, fires = respond(detector, np.stack([grid for _, grid, _ in tests]))
    return [{"name": name, "z": float(zi), "fires": int(fi), "expected": int(label),
             "correct": int(fi) == int(label)}
            for name, zi, fi, (_, _, label) in zip(names, z, fires, tests)]
