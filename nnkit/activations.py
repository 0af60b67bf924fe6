"""Activation functions h(z) and their derivatives h'(z).

A neuron computes its weighted input (net input) z = wᵀx and passes it through an activation
function. The tables ``ACTIVATIONS`` and ``DERIVATIVES`` map a name to a function of ``z``, so
adding an activation is one line and code elsewhere (perceptrons, MLPs) looks functions up by
name. Every function is elementwise except ``softmax``, which normalises along the last axis;
``DERIVATIVES["softmax"]`` therefore returns the Jacobian, one (K, K) matrix per row.

Each formula is written once, in ``FORMULAS`` and ``DERIVATIVE_FORMULAS``: there without
argument checks and in the dtype of z, for the layers of a network (:mod:`nnkit.layers`), whose
z is an array they computed themselves. The public functions check z, then apply the formula.

Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
"""
import numpy as np

from nnkit._validation import as_float, as_float_array, check_choice

__all__ = ["ACTIVATIONS", "DERIVATIVES", "FORMULAS", "DERIVATIVE_FORMULAS", "sigmoid", "tanh",
           "relu", "leaky_relu", "elu", "step", "sign", "linear", "softmax", "softmax_jacobian",
           "get", "derivative"]


def _as_z(z):
    return as_float_array(z, "z", allow_empty=True)


# ------------------------------------------------------------------------------ the formulas
# Each formula once, without argument checks and in the dtype of z (float32 stays float32). The
# public functions below check their argument and call these; a network layer, whose z is an
# array it computed itself, calls them directly (the checks would cost a third of a training
# step).

def _sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows: the exponent is <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_prime(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


FORMULAS = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z, alpha=0.01: np.where(z > 0, z, alpha * z),
    "elu": lambda z, alpha=1.0: np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0))),
    "linear": lambda z: z.copy(),
    "softmax": _softmax,
}

DERIVATIVE_FORMULAS = {
    "sigmoid": _sigmoid_prime,
    "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(z.dtype),
    "leaky_relu": lambda z, alpha=0.01: np.where(z > 0, 1.0, alpha).astype(z.dtype, copy=False),
    "elu": lambda z, alpha=1.0: np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))).astype(
        z.dtype, copy=False),
    "linear": np.ones_like,
}


_ALPHA = {
    "leaky_relu": ("\n    alpha : float, default 0.01"
                   "\n        Slope for negative inputs, in [0, 1)."),
    "elu": "\n    alpha : float, default 1.0\n        The function tends to −α as z → −∞.",
}


def _elementwise(returns="ndarray of float, same shape as ``z``"):
    """Append the Parameters/Returns sections that every elementwise activation shares."""
    def document(h):
        h.__doc__ = h.__doc__.rstrip() + f"""

    Parameters
    ----------
    z : array-like of any shape
        Weighted inputs (net inputs).{_ALPHA.get(h.__name__, "")}

    Returns
    -------
    {returns}

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
        return h
    return document


@_elementwise("ndarray of float, same shape as ``z``, values in (0, 1)")
def sigmoid(z):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), computed without overflow."""
    return _sigmoid(_as_z(z))


@_elementwise("ndarray of float, same shape as ``z``, values in (−1, 1)")
def tanh(z):
    """Hyperbolic tangent, a sigmoid shape centred on 0."""
    return FORMULAS["tanh"](_as_z(z))


@_elementwise()
def relu(z):
    """Rectified linear unit max(0, z)."""
    return FORMULAS["relu"](_as_z(z))


