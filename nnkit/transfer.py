"""Transfer learning: reuse a pretrained CNN's early layers as a fixed transformation.

A network trained on a source problem (ImageNet photos, or MNIST digits) is cut in two: the
backbone T(x), whose weights we freeze, and a new head f(z) that we train on the few labels of
the target problem. This module provides:

- ``prepare_images``: numpy images in [0, 1] to the network's input size and scaling;
- ``classify``: the top-k ImageNet (or digit) classes of some images;
- ``first_layer_filters``: the kernels of the first convolution, to look at;
- ``freeze``, ``replace_head``, ``extract_features``: the surgery;
- ``sample_per_class`` and ``tune``: few labels, and learning rate and epochs chosen on
  validation data, never on the test set;
- ``few_label_benchmark`` with its contenders ``LinearHead`` (frozen features or pixels + a
  new head), ``WholeNetwork`` (from scratch, or fine-tuned) and ``NearestNeighbour``: the
  same few labels, the same tuning budget, the same test set, over several seeds.

The texture tiles and their four hand-made statistics, the baseline that chapter 9 compares
learned features with, are data: :func:`nnkit.datasets.load_texture_tiles` and
:func:`nnkit.datasets.texture_statistics`.

Two neighbours hold the rest: ``nnkit.pretrained`` finds the pretrained network offline
(``load_pretrained_cnn``, with the order of sources it tries, and ``mnist_cnn``, the small CNN
nnkit ships pretrained on MNIST-5k), and ``nnkit.torchkit`` trains it (``train``, ``predict``,
``score``, ``count_parameters``).

All torch computations here run on one CPU thread (and restore the caller's setting,
:func:`nnkit.torchkit.threads`): the networks and batches are small, a second thread gains
little on a busy machine, and one thread gives the same numbers on every machine.

This module imports torch, so ``import nnkit`` does not load it: import it explicitly,
``from nnkit import transfer``.

Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
"""
import copy
import itertools
import time

import numpy as np
import torch
from torch import nn

from nnkit._progress import Progress
from nnkit._validation import (
    as_float,
    as_float_array,
    as_int,
    as_labels,
    as_rng,
    check_choice,
)
from nnkit.pretrained import PretrainedCNN, init_like_he
from nnkit.torchkit import batch_logits, check_module, float_tensor, score, threads, train

__all__ = [
    "prepare_images", "classify", "first_layer_filters", "freeze", "replace_head",
    "extract_features", "sample_per_class", "tune", "LinearHead", "WholeNetwork",
    "NearestNeighbour", "few_label_split", "few_label_benchmark", "benchmark_table",
]


def _check_cnn(cnn):
    if not isinstance(cnn, PretrainedCNN):
        raise TypeError(f"cnn must be the PretrainedCNN that load_pretrained_cnn returns, "
                        f"got {type(cnn).__name__}")


