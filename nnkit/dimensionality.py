"""The curse of dimensionality, measured.

Chapter 1 claims four things about high-dimensional data; each function here turns one claim
into numbers that a plot, a widget or a test can use:

* pairwise distances concentrate: in many dimensions the nearest and the farthest neighbour are
  almost equally far away (:func:`distance_concentration`);
* a fixed-radius neighbourhood holds a vanishing share of the space
  (:func:`ball_volume_fraction`, checked by :func:`estimate_ball_volume_fraction`);
* irrelevant features do not cancel out: they drown a nearest-neighbour classifier
  (:func:`accuracy_vs_irrelevant_features`, built on :func:`knn_predict`);
* recording everything "just in case" gives randomness more chances to look like a pattern
  (:func:`max_spurious_correlation`).

Every function returns plain numpy arrays (or a dict of them), is vectorised, and is
deterministic given ``random_state``.
"""
import math

import numpy as np

from nnkit._validation import as_float, as_int, as_labels, as_rng, as_samples


def _as_counts(values, name, minimum):
    """Return an int or a sequence of ints as a 1-D int array, each value >= ``minimum``."""
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.item()
    if not isinstance(values, (list, tuple, range, np.ndarray)):
        return np.array([as_int(values, name, minimum=minimum)], dtype=np.int64)
    if len(values) == 0:
        raise ValueError(f"{name} must be an int or a non-empty sequence of ints, got {values!r}")
    return np.array([as_int(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(values)],
                    dtype=np.int64)


def pairwise_distances(X, Y=None):
    """Euclidean distances between the rows of ``X`` (and of ``Y``), by the Gram trick.

    Uses ``||x - y||^2 = ||x||^2 + ||y||^2 - 2 x.y``: one matrix product instead of a loop.
    Both sets are first shifted by the mean of ``X`` (distances do not change), which keeps the
    subtraction accurate for data far from the origin. Rounding can still make a squared
    distance slightly negative, so it is clipped at 0.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
    Y : array-like of shape (n_samples_Y, n_features), optional
        Defaults to ``X``; then the diagonal is exactly 0.

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        ``D[i, j]`` is the distance between ``X[i]`` and ``Y[j]``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X = as_samples(X, "X")
    same = Y is None
    centre = X.mean(axis=0)  # shifting both sets leaves every distance unchanged
    X = X - centre
    Y = X if same else as_samples(Y, "Y", n_features=X.shape[1]) - centre
    sq_X = np.einsum("ij,ij->i", X, X)
    sq_Y = sq_X if same else np.einsum("ij,ij->i", Y, Y)
    D_sq = np.maximum(sq_X[:, None] + sq_Y[None, :] - 2.0 * (X @ Y.T), 0.0)
    if same:
        np.fill_diagonal(D_sq, 0.0)
    return np.sqrt(D_sq)


def distance_concentration(dims, n_samples=100, random_state=None):
    """How much the pairwise distances of uniform random points differ, per dimension.

    For each ``d`` in ``dims``, draw ``n_samples`` points uniformly in the unit hypercube
    ``[0, 1]^d`` and summarise the distances of all distinct pairs. As ``d`` grows the ratio
    of the largest to the smallest distance falls towards 1: "near" and "far" lose meaning.

    Parameters
    ----------
    dims : int or sequence of int
        Dimensions to try, each >= 1.
    n_samples : int, default 100
        Points per dimension, >= 3 (so that there are at least two distinct pairs).
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    dict of ndarray, each of shape (n_dims,)
        ``dims``; ``ratio`` = max / min distance; ``relative_contrast`` = (max - min) / min;
        ``mean`` and ``std`` of the distances.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    dims = _as_counts(dims, "dims", minimum=1)
    n_samples = as_int(n_samples, "n_samples", minimum=3)
    rng = as_rng(random_state)
    upper = np.triu_indices(n_samples, k=1)
    stats = {key: np.empty(len(dims)) for key in ("ratio", "relative_contrast", "mean", "std")}
    for k, d in enumerate(dims):
        distances = pairwise_distances(rng.random((n_samples, d)))[upper]
        d_min, d_max = distances.min(), distances.max()
        stats["ratio"][k] = d_max / d_min
        stats["relative_contrast"][k] = (d_max - d_min) / d_min
        stats["mean"][k] = distances.mean()
        stats["std"][k] = distances.std()
    return {"dims": dims, **stats}


def ball_volume_fraction(dims, radius=0.5):
    """Exact fraction of the unit hypercube's volume within ``radius`` of its centre.

    For ``radius <= 0.5`` the ball lies inside the cube, so the fraction is the ball's volume
    ``pi^(d/2) r^d / Gamma(d/2 + 1)``, computed in logarithms (``math.lgamma``) so that large
    ``d`` neither overflows nor underflows before the end. At ``r = 0.5`` it is 1 for ``d = 1``,
    pi/4 for ``d = 2``, pi/6 for ``d = 3``, and below 1e-70 for ``d = 100``.

    Parameters
    ----------
    dims : int or sequence of int
        Dimensions, each >= 1.
    radius : float, default 0.5
        Radius of the neighbourhood, in ``(0, 0.5]``.

    Returns
    -------
    fraction : ndarray of shape (n_dims,)

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    dims = _as_counts(dims, "dims", minimum=1)
    r = as_float(radius, "radius", minimum=0.0, maximum=0.5, exclusive_minimum=True)
    log_fraction = [d / 2 * math.log(math.pi) + d * math.log(r) - math.lgamma(d / 2 + 1)
                    for d in dims]
    return np.exp(log_fraction)


def _count_in_ball(n_samples, d, r, rng):
    """How many of ``n_samples`` uniform points of ``[0, 1]^d`` lie within ``r`` of the centre."""
    chunk = max(1, 2**20 // d)  # draw about 8 MB of points at a time
    hits = 0
    for start in range(0, n_samples, chunk):
        centred = rng.random((min(chunk, n_samples - start), d)) - 0.5
        hits += np.count_nonzero(np.einsum("ij,ij->i", centred, centred) <= r * r)
    return hits


def estimate_ball_volume_fraction(dims, radius=0.5, n_samples=100_000, random_state=None):
    """Monte-Carlo estimate of the cube's volume fraction within ``radius`` of its centre.

    Draws ``n_samples`` uniform points in the unit hypercube and counts those within ``radius``
    of ``(0.5, ..., 0.5)``. It checks :func:`ball_volume_fraction`, and it shows why sampling
    fails in high dimension: once the fraction is far below ``1 / n_samples`` no point hits.

    Parameters
    ----------
    dims : int or sequence of int
        Dimensions, each >= 1.
    radius : float, default 0.5
        Any positive radius (beyond 0.5 the ball pokes out of the cube).
    n_samples : int, default 100_000
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    dict of ndarray, each of shape (n_dims,)
        ``dims``; ``fraction``, the share of points inside; ``stderr``, its standard error
        ``sqrt(p (1 - p) / n_samples)``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    dims = _as_counts(dims, "dims", minimum=1)
    r = as_float(radius, "radius", minimum=0.0, exclusive_minimum=True)
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    rng = as_rng(random_state)
    fraction = np.array([_count_in_ball(n_samples, d, r, rng) / n_samples for d in dims])
    return {"dims": dims, "fraction": fraction,
            "stderr": np.sqrt(fraction * (1.0 - fraction) / n_samples)}


def knn_predict(X_train, y_train, X_test, n_neighbors=1):
    """Predict labels by a majority vote of the ``n_neighbors`` nearest training points.

    Distances are Euclidean (:func:`pairwise_distances`). A tied vote goes to the smallest
    label, as in scikit-learn's ``KNeighborsClassifier``.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
    y_train : array-like of int, shape (n_train,)
        Any integer labels.
    X_test : array-like of shape (n_test, n_features)
    n_neighbors : int, default 1
        Between 1 and ``n_train``.

    Returns
    -------
    y_pred : ndarray of int, shape (n_test,)

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X_train = as_samples(X_train, "X_train")
    y_train = as_labels(y_train, "y_train", n_samples=X_train.shape[0])
    X_test = as_samples(X_test, "X_test", n_features=X_train.shape[1])
    k = as_int(n_neighbors, "n_neighbors", minimum=1, maximum=X_train.shape[0])
    classes, y_index = np.unique(y_train, return_inverse=True)
    D = pairwise_distances(X_test, X_train)
    nearest = np.argsort(D, axis=1, kind="stable")[:, :k]
    votes = (y_index[nearest][:, :, None] == np.arange(len(classes))).sum(axis=1)
    return classes[np.argmax(votes, axis=1)]


def _relevant_problem(n_samples, n_relevant, rng):
    """Uniform points in ``[0, 1]^n_relevant``, labelled 1 when their mean exceeds 1/2."""
    X = rng.random((n_samples, n_relevant))
    return X, (X.mean(axis=1) > 0.5).astype(np.int64)


def accuracy_vs_irrelevant_features(n_irrelevant, n_samples=200, n_relevant=2, n_neighbors=1,
                                    n_repeats=5, random_state=None):
    """Validation accuracy of k-nearest neighbours as irrelevant features are added.

    The two classes differ only in ``n_relevant`` uniform features (label 1 when their mean is
    above 1/2). To them we append uniform noise features on the same scale, which carry no
    information about the label. The first half of the samples trains :func:`knn_predict`,
    the second half measures its accuracy. In each repeat the counts share one data set and
    their noise columns are nested, so the curve shows the effect of the features alone.

    Parameters
    ----------
    n_irrelevant : int or sequence of int
        Numbers of irrelevant features to add, each >= 0.
    n_samples : int, default 200
        Training plus validation samples, >= 2 * n_neighbors.
    n_relevant : int, default 2
    n_neighbors : int, default 1
    n_repeats : int, default 5
        Independent data sets to average over.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    dict of ndarray
        ``n_irrelevant`` of shape (n_counts,); ``accuracy`` of shape (n_counts, n_repeats);
        its ``mean`` and ``std`` over repeats, each of shape (n_counts,).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    counts = _as_counts(n_irrelevant, "n_irrelevant", minimum=0)
    n_neighbors = as_int(n_neighbors, "n_neighbors", minimum=1)
    n_samples = as_int(n_samples, "n_samples", minimum=2 * n_neighbors)
    n_relevant = as_int(n_relevant, "n_relevant", minimum=1)
    n_repeats = as_int(n_repeats, "n_repeats", minimum=1)
    rng = as_rng(random_state)
    n_train = n_samples // 2
    accuracy = np.empty((len(counts), n_repeats))
    for rep in range(n_repeats):
        X_relevant, y = _relevant_problem(n_samples, n_relevant, rng)
        noise = rng.random((n_samples, counts.max()))
        for k, m in enumerate(counts):
            X = np.hstack([X_relevant, noise[:, :m]])
            y_pred = knn_predict(X[:n_train], y[:n_train], X[n_train:], n_neighbors)
            accuracy[k, rep] = np.mean(y_pred == y[n_train:])
    return {"n_irrelevant": counts, "accuracy": accuracy,
            "mean": accuracy.mean(axis=1), "std": accuracy.std(axis=1)}


def _max_abs_correlations(n_samples, n_features, rng):
    """Running maximum of |r| between one random target and each new random feature."""
    y = rng.standard_normal(n_samples)
    X = rng.standard_normal((n_samples, n_features))
    y = (y - y.mean()) / np.linalg.norm(y - y.mean())
    X = (X - X.mean(axis=0)) / np.linalg.norm(X - X.mean(axis=0), axis=0)
    return np.maximum.accumulate(np.abs(y @ X))


def max_spurious_correlation(n_samples, n_features, n_repeats=10, random_state=None):
    """The largest absolute correlation between a random target and purely random features.

    Target and features are independent standard normal noise, so every correlation is
    spurious; yet the largest one grows with the number of features recorded. Within a repeat
    the features are nested (the 1000 features include the first 100), and the result is the
    average over ``n_repeats`` independent draws, so it never decreases along ``n_features``.

    Parameters
    ----------
    n_samples : int
        Number of records, >= 3.
    n_features : int or sequence of int
        Numbers of random features, each >= 1.
    n_repeats : int, default 10
        Independent draws of target and features to average over.
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    max_abs_r : ndarray of shape (n_counts,)
        For each entry of ``n_features``, the largest absolute Pearson correlation between the
        target and that many features, averaged over the repeats.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    n_samples = as_int(n_samples, "n_samples", minimum=3)
    counts = _as_counts(n_features, "n_features", minimum=1)
    n_repeats = as_int(n_repeats, "n_repeats", minimum=1)
    rng = as_rng(random_state)
    running_max = sum(_max_abs_correlations(n_samples, counts.max(), rng) for _ in range(n_repeats))
    return running_max[counts - 1] / n_repeats
