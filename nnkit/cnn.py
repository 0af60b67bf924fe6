"""Small convolutional networks in PyTorch, and VGG16's layer list.

The numpy module ``nnkit.grid`` shows what one convolution or pooling computes; this module
builds whole networks from ``torch.nn`` layers and trains them, so that chapter 8 can compare a
CNN with the multilayer perceptron of ``nnkit.mlp`` on the same digits:

- ``ConvNet``: conv/pool blocks, then dense layers and a softmax, with the ``fit`` /
  ``predict`` / ``score`` / ``n_params`` interface of ``nnkit.mlp.MLP``;
- ``n_params``: the trainable parameters of any torch module;
- ``vgg16`` and ``layer_param_counts``: VGG16 built as a torch module (torchvision's when it
  is installed, else from ``nnkit.grid.VGG16_LAYERS``) and its weights counted layer by layer;
- ``shift_images`` and ``compare_with_mlp``: the chapter's CNN against its MLP on the digits,
  as they are and moved by one pixel, repeated over several seeds.

Training is reproducible and touches no global state: each ``ConvNet`` owns a
``torch.Generator``, seeded by ``random_state``, that draws its initial weights, the order of
the mini-batches and the dropout masks; the training loop is ``nnkit.torchkit.train``, run on
a fixed number of CPU threads (the caller's setting is restored). ``torch.manual_seed`` is never
called.

This module imports torch, so ``import nnkit`` does not load it: import it explicitly,
``from nnkit import cnn``.

Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
"""
import numpy as np
import torch
from torch import nn

from nnkit import grid
from nnkit._validation import as_float, as_float_array, as_int, as_labels, check_choice
from nnkit.torchkit import Dropout, count_parameters, init_like_torch, threads
from nnkit.torchkit import train as train_torch

__all__ = ["ConvNet", "n_params", "vgg16", "layer_param_counts", "shift_images",
           "compare_with_mlp"]


def _seed(random_state):
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state,
                                                                      (int, np.integer)):
        raise TypeError(f"random_state must be an int (a torch seed), got "
                        f"{type(random_state).__name__} {random_state!r}")
    return int(random_state)