@threads(1)
def prepare_images(cnn, images, border=0, size=None):
    """Turn images in [0, 1] into the input the network expects.

    Each image is cropped to its central square, resized (bilinear, antialiased) to
    ``cnn.input_size`` minus ``2 * border`` pixels, padded with ``border`` blank (0) pixels on
    every side, converted to the network's channels (grey images are repeated into RGB; RGB
    becomes grey by luminance 0.299 R + 0.587 G + 0.114 B) and scaled to (x - mean) / std.

    Parameters
    ----------
    cnn : PretrainedCNN
    images : array-like of shape (n, H, W) (grey) or (n, H, W, 3) (RGB)
        Values in [0, 1].
    border : int, default 0
        Blank margin in pixels (MNIST digits sit in the central 20 x 20 of 28 x 28: use 4).
    size : int, optional
        Output side instead of ``cnn.input_size``: a backbone that ends in global average
        pooling (EfficientNet, ResNet) accepts any size, and a smaller one is faster.

    Returns
    -------
    ndarray of float32, shape (n, cnn.in_channels, size, size)

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    _check_cnn(cnn)
    x = as_float_array(images, "images", ndim=(3, 4))
    if x.ndim == 4 and x.shape[-1] != 3:
        raise ValueError(f"images must be (n, H, W) or (n, H, W, 3), got shape {x.shape}")
    if x.min() < 0 or x.max() > 1:
        raise ValueError("images must hold values in [0, 1] (divide by 255 or 16 first)")
    side = cnn.input_size if size is None else as_int(size, "size", minimum=8)
    inner = side - 2 * as_int(border, "border", minimum=0, maximum=(side - 1) // 2)
    x = torch.tensor(x, dtype=torch.float32)
    x = x[:, None] if x.ndim == 3 else x.permute(0, 3, 1, 2)
    h, w = x.shape[-2:]
    crop = min(h, w)
    x = x[..., (h - crop) // 2:(h - crop) // 2 + crop, (w - crop) // 2:(w - crop) // 2 + crop]
    x = nn.functional.interpolate(x, size=(inner, inner), mode="bilinear", antialias=True,
                                  align_corners=False).clamp(0, 1)
    x = nn.functional.pad(x, (border,) * 4)
    if cnn.in_channels == 3 and x.shape[1] == 1:
        x = x.repeat(1, 3, 1, 1)
    elif cnn.in_channels == 1 and x.shape[1] == 3:
        x = (x * torch.tensor([0.299, 0.587, 0.114])[:, None, None]).sum(1, keepdim=True)
    mean, std = torch.tensor(cnn.mean)[:, None, None], torch.tensor(cnn.std)[:, None, None]
    return ((x - mean) / std).numpy()


def classify(cnn, images, top=5, border=0):
    """The ``top`` most probable classes of the source task for each image.

    Parameters
    ----------
    cnn : PretrainedCNN
    images : array-like of shape (n, H, W) or (n, H, W, 3)
        Values in [0, 1]; prepared with :func:`prepare_images`.
    top : int, default 5
    border : int, default 0
        As in :func:`prepare_images`.

    Returns
    -------
    list of n lists of ``top`` (class name, probability) pairs
        Most probable first; the probabilities are the softmax of the network's outputs.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    _check_cnn(cnn)
    top = as_int(top, "top", minimum=1, maximum=len(cnn.classes))
    X = float_tensor(prepare_images(cnn, images, border))
    p = torch.softmax(batch_logits(cnn.model, X), dim=1)
    values, indices = p.topk(top, dim=1)
    return [[(cnn.classes[i], float(v)) for v, i in zip(row_v, row_i)]
            for row_v, row_i in zip(values.tolist(), indices.tolist())]


def freeze(model):
    """Freeze every parameter: training will leave the network unchanged.

    Sets ``requires_grad = False`` on each parameter (in place). A head attached afterwards
    with :func:`replace_head` is trainable, so ``freeze`` then ``replace_head`` leaves only the
    head to train.

    Parameters
    ----------
    model : torch.nn.Module

    Returns
    -------
    torch.nn.Module
        The same model.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model


def first_layer_filters(model):
    """The kernels of the network's first convolutional layer, as numpy.

    Parameters
    ----------
    model : torch.nn.Module or PretrainedCNN

    Returns
    -------
    ndarray of shape (n_kernels, in_channels, kh, kw)
        E.g. (32, 3, 3, 3) for EfficientNet-Lite0, (8, 1, 3, 3) for ``mnist_cnn``.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    model = model.model if isinstance(model, PretrainedCNN) else model
    check_module(model)
    for layer in model.modules():
        if isinstance(layer, nn.Conv2d):
            return layer.weight.detach().double().numpy().copy()
    raise ValueError("model has no nn.Conv2d layer")


def _head_name(model):
    """The dotted name of the model's last ``nn.Linear`` layer: its head."""
    names = [name for name, layer in model.named_modules()
             if name and isinstance(layer, nn.Linear)]
    if not names:
        raise ValueError("model has no nn.Linear layer inside it to use as its head "
                         "(wrap a lone layer in torch.nn.Sequential)")
    return names[-1]


