"""Multilayer perceptrons trained with hand-written backpropagation.

Rows of ``X`` are samples. Layer l computes its weighted input z = a @ W + b from the previous
layer's output a (``W`` of shape (n_in, n_out), ``b`` of shape (n_out,)) and its output h(z).
The output layer fits the task:

=========  ====================  =====================================  ==================
output     targets y             loss (mean over samples)               output error ∂J/∂z
=========  ====================  =====================================  ==================
softmax    int labels 0..K−1     −ln p̂(true class)                      (p̂ − Y) / N
sigmoid    0/1 labels            −Σ_k [y ln ŷ + (1 − y) ln(1 − ŷ)]       (ŷ − y) / N
linear     real numbers          Σ_k (ŷ_k − y_k)²                       2 (ŷ − y) / N
=========  ====================  =====================================  ==================

plus l2 · Σ‖W‖² over the weight matrices (not the biases) when l2 > 0. Backpropagation sends
the error signal δ back through the layers, δ^[l] = (δ^[l+1] Wᵀ) ⊙ h'(z^[l]), and each weight
gradient is ∂J/∂W = aᵀ δ: the chain rule, evaluated for a whole mini-batch with matrices.

Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons); trained in
chapter 5, "Training: loss, gradient descent and backpropagation" (chapters/05-backpropagation)
and chapter 6, "Training in practice" (chapters/06-training-in-practice).
"""
import copy
from collections import namedtuple

import numpy as np

from nnkit import activations
from nnkit._progress import epochs as epochs_with_progress
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


def cross_entropy(z, Y):
    """Mean cross-entropy −ln p̂(true class) of softmax outputs, from the logits ``z``.

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

    Uses −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = ln(1 + e^z) − y z, which never takes ln 0.

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
    """Mean over samples of the squared error summed over outputs.

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


_Output = namedtuple("_Output", "activation loss error")

# name -> (activation of the logits, loss of the logits, per-sample error ∂loss/∂z from outputs)
OUTPUTS = {
    "softmax": _Output(activations.softmax, cross_entropy, lambda a, Y: a - Y),
    "sigmoid": _Output(activations.sigmoid, binary_cross_entropy, lambda a, Y: a - Y),
    "linear": _Output(activations.linear, squared_error, lambda a, Y: 2.0 * (a - Y)),
}

HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "elu", "tanh", "sigmoid", "linear")


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# The same formulas as nnkit.activations without its argument checks: inside the network z is
# always a float array the network computed itself, and skipping the checks makes a training
# step about a third faster (the widgets train live). Other activations use nnkit.activations.
_TRUSTED_HIDDEN = {
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype)),
}


def _softmax(z):
    """nnkit.activations.softmax without its checks (z is the network's own 2-D float array)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


class SGD:
    """Plain gradient descent: θ ← θ − η ∇J.

    ``step`` applies one update to every parameter array; the subclasses change only the
    direction of the step, from the state they keep per array.

    Parameters
    ----------
    learning_rate : float
        The step size η > 0.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """

    def __init__(self, learning_rate):
        self.learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0,
                                      exclusive_minimum=True)
        self.state = None  # one entry per parameter array, made on the first step
        self.t = 0  # number of steps taken

    def step(self, params, grads):
        """Update every array of ``params`` in place: θ ← θ − η · direction.

        Parameters
        ----------
        params : list of ndarray
            The parameter arrays, changed in place.
        grads : list of ndarray
            ∇J for each array of ``params``, with the same shapes.
        """
        if self.state is None:
            self.state = [self._new_state(theta) for theta in params]
        self.t += 1
        for theta, nabla, state in zip(params, grads, self.state):
            theta -= self.learning_rate * self._direction(nabla, state)

    @property
    def state_size(self):
        """How many numbers the optimizer keeps besides the parameters (0 before the first
        step): none for plain gradient descent, one per parameter for momentum (2× memory in
        all), two per parameter for Adam (3×).

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        if self.state is None:
            return 0
        return sum(int(np.size(part)) for entry in self.state if entry is not None
                   for part in (entry if isinstance(entry, tuple) else (entry,)))

    def _new_state(self, theta):
        return None

    def _direction(self, nabla, state):
        return nabla


class Momentum(SGD):
    """Gradient descent on a smoothed gradient: v ← βv + ∇J, θ ← θ − η v (2× memory).

    Parameters
    ----------
    learning_rate : float
        The step size η > 0.
    beta : float, default 0.9
        How much of the previous velocity v is kept, in [0, 1).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, learning_rate, beta=0.9):
        super().__init__(learning_rate)
        self.beta = as_float(beta, "beta", minimum=0.0, maximum=1.0, exclusive_maximum=True)

    def _new_state(self, theta):
        return np.zeros_like(theta)  # the velocity v

    def _direction(self, nabla, v):
        v *= self.beta
        v += nabla
        return v


class Adam(SGD):
    """Adam: momentum on the gradient and on its square, bias-corrected (3× memory).

    m ← β1 m + (1 − β1) ∇J and v ← β2 v + (1 − β2) (∇J)², then θ ← θ − η m̂ / (√v̂ + ε)
    with m̂ = m / (1 − β1^t) and v̂ = v / (1 − β2^t) after t steps.

    Parameters
    ----------
    learning_rate : float
        The step size η > 0.
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the two moving averages, in [0, 1).
    eps : float, default 1e-8
        Keeps the division finite.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(learning_rate)
        self.beta1 = as_float(beta1, "beta1", minimum=0.0, maximum=1.0, exclusive_maximum=True)
        self.beta2 = as_float(beta2, "beta2", minimum=0.0, maximum=1.0, exclusive_maximum=True)
        self.eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)

    def _new_state(self, theta):
        return np.zeros_like(theta), np.zeros_like(theta)  # m and v

    def _direction(self, nabla, state):
        m, v = state
        m += (1 - self.beta1) * (nabla - m)
        v += (1 - self.beta2) * (nabla ** 2 - v)
        m_hat = m / (1 - self.beta1 ** self.t)
        v_hat = v / (1 - self.beta2 ** self.t)
        return m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}