def n_params(module):
    """Return the number of trainable parameters of a torch module.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    int
        The total number of entries of its parameters that require a gradient.

    Examples
    --------
    >>> n_params(torch.nn.Conv2d(3, 64, kernel_size=3))   # 64 kernels of 3x3x3, plus biases
    1792

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    return count_parameters(module, trainable_only=True)


class ConvNet:
    """A small classification CNN: conv/pool blocks, a dense layer with dropout, a softmax.

    Each block is a 3x3 convolution with ``"same"`` padding, a ReLU and a 2x2 max pooling
    that halves the maps. After the last block the maps are flattened and go through a dense
    ReLU layer, dropout and a dense output layer; the softmax sits in the loss
    (cross-entropy), as usual in torch.

    Parameters
    ----------
    image_shape : (int, int, int)
        Input ``(channels, height, width)``, e.g. ``(1, 28, 28)`` for MNIST; height and width
        must survive one halving per block.
    n_classes : int
        Output units, at least 2.
    channels : sequence of int, default (8, 16)
        Kernels (output channels) of each conv/pool block: few simple concepts first, more
        complex ones later.
    n_hidden : int, default 64
        Units of the dense hidden layer.
    dropout : float in [0, 1), default 0.25
        Probability of zeroing each input of the output layer during training.
    random_state : int, default 0
        Seeds the network's own ``torch.Generator``, which draws the initial weights (as
        torch's default initialisation would) and, until ``fit`` re-seeds it, the dropout.

    Attributes
    ----------
    net : torch.nn.Sequential
        The network; it outputs logits of shape (n_samples, n_classes).
    history_ : dict
        The history of the last ``fit`` (also its return value).

    Examples
    --------
    >>> model = ConvNet((1, 8, 8), n_classes=10, channels=(4,), n_hidden=16)
    >>> model.n_params          # conv 4*(9+1) + dense (4*4*4)*16+16 + output 16*10+10
    1250

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """

    def __init__(self, image_shape, n_classes, channels=(8, 16), n_hidden=64, dropout=0.25,
                 random_state=0):
        if not hasattr(image_shape, "__len__") or len(image_shape) != 3:
            raise TypeError(f"image_shape must be (channels, height, width), got {image_shape!r}")
        self.image_shape = tuple(as_int(n, f"image_shape[{i}]", minimum=1)
                                 for i, n in enumerate(image_shape))
        self.n_classes = as_int(n_classes, "n_classes", minimum=2)
        if isinstance(channels, (str, bytes)) or not hasattr(channels, "__len__") or not channels:
            raise TypeError(f"channels must be a non-empty list of ints, got {channels!r}")
        self.channels = tuple(as_int(c, f"channels[{i}]", minimum=1)
                              for i, c in enumerate(channels))
        self.n_hidden = as_int(n_hidden, "n_hidden", minimum=1)
        self.dropout = as_float(dropout, "dropout", minimum=0.0, maximum=1.0,
                                exclusive_maximum=True)
        c, h, w = self.image_shape
        if min(h, w) < 2 ** len(self.channels):
            raise ValueError(f"image_shape {self.image_shape} is too small for "
                             f"{len(self.channels)} blocks, each halving height and width")
        self._generator = torch.Generator().manual_seed(_seed(random_state))
        layers = []
        with torch.device("meta"):  # shapes only: the weights are drawn from the generator
            for out_channels in self.channels:
                layers += [nn.Conv2d(c, out_channels, 3, padding="same"), nn.ReLU(),
                           nn.MaxPool2d(2)]
                c, h, w = out_channels, h // 2, w // 2
            layers += [nn.Flatten(), nn.Linear(c * h * w, self.n_hidden), nn.ReLU(),
                       Dropout(self.dropout, self._generator),
                       nn.Linear(self.n_hidden, self.n_classes)]
        net = nn.Sequential(*layers)
        self.net = init_like_torch(net, self._generator)

    @property
    def n_params(self):
        """Number of trainable parameters (weights and biases).

        Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
        """
        return n_params(self.net)

    def _tensor(self, X, name="X"):
        X = as_float_array(X, name, ndim=(2, 3, 4))
        expected = int(np.prod(self.image_shape))
        if X.shape[0] == 0 or X[0].size != expected:
            raise ValueError(f"{name} must hold images of shape {self.image_shape} "
                             f"({expected} values each), got {name} of shape {X.shape}")
        return torch.from_numpy(X.reshape(-1, *self.image_shape).astype(np.float32))

    def _labels(self, y, n_samples, name="y"):
        return torch.from_numpy(as_labels(y, name, n_samples=n_samples, n_classes=self.n_classes))

    def fit(self, X, y, epochs, learning_rate=0.01, batch_size=32, validation_data=None,
            random_state=0, n_threads=1, progress=False):
        """Train with Adam on shuffled mini-batches, minimising the cross-entropy.

        Parameters
        ----------
        X : array-like of shape (n_samples, C, H, W), (n_samples, H, W) or (n_samples, C*H*W)
            Images in any shape that reshapes to ``image_shape``.
        y : array-like of int, shape (n_samples,)
            Labels 0 .. n_classes - 1.
        epochs : int
            Passes over the training data.
        learning_rate : float, default 0.01
            Adam's step size, > 0.
        batch_size : int, default 32
        validation_data : (X_val, y_val) or None
            Evaluated after every epoch.
        random_state : int, default 0
            Re-seeds the network's generator, which draws the order of the mini-batches and
            the dropout masks.
        n_threads : int, default 1
            CPU threads torch uses while training (fixed, so that results repeat exactly).
        progress : bool, default False
            Show a tqdm progress bar over the epochs.

        Returns
        -------
        dict
            ``loss`` and ``score`` (accuracy) per epoch on the training data, and ``val_loss``
            and ``val_score`` with ``validation_data``: the keys of ``MLP.fit``'s history, so
            ``nnkit.plotting.plot_history`` draws it.

        Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
        """
        X = self._tensor(X)
        y = self._labels(y, X.shape[0])
        epochs = as_int(epochs, "epochs", minimum=1)
        learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0,
                                 exclusive_minimum=True)
        batch_size = as_int(batch_size, "batch_size", minimum=1)
        n_threads = as_int(n_threads, "n_threads", minimum=1)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, y_val)")
            X_val = self._tensor(validation_data[0], "X_val")
            val = X_val, self._labels(validation_data[1], X_val.shape[0], "y_val")
        self._generator.manual_seed(_seed(random_state))
        history = {"loss": [], "score": []} | ({"val_loss": [], "val_score": []} if val else {})

        def record(epoch, net):
            with threads(n_threads):
                self._record(history, "", X, y)
                if val is not None:
                    self._record(history, "val_", *val)

        train_torch(self.net, X, y, epochs, learning_rate, batch_size,
                    random_state=self._generator, progress=progress, callback=record,
                    n_threads=n_threads)
        self.history_ = history
        return history

    def _logits(self, X):
        self.net.eval()
        with torch.no_grad():
            return self.net(X)

    def _record(self, history, prefix, X, y):
        logits = self._logits(X)
        history[prefix + "loss"].append(nn.functional.cross_entropy(logits, y).item())
        history[prefix + "score"].append((logits.argmax(1) == y).double().mean().item())

    def predict(self, X):
        """Return the most probable class of each image.

        Parameters
        ----------
        X : array-like of images (see ``fit``)

        Returns
        -------
        ndarray of int, shape (n_samples,)

        Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
        """
        return self._logits(self._tensor(X)).argmax(1).numpy()

    def score(self, X, y):
        """Return the accuracy: the fraction of images whose class ``predict`` gets right.

        Parameters
        ----------
        X : array-like of images (see ``fit``)
        y : array-like of int, shape (n_samples,)

        Returns
        -------
        float

        Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
        """
        X = self._tensor(X)
        y = self._labels(y, X.shape[0])
        return float((self._logits(X).argmax(1) == y).double().mean())

    def __repr__(self):
        return (f"ConvNet(image_shape={self.image_shape}, n_classes={self.n_classes}, "
                f"channels={self.channels}, n_hidden={self.n_hidden}, dropout={self.dropout})")




def _vgg16_from_layer_list():
    """VGG16 rebuilt from ``nnkit.grid.VGG16_LAYERS``, on the meta device (no memory used)."""
    features, classifier = [], []
    layers = grid.VGG16_LAYERS
    for (name, kind, shape), following in zip(layers, [*layers[1:], ("", "", ())]):
        if kind == "conv":
            kh, kw, c_in, c_out = shape
            features += [nn.Conv2d(c_in, c_out, (kh, kw), padding=1, device="meta"), nn.ReLU()]
            block = name.split("_")[0]                       # "conv1" for "conv1_2"
            if not following[0].startswith(block + "_"):     # the block's last convolution
                features.append(nn.MaxPool2d(2, 2))
        else:
            classifier += [nn.Linear(*shape, device="meta"), nn.ReLU(), nn.Dropout()]
    return nn.Sequential(nn.Sequential(*features), nn.Flatten(), nn.Sequential(*classifier[:-2]))


def vgg16(source="auto"):
    """Return VGG16 (Simonyan & Zisserman, 2015) as a torch module without its trained weights.

    Parameters
    ----------
    source : {"auto", "torchvision", "nnkit"}, default "auto"
        ``"torchvision"``: ``torchvision.models.vgg16(weights=None)``; ``"nnkit"``: rebuilt
        from ``nnkit.grid.VGG16_LAYERS`` on torch's meta device (shapes only, no memory);
        ``"auto"``: torchvision when it is installed, else nnkit.

    Returns
    -------
    torch.nn.Module
        Thirteen 3x3 convolutions in five blocks, each block ending in a 2x2 max pooling,
        then three dense layers: 16 weight layers.

    Examples
    --------
    >>> n_params(vgg16("nnkit"))
    138357544

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    source = check_choice(source, "source", ("auto", "torchvision", "nnkit"))
    if source != "nnkit":
        try:
            from torchvision.models import vgg16 as torchvision_vgg16
        except ImportError:
            if source == "torchvision":
                raise
        else:
            return torchvision_vgg16(weights=None)
    return _vgg16_from_layer_list()


