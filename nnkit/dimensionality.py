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
  (:func:`max_spurious_correlation`, built on :func:`correlations`).

The chapter's other claims get numbers too: a short and wide table has many perfect linear
models (:func:`exact_linear_fits`, :func:`interpolating_family`,
:func:`exact_fit_with_prediction`); a neighbourhood holding a fixed share of the data must span
most of every axis (:func:`edge_length_for_fraction`); choosing features restores what noise
took (:func:`feature_selection_accuracy`); and in grid data neighbours are alike until the
positions are shuffled (:func:`neighbour_correlation`, :func:`shuffle_positions`).

Every function returns plain numpy arrays (or a dict of them), is vectorised, and is
deterministic given ``random_state``.
"""
import itertools
import math

import numpy as np

from nnkit._validation import (
    as_counts,
    as_float,
    as_float_array,
    as_int,
    as_labels,
    as_rng,
    as_samples,
)

__all__ = ["pairwise_distances", "distance_concentration", "ball_volume_fraction",
           "estimate_ball_volume_fraction", "knn_predict", "accuracy_vs_irrelevant_features",
           "max_spurious_correlation", "correlations", "exact_linear_fits", "interpolating_family",
           "exact_fit_with_prediction", "edge_length_for_fraction", "feature_selection_accuracy",
           "neighbour_correlation", "shuffle_positions"]


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
    Y = None if Y is None else as_samples(Y, "Y", n_features=X.shape[1])
    D_sq = _squared_distances(X, Y)
    return np.sqrt(D_sq, out=D_sq)


def _squared_distances(X, Y=None):
    """``pairwise_distances(X, Y) ** 2`` for checked 2-D arrays (what nearest neighbours rank)."""
    same = Y is None
    centre = X.mean(axis=0)  # shifting both sets leaves every distance unchanged
    X = X - centre
    Y = X if same else Y - centre
    sq_X = np.einsum("ij,ij->i", X, X)
    sq_Y = sq_X if same else np.einsum("ij,ij->i", Y, Y)
    # D² = ||x||² + ||y||² − 2 x.y, computed in the product's own array: each new array of
    # this size would cost more to allocate than the arithmetic
    D_sq = X @ Y.T
    D_sq *= -2.0
    D_sq += sq_X[:, None]
    D_sq += sq_Y[None, :]
    np.maximum(D_sq, 0.0, out=D_sq)
    if same:
        np.fill_diagonal(D_sq, 0.0)
    return D_sq


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
    dims = as_counts(dims, "dims", minimum=1)
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


def ball_volume_fraction(dims, radius=0.5, log=False):
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
    log : bool, default False
        Return the natural logarithm of the fraction instead: it stays finite where the
        fraction itself underflows to 0 (beyond about ``d = 400`` at ``r = 0.5``).

    Returns
    -------
    fraction : ndarray of shape (n_dims,)
        Or its natural logarithm, if ``log``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    dims = as_counts(dims, "dims", minimum=1)
    r = as_float(radius, "radius", minimum=0.0, maximum=0.5, exclusive_minimum=True)
    log_fraction = [d / 2 * math.log(math.pi) + d * math.log(r) - math.lgamma(d / 2 + 1)
                    for d in dims]
    if not isinstance(log, (bool, np.bool_)):
        raise TypeError(f"log must be True or False, got {log!r}")
    return np.array(log_fraction) if log else np.exp(log_fraction)


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
    dims = as_counts(dims, "dims", minimum=1)
    r = as_float(radius, "radius", minimum=0.0, exclusive_minimum=True)
    n_samples = as_int(n_samples, "n_samples", minimum=1)
    rng = as_rng(random_state)
    fraction = np.array([_count_in_ball(n_samples, d, r, rng) / n_samples for d in dims])
    return {"dims": dims, "fraction": fraction,
            "stderr": np.sqrt(fraction * (1.0 - fraction) / n_samples)}


def knn_predict(X_train, y_train, X_test, n_neighbors=1):
    """Predict labels by a majority vote of the ``n_neighbors`` nearest training points.

    Distances are Euclidean (:func:`pairwise_distances`; the squared distances are ranked,
    as scikit-learn does). Points at equal distances count in the order of the training set,
    and a tied vote goes to the smallest label, as in scikit-learn's ``KNeighborsClassifier``.

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
    D = _squared_distances(X_test, X_train)  # squared distances rank the points the same way
    if k == 1:  # the label of the nearest point (argmin keeps the first of equal distances)
        return classes[y_index[np.argmin(D, axis=1)]]
    one_hot = np.eye(len(classes))[y_index]  # (n_train, n_classes)
    votes = _k_nearest(D, k) @ one_hot  # per test point, how many of its k neighbours vote c
    return classes[np.argmax(votes, axis=1)]


