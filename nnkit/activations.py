"""Activation functions h(z) and their derivatives h'(z).

A neuron computes its weighted input (net input) z = wᵀx and passes it through an activation
function. The tables ``ACTIVATIONS`` and ``DERIVATIVES`` map a name to a function of ``z``, so
adding an activation is one line and code elsewhere (perceptrons, MLPs) looks functions up by
name. Every function is elementwise except ``softmax``, which normalises along the last axis;
``DERIVATIVES["softmax"]`` therefore returns the Jacobian, one (K, K) matrix per row.

Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
"""
import numpy as np

from nnkit._validation import as_float, as_float_array, check_choice


def _as_z(z):
    return as_float_array(z, "z", allow_empty=True)


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
    z = _as_z(z)
    e = np.exp(-np.abs(z))  # never overflows: the exponent is <= 0
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_elementwise("ndarray of float, same shape as ``z``, values in (−1, 1)")
def tanh(z):
    """Hyperbolic tangent, a sigmoid shape centred on 0."""
    return np.tanh(_as_z(z))


@_elementwise()
def relu(z):
    """Rectified linear unit max(0, z)."""
    return np.maximum(_as_z(z), 0.0)


@_elementwise()
def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z for z > 0, αz otherwise (α small, typically 0.01 to 0.1)."""
    z = _as_z(z)
    alpha = as_float(alpha, "alpha", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return np.where(z > 0, z, alpha * z)


@_elementwise()
def elu(z, alpha=1.0):
    """Exponential linear unit: z for z > 0, α(e^z − 1) otherwise."""
    z = _as_z(z)
    alpha = as_float(alpha, "alpha", minimum=0.0)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


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
    return _as_z(z).copy()


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
    z = as_float_array(z, "z", ndim=(1, 2))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


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
    s = sigmoid(z)
    return s * (1.0 - s)


def _tanh_derivative(z):
    return 1.0 - np.tanh(_as_z(z)) ** 2


def _relu_derivative(z):
    return (_as_z(z) > 0).astype(np.float64)


def _leaky_relu_derivative(z, alpha=0.01):
    alpha = as_float(alpha, "alpha", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return np.where(_as_z(z) > 0, 1.0, alpha)


def _elu_derivative(z, alpha=1.0):
    z = _as_z(z)
    alpha = as_float(alpha, "alpha", minimum=0.0)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def _zero_derivative(z):
    """Step and sign are flat everywhere except at 0, where they have no derivative."""
    return np.zeros_like(_as_z(z))


def _linear_derivative(z):
    return np.ones_like(_as_z(z))


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