# name -> learning-rate factor at epoch t of T: start at η, decay towards the end
SCHEDULES = {
    "constant": lambda t, T: 1.0,
    "step": lambda t, T: 0.5 ** np.floor(4 * t / T),
    "exponential": lambda t, T: 0.01 ** (t / T),
    "cosine": lambda t, T: 0.5 * (1 + np.cos(np.pi * t / T)),
}


def learning_rate_at(schedule, learning_rate, epoch, epochs):
    """The learning rate of a schedule in a given epoch: start large, then decay.

    ==============  =======================================  ==================
    schedule        η_t for epoch t = 0, 1, ..., T − 1       at the last epoch
    ==============  =======================================  ==================
    "constant"      η                                        η
    "step"          η · 0.5^⌊4t / T⌋ (halved each quarter)   η / 8
    "exponential"   η · 0.01^(t / T)                         about η / 100
    "cosine"        η · (1 + cos(π t / T)) / 2               close to 0
    ==============  =======================================  ==================

    Parameters
    ----------
    schedule : str or callable
        A name above, or a function ``schedule(epoch, epochs)`` returning the rate (> 0).
    learning_rate : float
        The starting rate η > 0 (ignored by a callable schedule).
    epoch : int
        The epoch t, from 0.
    epochs : int
        The number of epochs T of the training run.

    Returns
    -------
    float

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    epochs = as_int(epochs, "epochs", minimum=1)
    epoch = as_int(epoch, "epoch", minimum=0, maximum=epochs - 1)
    if callable(schedule):
        return as_float(schedule(epoch, epochs), "the schedule's learning rate", minimum=0.0,
                        exclusive_minimum=True)
    factor = SCHEDULES[check_choice(schedule, "schedule", SCHEDULES)](epoch, epochs)
    learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    return float(learning_rate * factor)

INITIALIZATIONS = ("auto", "he", "xavier", "zeros")
DTYPES = ("float64", "float32")

#: Standardised features (mean 0, standard deviation 1) stay within a few units; when training
#: diverges on inputs larger than this, their scale is named as the likely cause.
STANDARDISED_MAX = 100.0

_STANDARDISE = "e.g. each column to mean 0 and standard deviation 1"


def _at_unit_scale(A):
    """``A`` divided by max |A| when that exceeds 1: the same data at a harmless scale."""
    top = np.abs(A).max()
    return A / top if top > 1 else A


def _init_layer(n_in, n_out, init, rng):
    """Weights N(0, 2/n_in) (He), N(0, 2/(n_in + n_out)) (Xavier) or 0; biases 0."""
    if init == "zeros":
        return np.zeros((n_in, n_out)), np.zeros(n_out)
    var = 2.0 / n_in if init == "he" else 2.0 / (n_in + n_out)
    return rng.normal(0.0, np.sqrt(var), size=(n_in, n_out)), np.zeros(n_out)


class MLP:
    """A fully connected feed-forward network.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first: ``[784, 200, 10]`` has 784 inputs, one hidden layer
        of 200 units and 10 outputs.
    hidden_activation : str, default "relu"
        One of ``HIDDEN_ACTIVATIONS``.
    output : {"softmax", "sigmoid", "linear"}, default "softmax"
        Output layer and loss: K-class classification, binary (or multi-label)
        classification, regression.
    random_state : int, numpy.random.Generator or None
        Seeds the initial weights.
    init : {"auto", "he", "xavier", "zeros"}, default "auto"
        Initial weights: He for ReLU-like hidden units, Xavier otherwise ("auto"), or all
        zeros (to see symmetry break training).
    dtype : {"float64", "float32"} or the numpy type, default "float64"
        The floating-point type of the weights and of every computation. float64 is exact
        enough for gradient checks; float32 halves the memory and, with it, roughly halves
        the training time (what torch uses by default). The inputs are converted to it.

    Notes
    -----
    The methods take ``X``, an array-like of shape (n_samples, n_inputs) with one sample per
    row, and ``y``: int labels of shape (n_samples,) for softmax; 0/1 labels of shape
    (n_samples,) for one sigmoid output or (n_samples, n_outputs) for several; numbers of shape
    (n_samples,) or (n_samples, n_outputs) for a linear output.

    Attributes
    ----------
    history_ : dict
        The history of the last ``fit`` (also its return value).
    optimizer_ : SGD
        The optimizer of the last ``fit``, with its state (momentum, Adam's moments).

    Examples
    --------
    >>> model = MLP([2, 8, 1], hidden_activation="tanh", output="sigmoid", random_state=0)
    >>> model.n_params
    33

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """

    def __init__(self, layer_sizes, hidden_activation="relu", output="softmax",
                 random_state=None, init="auto", dtype="float64"):
        if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
            raise TypeError(f"layer_sizes must be a list of ints, got {type(layer_sizes).__name__}")
        if len(layer_sizes) < 2:
            raise ValueError("layer_sizes must list at least the inputs and the outputs, "
                             f"got {list(layer_sizes)}")
        self.layer_sizes = [as_int(n, f"layer_sizes[{i}]", minimum=1)
                            for i, n in enumerate(layer_sizes)]
        self.hidden_activation = check_choice(hidden_activation, "hidden_activation",
                                              HIDDEN_ACTIVATIONS)
        self.output = check_choice(output, "output", OUTPUTS)
        if output == "softmax" and self.layer_sizes[-1] < 2:
            raise ValueError("a softmax output needs at least 2 units (layer_sizes[-1]); "
                             "use output='sigmoid' for two classes with one unit")
        init = check_choice(init, "init", INITIALIZATIONS)
        if init == "auto":
            init = "he" if hidden_activation in ("relu", "leaky_relu", "elu") else "xavier"
        self.init = init
        if isinstance(dtype, (type, np.dtype)):  # np.float32 as well as "float32"
            dtype = np.dtype(dtype).name
        self.dtype = np.dtype(check_choice(dtype, "dtype", DTYPES))
        rng = as_rng(random_state)
        # Drawn in float64 whatever the dtype, so a float32 model starts from the same weights.
        self._params = [tuple(theta.astype(self.dtype) for theta in _init_layer(n_in, n_out,
                                                                                init, rng))
                        for n_in, n_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:])]
        self._h, self._dh = _TRUSTED_HIDDEN.get(hidden_activation, (
            self._in_dtype(activations.get(hidden_activation)),
            self._in_dtype(activations.derivative(hidden_activation))))
        self._out = OUTPUTS[output]
        self._out_activation = (_softmax if output == "softmax"
                                else self._in_dtype(self._out.activation))

    def _in_dtype(self, f):
        """``f`` (an nnkit.activations function, which computes in float64) in the model's dtype."""
        if self.dtype == np.float64:
            return f
        return lambda z: f(z).astype(self.dtype)

    # ------------------------------------------------------------------ parameters
    @property
    def params(self):
        """A list of ``(W, b)`` pairs, one per layer: ``W`` of shape (n_in, n_out), ``b`` of
        shape (n_out,). These are the model's own arrays; assigning a new list checks shapes."""
        return self._params

    @params.setter
    def params(self, new_params):
        if not isinstance(new_params, (list, tuple)) or len(new_params) != len(self._params):
            raise ValueError(f"params must be a list of {len(self._params)} (W, b) pairs")
        checked = []
        for l, (pair, (W, b)) in enumerate(zip(new_params, self._params)):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"params[{l}] must be a (W, b) pair")
            W_new = as_float_array(pair[0], f"params[{l}][0] (W)", ndim=2)
            b_new = as_float_array(pair[1], f"params[{l}][1] (b)", ndim=1)
            if W_new.shape != W.shape or b_new.shape != b.shape:
                raise ValueError(f"params[{l}] must have shapes W {W.shape} and b {b.shape}, "
                                 f"got {W_new.shape} and {b_new.shape}")
            checked.append((W_new.astype(self.dtype, copy=False),
                            b_new.astype(self.dtype, copy=False)))
        self._params = checked

    @property
    def squared_weight_norm(self):
        """‖W‖² summed over the layers' weight matrices (the biases left out): what the L2
        penalty l2 · Σ‖W‖² multiplies.

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return float(sum(np.sum(W ** 2) for W, _ in self._params))

    @property
    def n_params(self):
        """The number of trainable numbers, Σ over layers of n_in · n_out + n_out."""
        return sum(W.size + b.size for W, b in self._params)

    def _flat(self):
        return [theta for pair in self._params for theta in pair]

    # ------------------------------------------------------------------ forward pass
    def _check_X(self, X):
        X = as_samples(X, "X", n_features=self.layer_sizes[0])
        if self.dtype != X.dtype and np.abs(X).max() > np.finfo(self.dtype).max:
            raise ValueError(f"X has values beyond the range of {self.dtype.name}, in which this "
                             f"model computes (max |X| = {np.abs(X).max():.3g}); standardise X, "
                             f"{_STANDARDISE}, or use dtype='float64'")
        return X.astype(self.dtype, copy=False)

    def _targets(self, y, n_samples, name="y", samples_name="X"):
        """The target matrix Y of shape (n_samples, n_outputs) for this model's output."""
        n_out = self.layer_sizes[-1]
        if self.output == "softmax":
            labels = as_labels(y, name, n_samples, n_classes=n_out, samples_name=samples_name)
            return np.eye(n_out, dtype=self.dtype)[labels]
        if self.output == "sigmoid":
            Y = as_array(y, name)
            if n_out == 1 and Y.ndim == 1:
                return as_labels(Y, name, n_samples, n_classes=2,
                                 samples_name=samples_name)[:, None].astype(self.dtype)
            if Y.ndim != 2 or Y.shape != (n_samples, n_out):
                raise ValueError(f"{name} must have shape ({n_samples},) for one sigmoid output "
                                 f"or ({n_samples}, {n_out}), got {Y.shape}")
            as_labels(Y.ravel(), name, n_classes=2)
            return Y.astype(self.dtype)
        Y = as_float_array(y, name, ndim=(1, 2))
        Y = Y[:, None] if Y.ndim == 1 else Y
        if Y.shape != (n_samples, n_out):
            raise ValueError(f"{name} must have shape ({n_samples},) or ({n_samples}, {n_out}), "
                             f"got {np.shape(y)}")
        return Y.astype(self.dtype, copy=False)

    def _forward(self, X, masks=None, name=None):
        """Weighted inputs z and outputs a of every layer (a[0] is X).

        Given ``name``, the caller's name for X, weighted inputs that overflow raise a
        ValueError naming it instead of flowing on as infinity or NaN. Training passes no name:
        it skips the check for speed and watches its loss instead.
        """
        a, zs, outputs = X, [], [X]
        last = len(self._params) - 1
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked, not warned
            for l, (W, b) in enumerate(self._params):
                z = a @ W
                z += b
                if name is not None and not np.all(np.isfinite(z)):
                    raise self._too_large(X, f"the weighted inputs of layer {l + 1} overflow "
                                             f"{self.dtype.name}", name=name)
                if l < last:
                    a = self._h(z) if masks is None else self._h(z) * masks[l]
                else:
                    a = self._out_activation(z)
                zs.append(z)
                outputs.append(a)
        return zs, outputs

    def _stays_finite(self, X, Y=None):
        """Whether the forward pass on X (and, given Y, the loss) of these weights is finite."""
        try:
            zs, _ = self._forward(X)
        except ValueError:  # an activation of nnkit.activations refused an infinite z
            return False
        with np.errstate(over="ignore", invalid="ignore"):
            return all(np.all(np.isfinite(z)) for z in zs) and (
                Y is None or bool(np.isfinite(self._out.loss(zs[-1], Y))))

    def _too_large(self, X, what, Y=None, name="X"):
        """The error for ``what``, an overflow on X (and targets Y).

        The data are to blame when all stays finite once X, or a linear output's y, or both,
        are scaled down to max |·| = 1; otherwise the weights are (e.g. after a fit that
        diverged).
        """
        sizes = f"max |{name}| = {np.abs(X).max():.3g}"
        suspects = [(name, _at_unit_scale(X), Y)]
        if Y is not None and self.output == "linear":  # the targets are data to scale as well
            sizes += f", max |y| = {np.abs(Y).max():.3g}"
            suspects += [("y", X, _at_unit_scale(Y)),
                         (f"{name} and y", _at_unit_scale(X), _at_unit_scale(Y))]
        for data, X_small, Y_small in suspects:
            if self._stays_finite(X_small, Y_small):
                verb = "are" if data.endswith(" and y") else "is"
                return ValueError(f"{data} {verb} too large for this network: {what} ({sizes}); "
                                  f"standardise {data}, {_STANDARDISE}")
        largest = np.max([np.abs(theta).max() for theta in self._flat()])
        return ValueError(f"the weights are too large or not finite for {name}: {what} "
                          f"({sizes}, largest |weight| = {largest:.3g}); they may come from a "
                          "fit that diverged: start again from a new MLP")

    def forward(self, X):
        """The forward pass: the output of the last layer (``model(X)`` is the same).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        A : ndarray of shape (n_samples, n_outputs)
            Class probabilities (softmax), probabilities of class 1 (sigmoid) or predicted
            values (linear).
        """
        return self._forward(self._check_X(X), name="X")[1][-1]

    __call__ = forward

    def hidden_activations(self, X):
        """The outputs h(z) of every hidden layer, e.g. to see saturated sigmoid units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        list of ndarray
            One array of shape (n_samples, units of that layer) per hidden layer.

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return self._forward(self._check_X(X), name="X")[1][1:-1]

    def _loss(self, X, Y, l2, name=None):
        zs, _ = self._forward(X, name=name)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            J = self._out.loss(zs[-1], Y)
        if name is not None and not np.isfinite(J):
            raise self._too_large(X, f"the loss overflows {self.dtype.name}", Y, name)
        penalty = l2 * sum(float(np.sum(W ** 2)) for W, _ in self._params)
        return J + penalty

    def loss(self, X, y, l2=0.0):
        """The cost J: the mean loss over the samples, plus l2 · Σ‖W‖² if ``l2 > 0``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like
            Targets as described in the class's Notes.
        l2 : float, default 0.0
            Weight of the penalty on the weight matrices (the biases are not penalised).

        Returns
        -------
        J : float

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        X = self._check_X(X)
        return self._loss(X, self._targets(y, X.shape[0]), as_float(l2, "l2", minimum=0.0),
                          name="X")

    # ------------------------------------------------------------------ backpropagation
    def _backprop(self, X, Y, l2, masks=None, name=None):
        zs, outputs = self._forward(X, masks, name)
        grads = []
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            delta = self._out.error(outputs[-1], Y) / X.shape[0]  # ∂J/∂z of the output layer
            for l in reversed(range(len(self._params))):
                W, _ = self._params[l]
                dW, db = outputs[l].T @ delta, delta.sum(axis=0)
                if name is not None and not (np.all(np.isfinite(dW)) and np.all(np.isfinite(db))):
                    raise self._too_large(X, f"the gradients overflow {self.dtype.name}", Y, name)
                if l2:
                    dW += 2.0 * l2 * W
                grads.append((dW, db))
                if l > 0:
                    delta = (delta @ W.T) * self._dh(zs[l - 1])
                    if masks is not None:
                        delta = delta * masks[l - 1]
        return grads[::-1]

    def gradients(self, X, y, l2=0.0):
        """Gradients of ``loss(X, y, l2)`` by backpropagation, no automatic differentiation.

        Parameters
        ----------
        X, y, l2
            As in :meth:`loss`.

        Returns
        -------
        list of (dW, db)
            One pair per layer, matching ``params``: ∂J/∂W of shape (n_in, n_out) and ∂J/∂b
            of shape (n_out,).

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        X = self._check_X(X)
        return self._backprop(X, self._targets(y, X.shape[0]), as_float(l2, "l2", minimum=0.0),
                              name="X")

    def gradient_norms(self, X, y, l2=0.0):
        """The size ‖∂J/∂W‖ of the weight gradient of each layer, input side first.

        In a deep network of sigmoid units these shrink from the output towards the input
        (vanishing gradients): each layer multiplies the error signal by Wᵀ and by σ' ≤ 1/4.

        Parameters
        ----------
        X, y, l2
            As in :meth:`loss`.

        Returns
        -------
        ndarray of shape (n_layers,)
            The Frobenius norm of ∂J/∂W for every layer.

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        X = self._check_X(X)
        Y = self._targets(y, X.shape[0])
        grads = self._backprop(X, Y, as_float(l2, "l2", minimum=0.0), name="X")
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            norms = np.array([np.linalg.norm(dW) for dW, _ in grads])
        if not np.all(np.isfinite(norms)):
            raise self._too_large(X, f"the gradient norms overflow {self.dtype.name}", Y)
        return norms

    # ------------------------------------------------------------------ training
    def fit(self, X, y, epochs, learning_rate, batch_size=None, optimizer="sgd", l2=0.0,
            validation_data=None, early_stopping=None, dropout=0.0, random_state=None,
            progress=False, schedule=None):
        """Train by gradient descent on mini-batches.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        epochs : int
            Passes over the training data.
        learning_rate : float
            Step size η > 0.
        batch_size : int or None, default None
            None: full-batch gradient descent (1 update per epoch); 1: stochastic gradient
            descent (N updates); B: mini-batch (⌈N / B⌉ updates).
        optimizer : {"sgd", "momentum", "adam"} or SGD, default "sgd"
            A name makes a fresh optimizer; an optimizer object (:class:`SGD`,
            :class:`Momentum`, :class:`Adam`) is used as it is, keeping its state, so that
            training can go on where an earlier ``fit`` stopped. Either way it is kept in
            ``optimizer_``.
        l2 : float, default 0.0
            Weight of the penalty l2 · Σ‖W‖².
        validation_data : (X_val, y_val) or None
            Evaluated after every epoch.
        early_stopping : int or None
            Patience: stop after this many epochs without a lower validation loss and
            restore the best weights. Needs ``validation_data``.
        dropout : float in [0, 1), default 0.0
            Probability of zeroing each hidden unit during training (inverted dropout: the
            kept units are scaled by 1 / (1 − dropout), so all units are used unscaled at
            test time).
        random_state : int, numpy.random.Generator or None
            Seeds the shuffling and the dropout masks.
        progress : bool, default False
            Show a progress bar over the epochs (tqdm: a widget in Jupyter, text elsewhere)
            with the latest training loss.
        schedule : None, {"constant", "step", "exponential", "cosine"} or callable
            Learning-rate schedule over the epochs of this call (see
            :func:`learning_rate_at`); None is "constant".

        Returns
        -------
        dict
            ``loss`` and ``score`` per epoch on the training data (the mean data loss, without
            the l2 penalty, and accuracy or R²), ``val_loss`` and ``val_score`` if
            ``validation_data`` is given, ``updates_per_epoch``, ``epochs_run`` and
            ``best_epoch`` (0-based, by validation loss; None without validation data) and
            ``learning_rate`` (the rate used in each epoch).

        Bad arguments raise a ``ValueError`` or ``TypeError``. So do data on which the loss is
        infinite or NaN before any update (X, or a linear output's y, is too large: no learning
        rate can help; the model is left unchanged), and training that diverges (the loss
        becomes infinite or NaN: the learning rate is too large, or X far from standardised).

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        X = self._check_X(X)
        Y = self._targets(y, X.shape[0])
        epochs = as_int(epochs, "epochs", minimum=1)
        if isinstance(optimizer, SGD):
            opt = optimizer
            opt.learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0,
                                         exclusive_minimum=True)
        else:
            opt = OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)](learning_rate)
        schedule = "constant" if schedule is None else schedule
        if not callable(schedule):
            check_choice(schedule, "schedule", SCHEDULES)
        base_rate = opt.learning_rate
        n = X.shape[0]
        batch_size = n if batch_size is None else as_int(batch_size, "batch_size", 1, n)
        l2 = as_float(l2, "l2", minimum=0.0)
        dropout = as_float(dropout, "dropout", minimum=0.0, maximum=1.0, exclusive_maximum=True)
        val = self._check_validation(validation_data)
        if early_stopping is not None:
            early_stopping = as_int(early_stopping, "early_stopping", minimum=1)
            if val is None:
                raise ValueError("early_stopping needs validation_data")
        rng = as_rng(random_state)
        self._check_trainable(X, Y)

        history = {"loss": [], "score": [], "updates_per_epoch": -(-n // batch_size),
                   "learning_rate": []}
        self.optimizer_ = opt
        if val is not None:
            history.update(val_loss=[], val_score=[])
        best = {"loss": np.inf, "epoch": None, "params": None}
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            bar = epochs_with_progress(epochs, progress, history)
            for epoch in bar:
                opt.learning_rate = learning_rate_at(schedule, base_rate, epoch, epochs)
                history["learning_rate"].append(opt.learning_rate)
                try:  # the arguments were checked: a ValueError now means a non-finite z
                    self._train_epoch(X, Y, batch_size, opt, l2, dropout, rng)
                    self._record(history, "", X, Y)
                    if val is not None:
                        self._record(history, "val_", *val)
                except ValueError:  # the chained error would only name internals
                    raise self._divergence(epoch, opt.learning_rate, X) from None
                if not np.isfinite(history["loss"][-1]):
                    raise self._divergence(epoch, opt.learning_rate, X)
                if val is not None and self._patience_ran_out(history, best, epoch,
                                                              early_stopping):
                    bar.close(f"stopped early after {epoch + 1} of {epochs} epochs")
                    break
        if early_stopping is not None and best["params"] is not None:
            self._params = best["params"]
        history["epochs_run"] = len(history["loss"])
        history["best_epoch"] = best["epoch"]
        self.history_ = history
        return history

    def _patience_ran_out(self, history, best, epoch, patience):
        """Keep the weights of the lowest validation loss; say whether to stop early."""
        if history["val_loss"][-1] < best["loss"]:
            best.update(loss=history["val_loss"][-1], epoch=epoch,
                        params=copy.deepcopy(self._params))
            return False
        last_improved = -1 if best["epoch"] is None else best["epoch"]
        return patience is not None and epoch - last_improved >= patience

    def _record(self, history, prefix, X, Y):
        """Append the mean data loss (no penalty) and the score on (X, Y) to the history."""
        zs, outputs = self._forward(X)
        history[prefix + "loss"].append(self._out.loss(zs[-1], Y))
        history[prefix + "score"].append(self._score(outputs[-1], Y))

    def _check_validation(self, validation_data):
        if validation_data is None:
            return None
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        X_val = as_samples(validation_data[0], "validation_data[0] (X_val)",
                           n_features=self.layer_sizes[0])
        y_val = self._targets(validation_data[1], X_val.shape[0], "validation_data[1] (y_val)",
                              "validation_data[0] (X_val)")
        self._forward(X_val, name="validation_data[0] (X_val)")
        return X_val, y_val

    def _check_trainable(self, X, Y):
        """Refuse to train when the loss of the current weights is already infinite or NaN:
        before any update no learning rate can help; the scale of the data (or of the weights,
        see ``_too_large``) is to blame."""
        zs, _ = self._forward(X, name="X")
        with np.errstate(over="ignore", invalid="ignore"):
            finite = np.isfinite(self._out.loss(zs[-1], Y))
        if not finite:
            raise self._too_large(X, "the loss is infinite or NaN before any update, so no "
                                     "learning_rate can help", Y)

    def _train_epoch(self, X, Y, batch_size, opt, l2, dropout, rng):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            idx = order[start:start + batch_size]
            masks = self._dropout_masks(len(idx), dropout, rng) if dropout else None
            grads = self._backprop(X[idx], Y[idx], l2, masks)
            opt.step(self._flat(), [g for pair in grads for g in pair])

    def _dropout_masks(self, n_samples, dropout, rng):
        return [((rng.random((n_samples, n_units)) >= dropout) / (1.0 - dropout)).astype(
                    self.dtype, copy=False) for n_units in self.layer_sizes[1:-1]]

    @staticmethod
    def _divergence(epoch, learning_rate, X):
        """The error for a loss that became infinite or NaN: the learning rate is too large,
        and when X is far from standardised, that is the likely reason."""
        diverged = f"training diverged in epoch {epoch}: the loss became infinite or NaN; "
        top = float(np.abs(X).max())
        if top > STANDARDISED_MAX:
            return ValueError(diverged + f"X is far from standardised (max |X| = {top:.3g}), "
                              f"which makes steps of learning_rate={learning_rate} too large: "
                              f"standardise X, {_STANDARDISE} (or try a smaller learning_rate)")
        return ValueError(diverged + f"learning_rate={learning_rate} is too large, try a "
                          "smaller one")

    # ------------------------------------------------------------------ prediction
    def predict_proba(self, X):
        """Class probabilities: ``forward(X)``, except that one sigmoid output gives a vector.

        Only for a softmax or sigmoid output.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        P : ndarray of shape (n_samples, K) for softmax, (n_samples,) with P(y = 1) for one
            sigmoid output, (n_samples, n_outputs) for several
        """
        if self.output == "linear":
            raise ValueError("predict_proba needs output='softmax' or 'sigmoid'; "
                             "this model has output='linear' (use predict)")
        p = self.forward(X)
        return p[:, 0] if self.output == "sigmoid" and p.shape[1] == 1 else p

    def _predict(self, out):
        if self.output == "softmax":
            return out.argmax(axis=1)
        if self.output == "sigmoid":
            return (out >= 0.5).astype(np.int64)
        return out

    def predict(self, X):
        """Predicted labels (argmax for softmax, p ≥ 0.5 for sigmoid) or values (linear).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
            The samples to label.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,), or (n_samples, n_outputs) for several sigmoid
            or linear outputs
        """
        out = self._predict(self.forward(X))
        return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out

    def _score(self, out, Y):
        """Accuracy or R² of the outputs ``out`` of the last layer against the targets Y."""
        if self.output == "softmax":
            return float(np.mean(out.argmax(axis=1) == Y.argmax(axis=1)))
        if self.output == "sigmoid":
            return float(np.mean(self._predict(out) == Y))
        ss_res = ((Y - out) ** 2).sum(axis=0)
        ss_tot = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        # As in scikit-learn, a constant target scores 1 when predicted exactly, else 0.
        exact = np.where(ss_res == 0, 1.0, 0.0)
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0), exact)
        return float(np.mean(r2))

    def score(self, X, y):
        """How well the model predicts ``y``: accuracy, or R² for regression.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like
            Targets as described in the class's Notes.

        Returns
        -------
        float
            The fraction of correct labels (for several sigmoid outputs, of correct
            individual labels); for a linear output, R² = 1 − SS_res / SS_tot averaged over
            the outputs.
        """
        X = self._check_X(X)
        Y = self._targets(y, X.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            score = self._score(self._forward(X, name="X")[1][-1], Y)
        if not np.isfinite(score):
            raise self._too_large(X, f"R² overflows {self.dtype.name}", Y)
        return score

    def __repr__(self):
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype.name!r}"
        return (f"MLP(layer_sizes={self.layer_sizes}, hidden_activation="
                f"{self.hidden_activation!r}, output={self.output!r}{dtype}, "
                f"n_params={self.n_params})")




def gradient_check(model, X, y, eps=1e-6, l2=0.0):
    """Compare ``model.gradients`` with central finite differences.

    For every parameter array θ, the numerical gradient is
    (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε for each entry i; the error of that array is
    ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) (0 when both vanish).

    Parameters
    ----------
    model : MLP
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
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if model.dtype != np.float64:
        raise ValueError(f"gradient_check needs a float64 model (MLP(..., dtype='float64')), got "
                         f"dtype={model.dtype.name!r}: float32 rounding swamps the differences")
    eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)
    X = model._check_X(X)
    Y = model._targets(y, X.shape[0])
    l2 = as_float(l2, "l2", minimum=0.0)
    analytic = [g for pair in model._backprop(X, Y, l2, name="X") for g in pair]
    worst = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
        for theta, g in zip(model._flat(), analytic):
            numeric = np.zeros_like(theta)
            for i in np.ndindex(theta.shape):
                original = theta[i]
                theta[i] = original + eps
                j_plus = model._loss(X, Y, l2)
                theta[i] = original - eps
                j_minus = model._loss(X, Y, l2)
                theta[i] = original
                numeric[i] = (j_plus - j_minus) / (2 * eps)
            scale = np.linalg.norm(g) + np.linalg.norm(numeric)
            if not np.isfinite(scale):
                raise model._too_large(X, "the finite differences overflow float64", Y)
            if scale > 0:
                worst = max(worst, float(np.linalg.norm(g - numeric) / scale))
    return worst


