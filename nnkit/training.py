"""Training in practice: optimizers, schedules, dropout, L2, early stopping and the fit loop.

:meth:`nnkit.mlp.MLP.fit` is a short wrapper around :func:`fit`, the loop that draws
mini-batches, runs the network's forward and backward pass (:func:`nnkit.backprop.backward`)
and lets an optimizer take a step. Everything chapter 6 adds to that loop lives here:

- optimizers that keep state per parameter (:class:`SGD`, :class:`Momentum`, :class:`Adam`),
  each given the step size by the loop, and learning-rate schedules (:func:`learning_rate_at`);
- inverted dropout as a layer (:class:`Dropout`) and the L2 penalty as a term of the cost
  (:func:`l2_penalty`, :func:`l2_gradient`);
- early stopping on a validation loss (:class:`EarlyStopping`);
- gradient clipping by global norm (:func:`clip_by_global_norm`, ``fit(..., clip_norm=c)``);
- a batch-normalisation layer with test-time running statistics (:class:`BatchNorm`) and a deep
  stack of blocks, plain or residual, with or without it (:class:`ResidualMLP`);
- the chapter's diagnostics: identical hidden units, Jacobian norms of deep and residual
  stacks, batch normalisation, and the inner loop of hyperparameter search.

Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
"""
import numpy as np

from nnkit import activations
from nnkit._progress import epochs as epochs_with_progress
from nnkit._validation import (
    as_float,
    as_float_array,
    as_int,
    as_labels,
    as_rng,
    as_samples,
    check_choice,
)
from nnkit.layers import HIDDEN_ACTIVATIONS

__all__ = ["SGD", "Momentum", "Adam", "OPTIMIZERS", "SCHEDULES", "learning_rate_at", "Dropout",
           "dropout_masks", "l2_penalty", "l2_gradient", "EarlyStopping", "fit",
           "clip_by_global_norm", "identical_hidden_units", "jacobian_norms", "batch_norm",
           "validation_scores", "BatchNorm", "ResidualMLP"]


# ---------------------------------------------------------------------------------- optimizers