def _k_nearest(D, k):
    """Mark the ``k`` smallest entries of every row of ``D``, equal distances taken in index order.

    The same ``k`` points as the first ``k`` of a stable sort of each row, without sorting:
    every point closer than the row's k-th smallest distance, then as many of the points at
    exactly that distance as are still needed, lowest index first.
    """
    kth = np.partition(D, k - 1, axis=1)[:, k - 1:k]
    closer, tied = D < kth, D == kth
    needed = k - closer.sum(axis=1, keepdims=True)
    return (closer | (tied & (np.cumsum(tied, axis=1) <= needed))).astype(D.dtype)


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
    counts = as_counts(n_irrelevant, "n_irrelevant", minimum=0)
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
    counts = as_counts(n_features, "n_features", minimum=1)
    n_repeats = as_int(n_repeats, "n_repeats", minimum=1)
    rng = as_rng(random_state)
    running_max = sum(_max_abs_correlations(n_samples, counts.max(), rng) for _ in range(n_repeats))
    return running_max[counts - 1] / n_repeats


def correlations(X, y):
    """Pearson correlation between each column of ``X`` and the target ``y``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        No column may be constant (its correlation is undefined).
    y : array-like of shape (n_samples,)
        Numbers (class labels 0/1 work too); not constant.

    Returns
    -------
    r : ndarray of shape (n_features,)
        Each value in [-1, 1].

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X = as_samples(X, "X")
    y = as_float_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} values but X has {X.shape[0]} samples")
    if X.shape[0] < 2:
        raise ValueError(f"X needs at least 2 samples for a correlation, got {X.shape[0]}")
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    x_norm, y_norm = np.linalg.norm(Xc, axis=0), np.linalg.norm(yc)
    if y_norm == 0:
        raise ValueError("y is constant; its correlation with anything is undefined")
    if np.any(x_norm == 0):
        raise ValueError(f"X has constant columns {np.flatnonzero(x_norm == 0).tolist()};"
                         " their correlation is undefined")
    return np.clip((yc @ Xc) / (x_norm * y_norm), -1.0, 1.0)


def _design(X, name="X"):
    """``X`` with a leading column of ones (for the intercept)."""
    X = as_samples(X, name)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def _targets(y, n_samples):
    y = as_float_array(y, "y", ndim=1)
    if y.shape[0] != n_samples:
        raise ValueError(f"y has {y.shape[0]} values but X has {n_samples} samples")
    return y


def exact_linear_fits(X, y, atol=1e-8):
    """Every linear model on a subset of the features that reproduces ``y`` exactly.

    For each subset ``S`` of at most ``n_samples - 1`` features, fit ``y = b + X[:, S] w`` by
    least squares. A subset is kept when the fit is unique (the design matrix has full column
    rank), exact (largest residual at most ``atol`` times the size of ``y``) and uses every one
    of its features (no weight is zero). With fewer samples than features (a short and wide
    table) there are often several such "perfect" models, each a different story.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    atol : float, default 1e-8
        Relative tolerance on the residual, > 0.

    Returns
    -------
    fits : list of dict
        One per exact model, smallest subsets first: ``features`` (tuple of column indices),
        ``intercept`` (float) and ``weights`` (ndarray of shape (len(features),)).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X = as_samples(X, "X")
    y = _targets(y, X.shape[0])
    atol = as_float(atol, "atol", minimum=0.0, exclusive_minimum=True)
    scale = atol * max(1.0, np.abs(y).max())
    fits = []
    for size in range(1, min(X.shape[1], X.shape[0] - 1) + 1):
        for subset in itertools.combinations(range(X.shape[1]), size):
            A = _design(X[:, subset])
            if np.linalg.matrix_rank(A) < A.shape[1]:
                continue
            coef = np.linalg.lstsq(A, y, rcond=None)[0]
            weight_scale = np.abs(coef[1:]) * np.abs(X[:, subset]).max(axis=0)
            if np.abs(A @ coef - y).max() <= scale and np.all(weight_scale > scale):
                fits.append({"features": subset, "intercept": float(coef[0]),
                             "weights": coef[1:]})
    return fits