def _swap(model, dotted, new):
    parent_name, _, child = dotted.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    old = getattr(parent, child)
    setattr(parent, child, new)
    return old


def replace_head(model, n_classes, random_state=None):
    """Replace the model's last linear layer by a new one with ``n_classes`` outputs.

    The new head has the same number of inputs d as the old one, weights drawn uniformly from
    [-1/sqrt(d), 1/sqrt(d)] (torch's default bound) with ``random_state``, zero biases, and
    is trainable even when the rest of the model is frozen.

    Parameters
    ----------
    model : torch.nn.Module
        Changed in place.
    n_classes : int
        Outputs of the new head, >= 2.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    torch.nn.Module
        The same model, with its new head.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    n_classes = as_int(n_classes, "n_classes", minimum=2)
    rng = as_rng(random_state)
    dotted = _head_name(model)
    d = model.get_submodule(dotted).in_features
    with torch.device("meta"):
        head = nn.Linear(d, n_classes)
    bound = 1.0 / np.sqrt(d)
    head.weight = nn.Parameter(torch.tensor(rng.uniform(-bound, bound, (n_classes, d)),
                                            dtype=torch.float32))
    head.bias = nn.Parameter(torch.zeros(n_classes))
    _swap(model, dotted, head)
    return model


@threads(1)
def extract_features(model, images, batch_size=256):
    """The backbone's output T(x): what the head of the model sees, for each image.

    The head (the last ``nn.Linear``) is replaced by the identity while the images pass
    through the network in evaluation mode without gradients, then put back.

    Parameters
    ----------
    model : torch.nn.Module or PretrainedCNN
    images : array-like or torch.Tensor of shape (n, channels, height, width)
        Prepared inputs (see :func:`prepare_images`).
    batch_size : int, default 256

    Returns
    -------
    ndarray of float64, shape (n, d)
        d is the number of inputs of the head (64 for ``mnist_cnn``, 1280 for
        EfficientNet-Lite0).

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    model = model.model if isinstance(model, PretrainedCNN) else model
    check_module(model)
    X = float_tensor(images, "images")
    if X.ndim != 4:
        raise ValueError(f"images must be 4-D (n, channels, height, width), got shape "
                         f"{tuple(X.shape)}")
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    dotted = _head_name(model)
    head = _swap(model, dotted, nn.Identity())
    try:
        return batch_logits(model, X, batch_size).double().numpy()
    finally:
        _swap(model, dotted, head)


