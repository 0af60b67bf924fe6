"""One-hidden-layer networks written by hand: universal approximation, and counting parameters.

The universal approximation theorem says that one hidden layer with enough units can come as
close as we like to any continuous function on a closed interval. In one dimension we can
see why by building the weights ourselves, without any training:

- :func:`sigmoid_staircase`: each steep sigmoid unit is a smooth *step*; adding the steps at
  the midpoints between equally spaced knots x_0 < … < x_n, each as tall as the change of f
  between two knots, gives a staircase that follows f.
- :func:`relu_interpolant`: each ReLU unit adds a *kink*; a kink at every knot, whose size is
  the change of slope there, gives the piecewise-linear curve through the points (x_j, f(x_j)).
  Three such kinks make a "hat" (a triangle), and a sum of hats is the same curve.

Both return an ordinary :class:`nnkit.mlp.MLP` with layer sizes ``[1, n_units, 1]`` and a linear
output, so ``model.forward`` evaluates them. :func:`max_error` measures the largest error on
[a, b] and :func:`max_errors` repeats that for growing numbers of units.

Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
"""
import numpy as np

from nnkit import activations
from nnkit._validation import as_float, as_float_array, as_int, check_choice
from nnkit.mlp import MLP

__all__ = ["knots", "sigmoid_staircase", "relu_interpolant", "BUILDERS", "unit_contributions",
           "max_error", "max_errors", "n_params_one_hidden"]


def _check_interval(a, b):
    a, b = as_float(a, "a"), as_float(b, "b")
    if not a < b:
        raise ValueError(f"the interval [a, b] needs a < b, got a={a}, b={b}")
    return a, b


def _values(f, x):
    """f evaluated at the points x (1-D), checked to be finite numbers of the same shape."""
    if not callable(f):
        raise TypeError(f"f must be a function of an array of x values, got {type(f).__name__}")
    y = as_float_array(f(x), "f(x)")
    if y.shape != x.shape:
        raise ValueError(f"f must return one value per x: f(x) has shape {y.shape} "
                         f"for x of shape {x.shape}")
    return y


def _one_hidden(n_units, activation, W1, b1, w2, b2):
    model = MLP([1, n_units, 1], hidden_activation=activation, output="linear", random_state=0)
    model.params = [(W1.reshape(1, -1), b1), (w2.reshape(-1, 1), np.array([b2]))]
    return model


def knots(a, b, n_units):
    """The n_units + 1 equally spaced points a = x_0 < x_1 < … < x_n = b.

    Parameters
    ----------
    a, b : float
        The interval, a < b.
    n_units : int
        Number of pieces, at least 1.

    Returns
    -------
    ndarray of shape (n_units + 1,)

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    a, b = _check_interval(a, b)
    return np.linspace(a, b, as_int(n_units, "n_units", minimum=1) + 1)


def sigmoid_staircase(f, a, b, n_units, sharpness=10.0):
    """A network of ``n_units`` sigmoid steps whose sum follows f on [a, b].

    With knots x_j = a + j h (h = (b − a) / n_units), hidden unit j = 1, …, n is a step at the
    midpoint t_j = (x_(j−1) + x_j) / 2 and its output weight is the jump f(x_j) − f(x_(j−1)):

        ŷ(x) = f(x_0) + Σ_j [f(x_j) − f(x_(j−1))] σ(s (x − t_j)),   s = sharpness / h.

    Parameters
    ----------
    f : callable
        The continuous function to approximate; maps an array of x values to f(x).
    a, b : float
        The interval, a < b.
    n_units : int
        Hidden units (steps), at least 1.
    sharpness : float, default 10.0
        Steepness of each step relative to the spacing h: the hidden weight is sharpness / h,
        so a step rises from 0.007 to 0.993 over one spacing. Larger is closer to a true step.

    Returns
    -------
    MLP
        Layer sizes ``[1, n_units, 1]``, sigmoid hidden units, linear output.

    Examples
    --------
    >>> import numpy as np
    >>> model = sigmoid_staircase(np.sin, 0.0, np.pi, n_units=50)
    >>> bool(max_error(model, np.sin, 0.0, np.pi) < 0.05)
    True

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    x = knots(a, b, n_units)
    sharpness = as_float(sharpness, "sharpness", minimum=0.0, exclusive_minimum=True)
    y = _values(f, x)
    w = sharpness / (x[1] - x[0])
    midpoints = (x[:-1] + x[1:]) / 2
    return _one_hidden(len(midpoints), "sigmoid", np.full(len(midpoints), w), -w * midpoints,
                       np.diff(y), y[0])


