"""The torch training toolkit that chapters 8 and 9 share: one loop, one counter, one guard.

- ``train``: Adam on the cross-entropy, over mini-batches in an order drawn from a local
  generator (a numpy one, or a ``torch.Generator``), with a tqdm bar and a per-epoch callback;
- ``predict`` and ``score``: the most probable class, and accuracy;
- ``count_parameters``: the parameters (weights and biases) of a network;
- ``threads``: run torch on a fixed number of CPU threads, then restore the caller's setting;
- ``check_module``, ``float_tensor`` and ``batch_logits``: the argument checks and the batched,
  gradient-free forward pass that ``predict``, ``score`` and :mod:`nnkit.transfer` share;
- ``Dropout`` and ``init_like_torch``: dropout and torch's default initial weights, drawn from a
  ``torch.Generator`` the caller owns.

Randomness always comes from a generator passed in, never from torch's global one:
``torch.manual_seed`` is never called, so training a network here changes no state the
caller did not hand over.

This module imports torch, so ``import nnkit`` does not load it: import it explicitly,
``from nnkit import torchkit``.

Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns), and
chapter 9, "Transfer learning" (chapters/09-transfer-learning).
"""
import contextlib
import math

import numpy as np
import torch
from torch import nn

from nnkit._progress import epochs as epochs_with_progress
from nnkit._validation import as_float, as_float_array, as_int, as_labels, as_rng

__all__ = ["threads", "count_parameters", "train", "predict", "score", "Dropout",
           "init_like_torch", "check_module", "float_tensor", "batch_logits"]


@contextlib.contextmanager
def threads(n_threads=1):
    """Run the enclosed torch code on ``n_threads`` CPU threads, then restore the setting.

    Small networks gain little from a second thread on a busy machine, and a fixed number of
    threads gives the same numbers on every run. Usable as ``with threads(1):`` or as a
    decorator ``@threads(1)``.

    Parameters
    ----------
    n_threads : int, default 1

    Yields
    ------
    None

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    n_threads = as_int(n_threads, "n_threads", minimum=1)
    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def check_module(model, name="model"):
    """Raise a TypeError naming ``name`` unless ``model`` is a ``torch.nn.Module``.

    Parameters
    ----------
    model : object
        What the caller passed as a network.
    name : str, default "model"
        The caller's name for it.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")


def float_tensor(X, name="X"):
    """X as a float32 torch tensor (a tensor is detached; anything else is checked as numbers).

    Parameters
    ----------
    X : array-like or torch.Tensor
    name : str, default "X"
        The caller's name for X, used in the error messages.

    Returns
    -------
    torch.Tensor of dtype float32

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    if torch.is_tensor(X):
        return X.detach().float()
    return torch.tensor(as_float_array(X, name), dtype=torch.float32)


def count_parameters(model, trainable_only=False):
    """The number of parameters (weights and biases) of a network.

    Parameters
    ----------
    model : torch.nn.Module
    trainable_only : bool, default False
        Count only the parameters that training would change (``requires_grad``).

    Returns
    -------
    int

    Examples
    --------
    >>> count_parameters(torch.nn.Conv2d(3, 64, kernel_size=3))  # 64 kernels 3x3x3 + biases
    1792

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    if not isinstance(trainable_only, bool):
        raise TypeError(f"trainable_only must be True or False, got {trainable_only!r}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


class Dropout(nn.Dropout):
    """``torch.nn.Dropout`` whose masks come from a ``torch.Generator``, not torch's global one.

    In training mode each input is zeroed with probability ``p`` and the others are divided
    by 1 - p (the computation of ``torch.nn.Dropout``, with the same draws for the same
    generator state); in evaluation mode the input passes unchanged.

    Parameters
    ----------
    p : float in [0, 1)
    generator : torch.Generator
        Shared with whoever seeds it (``ConvNet`` seeds it before training).

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """

    def __init__(self, p, generator):
        super().__init__(as_float(p, "p", minimum=0.0, maximum=1.0, exclusive_maximum=True))
        if not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got "
                            f"{type(generator).__name__}")
        self.generator = generator

    def forward(self, x):
        """The input with dropped entries zeroed and the rest scaled (training mode only).

        Parameters
        ----------
        x : torch.Tensor

        Returns
        -------
        torch.Tensor of the same shape

        Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
        """
        if not self.training or self.p == 0 or x.numel() == 0:
            return x
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * keep.div_(1 - self.p)