def identical_hidden_units(model, atol=1e-12):
    """Whether all units of each hidden layer are copies of one another (broken symmetry
    never happened).

    Two units are copies when their incoming weights, their bias and their outgoing weights
    are equal. Initialised to zeros, every unit of a layer gets the same gradient, so they stay
    copies for ever and the layer acts as a single unit.

    Parameters
    ----------
    model : MLP
    atol : float, default 1e-12
        Largest difference still counted as equal.

    Returns
    -------
    list of bool
        One entry per hidden layer (empty for a network without hidden layers).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    atol = as_float(atol, "atol", minimum=0.0)
    same = []
    for (W, b), (W_next, _) in zip(model.params[:-1], model.params[1:]):
        unit = np.vstack([W, b[None, :], W_next.T])  # one column per hidden unit
        same.append(bool(np.all(np.abs(unit - unit[:, :1]) <= atol)))
    return same


def jacobian_norms(depth, width=16, activation="sigmoid", residual=False, weight_scale=1.0,
                   random_state=None):
    """How strongly a change of the input still moves layer k of a deep network, k = 1..depth.

    A plain layer maps y ↦ h(y W) with Jacobian J = W diag(h'(z)) (in the row convention of
    this package); a residual layer maps y ↦ y + h(y W) with Jacobian I + W diag(h'(z)).
    By the chain rule the Jacobian of layer k with respect to the input is the product of the
    first k layer Jacobians, and backpropagation multiplies the error signal by the same
    product (transposed). Its largest singular value (spectral norm) is returned.

    Parameters
    ----------
    depth : int
        Number of layers, >= 1.
    width : int, default 16
        Units per layer (the input has as many).
    activation : str, default "sigmoid"
        Any name of ``HIDDEN_ACTIVATIONS``.
    residual : bool, default False
        Add the skip connection y_(k+1) = y_k + F(y_k).
    weight_scale : float, default 1.0
        Weights are N(0, weight_scale² / width) (for residual layers also divided by
        √depth, the usual way of keeping a sum of many branches bounded).
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    ndarray of shape (depth,)
        ‖∂y_k / ∂y_0‖₂ for k = 1, ..., depth.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    depth = as_int(depth, "depth", minimum=1)
    width = as_int(width, "width", minimum=1)
    h = activations.get(check_choice(activation, "activation", HIDDEN_ACTIVATIONS))
    dh = activations.derivative(activation)
    if not isinstance(residual, bool):
        raise TypeError(f"residual must be True or False, got {residual!r}")
    weight_scale = as_float(weight_scale, "weight_scale", minimum=0.0, exclusive_minimum=True)
    rng = as_rng(random_state)
    std = weight_scale / np.sqrt(width) / (np.sqrt(depth) if residual else 1.0)
    y = rng.normal(size=(1, width))
    product = np.eye(width)
    norms = []
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
        for k in range(1, depth + 1):
            W = rng.normal(0.0, std, size=(width, width))
            z = y @ W
            if not np.all(np.isfinite(z)):
                raise _jacobian_overflow(weight_scale, depth, k)
            J = W * dh(z)  # W diag(h'(z)): column j scaled by h'(z_j)
            if residual:
                J = np.eye(width) + J
                y = y + h(z)
            else:
                y = h(z)
            product = product @ J
            if not np.all(np.isfinite(product)):
                raise _jacobian_overflow(weight_scale, depth, k)
            norms.append(np.linalg.norm(product, 2))
    return np.array(norms)


def _jacobian_overflow(weight_scale, depth, layer):
    return ValueError(f"weight_scale={weight_scale} is too large for depth={depth}: layer {layer} "
                      "overflows float64; try a smaller weight_scale or fewer layers")


def batch_norm(Z, gamma=1.0, beta=0.0, eps=1e-5):
    """Batch normalisation of weighted inputs: each unit standardised over the mini-batch.

    ẑ = (z − μ_B) / √(σ²_B + ε), then γ ẑ + β, with the mean μ_B and (biased) variance σ²_B of
    each column over the rows of the batch. However large or shifted z is, ẑ has mean 0 and
    standard deviation about 1, where a sigmoid is not saturated.

    Parameters
    ----------
    Z : array-like of shape (n_samples, n_units)
        Weighted inputs of one layer for a mini-batch.
    gamma, beta : float or array-like of shape (n_units,), default 1.0 and 0.0
        Learnable scale and shift.
    eps : float, default 1e-5

    Returns
    -------
    ndarray of shape (n_samples, n_units)

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    Z = as_float_array(Z, "Z", ndim=2)
    gamma = as_float_array(gamma, "gamma", ndim=(0, 1))
    beta = as_float_array(beta, "beta", ndim=(0, 1))
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.ndim == 1 and value.shape != (Z.shape[1],):
            raise ValueError(f"{name} must be a number or have shape ({Z.shape[1]},), "
                             f"got {value.shape}")
    eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)
    Z_hat = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + eps)
    return gamma * Z_hat + beta


_SETTING_KEYS = {"hidden_layers", "hidden_activation", "init", "epochs", "learning_rate",
                 "batch_size", "optimizer", "l2", "dropout", "schedule"}


def validation_scores(settings, X_train, y_train, X_val, y_val, output="softmax",
                      random_state=None):
    """Train one network per hyperparameter setting and score it on validation data.

    This is the inner loop of grid search and random search: ``settings`` can come from
    ``sklearn.model_selection.ParameterGrid`` or ``ParameterSampler``.

    Parameters
    ----------
    settings : iterable of dict
        Keys among ``hidden_layers`` (tuple of widths, default ``(16,)``),
        ``hidden_activation``, ``init``, ``epochs`` (default 50), ``learning_rate`` (default
        0.01), ``batch_size``, ``optimizer`` (default "adam"), ``l2``, ``dropout``,
        ``schedule``.
    X_train : array-like of shape (n_train, n_inputs)
    y_train : array-like of shape (n_train,)
    X_val : array-like of shape (n_val, n_inputs)
    y_val : array-like of shape (n_val,)
    output : {"softmax", "sigmoid"}, default "softmax"
        The output layer (softmax: one unit per class of ``y_train``).
    random_state : int or None
        Seeds every network's weights and shuffling the same way, so settings differ only
        in their hyperparameters.

    Returns
    -------
    ndarray of shape (n_settings,)
        Validation accuracy of each setting (0 for a setting whose training diverged).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    X_train = as_samples(X_train, "X_train")
    y_train = as_labels(y_train, "y_train", n_samples=X_train.shape[0], samples_name="X_train")
    check_choice(output, "output", ("softmax", "sigmoid"))
    seed = None if random_state is None else as_int(random_state, "random_state", minimum=0)
    n_out = int(y_train.max()) + 1 if output == "softmax" else 1
    # Checked here, so that errors name these arguments rather than fit's and score's X and y.
    n_classes = max(n_out, 2)
    as_labels(y_train, "y_train", n_classes=n_classes)
    X_val = as_samples(X_val, "X_val", n_features=X_train.shape[1])
    y_val = as_labels(y_val, "y_val", n_samples=X_val.shape[0], n_classes=n_classes,
                      samples_name="X_val")
    scores = []
    for i, setting in enumerate(settings):
        if not isinstance(setting, dict) or not set(setting) <= _SETTING_KEYS:
            raise ValueError(f"settings[{i}] must be a dict with keys among "
                             f"{sorted(_SETTING_KEYS)}, got {setting!r}")
        options = {"epochs": 50, "learning_rate": 0.01, "optimizer": "adam", **setting}
        sizes = [X_train.shape[1], *options.pop("hidden_layers", (16,)), n_out]
        model = MLP(sizes, hidden_activation=options.pop("hidden_activation", "relu"),
                    output=output, init=options.pop("init", "auto"), random_state=seed)
        try:
            model.fit(X_train, y_train, random_state=seed, **options)
        except ValueError as err:
            if "diverged" not in str(err):
                raise
            scores.append(0.0)
            continue
        scores.append(model.score(X_val, y_val))
    return np.array(scores)