@_elementwise()
def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z for z > 0, αz otherwise (α small, typically 0.01 to 0.1)."""
    alpha = as_float(alpha, "alpha", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return FORMULAS["leaky_relu"](_as_z(z), alpha)


@_elementwise()
def elu(z, alpha=1.0):
    """Exponential linear unit: z for z > 0, α(e^z − 1) otherwise."""
    alpha = as_float(alpha, "alpha", minimum=0.0)
    return FORMULAS["elu"](_as_z(z), alpha)


@_elementwise("ndarray of int, same shape as ``z``, values in {0, 1}")
def step(z):
    """Heaviside step: 1 where z ≥ 0, else 0 (the perceptron's original activation)."""
    return (_as_z(z) >= 0).astype(np.int64)


@_elementwise("ndarray of int, same shape as ``z``, values in {−1, 1}")
def sign(z):
    """Sign activation: +1 where z ≥ 0, else −1 (so that sign = 2·step − 1).

    Unlike ``numpy.sign`` it never returns 0: a perceptron must decide.
    """
    return np.where(_as_z(z) >= 0, 1, -1).astype(np.int64)


@_elementwise("ndarray of float, a copy of ``z``")
def linear(z):
    """Identity h(z) = z: a neuron with it is linear regression."""
    return FORMULAS["linear"](_as_z(z))


def softmax(z):
    """Softmax along the last axis: exp(z_k) / Σ_j exp(z_j).

    Subtracting the row maximum first keeps it exact for large inputs (z = 1000 is fine).

    Parameters
    ----------
    z : array-like of shape (K,) or (n_samples, K)

    Returns
    -------
    ndarray of the same shape; each row is a probability vector summing to 1

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    return _softmax(as_float_array(z, "z", ndim=(1, 2)))


def softmax_jacobian(z):
    """Jacobian of softmax: J[..., i, j] = ∂s_i/∂z_j = s_i (δ_ij − s_j).

    Parameters
    ----------
    z : array-like of shape (K,) or (n_samples, K)

    Returns
    -------
    ndarray of shape (K, K) or (n_samples, K, K)

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    s = softmax(z)
    return s[..., :, None] * (np.eye(s.shape[-1]) - s[..., None, :])


def _sigmoid_derivative(z):
    return _sigmoid_prime(_as_z(z))


def _tanh_derivative(z):
    return DERIVATIVE_FORMULAS["tanh"](_as_z(z))


def _relu_derivative(z):
    return DERIVATIVE_FORMULAS["relu"](_as_z(z))


def _leaky_relu_derivative(z, alpha=0.01):
    alpha = as_float(alpha, "alpha", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return DERIVATIVE_FORMULAS["leaky_relu"](_as_z(z), alpha)


def _elu_derivative(z, alpha=1.0):
    alpha = as_float(alpha, "alpha", minimum=0.0)
    return DERIVATIVE_FORMULAS["elu"](_as_z(z), alpha)


def _zero_derivative(z):
    """Step and sign are flat everywhere except at 0, where they have no derivative."""
    return np.zeros_like(_as_z(z))


def _linear_derivative(z):
    return DERIVATIVE_FORMULAS["linear"](_as_z(z))


ACTIVATIONS = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "step": step,
    "sign": sign,
    "linear": linear,
    "softmax": softmax,
}

DERIVATIVES = {
    "sigmoid": _sigmoid_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
    "leaky_relu": _leaky_relu_derivative,
    "elu": _elu_derivative,
    "step": _zero_derivative,
    "sign": _zero_derivative,
    "linear": _linear_derivative,
    "softmax": softmax_jacobian,
}


def get(name):
    """Return the activation function called ``name``.

    An unknown name raises a ``ValueError`` whose message lists the known ones.

    Parameters
    ----------
    name : str
        One of the keys of ``ACTIVATIONS``.

    Returns
    -------
    callable
        A function of ``z``.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS)]


def derivative(name):
    """The derivative h'(z) of the activation called ``name``, as a function of ``z``.

    For ``"softmax"`` that function returns the Jacobian (see ``softmax_jacobian``); for the
    flat step and sign, zeros. An unknown name raises a ``ValueError`` listing the known ones.

    Parameters
    ----------
    name : str
        One of the keys of ``DERIVATIVES``.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    return DERIVATIVES[check_choice(name, "activation", DERIVATIVES)]