class SGD:
    """Plain gradient descent: θ ← θ − η ∇J.

    ``step`` applies one update to every parameter array; the subclasses change only the
    direction of the step, from the state they keep per array. The step size η is passed to
    each ``step`` (a schedule changes it from epoch to epoch); an optimizer built with a
    ``learning_rate`` uses that one when ``step`` is given none.

    Parameters
    ----------
    learning_rate : float or None, default None
        The optimizer's own step size η > 0, or None to take it from each ``step``.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """

    def __init__(self, learning_rate=None):
        self.learning_rate = None if learning_rate is None else as_float(
            learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
        self.state = None  # one entry per parameter array, made on the first step
        self.t = 0  # number of steps taken

    def step(self, params, grads, learning_rate=None):
        """Update every array of ``params`` in place: θ ← θ − η · direction.

        Parameters
        ----------
        params : list of ndarray
            The parameter arrays, changed in place.
        grads : list of ndarray
            ∇J for each array of ``params``, with the same shapes.
        learning_rate : float or None, default None
            The step size η of this step; None uses the optimizer's own ``learning_rate``.

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        eta = self.learning_rate if learning_rate is None else learning_rate
        if eta is None:
            raise ValueError("step needs a learning_rate: pass one, or build the optimizer "
                             "with one")
        if self.state is None:
            self.state = [self._new_state(theta) for theta in params]
        self.t += 1
        for theta, nabla, state in zip(params, grads, self.state):
            theta -= eta * self._direction(nabla, state)

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
    learning_rate : float or None, default None
        The optimizer's own step size η > 0 (see :class:`SGD`).
    beta : float, default 0.9
        How much of the previous velocity v is kept, in [0, 1).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, learning_rate=None, beta=0.9):
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
    learning_rate : float or None, default None
        The optimizer's own step size η > 0 (see :class:`SGD`).
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the two moving averages, in [0, 1).
    eps : float, default 1e-8
        Keeps the division finite.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, learning_rate=None, beta1=0.9, beta2=0.999, eps=1e-8):
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


# ---------------------------------------------------------------------------------- dropout, L2

class Dropout:
    """Inverted dropout on the output of a hidden layer, for one mini-batch.

    Wraps a :class:`~nnkit.layers.Dense` layer: the output becomes a = m ⊙ h(z), with the mask
    m holding 0 for a dropped unit and 1 / (1 − p) for a kept one, so the layer's error signal
    becomes δ = m ⊙ h'(z) ⊙ ∂J/∂a. Everything else (W, b, z, dW, ...) is the wrapped layer's,
    so the backward loop treats it as the layer itself.

    Parameters
    ----------
    layer : Dense
        A hidden layer.
    mask : ndarray of shape (n_samples, n_units)
        One mask of :func:`dropout_masks`.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, layer, mask):
        self.layer, self.mask = layer, mask

    def forward(self, a_prev):
        """The wrapped layer's output, times the mask.

        Parameters
        ----------
        a_prev : ndarray of shape (n_samples, n_in)

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return self.layer.forward(a_prev) * self.mask

    def backward(self, delta, propagate=True):
        """The wrapped layer's backward rule (dropout has no parameters).

        Parameters
        ----------
        delta : ndarray of shape (n_samples, n_units)
        propagate : bool, default True

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return self.layer.backward(delta, propagate)

    def error(self, grad_a):
        """The wrapped layer's error signal, times the mask: dropped units pass no error.

        Parameters
        ----------
        grad_a : ndarray of shape (n_samples, n_units)

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return self.layer.error(grad_a) * self.mask

    def __getattr__(self, name):
        return getattr(self.layer, name)


def dropout_masks(n_samples, hidden_sizes, p, random_state=None, dtype="float64"):
    """Inverted-dropout masks for one mini-batch: 0 with probability p, else 1 / (1 − p).

    Parameters
    ----------
    n_samples : int
        Rows of the mini-batch.
    hidden_sizes : sequence of int
        Units of each hidden layer.
    p : float in [0, 1)
        The probability of dropping a unit.
    random_state : int, numpy.random.Generator or None
    dtype : str, default "float64"

    Returns
    -------
    list of ndarray
        One mask of shape (n_samples, units) per hidden layer; each has mean about 1, so the
        expected output of a layer is the same with and without dropout.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    p = as_float(p, "p", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    rng = as_rng(random_state)
    return [((rng.random((n_samples, n_units)) >= p) / (1.0 - p)).astype(dtype, copy=False)
            for n_units in hidden_sizes]


def l2_penalty(weights, l2):
    """The L2 term l2 · Σ‖W‖² that is added to the cost (the biases are not penalised).

    Parameters
    ----------
    weights : iterable of ndarray
        The weight matrices W^1, …, W^L.
    l2 : float
        Its weight, >= 0.

    Returns
    -------
    float

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    return l2 * sum(float(np.sum(W ** 2)) for W in weights)


def l2_gradient(W, l2):
    """The gradient 2 · l2 · W of the L2 term with respect to one weight matrix.

    Parameters
    ----------
    W : ndarray
    l2 : float

    Returns
    -------
    ndarray of the shape of W

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    return 2.0 * l2 * W


# ---------------------------------------------------------------------------------- the loop

class EarlyStopping:
    """Remember the weights of the lowest validation loss and say when patience runs out.

    Parameters
    ----------
    patience : int or None
        Stop after this many epochs without a lower validation loss; None never stops (and
        keeps no weights), but still finds the best epoch.

    Attributes
    ----------
    best_loss : float
    best_epoch : int or None
    best_params : list of (W, b) or None
        Copies of the weights of the best epoch.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, patience=None):
        self.patience = patience
        self.best_loss, self.best_epoch, self.best_params = np.inf, None, None

    def should_stop(self, val_loss, epoch, params):
        """Record the validation loss of ``epoch``; True when it is time to stop.

        Parameters
        ----------
        val_loss : float
        epoch : int
            0-based.
        params : list of (W, b)
            The current weights, copied when they are the best so far.

        Returns
        -------
        bool

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch = val_loss, epoch
            if self.patience is not None:
                self.best_params = [(W.copy(), b.copy()) for W, b in params]
            return False
        last_improved = -1 if self.best_epoch is None else self.best_epoch
        return self.patience is not None and epoch - last_improved >= self.patience


def _optimizer(optimizer, learning_rate):
    """The optimizer for ``fit``: a fresh one by name, or the caller's object as it is."""
    if not isinstance(optimizer, SGD):
        return OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)](learning_rate)
    if optimizer.learning_rate is not None and optimizer.learning_rate != learning_rate:
        raise ValueError(f"learning_rate={learning_rate} differs from the learning_rate="
                         f"{optimizer.learning_rate} the optimizer was built with; pass the same "
                         f"rate, or build the optimizer without one (e.g. Adam()) to train at "
                         "fit's learning_rate")
    return optimizer


