"""Multilayer perceptrons: a list of dense layers plus an output/loss table.

Rows of ``X`` are samples. Layer l = 1, …, L is a :class:`nnkit.layers.Dense` layer: it
computes its weighted input z^l = a^(l−1) W^l + b^l from the previous layer's output (a^0 = X;
``W`` of shape (n_in, n_out), ``b`` of shape (n_out,)) and its output a^l = h(z^l). The last
layer's activation and the cost come from the output/loss table ``nnkit.backprop.OUTPUTS``:

=========  ====================  =====================================  ==================
output     targets y             loss (mean over samples)               output error ∂J/∂z
=========  ====================  =====================================  ==================
softmax    int labels 0..K−1     −ln p̂(true class)                      (p̂ − Y) / N
sigmoid    0/1 labels            −Σ_k [y ln ŷ + (1 − y) ln(1 − ŷ)]       (ŷ − y) / N
linear     real numbers          Σ_k (ŷ_k − y_k)²                       2 (ŷ − y) / N
=========  ====================  =====================================  ==================

plus l2 · Σ‖W‖² over the weight matrices (not the biases) when l2 > 0. Backpropagation
(:func:`nnkit.backprop.backward`) sends the error signal back through the layers,
δ^l = (δ^(l+1) (W^(l+1))ᵀ) ⊙ h'(z^l), and each layer's weight gradient is (a^(l−1))ᵀ δ^l: the
chain rule, evaluated for a whole mini-batch with matrices. Training (``fit``) is
:func:`nnkit.training.fit`; the optimizers, schedules and chapter-6 diagnostics are in
:mod:`nnkit.training`, the costs and the gradient check in :mod:`nnkit.backprop`.

The training loop and the functions of :mod:`nnkit.backprop` work on the network through its
public methods on arrays already checked: :meth:`MLP.check_inputs` and :meth:`MLP.targets`
check X and y once, :meth:`MLP.forward_pass` and :meth:`MLP.backprop_pass` run the passes,
:meth:`MLP.evaluate` gives the loss and score, and :meth:`MLP.check_validation`,
:meth:`MLP.check_trainable`, :meth:`MLP.overflow_error` and :meth:`MLP.divergence_error` turn bad
data and a diverging loss into errors that name the caller's argument.

Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons); trained in
chapter 5, "Training: loss, gradient descent and backpropagation" (chapters/05-backpropagation)
and chapter 6, "Training in practice" (chapters/06-training-in-practice).
"""
import numpy as np

from nnkit import backprop, training
from nnkit._validation import as_float, as_float_array, as_int, as_rng, as_samples, check_choice
from nnkit.backprop import OUTPUTS
from nnkit.layers import HIDDEN_ACTIVATIONS, dense