def relu_interpolant(f, a, b, n_units):
    """A network of ``n_units`` ReLU kinks that joins the points (x_j, f(x_j)) with straight lines.

    With knots x_j = a + j h and slopes m_j = (f(x_(j+1)) − f(x_j)) / h of the n pieces,
    hidden unit j = 0, …, n − 1 is relu(x − x_j) and its output weight is the change of
    slope at x_j (m_0 for the first):

        ŷ(x) = f(x_0) + m_0 relu(x − x_0) + Σ_(j≥1) (m_j − m_(j−1)) relu(x − x_j).

    On [a, b] this equals the piecewise-linear interpolant of f (``numpy.interp``); beyond b it
    continues the last piece.

    Parameters
    ----------
    f : callable
        The continuous function to approximate; maps an array of x values to f(x).
    a, b : float
        The interval, a < b.
    n_units : int
        Hidden units (linear pieces), at least 1.

    Returns
    -------
    MLP
        Layer sizes ``[1, n_units, 1]``, ReLU hidden units, linear output.

    Examples
    --------
    >>> import numpy as np
    >>> model = relu_interpolant(np.abs, -1.0, 1.0, n_units=2)
    >>> model.forward([[-0.5], [0.0], [0.75]]).ravel().tolist()
    [0.5, 0.0, 0.75]

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    x = knots(a, b, n_units)
    y = _values(f, x)
    slopes = np.diff(y) / np.diff(x)
    kinks = np.diff(slopes, prepend=0.0)
    return _one_hidden(len(slopes), "relu", np.ones(len(slopes)), -x[:-1], kinks, y[0])


BUILDERS = {"sigmoid": sigmoid_staircase, "relu": relu_interpolant}


def _check_one_hidden(model):
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if len(model.layer_sizes) != 3 or model.layer_sizes[0] != 1 or model.layer_sizes[2] != 1:
        raise ValueError("model must have layer sizes [1, n_units, 1], "
                         f"got {model.layer_sizes}")
    if model.output != "linear":
        raise ValueError(f"model must have a linear output, got output={model.output!r}")
    return model


def unit_contributions(model, x):
    """What each hidden unit adds to the output: its output weight times its activation.

    The network's output is the sum of the columns plus the output bias.

    Parameters
    ----------
    model : MLP
        Layer sizes ``[1, n_units, 1]`` with a linear output.
    x : array-like of shape (n_points,)
        Inputs.

    Returns
    -------
    ndarray of shape (n_points, n_units)

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    (W1, b1), (W2, _) = _check_one_hidden(model).params
    x = as_float_array(x, "x", ndim=1)
    return activations.get(model.hidden_activation)(x[:, None] @ W1 + b1) * W2[:, 0]


def max_error(model, f, a, b, n_points=2001):
    """The largest absolute error abs(ŷ(x) − f(x)) over ``n_points`` equally spaced x in [a, b].

    Parameters
    ----------
    model : MLP
        Layer sizes ``[1, n_units, 1]`` with a linear output.
    f : callable
        The target function; maps an array of x values to f(x).
    a, b : float
        The interval, a < b.
    n_points : int, default 2001
        Evaluation points, at least 2 (the ends a and b included).

    Returns
    -------
    float

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    _check_one_hidden(model)
    a, b = _check_interval(a, b)
    x = np.linspace(a, b, as_int(n_points, "n_points", minimum=2))
    return float(np.max(np.abs(model.forward(x[:, None])[:, 0] - _values(f, x))))


def max_errors(kind, f, a, b, units, n_points=2001):
    """Build a hand-set network for each number of units and measure its max error on [a, b].

    Parameters
    ----------
    kind : {"sigmoid", "relu"}
        :func:`sigmoid_staircase` (default sharpness) or :func:`relu_interpolant`.
    f : callable
        The continuous function to approximate.
    a, b : float
        The interval, a < b.
    units : sequence of int
        Numbers of hidden units to try.
    n_points : int, default 2001
        Evaluation points for :func:`max_error`.

    Returns
    -------
    ndarray of shape (len(units),)

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    build = BUILDERS[check_choice(kind, "kind", BUILDERS)]
    if isinstance(units, (str, bytes)) or not hasattr(units, "__len__") or len(units) == 0:
        raise TypeError(f"units must be a non-empty list of ints, got {units!r}")
    return np.array([max_error(build(f, a, b, as_int(n, f"units[{i}]", minimum=1)), f, a, b,
                               n_points) for i, n in enumerate(units)])


def n_params_one_hidden(n_inputs, n_units, n_outputs):
    """Parameters of a dense network with one hidden layer of ``n_units`` (0: no hidden layer).

    Every connection has one weight and every non-input unit one bias:
    n_inputs · U + U + U · n_outputs + n_outputs, or n_inputs · n_outputs + n_outputs when
    U = 0 (softmax regression).

    Parameters
    ----------
    n_inputs : int
        Inputs, at least 1 (784 for a 28 × 28 image).
    n_units : int
        Hidden units U, at least 0.
    n_outputs : int
        Output units, at least 1 (10 for ten classes).

    Returns
    -------
    int

    Examples
    --------
    >>> n_params_one_hidden(784, 0, 10), n_params_one_hidden(784, 200, 10)
    (7850, 159010)

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
    n_units = as_int(n_units, "n_units", minimum=0)
    n_outputs = as_int(n_outputs, "n_outputs", minimum=1)
    if n_units == 0:
        return n_inputs * n_outputs + n_outputs
    return n_inputs * n_units + n_units + n_units * n_outputs + n_outputs
