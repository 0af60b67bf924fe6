"""A dense layer: its forward rule and, beside it, its backward rule.

Layer l of a network takes the previous layer's output a^(l−1) (a^0 = X, one sample per row)
and computes

    z^l = a^(l−1) W^l + b^l        (W^l of shape (n_(l−1), n_l), b^l of shape (n_l,))
    a^l = h(z^l)

Going forward the layer keeps what its backward rule will need: its input a^(l−1) and its
weighted input z^l. Going backward it is given its error signal δ^l = ∂J/∂z^l and computes, on
its own, the gradients of its parameters and the error it sends down:

    dW^l = (a^(l−1))ᵀ δ^l          db^l = Σ_samples δ^l          ∂J/∂a^(l−1) = δ^l (W^l)ᵀ

The layer below turns that into its own error signal, δ^(l−1) = ∂J/∂a^(l−1) ⊙ h'(z^(l−1))
(:meth:`Dense.error`). The loop that calls these rules from the last layer to the first is
:func:`nnkit.backprop.backward`; the network that strings layers together is
:class:`nnkit.mlp.MLP`.

Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons); the
backward rule in chapter 5, "Training: loss, gradient descent and backpropagation"
(chapters/05-backpropagation).
"""
import numpy as np

from nnkit import activations
from nnkit._validation import as_int, as_rng, check_choice

__all__ = ["HIDDEN_ACTIVATIONS", "INITIALIZATIONS", "Dense", "dense"]

#: The activations a hidden layer may use.
HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "elu", "tanh", "sigmoid", "linear")
#: How :func:`dense` may draw the initial weights.
INITIALIZATIONS = ("he", "xavier", "zeros")


class Dense:
    """A fully connected layer z = a_prev W + b, a = h(z), that remembers what backprop needs.

    Parameters
    ----------
    W : ndarray of shape (n_in, n_out)
        The weights: column q holds the incoming weights of unit q. Kept as it is (not
        copied): an optimizer updates it in place.
    b : ndarray of shape (n_out,)
        The biases.
    activation : str, default "relu"
        The name of h in ``nnkit.activations.FORMULAS``; for an output layer also "softmax".

    Attributes
    ----------
    a_prev, z, a : ndarray or None
        The input a^(l−1), weighted input z^l and output a^l of the last ``forward`` call.
    delta, dW, db : ndarray or None
        The error signal δ^l = ∂J/∂z^l and the gradients ∂J/∂W^l, ∂J/∂b^l of the last
        ``backward`` call.

    Examples
    --------
    >>> layer = Dense(np.array([[1.0, -1.0]]), np.zeros(2), activation="relu")
    >>> layer.forward(np.array([[2.0]]))
    array([[2., 0.]])
    >>> layer.backward(np.array([[1.0, 1.0]]))  # dW = a_prevᵀ δ, returns δ Wᵀ
    array([[0.]])
    >>> layer.dW
    array([[2., 2.]])

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """

    def __init__(self, W, b, activation="relu"):
        self.W, self.b = W, b
        self.activation = check_choice(activation, "activation", activations.FORMULAS)
        self.h = activations.FORMULAS[activation]
        self.a_prev = self.z = self.a = None
        self.delta = self.dW = self.db = None

    def forward(self, a_prev):
        """The forward rule: z = a_prev W + b and a = h(z), keeping a_prev and z.

        Parameters
        ----------
        a_prev : ndarray of shape (n_samples, n_in)
            The previous layer's output (the inputs X for the first layer).

        Returns
        -------
        a : ndarray of shape (n_samples, n_out)

        Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
        """
        self.a_prev = a_prev
        self.z = a_prev @ self.W + self.b
        self.a = self.h(self.z)
        return self.a

    def backward(self, delta, propagate=True):
        """The backward rule: from δ = ∂J/∂z, the gradients of W and b and the error below.

        Parameters
        ----------
        delta : ndarray of shape (n_samples, n_out)
            This layer's error signal δ^l = ∂J/∂z^l.
        propagate : bool, default True
            Whether to compute ∂J/∂a_prev; the first layer needs no gradient for the inputs.

        Returns
        -------
        ndarray of shape (n_samples, n_in) or None
            ∂J/∂a^(l−1) = δ^l (W^l)ᵀ, or None if ``propagate`` is False.

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        self.delta = delta
        self.dW = self.a_prev.T @ delta     # dW^l = (a^(l−1))ᵀ δ^l
        self.db = delta.sum(axis=0)         # db^l = δ^l summed over the samples
        return delta @ self.W.T if propagate else None

    def error(self, grad_a):
        """The error signal δ = ∂J/∂a ⊙ h'(z) of this layer, from the gradient of its output.

        Parameters
        ----------
        grad_a : ndarray of shape (n_samples, n_out)
            ∂J/∂a^l, what the layer above returned from :meth:`backward`.

        Returns
        -------
        ndarray of shape (n_samples, n_out)

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        return grad_a * activations.DERIVATIVE_FORMULAS[self.activation](self.z)

    def __repr__(self):
        n_in, n_out = self.W.shape
        return f"Dense({n_in} → {n_out}, activation={self.activation!r})"


def dense(n_in, n_out, activation="relu", init="he", random_state=None, dtype="float64"):
    """A new :class:`Dense` layer with random weights and zero biases.

    Parameters
    ----------
    n_in, n_out : int
        Units of the previous layer and of this one.
    activation : str, default "relu"
    init : {"he", "xavier", "zeros"}, default "he"
        Weights N(0, 2/n_in) (He, for ReLU-like units), N(0, 2/(n_in + n_out)) (Xavier) or 0.
    random_state : numpy.random.Generator, int or None
    dtype : str, default "float64"
        The weights are drawn in float64 and then converted, so a float32 layer starts from the
        same numbers.

    Returns
    -------
    Dense

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    n_in, n_out = as_int(n_in, "n_in", minimum=1), as_int(n_out, "n_out", minimum=1)
    init = check_choice(init, "init", INITIALIZATIONS)
    if init == "zeros":
        W = np.zeros((n_in, n_out))
    else:
        var = 2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)
        W = as_rng(random_state).normal(0.0, np.sqrt(var), size=(n_in, n_out))
    return Dense(W.astype(dtype), np.zeros(n_out, dtype=dtype), activation)

