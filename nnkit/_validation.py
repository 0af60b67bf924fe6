"""Argument checks shared by every public function of nnkit.

Each check names the argument it looked at and says what was expected, so that a reader
sees ``ValueError: X must be 2-D (n_samples, n_features), got shape (3,)`` instead of a numpy
traceback from deep inside a matrix product. Nothing is coerced silently: booleans and
integers become floats (a lossless, expected conversion), anything else is refused.
"""
import numbers

import numpy as np

__all__ = ["as_array", "as_float_array", "as_samples", "as_labels", "as_int", "as_counts",
           "as_float", "check_choice", "as_rng"]


def as_array(value, name):
    """Return ``np.asarray(value)``, refusing None, strings and ragged nested lists by name."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        return np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None


def as_float_array(value, name, ndim=None, allow_empty=False, keep_float32=False):
    """Return ``value`` as a finite float ndarray, or raise an error naming ``name``.

    Parameters
    ----------
    value : array-like
        Numbers (bool, int or float); strings, objects and complex numbers are refused.
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    allow_empty : bool, default False
        Whether an array with no elements is acceptable.
    keep_float32 : bool, default False
        Return a float32 ``value`` as float32 (a copy) instead of converting it to float64.

    Returns
    -------
    ndarray of float64 (or float32, see ``keep_float32``)
    """
    arr = as_array(value, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain real numbers, got dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {wanted}, got {arr.ndim}-D array of shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {arr.shape}); expected at least one value")
    arr = arr.astype(np.float32 if keep_float32 and arr.dtype == np.float32 else np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; expected finite numbers")
    return arr


def as_samples(X, name="X", n_features=None):
    """Return ``X`` as a finite 2-D float array of shape (n_samples, n_features)."""
    X = as_float_array(X, name, ndim=2)
    if X.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {X.shape})")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} features (columns), got shape {X.shape}")
    return X


def as_labels(y, name="y", n_samples=None, n_classes=None, samples_name="X"):
    """Return integer class labels ``y`` as a 1-D int array with values in ``[0, n_classes)``.

    Float labels are refused rather than rounded: convert them with ``y.astype(int)``.
    ``samples_name`` names the argument whose length ``n_samples`` is, for the message.
    """
    y = as_array(y, name)
    if y.dtype.kind not in "biu":
        raise TypeError(
            f"{name} must hold integer class labels, got dtype {y.dtype}"
            " (convert with y.astype(int) if the values are whole numbers)")
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n_samples,), got shape {y.shape}")
    if y.size == 0:
        raise ValueError(f"{name} is empty; expected at least one label")
    if n_samples is not None and y.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {y.shape[0]} labels but {samples_name} has {n_samples} samples")
    y = y.astype(np.int64)
    if n_classes is not None and (y.min() < 0 or y.max() >= n_classes):
        bad = np.unique(y[(y < 0) | (y >= n_classes)])
        expected = "0 or 1" if n_classes == 2 else f"integers in [0, {n_classes})"
        raise ValueError(f"{name} must contain {expected}, got {bad.tolist()}")
    return y


def as_int(value, name, minimum=None, maximum=None):
    """Return ``value`` as a Python int within ``[minimum, maximum]``; bools are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def as_counts(values, name, minimum):
    """Return an int or a sequence of ints as a 1-D int array, each value >= ``minimum``."""
    if isinstance(values, np.ndarray) and values.ndim == 0:
        values = values.item()
    if not isinstance(values, (list, tuple, range, np.ndarray)):
        return np.array([as_int(values, name, minimum=minimum)], dtype=np.int64)
    if len(values) == 0:
        raise ValueError(f"{name} must be an int or a non-empty sequence of ints, got {values!r}")
    return np.array([as_int(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(values)],
                    dtype=np.int64)


def as_float(value, name, minimum=None, maximum=None, exclusive_minimum=False,
             exclusive_maximum=False):
    """Return ``value`` as a finite Python float within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and (value < minimum or (exclusive_minimum and value == minimum)):
        relation = ">" if exclusive_minimum else ">="
        raise ValueError(f"{name} must be {relation} {minimum}, got {value}")
    if maximum is not None and (value > maximum or (exclusive_maximum and value == maximum)):
        relation = "<" if exclusive_maximum else "<="
        raise ValueError(f"{name} must be {relation} {maximum}, got {value}")
    return value


def check_choice(value, name, options):
    """Return ``value`` if it is one of ``options`` (a dict or sequence of names)."""
    if not isinstance(value, str) or value not in options:
        known = ", ".join(repr(o) for o in options)
        raise ValueError(f"unknown {name} {value!r}; expected one of {known}")
    return value


def as_rng(random_state, name="random_state"):
    """Return a ``numpy.random.Generator`` from None, a non-negative int or a Generator."""
    if random_state is None or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    return np.random.default_rng(as_int(random_state, name, minimum=0))