def fit(model, X, y, epochs, learning_rate, batch_size=None, optimizer="sgd", l2=0.0,
        validation_data=None, early_stopping=None, dropout=0.0, random_state=None,
        progress=False, schedule=None, clip_norm=None):
    """Train ``model`` by gradient descent on mini-batches: the loop behind ``MLP.fit``.

    :meth:`nnkit.mlp.MLP.fit` documents every argument and the history it returns.

    Each epoch shuffles the samples; each mini-batch runs the forward and backward pass (with
    fresh dropout masks when ``dropout`` > 0, plus the L2 gradient), the gradient is clipped to
    global norm ``clip_norm`` if one is given (:func:`clip_by_global_norm`), and the optimizer
    takes a step of the epoch's learning rate. A passed optimizer object keeps its own learning
    rate; if it has one, it must equal ``learning_rate``.

    Parameters
    ----------
    model : MLP
    X, y, epochs, learning_rate, batch_size, optimizer, l2, validation_data, early_stopping,
    dropout, random_state, progress, schedule, clip_norm
        As for :meth:`nnkit.mlp.MLP.fit`.

    Returns
    -------
    dict
        The history (also kept as ``model.history_``).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    X = _check_model(model).check_inputs(X)
    Y = model.targets(y, X.shape[0])
    epochs = as_int(epochs, "epochs", minimum=1)
    learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    opt = _optimizer(optimizer, learning_rate)
    schedule = "constant" if schedule is None else schedule
    if not callable(schedule):
        check_choice(schedule, "schedule", SCHEDULES)
    n = X.shape[0]
    batch_size = n if batch_size is None else as_int(batch_size, "batch_size", 1, n)
    l2 = as_float(l2, "l2", minimum=0.0)
    dropout = as_float(dropout, "dropout", minimum=0.0, maximum=1.0, exclusive_maximum=True)
    val = model.check_validation(validation_data)
    if early_stopping is not None:
        early_stopping = as_int(early_stopping, "early_stopping", minimum=1)
        if val is None:
            raise ValueError("early_stopping needs validation_data")
    if clip_norm is not None:
        clip_norm = as_float(clip_norm, "clip_norm", minimum=0.0, exclusive_minimum=True)
    rng = as_rng(random_state)
    model.check_trainable(X, Y)

    history = {"loss": [], "score": [], "updates_per_epoch": -(-n // batch_size),
               "learning_rate": []}
    model.optimizer_ = opt
    if val is not None:
        history.update(val_loss=[], val_score=[])
    stopper = EarlyStopping(early_stopping)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
        bar = epochs_with_progress(epochs, progress, history)
        for epoch in bar:
            eta = learning_rate_at(schedule, learning_rate, epoch, epochs)
            history["learning_rate"].append(eta)
            try:  # the arguments were checked: a ValueError now means a non-finite z
                _train_epoch(model, X, Y, batch_size, opt, eta, l2, dropout, rng, clip_norm)
                _record(model, history, "", X, Y)
                if val is not None:
                    _record(model, history, "val_", *val)
            except ValueError:  # the chained error would only name internals
                raise model.divergence_error(epoch, eta, X) from None
            if not np.isfinite(history["loss"][-1]):
                raise model.divergence_error(epoch, eta, X)
            if val is not None and stopper.should_stop(history["val_loss"][-1], epoch,
                                                       model.params):
                bar.close(f"stopped early after {epoch + 1} of {epochs} epochs")
                break
    if stopper.best_params is not None:
        model.params = stopper.best_params
    history["epochs_run"] = len(history["loss"])
    history["best_epoch"] = stopper.best_epoch
    model.history_ = history
    return history


def _train_epoch(model, X, Y, batch_size, opt, learning_rate, l2, dropout, rng, clip_norm=None):
    """One pass over the shuffled samples, one optimizer step per mini-batch."""
    order = rng.permutation(X.shape[0])
    hidden_sizes = model.layer_sizes[1:-1]
    for start in range(0, X.shape[0], batch_size):
        idx = order[start:start + batch_size]
        masks = dropout_masks(len(idx), hidden_sizes, dropout, rng,
                              model.dtype) if dropout else None
        grads = [g for pair in model.backprop_pass(X[idx], Y[idx], l2, masks) for g in pair]
        if clip_norm is not None:
            grads = clip_by_global_norm(grads, clip_norm)[0]
        opt.step([theta for pair in model.params for theta in pair], grads, learning_rate)


def _record(model, history, prefix, X, Y):
    """Append the mean data loss (no penalty) and the score on (X, Y) to the history."""
    loss, score = model.evaluate(X, Y)
    history[prefix + "loss"].append(loss)
    history[prefix + "score"].append(score)


def clip_by_global_norm(grads, max_norm):
    """Scale a list of gradients together so that their global norm is at most ``max_norm``.

    The global norm is ‖g‖ = √(Σ over all arrays of Σ g²), the length of all gradients
    flattened into one vector. If it exceeds ``max_norm``, every array is multiplied by the same
    factor ``max_norm / ‖g‖``, so the step keeps its direction and only gets shorter; otherwise
    the gradients are returned unchanged. This is ``torch.nn.utils.clip_grad_norm_`` (which
    adds 1e-6 to the denominator; we do not).

    Parameters
    ----------
    grads : list of numpy.ndarray
        The gradients of all parameters (weights and biases of every layer).
    max_norm : float
        The largest global norm allowed, > 0.

    Returns
    -------
    clipped : list of numpy.ndarray
        New arrays (the inputs are not modified).
    norm : float
        The global norm before clipping.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    max_norm = as_float(max_norm, "max_norm", minimum=0.0, exclusive_minimum=True)
    grads = [np.asarray(g) for g in grads]
    norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * np.asarray(scale, dtype=g.dtype) for g in grads], norm