# ---------------------------------------------------------------------------- the experiment
def sample_per_class(y, k, random_state=None):
    """Indices of ``k`` random samples of each class: a training set with few labels.

    Parameters
    ----------
    y : array-like of int, shape (n,)
    k : int
        Labels per class, at least 1 and at most the size of the smallest class.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (k * n_classes,)
        Sorted by class, then drawn order.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    y = as_labels(y, "y")
    classes, counts = np.unique(y, return_counts=True)
    k = as_int(k, "k", minimum=1, maximum=int(counts.min()))
    rng = as_rng(random_state)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False)
                           for c in classes])


# ---------------------------------------------------------------------------- a fair comparison
@threads(1)
def tune(model, X, y, X_val, y_val, learning_rates=(0.001, 0.01), epochs=(25, 100),
         random_state=None):
    """Choose the learning rate and the number of epochs on validation data.

    For each learning rate, a copy of ``model`` (so every run starts from the same weights) is
    trained on ``(X, y)`` with full-batch Adam (:func:`~nnkit.torchkit.train`) for
    ``max(epochs)`` epochs and scored on ``(X_val, y_val)`` after each number of epochs listed
    in ``epochs``. Full-batch training does not depend on when it will stop, so the model after
    25 of 100 epochs is the model a 25-epoch run gives: one run per learning rate covers the
    whole grid. The best validation score wins (ties go to the smaller learning rate, then to
    fewer epochs); a learning rate whose training diverges is skipped. The test set is never
    looked at.

    Parameters
    ----------
    model : torch.nn.Module
        Left unchanged; only its trainable parameters are trained, on copies.
    X, X_val : array-like or torch.Tensor of shape (n, ...) and (n_val, ...)
    y, y_val : array-like of int, shapes (n,) and (n_val,)
    learning_rates : sequence of float, default (0.001, 0.01)
    epochs : sequence of int, default (25, 100)
    random_state : None, int or numpy.random.Generator
        Passed to :func:`~nnkit.torchkit.train` (the order of mini-batches; irrelevant for a
        full batch).

    Returns
    -------
    best : torch.nn.Module
        The copy with the weights it had at the winning point, in evaluation mode.
    settings : dict
        ``learning_rate``, ``epochs`` and ``val_score`` of the winner.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    check_module(model)
    learning_rates, epochs = _check_grid(learning_rates, epochs)
    X_val, y_val = float_tensor(X_val, "X_val"), as_labels(y_val, "y_val", n_samples=len(X_val),
                                                      samples_name="X_val")
    seed = as_rng(random_state).integers(2**32)
    best = {"val_score": -1.0}

    def check(epoch, candidate, learning_rate):
        if epoch in epochs:
            accuracy = score(candidate, X_val, y_val)
            if accuracy > best["val_score"]:
                best.update(learning_rate=learning_rate, epochs=epoch, val_score=accuracy,
                            state=copy.deepcopy(candidate.state_dict()))

    for learning_rate in learning_rates:
        candidate = copy.deepcopy(model)
        try:
            train(candidate, X, y, max(epochs), learning_rate, random_state=seed,
                  callback=lambda epoch, m, lr=learning_rate: check(epoch, m, lr))
        except ValueError as err:
            if "diverged" not in str(err):
                raise
    if "state" not in best:
        raise ValueError(f"training diverged with every learning rate in {learning_rates}")
    candidate.load_state_dict(best.pop("state"))
    return candidate.eval(), best


def _check_grid(learning_rates, epochs):
    learning_rates = [as_float(r, "learning_rates", minimum=0, exclusive_minimum=True)
                      for r in learning_rates]
    epochs = sorted({as_int(e, "epochs", minimum=1) for e in epochs})
    if not learning_rates or not epochs:
        raise ValueError("learning_rates and epochs must each name at least one value")
    return sorted(learning_rates), epochs


def _standardize(Z, fit_rows):
    """(Z - mean) / std with the mean and std of the rows ``fit_rows`` (constant columns: 1)."""
    mean, std = Z[fit_rows].mean(0), Z[fit_rows].std(0)
    return (Z - mean) / torch.where(std > 1e-6, std, torch.ones_like(std))


class LinearHead:
    """Contender: a softmax layer z -> W z + b trained on fixed feature vectors.

    The features are a frozen backbone's (:func:`extract_features`), raw pixels, or numbers
    made by hand. Whether to standardise them first (each feature minus its mean, divided by
    its standard deviation, both taken over the labelled samples: training and validation,
    never the test set) is a setting like the learning rate: :func:`tune` runs with and
    without, and the better validation score decides. Standardising helps features on very
    different scales (hand-made statistics); estimated from a few samples it can hurt
    features that are already on one scale (a backbone's).

    Parameters
    ----------
    features : array-like of shape (n, d)
        One row per sample (images are flattened).

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """

    def __init__(self, features):
        features = as_float_array(features, "features", ndim=(2, 3, 4))
        self.inputs = float_tensor(features.reshape(len(features), -1), "features")

    def fit_score(self, y, train_idx, val_idx, test_idx, grid, rng):
        """Tune and train on ``train_idx`` (choosing on ``val_idx``); accuracy on ``test_idx``.

        Parameters
        ----------
        y : ndarray of int, shape (n,)
        train_idx, val_idx, test_idx : ndarray of int
        grid : dict
            ``learning_rates`` and ``epochs``, as :func:`tune` takes them.
        rng : numpy.random.Generator
            The head's initial weights.

        Returns
        -------
        accuracy : float
        settings : dict
            What :func:`tune` chose, and ``standardize`` (True or False).

        Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
        """
        head = _linear_head(self.inputs.shape[1], int(y.max()) + 1, rng)
        labelled = np.concatenate([train_idx, val_idx])
        best = None
        for standardize in (False, True):
            Z = _standardize(self.inputs, labelled) if standardize else self.inputs
            model, settings = tune(head, Z[train_idx], y[train_idx], Z[val_idx], y[val_idx],
                                   random_state=rng, **grid)
            if best is None or settings["val_score"] > best[1]["val_score"]:
                best = model, {**settings, "standardize": standardize}, Z
        model, settings, Z = best
        return score(model, Z[test_idx], y[test_idx]), settings