def interpolating_family(X, y):
    """All linear models ``y = b + X w`` that fit every sample exactly, as a point plus a space.

    When the ``n_samples`` equations have fewer rows than the ``n_features + 1`` unknowns
    ``theta = (b, w)``, their solutions form the set ``theta_0 + N t`` for every vector ``t``:
    ``theta_0`` is the solution of smallest norm (the pseudo-inverse's) and the columns of
    ``N`` span the null space of the design matrix ``[1, X]``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Must be reachable: the samples may not contradict each other.

    Returns
    -------
    theta0 : ndarray of shape (n_features + 1,)
        Intercept first, then the weights.
    null_basis : ndarray of shape (n_features + 1, n_free)
        Orthonormal columns; ``[1, X] @ null_basis`` is zero. ``n_free`` is 0 when the fit is
        unique.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X = as_samples(X, "X")
    y = _targets(y, X.shape[0])
    A = _design(X)
    U, s, Vt = np.linalg.svd(A)
    rank = int(np.sum(s > s[0] * max(A.shape) * np.finfo(float).eps))
    theta0 = Vt[:rank].T @ ((U[:, :rank].T @ y) / s[:rank])
    if np.abs(A @ theta0 - y).max() > 1e-8 * max(1.0, np.abs(y).max()):
        raise ValueError("no linear model fits y exactly: the samples contradict each other")
    return theta0, Vt[rank:].T.copy()


def exact_fit_with_prediction(X, y, x_new, value):
    """A linear model that fits every sample exactly and predicts ``value`` for ``x_new``.

    Moves along the null space of :func:`interpolating_family` (which leaves every training
    prediction unchanged) until the prediction for ``x_new`` equals ``value``. When it
    exists, the data cannot tell this model apart from any other perfect fit.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    x_new : array-like of shape (n_features,)
        A new sample, not a combination of the training rows (otherwise every perfect fit
        predicts the same value for it).
    value : float
        The prediction wanted for ``x_new``.

    Returns
    -------
    theta : ndarray of shape (n_features + 1,)
        Intercept first, then the weights.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    theta0, null_basis = interpolating_family(X, y)
    x_new = as_float_array(x_new, "x_new", ndim=1)
    if x_new.shape[0] != theta0.shape[0] - 1:
        raise ValueError(f"x_new must have {theta0.shape[0] - 1} features, got {x_new.shape[0]}")
    value = as_float(value, "value")
    a = np.concatenate([[1.0], x_new])
    direction = null_basis.T @ a
    if np.linalg.norm(direction) <= 1e-12 * np.linalg.norm(a):
        raise ValueError("x_new is a combination of the training rows: every exact fit"
                         " predicts the same value for it")
    t = (value - a @ theta0) / (direction @ direction) * direction
    return theta0 + null_basis @ t