def layer_param_counts(module):
    """List the parameters of each convolutional and dense layer of a torch module, in order.

    Parameters
    ----------
    module : torch.nn.Module

    Returns
    -------
    list of (str, int)
        For each ``Conv2d`` and ``Linear`` layer: a description such as
        ``"conv 3x3, 3 -> 64"`` or ``"dense 25088 -> 4096"``, and its number of parameters.

    Examples
    --------
    >>> layer_param_counts(torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3), torch.nn.Flatten(),
    ...                                        torch.nn.Linear(8 * 6 * 6, 10)))
    [('conv 3x3, 1 -> 8', 80), ('dense 288 -> 10', 2890)]

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    counts = []
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            counts.append((f"conv {kh}x{kw}, {layer.in_channels} -> {layer.out_channels}",
                           n_params(layer)))
        elif isinstance(layer, nn.Linear):
            counts.append((f"dense {layer.in_features} -> {layer.out_features}", n_params(layer)))
    return counts


#: The four one-pixel moves of :func:`shift_images`: right, left, down, up.
SHIFTS = ((0, 1), (0, -1), (1, 0), (-1, 0))


def shift_images(X, shift):
    """Move every image by whole pixels, wrapping around the edges (``np.roll``).

    Parameters
    ----------
    X : array-like of shape (n_samples, H, W)
    shift : (int, int)
        Rows down and columns to the right (negative: up, left).

    Returns
    -------
    ndarray of shape (n_samples, H, W)

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    X = as_float_array(X, "X", ndim=3)
    if len(shift) != 2:
        raise ValueError(f"shift must be a pair (rows, columns), got {shift!r}")
    rows, columns = (as_int(s, "shift") for s in shift)
    return np.roll(X, (rows, columns), axis=(1, 2))