def init_like_torch(module, generator):
    """Draw every convolution's and dense layer's parameters as torch's defaults do.

    Weights: Kaiming-uniform with a = sqrt(5); biases: uniform in +-1/sqrt(fan_in), layer by
    layer in the order of ``module.modules()``, all from ``generator``. For the same seed this
    gives the weights that ``torch.manual_seed(seed)`` and building the layers would give,
    without touching torch's global generator. Works on a module built on the meta device.

    Parameters
    ----------
    module : torch.nn.Module
        Changed in place.
    generator : torch.Generator

    Returns
    -------
    torch.nn.Module
        The same module.

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    check_module(module, "module")
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            weight = torch.empty(layer.weight.shape)
            nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
            layer.weight = nn.Parameter(weight)
            if layer.bias is not None:
                fan_in = weight[0].numel()
                bound = 1 / math.sqrt(fan_in) if fan_in else 0.0
                bias = torch.empty(layer.bias.shape)
                nn.init.uniform_(bias, -bound, bound, generator=generator)
                layer.bias = nn.Parameter(bias)
    return module


def batch_logits(model, X, batch_size=256):
    """The network's outputs on X, batch by batch, in evaluation mode and without gradients.

    The model is put in evaluation mode (dropout off, batch norm on its running statistics)
    and back into the mode it was in afterwards; torch runs on one thread (:func:`threads`).

    Parameters
    ----------
    model : torch.nn.Module
    X : torch.Tensor of shape (n_samples, ...)
        Inputs, e.g. from :func:`float_tensor`.
    batch_size : int, default 256
        Samples per forward pass.

    Returns
    -------
    torch.Tensor of shape (n_samples, n_outputs)

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), threads(1):
            return torch.cat([model(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
    finally:
        model.train(was_training)


def _frozen_batchnorms_to_eval(model):
    """Batch-norm layers whose parameters are frozen keep their running statistics too."""
    for layer in model.modules():
        if isinstance(layer, nn.modules.batchnorm._BatchNorm) and not any(
                p.requires_grad for p in layer.parameters()):
            layer.eval()


def _order(n, random_state):
    """A random order of n samples, from a torch.Generator or a numpy one."""
    if isinstance(random_state, torch.Generator):
        return lambda: torch.randperm(n, generator=random_state)
    rng = as_rng(random_state)
    return lambda: torch.from_numpy(rng.permutation(n))


def train(model, X, y, epochs, learning_rate=0.01, batch_size=None, weight_decay=0.0,
          random_state=None, progress=False, callback=None, n_threads=1):
    """Train the trainable parameters of ``model`` with Adam on the cross-entropy loss.

    Only parameters with ``requires_grad`` change, so after freezing a backbone and adding a
    new head (:func:`nnkit.transfer.freeze`, :func:`nnkit.transfer.replace_head`) only the
    head learns. ``X`` may be images (for a whole network) or feature vectors (for a head
    alone, e.g. ``torch.nn.Linear``).

    Parameters
    ----------
    model : torch.nn.Module
        Outputs one score (logit) per class.
    X : array-like or torch.Tensor of shape (n, ...)
    y : array-like of int, shape (n,)
    epochs : int
    learning_rate : float, default 0.01
    batch_size : int or None, default None
        None: full batch (one update per epoch).
    weight_decay : float, default 0.0
        L2 penalty on the trainable parameters (Adam's ``weight_decay``).
    random_state : None, int, numpy.random.Generator or torch.Generator
        Order of the mini-batches: ``numpy``'s permutation, or ``torch.randperm`` with the
        given ``torch.Generator`` (which the model's own random layers, e.g. :class:`Dropout`,
        may share).
    progress : bool, default False
        Show a tqdm progress bar over the epochs.
    callback : callable or None, default None
        Called as ``callback(epoch, model)`` after every epoch (``epoch`` counts from 1), e.g.
        to score the model on validation data along the way.
    n_threads : int, default 1
        CPU threads torch uses while training (see :func:`threads`).

    Returns
    -------
    history : dict
        ``loss`` (mean cross-entropy) and ``score`` (training accuracy) of every epoch, as
        :func:`nnkit.plotting.plot_history` expects; each is averaged over the epoch's
        mini-batches, measured just before each update (with a full batch: the model as it
        was at the start of the epoch).

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    X = float_tensor(X)
    y = torch.tensor(as_labels(y, "y", n_samples=len(X)))
    epochs = as_int(epochs, "epochs", minimum=1)
    learning_rate = as_float(learning_rate, "learning_rate", minimum=0, exclusive_minimum=True)
    weight_decay = as_float(weight_decay, "weight_decay", minimum=0)
    batch = len(X) if batch_size is None else as_int(batch_size, "batch_size", minimum=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable(epoch, model) or None, got {callback!r}")
    order = _order(len(X), random_state)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no trainable parameters (all frozen): add a new head "
                         "with replace_head first")
    optimizer = torch.optim.Adam(params, lr=learning_rate, weight_decay=weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    history = {"loss": [], "score": []}
    with threads(n_threads):
        for epoch in epochs_with_progress(epochs, progress, history):
            model.train()
            _frozen_batchnorms_to_eval(model)
            permutation = order()
            loss_sum = correct = 0.0
            for start in range(0, len(X), batch):
                idx = permutation[start:start + batch]
                optimizer.zero_grad()
                logits = model(X[idx])
                loss = loss_fn(logits, y[idx])
                loss.backward()
                optimizer.step()
                loss_sum += loss.item() * len(idx)
                correct += (logits.argmax(1) == y[idx]).sum().item()
            history["loss"].append(loss_sum / len(X))
            history["score"].append(correct / len(X))
            if not np.isfinite(history["loss"][-1]):
                raise ValueError(f"training diverged: the loss became {history['loss'][-1]}; "
                                 f"learning_rate={learning_rate} is too large, try a smaller "
                                 "one")
            if callback is not None:
                callback(epoch + 1, model)
    model.eval()
    return history


def predict(model, X):
    """The class with the highest score, for each row of ``X``.

    Parameters
    ----------
    model : torch.nn.Module
    X : array-like or torch.Tensor of shape (n, ...)

    Returns
    -------
    ndarray of int, shape (n,)

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    return batch_logits(model, float_tensor(X)).argmax(1).numpy().astype(np.int64)


def score(model, X, y):
    """Accuracy: the fraction of rows of ``X`` whose predicted class is ``y``.

    Parameters
    ----------
    model : torch.nn.Module
    X : array-like or torch.Tensor of shape (n, ...)
    y : array-like of int, shape (n,)

    Returns
    -------
    float in [0, 1]

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    y = as_labels(y, "y", n_samples=len(X))
    return float(np.mean(predict(model, X) == y))