def edge_length_for_fraction(fraction, dims):
    """Edge of the sub-cube of ``[0, 1]^d`` that holds a given share of uniform data.

    A neighbourhood that captures a fraction ``p`` of uniformly spread data must span
    ``p^(1/d)`` of every axis: in 10 dimensions, 1% of the data needs 63% of each axis range.

    Parameters
    ----------
    fraction : float
        The share of the data, in (0, 1].
    dims : int or sequence of int
        Dimensions, each >= 1.

    Returns
    -------
    edge : ndarray of shape (n_dims,)

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    p = as_float(fraction, "fraction", minimum=0.0, maximum=1.0, exclusive_minimum=True)
    dims = as_counts(dims, "dims", minimum=1)
    return p ** (1.0 / dims)


def feature_selection_accuracy(X, y, n_keep, n_neighbors=1, n_train=None):
    """k-NN validation accuracy with all features and with the best ``n_keep`` by correlation.

    The first ``n_train`` samples train the model *and* choose the features (those with the
    largest absolute :func:`correlations` with the label); the remaining samples are only
    used to measure accuracy, so the selection never sees them.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of int, shape (n_samples,)
    n_keep : int
        Features to keep, between 1 and ``n_features``.
    n_neighbors : int, default 1
    n_train : int or None
        Training samples; default half of them.

    Returns
    -------
    dict
        ``selected`` (ndarray of int, shape (n_keep,), best first), ``scores`` (absolute
        correlation of every feature on the training part, shape (n_features,)),
        ``accuracy_all`` and ``accuracy_selected`` (floats).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    X = as_samples(X, "X")
    y = as_labels(y, "y", n_samples=X.shape[0])
    n_keep = as_int(n_keep, "n_keep", minimum=1, maximum=X.shape[1])
    n_train = X.shape[0] // 2 if n_train is None else n_train
    n_train = as_int(n_train, "n_train", minimum=2, maximum=X.shape[0] - 1)
    scores = np.abs(correlations(X[:n_train], y[:n_train]))
    selected = np.argsort(-scores, kind="stable")[:n_keep]
    accuracy = {}
    for key, columns in (("accuracy_all", slice(None)), ("accuracy_selected", selected)):
        y_pred = knn_predict(X[:n_train, columns], y[:n_train], X[n_train:, columns],
                             n_neighbors)
        accuracy[key] = float(np.mean(y_pred == y[n_train:]))
    return {"selected": selected, "scores": scores, **accuracy}


def neighbour_correlation(values, axis=-1):
    """Correlation between each value of a grid and its next neighbour along ``axis``.

    Near 1 for a smooth signal or a photograph (neighbours are alike), near 0 once the
    positions are shuffled: the number that says "neighbourhood matters here".

    Parameters
    ----------
    values : array-like of shape (n,) or (height, width)
        A signal or a grey image, with at least two positions along ``axis``.
    axis : int, default -1
        Along which axis to pair neighbours.

    Returns
    -------
    r : float

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    values = as_float_array(values, "values", ndim=(1, 2))
    valid_axis = isinstance(axis, int) and not isinstance(axis, bool)
    if not valid_axis or not -values.ndim <= axis < values.ndim:
        raise ValueError(f"axis must be an int in [-{values.ndim}, {values.ndim}), got {axis!r}")
    n = values.shape[axis]
    if n < 2:
        raise ValueError(f"values needs at least 2 positions along axis {axis}, got {n}")
    first = np.take(values, np.arange(n - 1), axis=axis).ravel()
    second = np.take(values, np.arange(1, n), axis=axis).ravel()
    return float(correlations(first[:, None], second)[0])


def shuffle_positions(values, random_state=None):
    """Move the values of a grid to random positions (one permutation for the whole grid).

    Every value survives, only its place changes: the mean, the histogram and any model that
    treats positions as unrelated features are unaffected, but neighbourhood is destroyed.

    Parameters
    ----------
    values : array-like of shape (n,) or (height, width)
    random_state : None, int or numpy.random.Generator

    Returns
    -------
    shuffled : ndarray of the same shape
        ``shuffled.ravel() == values.ravel()[permutation]``.
    permutation : ndarray of int, shape (values.size,)
        ``np.argsort(permutation)`` undoes the shuffle.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    values = as_float_array(values, "values", ndim=(1, 2))
    permutation = as_rng(random_state).permutation(values.size)
    return values.ravel()[permutation].reshape(values.shape), permutation