# ------------------------------------------------------------------------- residual networks

class BatchNorm:
    """Batch normalisation as a layer: batch statistics in training, running ones at test time.

    In training, each unit's weighted input is standardised with the mean μ_B and (biased)
    variance σ²_B of the mini-batch, ẑ = (z − μ_B) / √(σ²_B + ε), and the output is γ ẑ + β
    with learned γ and β (as in :func:`batch_norm`). The layer also keeps running averages,
    μ ← (1 − m) μ + m μ_B and σ² ← (1 − m) σ² + m · σ²_B · n / (n − 1) (the unbiased batch
    variance, as PyTorch does), and at test time uses those instead of a batch's statistics,
    so that a prediction for one sample does not depend on which others share its batch.

    Parameters
    ----------
    n_units : int
        Number of units (columns of z).
    momentum : float, default 0.1
        Weight m of the newest batch in the running averages, in (0, 1].
    eps : float, default 1e-5
        Added to the variance before the square root.

    Attributes
    ----------
    gamma, beta : ndarray of shape (n_units,)
        The learned scale (starts at 1) and shift (starts at 0).
    running_mean, running_var : ndarray of shape (n_units,)
        The test-time statistics (start at 0 and 1).
    grad_gamma, grad_beta : ndarray of shape (n_units,)
        Set by :meth:`backward`.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, n_units, momentum=0.1, eps=1e-5):
        n_units = as_int(n_units, "n_units", minimum=1)
        self.momentum = as_float(momentum, "momentum", minimum=0.0, maximum=1.0,
                                 exclusive_minimum=True)
        self.eps = as_float(eps, "eps", minimum=0.0, exclusive_minimum=True)
        self.gamma, self.beta = np.ones(n_units), np.zeros(n_units)
        self.running_mean, self.running_var = np.zeros(n_units), np.ones(n_units)
        self.grad_gamma = self.grad_beta = None
        self._cache = None

    def forward(self, Z, training=True):
        """γ ẑ + β, standardised by the batch's statistics (``training``) or the running ones.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_units)
            Weighted inputs; in training at least 2 rows.
        training : bool, default True
            Use and update the batch statistics (True) or use the running ones (False).

        Returns
        -------
        ndarray of shape (n_samples, n_units)

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        Z = as_samples(Z, "Z", n_features=self.gamma.shape[0])
        if not isinstance(training, bool):
            raise TypeError(f"training must be True or False, got {training!r}")
        n = Z.shape[0]
        if training:
            if n < 2:
                raise ValueError("batch normalisation in training needs at least 2 samples "
                                 f"per batch, got {n}")
            mean, var = Z.mean(axis=0), Z.var(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        Z_hat = (Z - mean) * inv_std
        self._cache = (Z_hat, inv_std, training)
        return self.gamma * Z_hat + self.beta

    def backward(self, grad_out):
        """∂J/∂Z from ∂J/∂(output) of the last :meth:`forward`; also sets ``grad_gamma`` and
        ``grad_beta``.

        In training the batch mean and variance depend on every row, which adds two terms:
        ∂J/∂z = (γ / (n √(σ²_B + ε))) · (n g − Σ g − ẑ Σ g ẑ), with g = ∂J/∂(output) and the
        sums over the batch. At test time the statistics are constants: ∂J/∂z = γ g / √(σ² + ε).

        Parameters
        ----------
        grad_out : ndarray of shape (n_samples, n_units)

        Returns
        -------
        ndarray of shape (n_samples, n_units)

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        if self._cache is None:
            raise ValueError("backward needs a forward pass first")
        Z_hat, inv_std, training = self._cache
        g = as_float_array(grad_out, "grad_out")
        if g.shape != Z_hat.shape:
            raise ValueError(f"grad_out has shape {g.shape}, the last forward gave {Z_hat.shape}")
        self.grad_gamma, self.grad_beta = (g * Z_hat).sum(axis=0), g.sum(axis=0)
        g_hat = g * self.gamma
        if not training:
            return g_hat * inv_std
        n = g.shape[0]
        return inv_std / n * (n * g_hat - g_hat.sum(axis=0)
                              - Z_hat * (g_hat * Z_hat).sum(axis=0))


class ResidualMLP:
    """A deep binary classifier of equal-width hidden blocks, with or without skip connections.

    The input is mapped linearly to ``width`` units, y₀ = x W_in + b_in; each of the ``depth``
    blocks then computes a = h(y W_k + b_k) and either replaces y by it (plain, y ← a) or adds
    it (residual, y ← y + a); the output is σ(y w_out + b_out) with the binary cross-entropy
    loss. In the backward pass a residual block hands back δ W_kᵀ *plus* the unchanged δ from
    above: the skip connection is the identity term of the Jacobian I + W diag(h'(z)).

    Parameters
    ----------
    n_inputs : int
    width : int
        Units of every hidden block.
    depth : int
        Number of hidden blocks, >= 1.
    activation : str, default "sigmoid"
        Any name of ``HIDDEN_ACTIVATIONS``.
    residual : bool, default True
        Skip connections (y ← y + h(yW + b)) or a plain stack (y ← h(yW + b)).
    batch_norm : bool, default False
        Put a :class:`BatchNorm` between each block's weighted input and its activation,
        h(BN(yW + b)); its γ and β are appended to ``params``, after the output layer. ``fit``
        and ``gradients`` use batch statistics; ``loss``, ``score`` and ``predict_proba`` the
        running ones.
    random_state : int, numpy.random.Generator or None
        Seeds the initial weights: N(0, 1 / fan_in), the block weights of a residual network
        also divided by √depth (as in :func:`jacobian_norms`); biases start at zero.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, n_inputs, width, depth, activation="sigmoid", residual=True,
                 batch_norm=False, random_state=None):
        n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
        self.width = as_int(width, "width", minimum=1)
        self.depth = as_int(depth, "depth", minimum=1)
        self.activation = check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
        for name, flag in (("residual", residual), ("batch_norm", batch_norm)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        self.residual, self.batch_norm = residual, batch_norm
        rng = as_rng(random_state)
        std = 1.0 / np.sqrt(self.width) / (np.sqrt(self.depth) if residual else 1.0)
        self.params = [rng.normal(0.0, 1.0 / np.sqrt(n_inputs), size=(n_inputs, self.width)),
                       np.zeros(self.width)]
        for _ in range(self.depth):
            self.params += [rng.normal(0.0, std, size=(self.width, self.width)),
                            np.zeros(self.width)]
        self.params += [rng.normal(0.0, 1.0 / np.sqrt(self.width), size=(self.width, 1)),
                        np.zeros(1)]
        self.norms = [BatchNorm(self.width) for _ in range(self.depth)] if batch_norm else []
        for norm in self.norms:  # the optimizer updates γ and β in place, through params
            self.params += [norm.gamma, norm.beta]

    def _check(self, X, y=None):
        X = as_samples(X, "X")
        if X.shape[1] != self.params[0].shape[0]:
            raise ValueError(f"X has {X.shape[1]} features, the network expects "
                             f"{self.params[0].shape[0]}")
        if y is None:
            return X
        y = as_float_array(y, "y").reshape(-1)
        if y.shape[0] != X.shape[0] or not np.all((y == 0) | (y == 1)):
            raise ValueError(f"y must hold one label 0 or 1 per row of X ({X.shape[0]}), "
                             f"got shape {y.shape}")
        return X, y[:, None]

    def _forward(self, X, training=False):
        """The output's weighted input z, the last block's output and, per block, its input
        and the argument of its activation."""
        h = activations.get(self.activation)
        y = X @ self.params[0] + self.params[1]
        cache = []
        for k in range(self.depth):
            W, b = self.params[2 + 2 * k], self.params[3 + 2 * k]
            z = y @ W + b
            if self.batch_norm:
                z = self.norms[k].forward(z, training)
            cache.append((y, z))
            y = y + h(z) if self.residual else h(z)
        out = 2 + 2 * self.depth  # index of the output weights
        return y @ self.params[out] + self.params[out + 1], y, cache

    def predict_proba(self, X):
        """P(class 1 | x) for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        ndarray of shape (n_samples,)

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return activations.sigmoid(self._forward(self._check(X))[0])[:, 0]

    def loss(self, X, y):
        """Mean binary cross-entropy on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,)
            Labels 0 or 1.

        Returns
        -------
        float

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        X, Y = self._check(X, y)
        z = self._forward(X)[0]
        return float(np.mean(np.logaddexp(0.0, z) - Y * z))

    def score(self, X, y):
        """Accuracy on (X, y), thresholding the probability at 0.5.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,)
            Labels 0 or 1.

        Returns
        -------
        float

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        X, Y = self._check(X, y)
        return float(np.mean((self._forward(X)[0] > 0) == (Y == 1)))

    def gradients(self, X, y):
        """∂J/∂θ for every array of ``params`` (same order), by backpropagation.

        With batch normalisation this is a training step's gradient: it uses, and updates the
        running averages with, the statistics of this batch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,)
            Labels 0 or 1.

        Returns
        -------
        list of ndarray
            The gradient of the mean binary cross-entropy, one array per entry of ``params``.

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return self._gradients(*self._check(X, y))

    def _gradients(self, X, Y):
        dh = activations.derivative(self.activation)
        z_out, y, cache = self._forward(X, training=True)
        delta = (activations.sigmoid(z_out) - Y) / X.shape[0]  # ∂J/∂z_out
        grads = [y.T @ delta, delta.sum(axis=0)]
        dy = delta @ self.params[2 + 2 * self.depth].T  # ∂J/∂y of the last block's output
        norm_grads = []
        for k in reversed(range(self.depth)):
            y_in, z = cache[k]
            dz = dy * dh(z)
            if self.batch_norm:  # back through BN to the weighted input y W + b
                dz = self.norms[k].backward(dz)
                norm_grads[:0] = [self.norms[k].grad_gamma, self.norms[k].grad_beta]
            grads[:0] = [y_in.T @ dz, dz.sum(axis=0)]
            back = dz @ self.params[2 + 2 * k].T
            dy = dy + back if self.residual else back  # the skip passes dy through unchanged
        return [X.T @ dy, dy.sum(axis=0)] + grads + norm_grads

    def fit(self, X, y, epochs, learning_rate, batch_size=None, random_state=None):
        """Train with Adam on shuffled mini-batches; return the training loss after each epoch.

        Parameters
        ----------
        X, y
            Inputs and 0/1 labels.
        epochs : int
        learning_rate : float
        batch_size : int or None, default None
            None: the whole training set per step. With batch normalisation no mini-batch
            may have a single sample.
        random_state : int, numpy.random.Generator or None
            Seeds the shuffling.

        Returns
        -------
        list of float

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        X, Y = self._check(X, y)
        epochs = as_int(epochs, "epochs", minimum=1)
        learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0,
                                 exclusive_minimum=True)
        n = X.shape[0]
        batch_size = n if batch_size is None else as_int(batch_size, "batch_size", 1, n)
        if self.batch_norm and (batch_size == 1 or n % batch_size == 1):
            raise ValueError(f"batch_size={batch_size} leaves a mini-batch of 1 sample of the "
                             f"{n}, which batch normalisation cannot standardise")
        rng = as_rng(random_state)
        opt = Adam(learning_rate)
        losses = []
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                opt.step(self.params, self._gradients(X[idx], Y[idx]))
            losses.append(self.loss(X, Y[:, 0]))
        return losses


# ---------------------------------------------------------------------------------- diagnostics

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
    _check_model(model)
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




def _check_model(model):
    from nnkit.mlp import MLP  # nnkit.mlp imports this module: look the class up when called

    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    return model


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
    from nnkit.mlp import MLP  # nnkit.mlp imports this module: look the class up when called

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