class WholeNetwork:
    """Contender: every parameter of a CNN trained on the images, from a chosen start.

    ``start="random"`` trains ``backbone``'s architecture from scratch (fresh He weights);
    ``start="pretrained"`` fine-tunes: the pretrained weights, a new head, everything
    trainable. Learning rate and epochs are chosen by :func:`tune`.

    Parameters
    ----------
    backbone : torch.nn.Module or PretrainedCNN
        Left unchanged; its last ``nn.Linear`` is the head.
    images : array-like of shape (n, channels, height, width)
        Prepared images (:func:`prepare_images`).
    start : {"random", "pretrained"}, default "random"

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """

    def __init__(self, backbone, images, start="random"):
        self.model = backbone.model if isinstance(backbone, PretrainedCNN) else backbone
        check_module(self.model, "backbone")
        self.inputs = float_tensor(images, "images")
        if self.inputs.ndim != 4:
            raise ValueError(f"images must be 4-D (n, channels, height, width), got shape "
                             f"{tuple(self.inputs.shape)}")
        self.start = check_choice(start, "start", ("random", "pretrained"))

    def fit_score(self, y, train_idx, val_idx, test_idx, grid, rng):
        """Tune and train on ``train_idx`` (choosing on ``val_idx``); accuracy on ``test_idx``.

        Parameters
        ----------
        y : ndarray of int, shape (n,)
        train_idx, val_idx, test_idx : ndarray of int
        grid : dict
            ``learning_rates`` and ``epochs``, as :func:`tune` takes them.
        rng : numpy.random.Generator
            The new head's weights (and, from scratch, every weight).

        Returns
        -------
        accuracy : float
        settings : dict
            What :func:`tune` chose.

        Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
        """
        n_classes = int(y.max()) + 1
        if self.start == "random":
            model = _fresh_copy(self.model, n_classes, rng)
        else:
            model = replace_head(copy.deepcopy(self.model), n_classes, random_state=rng)
            for parameter in model.parameters():
                parameter.requires_grad_(True)
        return _tuned_score(model, self.inputs, y, train_idx, val_idx, test_idx, grid, rng)


class NearestNeighbour:
    """Contender: 1-nearest neighbour, the label of the closest training sample.

    Distances are Euclidean between the raw inputs (flattened). There is nothing to learn
    and nothing to tune: the validation samples are not used.

    Parameters
    ----------
    inputs : array-like of shape (n, ...)

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """

    def __init__(self, inputs):
        inputs = as_float_array(inputs, "inputs")
        self.inputs = inputs.reshape(len(inputs), -1)

    def fit_score(self, y, train_idx, val_idx, test_idx, grid, rng):
        """Accuracy on ``test_idx`` of 1-NN with the samples ``train_idx`` as memory.

        Parameters
        ----------
        y : ndarray of int, shape (n,)
        train_idx, val_idx, test_idx : ndarray of int
            ``val_idx`` is not used: there is nothing to choose.
        grid, rng
            Not used (the same call as the other contenders').

        Returns
        -------
        accuracy : float
        settings : dict
            Empty.

        Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
        """
        A, B = self.inputs[test_idx], self.inputs[train_idx]
        distances = (A**2).sum(1)[:, None] - 2 * A @ B.T + (B**2).sum(1)[None]
        return float(np.mean(y[train_idx][distances.argmin(1)] == y[test_idx])), {}


