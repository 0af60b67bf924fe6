"""Tests of nnkit.dimensionality: the curse of dimensionality, checked by computation.

References: numpy's direct distance formula, the closed-form volume of a ball, a Monte-Carlo
estimate, and scikit-learn's KNeighborsClassifier. The numeric bounds were measured over
several seeds and leave a wide gap to the values seen.
"""
import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.neighbors import KNeighborsClassifier

from nnkit import dimensionality as dim


def test_pairwise_distances_match_the_direct_formula():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((30, 7)), rng.standard_normal((20, 7))
    direct = np.linalg.norm(X[:, None, :] - Y[None, :, :], axis=2)
    np.testing.assert_allclose(dim.pairwise_distances(X, Y), direct, rtol=1e-10, atol=1e-12)
    D = dim.pairwise_distances(X)
    assert D.shape == (30, 30)
    np.testing.assert_array_equal(np.diag(D), 0.0)
    np.testing.assert_allclose(D, D.T)


def test_pairwise_distances_stay_accurate_far_from_the_origin():
    rng = np.random.default_rng(1)
    X, Y = 1e4 + rng.random((300, 2)), 1e4 + rng.random((50, 2))  # the Gram trick cancels here
    np.testing.assert_allclose(dim.pairwise_distances(X), cdist(X, X), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(dim.pairwise_distances(X, Y), cdist(X, Y), rtol=1e-8, atol=1e-12)


def test_pairwise_distances_never_negative_or_nan_for_near_duplicates():
    X = np.full((5, 3), 1e8) + np.arange(5)[:, None] * 1e-9  # cancellation in the Gram trick
    D = dim.pairwise_distances(X)
    assert np.all(np.isfinite(D)) and np.all(D >= 0)


def test_distance_ratio_is_large_in_2d_and_close_to_one_in_1000d():
    # [check] distance concentration is measurable. Measured over seeds 0-9: the ratio at
    # d = 2 was 67 to 2900, at d = 1000 1.13 to 1.16.
    result = dim.distance_concentration([2, 1000], n_samples=100, random_state=0)
    ratio_2d, ratio_1000d = result["ratio"]
    assert ratio_2d > 20
    assert 1.0 < ratio_1000d < 1.5
    np.testing.assert_allclose(result["relative_contrast"], result["ratio"] - 1)


def test_distance_ratio_falls_towards_one_as_dimension_grows():
    dims = [2, 5, 10, 50, 100, 500, 2000]
    result = dim.distance_concentration(dims, random_state=0)
    np.testing.assert_array_equal(result["dims"], dims)
    assert np.all(np.diff(result["ratio"]) < 0)
    assert np.all(result["ratio"] > 1)
    # The spread shrinks relative to the mean: std / mean of the distances falls.
    assert np.all(np.diff(result["std"] / result["mean"]) < 0)


def test_mean_distance_grows_like_sqrt_of_d_over_6():
    # Two uniform points of [0, 1]^d are sqrt(d / 6) apart on average (for large d).
    result = dim.distance_concentration([1000, 4000], random_state=1)
    np.testing.assert_allclose(result["mean"], np.sqrt(result["dims"] / 6), rtol=0.01)


@pytest.mark.parametrize("d, radius, expected", [
    (1, 0.5, 1.0),
    (2, 0.5, math.pi / 4),
    (3, 0.5, math.pi / 6),
    (2, 0.3, math.pi * 0.09),
    (4, 0.5, math.pi**2 / 2 * 0.5**4),
])
def test_exact_ball_volume_fraction_matches_known_values(d, radius, expected):
    np.testing.assert_allclose(dim.ball_volume_fraction(d, radius), [expected], rtol=1e-12)


def test_ball_volume_fraction_vanishes_without_overflow():
    fraction = dim.ball_volume_fraction([1, 2, 5, 10, 50, 100, 300])
    assert np.all(np.diff(fraction) < 0)
    assert 0 < fraction[-2] < 1e-60 and np.all(np.isfinite(fraction))


def test_monte_carlo_estimate_agrees_with_exact_fraction_within_its_standard_error():
    dims = [1, 2, 3, 5, 8]
    estimate = dim.estimate_ball_volume_fraction(dims, n_samples=100_000, random_state=0)
    exact = dim.ball_volume_fraction(dims)
    assert np.all(np.abs(estimate["fraction"] - exact) <= 4 * estimate["stderr"] + 1e-12)
    assert estimate["fraction"][0] == 1.0  # in 1-D the "ball" is the whole segment
    # The error bars are real: too few samples cannot pin pi/4 to three decimals.
    rough = dim.estimate_ball_volume_fraction(2, n_samples=100, random_state=0)
    assert rough["stderr"][0] > 0.03


def test_monte_carlo_estimate_with_radius_beyond_the_cube():
    big = dim.estimate_ball_volume_fraction([2, 3], radius=2.0, n_samples=1000, random_state=0)
    np.testing.assert_array_equal(big["fraction"], [1.0, 1.0])


@pytest.mark.parametrize("n_classes, n_neighbors", [(2, 1), (2, 3), (2, 7), (3, 1)])
def test_knn_predict_agrees_with_scikit_learn(n_classes, n_neighbors):
    rng = np.random.default_rng(n_neighbors)
    X_train, X_test = rng.standard_normal((80, 5)), rng.standard_normal((50, 5))
    labels = np.array([3, 7, 11])[:n_classes]  # labels need not be 0..k-1
    y_train = labels[rng.integers(0, n_classes, 80)]
    reference = KNeighborsClassifier(n_neighbors=n_neighbors, algorithm="brute")
    expected = reference.fit(X_train, y_train).predict(X_test)
    np.testing.assert_array_equal(dim.knn_predict(X_train, y_train, X_test, n_neighbors), expected)


def test_knn_predict_with_one_neighbour_reproduces_the_training_labels():
    X, y = np.random.default_rng(0).random((40, 3)), np.arange(40) % 4
    np.testing.assert_array_equal(dim.knn_predict(X, y, X), y)


def test_accuracy_drops_as_irrelevant_features_are_added():
    # Measured over seeds 0-7: mean accuracy 0.94-0.97 with no noise features,
    # 0.52-0.60 with 200 of them (0.5 is guessing).
    result = dim.accuracy_vs_irrelevant_features([0, 10, 200], random_state=0)
    assert result["accuracy"].shape == (3, 5)
    assert result["mean"][0] > 0.9
    assert result["mean"][2] < 0.7
    assert result["mean"][0] > result["mean"][1] > result["mean"][2]
    np.testing.assert_allclose(result["std"], result["accuracy"].std(axis=1))


def test_spurious_correlation_grows_with_the_number_of_features():
    # For 50 records: about 0.1 with one random feature, about 0.45 with a thousand.
    max_r = dim.max_spurious_correlation(50, [1, 10, 100, 1000], random_state=0)
    assert max_r.shape == (4,)
    assert np.all(np.diff(max_r) > 0)
    assert max_r[0] < 0.25 and max_r[-1] > 0.35
    assert np.all((0 <= max_r) & (max_r <= 1))


def test_spurious_correlation_matches_numpy_corrcoef_for_one_draw():
    seed = 3
    max_r = dim.max_spurious_correlation(20, 30, n_repeats=1, random_state=seed)
    rng = np.random.default_rng(seed)
    y, X = rng.standard_normal(20), rng.standard_normal((20, 30))
    expected = np.abs(np.corrcoef(y, X.T)[0, 1:]).max()
    np.testing.assert_allclose(max_r, [expected], rtol=1e-12)


RANDOM_CALLS = [
    lambda rs: dim.distance_concentration([2, 10], random_state=rs),
    lambda rs: dim.estimate_ball_volume_fraction([2, 3], n_samples=1000, random_state=rs),
    lambda rs: dim.accuracy_vs_irrelevant_features([0, 5], n_repeats=2, random_state=rs),
    lambda rs: {"r": dim.max_spurious_correlation(10, [1, 5], random_state=rs)},
]


@pytest.mark.parametrize("call", RANDOM_CALLS)
def test_fixed_random_state_gives_identical_results(call):
    first, again, other = call(0), call(np.random.default_rng(0)), call(1)
    for key in first:
        np.testing.assert_array_equal(first[key], again[key])
    assert any(not np.array_equal(first[k], other[k]) for k in first)


@pytest.mark.parametrize("call, error, name", [
    (lambda: dim.distance_concentration(0), ValueError, "dims"),
    (lambda: dim.distance_concentration([2, 2.5]), TypeError, r"dims\[1\]"),
    (lambda: dim.distance_concentration([]), ValueError, "dims"),
    (lambda: dim.distance_concentration([[2]]), TypeError, "dims"),
    (lambda: dim.distance_concentration(2, n_samples=2), ValueError, "n_samples"),
    (lambda: dim.distance_concentration(2, random_state=-1), ValueError, "random_state"),
    (lambda: dim.ball_volume_fraction(2, radius=0.6), ValueError, "radius"),
    (lambda: dim.ball_volume_fraction(2, radius=0), ValueError, "radius"),
    (lambda: dim.ball_volume_fraction(True), TypeError, "dims"),
    (lambda: dim.estimate_ball_volume_fraction(2, n_samples=0), ValueError, "n_samples"),
    (lambda: dim.pairwise_distances([1.0, 2.0]), ValueError, "X"),
    (lambda: dim.pairwise_distances([[1.0, 2.0]], [[1.0]]), ValueError, "Y"),
    (lambda: dim.knn_predict([[0.0], [1.0]], [0.0, 1.0], [[0.5]]), TypeError, "y_train"),
    (lambda: dim.knn_predict([[0.0], [1.0]], [0, 1], [[0.5, 1.0]]), ValueError, "X_test"),
    (lambda: dim.knn_predict([[0.0], [1.0]], [0, 1], [[0.5]], 3), ValueError, "n_neighbors"),
    (lambda: dim.accuracy_vs_irrelevant_features(-1), ValueError, "n_irrelevant"),
    (lambda: dim.accuracy_vs_irrelevant_features(0, n_samples=1), ValueError, "n_samples"),
    (lambda: dim.accuracy_vs_irrelevant_features(0, n_repeats=0), ValueError, "n_repeats"),
    (lambda: dim.max_spurious_correlation(2, 5), ValueError, "n_samples"),
    (lambda: dim.max_spurious_correlation(10, [5, 0]), ValueError, r"n_features\[1\]"),
])
def test_bad_arguments_raise_and_name_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()