def compare_with_mlp(X_train, y_train, X_test, y_test, seeds=(0, 1, 2), shifts=SHIFTS):
    """Chapter 8's CNN and MLP on 8x8 digits, trained once per seed, scored as is and shifted.

    For every seed, the CNN (two conv/pool blocks with 16 and 32 channels, 64 hidden units,
    dropout 0.25; Adam, learning rate 0.005, batches of 64) and the MLP (64 -> 200 ReLU -> 10;
    Adam, learning rate 0.003, batches of 32) are trained for 10 epochs on the same training
    set; the seed sets their initial weights and the order of the mini-batches. Both are
    scored on the test set, and on the test set moved by each shift in ``shifts``.

    Parameters
    ----------
    X_train, X_test : array-like of shape (n, 8, 8)
    y_train, y_test : array-like of int
    seeds : sequence of int, default (0, 1, 2)
    shifts : sequence of (int, int), default ``SHIFTS`` (right, left, down, up)

    Returns
    -------
    dict of ndarray of shape (n_seeds,)
        ``cnn`` and ``mlp``: test accuracy; ``cnn_shifted`` and ``mlp_shifted``: accuracy
        averaged over the shifted test sets.

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    from nnkit.mlp import MLP

    X_train = as_float_array(X_train, "X_train", ndim=3)
    X_test = as_float_array(X_test, "X_test", ndim=3)
    seeds = [as_int(seed, "seeds", minimum=0) for seed in seeds]
    if not seeds or not shifts:
        raise ValueError("seeds and shifts must each name at least one value")
    moved = [shift_images(X_test, shift) for shift in shifts]
    flat = X_test.shape[1] * X_test.shape[2]
    out = {key: np.zeros(len(seeds)) for key in ("cnn", "mlp", "cnn_shifted", "mlp_shifted")}
    for i, seed in enumerate(seeds):
        net = ConvNet((1, *X_train.shape[1:]), 10, channels=(16, 32), n_hidden=64, dropout=0.25,
                      random_state=seed)
        net.fit(X_train, y_train, epochs=10, learning_rate=0.005, batch_size=64, random_state=seed)
        mlp = MLP([flat, 200, 10], random_state=seed)
        mlp.fit(X_train.reshape(len(X_train), -1), y_train, epochs=10, learning_rate=0.003,
                optimizer="adam", batch_size=32, random_state=seed)
        out["cnn"][i] = net.score(X_test, y_test)
        out["mlp"][i] = mlp.score(X_test.reshape(-1, flat), y_test)
        out["cnn_shifted"][i] = np.mean([net.score(X, y_test) for X in moved])
        out["mlp_shifted"][i] = np.mean([mlp.score(X.reshape(-1, flat), y_test) for X in moved])
    return out