def _tuned_score(model, X, y, train_idx, val_idx, test_idx, grid, rng):
    best, settings = tune(model, X[train_idx], y[train_idx], X[val_idx], y[val_idx],
                          random_state=rng, **grid)
    return score(best, X[test_idx], y[test_idx]), settings


def _linear_head(d, n_classes, rng):
    return replace_head(nn.Sequential(nn.Linear(d, n_classes)), n_classes, random_state=rng)


def _fresh_copy(model, n_classes, rng):
    """The same architecture as ``model``, every parameter re-drawn (He) and trainable."""
    fresh = copy.deepcopy(model)
    replace_head(fresh, n_classes, random_state=rng)
    init_like_he(fresh, rng)
    for layer in fresh.modules():
        if isinstance(layer, nn.modules.batchnorm._BatchNorm):
            layer.reset_parameters()
    return fresh.train()


def few_label_split(y, k, val_per_class=10, test=None, test_fraction=0.5, random_state=None):
    """Training, validation and test indices for an experiment with k labels per class.

    The test set is ``test`` if given (indices or a boolean mask), else a random
    ``test_fraction`` of the samples. From the rest, ``val_per_class`` samples of each class
    form the validation set (used only to choose settings) and ``k`` others of each class the
    training set. The three never share a sample.

    Parameters
    ----------
    y : array-like of int, shape (n,)
    k : int
    val_per_class : int, default 10
    test : array-like of int or bool, optional
    test_fraction : float, default 0.5
        Used when ``test`` is None.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    train_idx, val_idx, test_idx : ndarrays of int

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    y = as_labels(y, "y")
    k = as_int(k, "k", minimum=1)
    val_per_class = as_int(val_per_class, "val_per_class", minimum=1)
    rng = as_rng(random_state)
    if test is None:
        test_fraction = as_float(test_fraction, "test_fraction", minimum=0, maximum=1,
                                 exclusive_minimum=True, exclusive_maximum=True)
        test_idx = np.sort(rng.permutation(len(y))[:int(round(test_fraction * len(y)))])
    else:
        test_idx = _as_indices(test, len(y))
    pool = np.setdiff1d(np.arange(len(y)), test_idx)
    smallest = np.bincount(y[pool], minlength=int(y.max()) + 1).min()
    if smallest < k + val_per_class:
        raise ValueError(f"k + val_per_class = {k + val_per_class} labels per class, but the "
                         f"samples outside the test set hold only {smallest} of some class")
    val_idx = pool[sample_per_class(y[pool], val_per_class, random_state=rng)]
    rest = np.setdiff1d(pool, val_idx)
    return rest[sample_per_class(y[rest], k, random_state=rng)], val_idx, test_idx


def _as_indices(test, n):
    test = np.asarray(test)
    if test.dtype == bool:
        if test.shape != (n,):
            raise ValueError(f"test as a mask must have shape ({n},), got {test.shape}")
        return np.flatnonzero(test)
    if test.dtype.kind not in "iu" or test.ndim != 1 or len(test) == 0:
        raise ValueError("test must be a boolean mask or a non-empty 1-D array of indices")
    if test.min() < 0 or test.max() >= n:
        raise ValueError(f"test indices must lie in [0, {n})")
    return np.unique(test)


def few_label_benchmark(y, contenders, labels_per_class=(1, 5), seeds=(0, 1, 2),
                        val_per_class=10, learning_rates=(0.001, 0.01), epochs=(25, 100),
                        test=None, test_fraction=0.5, progress=False):
    """Test accuracy of several contenders on the same few labels, each tuned the same way.

    For every seed and every k in ``labels_per_class``, :func:`few_label_split` draws a
    training set (k labels per class), a validation set and a test set; every contender then
    learns from exactly those training samples, chooses its learning rate and epochs from the
    same grid on the same validation set (:func:`tune`; 1-nearest neighbour has nothing to
    choose), and is scored on the same test set.

    Parameters
    ----------
    y : array-like of int, shape (n,)
    contenders : dict
        Name -> :class:`LinearHead`, :class:`WholeNetwork` or :class:`NearestNeighbour`
        (or any object with their ``fit_score`` method and one row of ``inputs`` per label).
    labels_per_class : sequence of int, default (1, 5)
    seeds : sequence of int, default (0, 1, 2)
        Each seed draws other splits and other initial weights.
    val_per_class : int, default 10
    learning_rates : sequence of float, default (0.001, 0.01)
    epochs : sequence of int, default (25, 100)
        The grid every tuned contender searches.
    test, test_fraction
        The test set, as in :func:`few_label_split`.
    progress : bool, default False
        A tqdm bar over the runs.

    Returns
    -------
    dict
        ``labels_per_class`` (ndarray (K,)); ``accuracy``: name -> ndarray (n_seeds, K) of
        test accuracies; ``settings``: name -> list (one per seed) of lists (one per k) of
        the chosen settings; ``seconds``: name -> the time its runs took.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    y = as_labels(y, "y")
    if not isinstance(contenders, dict) or not contenders:
        raise TypeError("contenders must be a non-empty dict: name -> LinearHead, "
                        "WholeNetwork or NearestNeighbour")
    for name, contender in contenders.items():
        if not hasattr(contender, "fit_score") or len(contender.inputs) != len(y):
            raise ValueError(f"contenders[{name!r}] must be a contender with one input per "
                             f"label ({len(y)})")
    ks = [as_int(k, "labels_per_class", minimum=1) for k in labels_per_class]
    seeds = [as_int(s, "seeds", minimum=0) for s in seeds]
    if not ks or not seeds:
        raise ValueError("labels_per_class and seeds must each name at least one value")
    learning_rates, epochs = _check_grid(learning_rates, epochs)
    grid = {"learning_rates": learning_rates, "epochs": epochs}
    out = {"labels_per_class": np.array(ks),
           "accuracy": {name: np.zeros((len(seeds), len(ks))) for name in contenders},
           "settings": {name: [[None] * len(ks) for _ in seeds] for name in contenders},
           "seconds": dict.fromkeys(contenders, 0.0)}
    runs = Progress(list(itertools.product(enumerate(seeds), enumerate(ks))), progress,
                    desc="runs", unit="run")
    for (i, seed), (j, k) in runs:
        split = few_label_split(y, k, val_per_class, test, test_fraction,
                                random_state=np.random.default_rng([seed, k]))
        for name, contender in contenders.items():
            start = time.perf_counter()
            out["accuracy"][name][i, j], out["settings"][name][i][j] = contender.fit_score(
                y, *split, grid, np.random.default_rng([seed, k, 1]))
            out["seconds"][name] += time.perf_counter() - start
    return out