__all__ = ["MLP", "affine_collapse", "INITIALIZATIONS", "DTYPES", "STANDARDISED_MAX"]

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
    layers : list of Dense
        Layers 1, …, L (``layers[l - 1]`` is layer l); each keeps the z, a, δ and gradients of
        the last forward and backward pass.
    head : nnkit.backprop.Output
        The row of the output/loss table ``nnkit.backprop.OUTPUTS`` for ``output``.
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
        self.head = OUTPUTS[output]
        L = len(self.layer_sizes) - 1
        self.layers = [dense(n_in, n_out, self.head.activation if l == L else hidden_activation,
                             init, rng, self.dtype)
                       for l, (n_in, n_out) in enumerate(zip(self.layer_sizes[:-1],
                                                             self.layer_sizes[1:]), start=1)]

    # ------------------------------------------------------------------ parameters
    @property
    def params(self):
        """A list of ``(W, b)`` pairs, one per layer: ``W`` of shape (n_in, n_out), ``b`` of
        shape (n_out,). These are the layers' own arrays; assigning a new list checks shapes."""
        return [(layer.W, layer.b) for layer in self.layers]

    @params.setter
    def params(self, new_params):
        if not isinstance(new_params, (list, tuple)) or len(new_params) != len(self.layers):
            raise ValueError(f"params must be a list of {len(self.layers)} (W, b) pairs")
        checked = []
        for l, (pair, (W, b)) in enumerate(zip(new_params, self.params)):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"params[{l}] must be a (W, b) pair")
            W_new = as_float_array(pair[0], f"params[{l}][0] (W)", ndim=2)
            b_new = as_float_array(pair[1], f"params[{l}][1] (b)", ndim=1)
            if W_new.shape != W.shape or b_new.shape != b.shape:
                raise ValueError(f"params[{l}] must have shapes W {W.shape} and b {b.shape}, "
                                 f"got {W_new.shape} and {b_new.shape}")
            checked.append((W_new.astype(self.dtype, copy=False),
                            b_new.astype(self.dtype, copy=False)))
        for layer, (W, b) in zip(self.layers, checked):
            layer.W, layer.b = W, b

    @property
    def squared_weight_norm(self):
        """‖W‖² summed over the layers' weight matrices (the biases left out): what the L2
        penalty l2 · Σ‖W‖² multiplies.

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        return float(sum(np.sum(W ** 2) for W, _ in self.params))

    @property
    def n_params(self):
        """The number of trainable numbers, Σ over layers of n_in · n_out + n_out."""
        return sum(W.size + b.size for W, b in self.params)

    def _flat(self):
        return [theta for pair in self.params for theta in pair]

    # ------------------------------------------------------------------ forward pass
    def check_inputs(self, X, name="X"):
        """X as this network's input: a 2-D float array of its ``dtype``, one sample per row.

        The first step of every method that takes X; the training loop
        (:func:`nnkit.training.fit`) and :mod:`nnkit.backprop` call it once and then work on
        the checked array.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        name : str, default "X"
            The caller's name for X, used in the error messages.

        Returns
        -------
        ndarray of shape (n_samples, n_inputs) and dtype ``self.dtype``
        """
        X = as_samples(X, name, n_features=self.layer_sizes[0])
        if self.dtype != X.dtype and np.abs(X).max() > np.finfo(self.dtype).max:
            raise ValueError(f"{name} has values beyond the range of {self.dtype.name}, in which "
                             f"this model computes (max |{name}| = {np.abs(X).max():.3g}); "
                             f"standardise {name}, {_STANDARDISE}, or use dtype='float64'")
        return X.astype(self.dtype, copy=False)

    def targets(self, y, n_samples, name="y", samples_name="X"):
        """The target matrix Y of shape (n_samples, n_outputs) for this model's output.

        One-hot rows for softmax, 0/1 columns for sigmoid, numbers for a linear output
        (:func:`nnkit.backprop.targets`), in the network's ``dtype``.

        Parameters
        ----------
        y : array-like
            Targets as described in the class's Notes.
        n_samples : int
            The number of samples (rows of X) that y must match.
        name, samples_name : str, default "y" and "X"
            The caller's names for y and X, used in the error messages.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        return backprop.targets(y, self.output, self.layer_sizes[-1], n_samples, name,
                                samples_name, self.dtype)

    def _chain(self, masks=None):
        """The layers, the hidden ones wrapped in dropout when ``masks`` are given."""
        if masks is None:
            return self.layers
        return [training.Dropout(layer, m) for layer, m in zip(self.layers, masks)] + \
            [self.layers[-1]]

    def forward_pass(self, X, masks=None, name=None):
        """The forward pass a^l = h(a^(l−1) W^l + b^l), l = 1..L from a^0 = X: returns ŷ = a^L.

        Layer l keeps its z^l and a^l (``layers[l - 1].z`` and ``.a``) for the backward pass.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
            Checked already (:meth:`check_inputs`).
        masks : list of ndarray or None
            Dropout's masks, one per hidden layer (:func:`nnkit.training.dropout_masks`).
        name : str or None
            The caller's name for X: weighted inputs that overflow then raise a ValueError
            naming it instead of flowing on as infinity or NaN. Training passes None: it skips
            the check for speed and watches its loss instead.
        """
        a = X
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked, not warned
            for l, layer in enumerate(self._chain(masks), start=1):
                a = layer.forward(a)
                if name is not None and not np.all(np.isfinite(layer.z)):
                    raise self.overflow_error(X, f"the weighted inputs of layer {l} overflow "
                                                 f"{self.dtype.name}", name=name)
        return a

    def _stays_finite(self, X, Y=None):
        """Whether the forward pass on X (and, given Y, the loss) of these weights is finite."""
        with np.errstate(over="ignore", invalid="ignore"):
            self.forward_pass(X)
            return all(np.all(np.isfinite(layer.z)) for layer in self.layers) and (
                Y is None or bool(np.isfinite(self.head.loss(self.layers[-1].z, Y))))

    def overflow_error(self, X, what, Y=None, name="X"):
        """The ValueError to raise for ``what``, an overflow on X (and targets Y).

        The data are to blame when all stays finite once X, or a linear output's y, or both,
        are scaled down to a largest absolute value of 1; otherwise the weights are (e.g. after
        a fit that diverged).

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
            Checked inputs (:meth:`check_inputs`).
        what : str
            What overflowed, e.g. "the loss overflows float64".
        Y : ndarray of shape (n_samples, n_outputs) or None
            Checked targets (:meth:`targets`), if the overflow involved them.
        name : str, default "X"
            The caller's name for X.

        Returns
        -------
        ValueError
            Its message names the data to standardise, or the weights.
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
        return self.forward_pass(self.check_inputs(X), name="X")

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
        self.forward_pass(self.check_inputs(X), name="X")
        return [layer.a for layer in self.layers[:-1]]

    def _loss(self, X, Y, l2, name=None):
        self.forward_pass(X, name=name)
        return self._cost(X, Y, l2, name)

    def _cost(self, X, Y, l2, name=None):
        """J of the last forward pass: the output table's loss plus the L2 term."""
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            J = self.head.loss(self.layers[-1].z, Y)
        if name is not None and not np.isfinite(J):
            raise self.overflow_error(X, f"the loss overflows {self.dtype.name}", Y, name)
        return J + training.l2_penalty((W for W, _ in self.params), l2)

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
        X = self.check_inputs(X)
        return self._loss(X, self.targets(y, X.shape[0]), as_float(l2, "l2", minimum=0.0),
                          name="X")

    # ------------------------------------------------------------------ backpropagation
    def backprop_pass(self, X, Y, l2=0.0, masks=None, name=None):
        """Forward pass, δ^L from the output table, the backward loop, then the L2 term.

        The pass behind :meth:`backprop`, :meth:`gradients` and every step of ``fit``.

        Parameters
        ----------
        X, Y : ndarray
            Checked already (:meth:`check_inputs`, :meth:`targets`).
        l2 : float, default 0.0
            Weight of the penalty l2 · Σ‖W‖².
        masks, name
            As in :meth:`forward_pass`.

        Returns
        -------
        list of (dW, db)
            One pair per layer, l = 1, …, L.
        """
        y_hat = self.forward_pass(X, masks, name)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            delta = self.head.error(y_hat, Y) / X.shape[0]  # δᴸ = ∂J/∂zᴸ
            grads = backprop.backward(self._chain(masks), delta)
        if name is not None and not all(np.all(np.isfinite(g)) for pair in grads for g in pair):
            raise self.overflow_error(X, f"the gradients overflow {self.dtype.name}", Y, name)
        if l2:
            grads = [(dW + training.l2_gradient(layer.W, l2), db)
                     for (dW, db), layer in zip(grads, self.layers)]
        return grads

    def backprop(self, X, y, l2=0.0):
        """One forward and one backward pass: the cost and its gradients.

        Afterwards every layer of ``layers`` holds its z, a, δ, dW and db from this pass
        (:func:`nnkit.backprop.backprop_trace` lists them).

        Parameters
        ----------
        X, y, l2
            As in :meth:`loss`.

        Returns
        -------
        J : float
            The cost, as :meth:`loss` computes it.
        grads : list of (dW, db)
            As :meth:`gradients` returns them.

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        X = self.check_inputs(X)
        Y = self.targets(y, X.shape[0])
        l2 = as_float(l2, "l2", minimum=0.0)
        grads = self.backprop_pass(X, Y, l2, name="X")
        return self._cost(X, Y, l2, name="X"), grads

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
        X = self.check_inputs(X)
        return self.backprop_pass(X, self.targets(y, X.shape[0]), as_float(l2, "l2", minimum=0.0),
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
        X = self.check_inputs(X)
        Y = self.targets(y, X.shape[0])
        grads = self.backprop_pass(X, Y, as_float(l2, "l2", minimum=0.0), name="X")
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            norms = np.array([np.linalg.norm(dW) for dW, _ in grads])
        if not np.all(np.isfinite(norms)):
            raise self.overflow_error(X, f"the gradient norms overflow {self.dtype.name}", Y)
        return norms

    # ------------------------------------------------------------------ training
    def fit(self, X, y, epochs, learning_rate, batch_size=None, optimizer="sgd", l2=0.0,
            validation_data=None, early_stopping=None, dropout=0.0, random_state=None,
            progress=False, schedule=None, clip_norm=None):
        """Train by gradient descent on mini-batches.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        epochs : int
            Passes over the training data.
        learning_rate : float
            Step size η > 0 (of the first epoch, when a ``schedule`` decays it). Each epoch's
            rate is passed to the optimizer's ``step``; fit never changes an optimizer's own
            ``learning_rate``.
        batch_size : int or None, default None
            None: full-batch gradient descent (1 update per epoch); 1: stochastic gradient
            descent (N updates); B: mini-batch (⌈N / B⌉ updates).
        optimizer : {"sgd", "momentum", "adam"} or SGD, default "sgd"
            A name makes a fresh optimizer; an optimizer object (:class:`SGD`,
            :class:`Momentum`, :class:`Adam`) is used as it is, keeping its state, so that
            training can go on where an earlier ``fit`` stopped; if it was built with a
            learning rate, that must equal ``learning_rate`` (build it without one, e.g.
            ``Adam()``, to let ``fit`` choose). Either way it is kept in ``optimizer_``.
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
            :func:`nnkit.training.learning_rate_at`); None is "constant".
        clip_norm : float or None, default None
            Gradient clipping: before each step, if the global norm of all the mini-batch's
            gradients (weights and biases of every layer as one vector) exceeds ``clip_norm``,
            scale them all down to that norm (:func:`nnkit.training.clip_by_global_norm`).
            None: no clipping.

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

        The loop is :func:`nnkit.training.fit`.

        Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
        (chapters/05-backpropagation).
        """
        return training.fit(self, X, y, epochs, learning_rate, batch_size, optimizer, l2,
                            validation_data, early_stopping, dropout, random_state, progress,
                            schedule, clip_norm)

    def evaluate(self, X, Y):
        """The mean data loss (no penalty) and the score on checked X and Y, for ``fit``'s history.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
            Checked inputs (:meth:`check_inputs`).
        Y : ndarray of shape (n_samples, n_outputs)
            The target matrix (:meth:`targets`).

        Returns
        -------
        loss : float
            As :meth:`loss` with l2 = 0; infinite or NaN when the weights diverged.
        score : float
            As :meth:`score`.
        """
        y_hat = self.forward_pass(X)
        return self.head.loss(self.layers[-1].z, Y), self._score(y_hat, Y)

    def check_validation(self, validation_data):
        """``fit``'s validation data checked: (X_val, Y_val), or None when there are none.

        Parameters
        ----------
        validation_data : (X_val, y_val) or None
            As for :meth:`fit`.

        Returns
        -------
        (ndarray, ndarray) or None
            The inputs and the target matrix (:meth:`targets`). Errors name
            ``validation_data[0] (X_val)`` or ``validation_data[1] (y_val)``.
        """
        if validation_data is None:
            return None
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a pair (X_val, y_val)")
        X_val = self.check_inputs(validation_data[0], "validation_data[0] (X_val)")
        y_val = self.targets(validation_data[1], X_val.shape[0], "validation_data[1] (y_val)",
                              "validation_data[0] (X_val)")
        self.forward_pass(X_val, name="validation_data[0] (X_val)")
        return X_val, y_val

    def check_trainable(self, X, Y):
        """Refuse to train when the loss of the current weights is already infinite or NaN.

        Before any update no learning rate can help; the scale of the data (or of the weights,
        see :meth:`overflow_error`) is to blame, and a ValueError says which.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
            Checked inputs (:meth:`check_inputs`).
        Y : ndarray of shape (n_samples, n_outputs)
            The target matrix (:meth:`targets`).
        """
        self.forward_pass(X, name="X")
        with np.errstate(over="ignore", invalid="ignore"):
            finite = np.isfinite(self.head.loss(self.layers[-1].z, Y))
        if not finite:
            raise self.overflow_error(X, "the loss is infinite or NaN before any update, so no "
                                         "learning_rate can help", Y)

    @staticmethod
    def divergence_error(epoch, learning_rate, X):
        """The ValueError for a loss that became infinite or NaN during ``fit``.

        The learning rate is too large, and when X is far from standardised (its largest
        absolute value above ``STANDARDISED_MAX``), that is the likely reason.

        Parameters
        ----------
        epoch : int
            The epoch (0-based) in which the loss diverged.
        learning_rate : float
            That epoch's learning rate.
        X : ndarray
            The training inputs.

        Returns
        -------
        ValueError
        """
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
        X = self.check_inputs(X)
        Y = self.targets(y, X.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is checked below
            score = self._score(self.forward_pass(X, name="X"), Y)
        if not np.isfinite(score):
            raise self.overflow_error(X, f"R² overflows {self.dtype.name}", Y)
        return score

    def __repr__(self):
        dtype = "" if self.dtype == np.float64 else f", dtype={self.dtype.name!r}"
        return (f"MLP(layer_sizes={self.layer_sizes}, hidden_activation="
                f"{self.hidden_activation!r}, output={self.output!r}{dtype}, "
                f"n_params={self.n_params})")


def affine_collapse(model):
    """The single affine map that a network with linear hidden layers computes.

    Two linear layers make one: (x W¹ + b¹) W² + b² = x (W¹W²) + (b¹W² + b²), and by
    induction any stack of them is z^L = x W + b with W = W¹W²⋯W^L. Without a nonlinear
    activation, depth adds parameters but no expressive power: the network is a linear (or
    logistic, or softmax) regression on x.

    Parameters
    ----------
    model : MLP
        A network with ``hidden_activation="linear"``.

    Returns
    -------
    W : ndarray of shape (n_inputs, n_outputs)
    b : ndarray of shape (n_outputs,)
        ``X @ W + b`` equals the weighted inputs z^L of the output layer, up to rounding.

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    if model.hidden_activation != "linear" and len(model.layers) > 1:
        raise ValueError("model must have linear hidden layers (hidden_activation='linear') to "
                         f"collapse into one affine map, got {model.hidden_activation!r}")
    (W, b), *rest = model.params
    for W_l, b_l in rest:
        W, b = W @ W_l, b @ W_l + b_l
    return W.copy(), b.copy()