def benchmark_table(result, decimals=1):
    """The accuracies of :func:`few_label_benchmark` as a text table: mean ± spread, in %.

    One row per contender, one column per number of labels per class; the spread is the
    standard deviation over the seeds.

    Parameters
    ----------
    result : dict
        What :func:`few_label_benchmark` returns.
    decimals : int, default 1
        Decimals of the percentages.

    Returns
    -------
    str

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    if not isinstance(result, dict) or not {"accuracy", "labels_per_class"} <= set(result):
        raise TypeError("result must be the dict that few_label_benchmark returns")
    decimals = as_int(decimals, "decimals", minimum=0)
    n_seeds = len(next(iter(result["accuracy"].values())))
    heads = [f"{k} per class" for k in result["labels_per_class"]]
    column = max(max(len(h) for h in heads), 9 + 2 * decimals) + 2
    width = max(len(name) for name in result["accuracy"])
    lines = [f"test accuracy in %, mean ± sd over {n_seeds} seeds",
             " " * width + "".join(f"{h:>{column}}" for h in heads)]
    for name, accuracy in result["accuracy"].items():
        means, sds = 100 * accuracy.mean(axis=0), 100 * accuracy.std(axis=0)
        lines.append(f"{name:{width}}" + "".join(
            f"{f'{m:.{decimals}f} ± {s:.{decimals}f}':>{column}}" for m, s in zip(means, sds)))
    return "\n".join(lines)

