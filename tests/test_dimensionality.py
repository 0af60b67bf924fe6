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

from nnkit import datasets
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


@pytest.mark.parametrize("n_neighbors", [1, 2, 3, 4, 7])
def test_knn_predict_breaks_distance_ties_by_training_order_like_a_stable_sort(n_neighbors):
    # Points on a small integer grid: many test points have several neighbours at one distance.
    rng = np.random.default_rng(n_neighbors)
    X_train, X_test = rng.integers(0, 3, (60, 2)), rng.integers(0, 3, (40, 2))
    y_train = rng.integers(0, 3, 60)
    D = dim.pairwise_distances(X_test, X_train)
    nearest = np.argsort(D, axis=1, kind="stable")[:, :n_neighbors]
    votes = (y_train[nearest][:, :, None] == np.arange(3)).sum(axis=1)
    np.testing.assert_array_equal(dim.knn_predict(X_train, y_train, X_test, n_neighbors),
                                  np.argmax(votes, axis=1))


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


def test_log_volume_fraction_stays_finite_where_the_fraction_underflows():
    dims = [1, 2, 10, 100, 1000]
    log_fraction = dim.ball_volume_fraction(dims, log=True)
    np.testing.assert_allclose(np.exp(log_fraction[:4]), dim.ball_volume_fraction(dims[:4]),
                               rtol=1e-12)
    assert dim.ball_volume_fraction(1000)[0] == 0.0
    # log V_1000(1/2) = 500 log(pi) - 1000 log(2) - log(500!), from scipy's log-gamma.
    from scipy.special import gammaln
    expected = 500 * np.log(np.pi) - 1000 * np.log(2) - gammaln(501)
    np.testing.assert_allclose(log_fraction[-1], expected, rtol=1e-12)


def test_edge_length_needed_for_one_percent_of_the_data():
    edge = dim.edge_length_for_fraction(0.01, [1, 2, 10, 100])
    np.testing.assert_allclose(edge, [0.01, 0.1, 0.01 ** 0.1, 0.01 ** 0.01])
    assert 0.63 < edge[2] < 0.64 and edge[3] > 0.95  # the chapter's "63%" and "over 95%"
    # A sub-cube of that edge really holds 1% of uniform points (Monte Carlo, d = 10).
    X = np.random.default_rng(0).random((200_000, 10))
    inside = np.all(X < edge[2], axis=1).mean()
    assert abs(inside - 0.01) < 0.001


def test_correlations_match_numpy_corrcoef():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 6)), rng.standard_normal(40)
    expected = np.corrcoef(np.column_stack([y, X]).T)[0, 1:]
    np.testing.assert_allclose(dim.correlations(X, y), expected, rtol=1e-12)
    np.testing.assert_allclose(dim.correlations(X, (y > 0).astype(int)),
                               np.corrcoef(np.column_stack([y > 0, X]).T)[0, 1:], rtol=1e-12)


def salary():
    X, names = datasets.salary_features()
    return X, datasets.salary_table()["Salary"], names


def test_the_salary_table_has_several_perfect_linear_models():
    X, y, names = salary()
    fits = dim.exact_linear_fits(X, y)
    found = {tuple(names[i] for i in f["features"]): f for f in fits}
    assert set(found) == {("Age",), ("Height", "Weight"), ("Height", "Female"),
                          ("Weight", "Female")}
    age = found[("Age",)]  # salary = 10 * age - 200
    np.testing.assert_allclose([age["intercept"], *age["weights"]], [-200, 10], atol=1e-9)
    height = found[("Height", "Female")]  # 2500 per metre, 150 less for women
    np.testing.assert_allclose([height["intercept"], *height["weights"]], [-4100, 2500, -150],
                               rtol=1e-9)
    for f in fits:  # each one reproduces the three salaries exactly
        prediction = f["intercept"] + X[:, list(f["features"])] @ f["weights"]
        np.testing.assert_allclose(prediction, y, atol=1e-8)
        # ... and agrees with an ordinary least-squares fit on the same columns
        reference = np.linalg.lstsq(np.column_stack([np.ones(3), X[:, list(f["features"])]]),
                                    y, rcond=None)[0]
        np.testing.assert_allclose([f["intercept"], *f["weights"]], reference, rtol=1e-9)


def test_the_perfect_models_disagree_about_a_newcomer():
    X, y, _ = salary()
    newcomer = {"Age": [25], "Height": [1.85], "Weight": [60.0], "Gender": ["M"]}
    x_new = datasets.salary_features(newcomer)[0][0]
    predictions = [f["intercept"] + x_new[list(f["features"])] @ f["weights"]
                   for f in dim.exact_linear_fits(X, y)]
    assert max(predictions) - min(predictions) > 400  # from 25 to 525


def test_interpolating_family_is_a_two_dimensional_plane_of_exact_fits():
    X, y, _ = salary()
    theta0, null_basis = dim.interpolating_family(X, y)
    A = np.column_stack([np.ones(3), X])
    assert null_basis.shape == (5, 2)  # 5 unknowns, 3 independent equations
    np.testing.assert_allclose(A @ theta0, y, atol=1e-9)
    np.testing.assert_allclose(A @ null_basis, 0, atol=1e-9)
    np.testing.assert_allclose(null_basis.T @ null_basis, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(theta0, np.linalg.pinv(A) @ y, rtol=1e-8)  # minimum norm
    for t in ([1e3, -2e3], [-50.0, 7.0]):
        np.testing.assert_allclose(A @ (theta0 + null_basis @ t), y, atol=1e-6)


def test_an_exact_fit_can_predict_anything_for_a_newcomer():
    X, y, _ = salary()
    x_new = np.array([25, 1.85, 60.0, 0.0])
    A = np.column_stack([np.ones(3), X])
    for value in (-1000.0, 0.0, 1e6):
        theta = dim.exact_fit_with_prediction(X, y, x_new, value)
        np.testing.assert_allclose(A @ theta, y, rtol=1e-6)
        np.testing.assert_allclose(np.r_[1.0, x_new] @ theta, value, rtol=1e-9, atol=1e-6)
    with pytest.raises(ValueError, match="combination of the training rows"):
        dim.exact_fit_with_prediction(X, y, X[0] / 2 + X[1] / 2, 0.0)


def test_contradicting_samples_have_no_exact_fit():
    with pytest.raises(ValueError, match="contradict"):
        dim.interpolating_family([[1.0], [1.0]], [0.0, 1.0])


def test_feature_selection_restores_the_accuracy_lost_to_noise():
    # Measured over seeds 0-9: 0.57-0.69 with all 52 features, 0.95-0.99 with the best two;
    # the two relevant columns were always the ones chosen.
    X, y, relevant = datasets.make_signal_and_noise(400, n_relevant=2, n_irrelevant=50,
                                                    random_state=0)
    result = dim.feature_selection_accuracy(X, y, n_keep=2)
    assert result["accuracy_all"] < 0.75 and result["accuracy_selected"] > 0.85
    assert sorted(result["selected"]) == sorted(relevant)
    np.testing.assert_allclose(result["scores"], np.abs(dim.correlations(X[:200], y[:200])))
    # The selection used only the training half: changing validation rows changes nothing.
    X2 = X.copy()
    X2[200:] = np.random.default_rng(1).random(X2[200:].shape)
    np.testing.assert_array_equal(dim.feature_selection_accuracy(X2, y, 2)["selected"],
                                  result["selected"])


def test_feature_selection_accuracy_agrees_with_scikit_learn():
    X, y, _ = datasets.make_signal_and_noise(120, n_irrelevant=8, random_state=3)
    result = dim.feature_selection_accuracy(X, y, n_keep=3, n_neighbors=3, n_train=80)
    columns = result["selected"]
    reference = KNeighborsClassifier(3, algorithm="brute").fit(X[:80][:, columns], y[:80])
    assert result["accuracy_selected"] == reference.score(X[80:][:, columns], y[80:])
    reference = KNeighborsClassifier(3, algorithm="brute").fit(X[:80], y[:80])
    assert result["accuracy_all"] == reference.score(X[80:], y[80:])


def test_neighbours_are_alike_in_grid_data_until_the_positions_are_shuffled():
    t, wave = datasets.make_sound_wave(duration=0.05, sample_rate=8000, random_state=0)
    image = datasets.load_image("camera")[::4, ::4]
    for values in (wave, image):
        shuffled, permutation = dim.shuffle_positions(values, random_state=0)
        assert dim.neighbour_correlation(values) > 0.8
        assert abs(dim.neighbour_correlation(shuffled)) < 0.1
        np.testing.assert_array_equal(np.sort(shuffled, axis=None), np.sort(values, axis=None))
        np.testing.assert_array_equal(shuffled.ravel()[np.argsort(permutation)], values.ravel())
    assert dim.neighbour_correlation(image, axis=0) > 0.8


def test_neighbour_correlation_matches_numpy_on_a_small_image():
    image = np.random.default_rng(0).random((5, 6))
    expected = np.corrcoef(image[:, :-1].ravel(), image[:, 1:].ravel())[0, 1]
    np.testing.assert_allclose(dim.neighbour_correlation(image), expected, rtol=1e-12)
    expected = np.corrcoef(image[:-1].ravel(), image[1:].ravel())[0, 1]
    np.testing.assert_allclose(dim.neighbour_correlation(image, axis=0), expected, rtol=1e-12)


RANDOM_CALLS = [
    lambda rs: dim.distance_concentration([2, 10], random_state=rs),
    lambda rs: dim.estimate_ball_volume_fraction([2, 3], n_samples=1000, random_state=rs),
    lambda rs: dim.accuracy_vs_irrelevant_features([0, 5], n_repeats=2, random_state=rs),
    lambda rs: {"r": dim.max_spurious_correlation(10, [1, 5], random_state=rs)},
    lambda rs: dict(zip(["shuffled", "permutation"],
                        dim.shuffle_positions(np.arange(12.0), random_state=rs))),
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
    (lambda: dim.ball_volume_fraction(2, log=1), TypeError, "log"),
    (lambda: dim.correlations([[1.0], [1.0]], [0.0, 1.0]), ValueError, "constant columns"),
    (lambda: dim.correlations([[1.0], [2.0]], [1.0, 1.0]), ValueError, "y is constant"),
    (lambda: dim.correlations([[1.0], [2.0]], [1.0]), ValueError, "y has 1"),
    (lambda: dim.exact_linear_fits([[1.0], [2.0]], [1.0, 2.0], atol=0), ValueError, "atol"),
    (lambda: dim.exact_fit_with_prediction([[1.0, 2.0]], [1.0], [1.0], 0), ValueError, "x_new"),
    (lambda: dim.edge_length_for_fraction(0, 2), ValueError, "fraction"),
    (lambda: dim.feature_selection_accuracy([[0.0], [1.0], [2.0]], [0, 1, 0], 2), ValueError, "n_keep"),
    (lambda: dim.neighbour_correlation([1.0]), ValueError, "at least 2"),
    (lambda: dim.neighbour_correlation([[1.0, 2.0]], axis=2), ValueError, "axis"),
    (lambda: dim.shuffle_positions(np.zeros((2, 2, 2))), ValueError, "values"),
])
def test_bad_arguments_raise_and_name_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_the_chapter_curves_contain_the_checked_values():
    # Noise columns are nested and drawn up to the largest count, so the chapter's longer
    # curves hold exactly the values the tests above check with the same seed.
    short = dim.accuracy_vs_irrelevant_features([0, 10, 200], random_state=0)["mean"]
    long = dim.accuracy_vs_irrelevant_features([0, 1, 2, 5, 10, 20, 50, 100, 200],
                                               random_state=0)["mean"]
    np.testing.assert_array_equal(long[[0, 4, 8]], short)
    assert np.all(np.diff(long) < 0.02) and long[0] - long[-1] > 0.3
    short = dim.max_spurious_correlation(50, [1, 10, 100, 1000], random_state=0)
    long = dim.max_spurious_correlation(50, [1, 3, 10, 30, 100, 300, 1000], random_state=0)
    np.testing.assert_array_equal(long[[0, 2, 4, 6]], short)


def test_a_spurious_pattern_vanishes_on_new_data():
    # The chapter's first example: 500 random features, 20 records, then 1000 new records.
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((20, 500)), rng.standard_normal(20)
    r = dim.correlations(X, y)
    best = np.argmax(np.abs(r))
    X_new, y_new = rng.standard_normal((1000, 500)), rng.standard_normal(1000)
    assert abs(r[best]) > 0.6
    assert abs(dim.correlations(X_new[:, [best]], y_new)[0]) < 0.1


def test_shuffling_pixels_the_same_way_everywhere_does_not_change_knn():
    X, y = datasets.load_digits()
    permutation = np.random.default_rng(0).permutation(64)
    plain = dim.knn_predict(X[:900], y[:900], X[900:])
    shuffled = dim.knn_predict(X[:900, permutation], y[:900], X[900:, permutation])
    np.testing.assert_array_equal(plain, shuffled)
    assert np.mean(plain == y[900:]) > 0.9
    images = datasets.load_digits(as_images=True)[0]
    shuffled_images = X[:, permutation].reshape(-1, 8, 8)
    assert (np.mean([dim.neighbour_correlation(im) for im in images[:50]])
            > np.mean([dim.neighbour_correlation(im) for im in shuffled_images[:50]]) + 0.2)


def test_the_chapter_chord_and_picture_lose_their_neighbourhood_when_shuffled():
    t, wave = datasets.make_sound_wave(duration=0.01, sample_rate=8000, frequencies=[440, 660],
                                       amplitudes=[1.0, 0.5])
    assert wave.shape == (80,)
    shuffled, _ = dim.shuffle_positions(wave, random_state=0)
    assert dim.neighbour_correlation(wave) > 0.9 and abs(dim.neighbour_correlation(shuffled)) < 0.1
    image = datasets.load_image("camera")[::4, ::4]
    assert image.shape == (128, 128)
    shuffled, _ = dim.shuffle_positions(image, random_state=0)
    assert dim.neighbour_correlation(image) > 0.9 and abs(dim.neighbour_correlation(shuffled)) < 0.1


def test_no_random_point_lands_in_the_20_dimensional_ball():
    # The chapter's table: Monte Carlo agrees up to d = 10 and finds nothing at d = 20.
    dims = [1, 2, 3, 5, 10, 20]
    estimate = dim.estimate_ball_volume_fraction(dims, n_samples=100_000, random_state=0)
    exact = dim.ball_volume_fraction(dims)
    assert estimate["fraction"][-1] == 0 and exact[-1] * 100_000 < 0.01
    assert np.all(np.abs(estimate["fraction"][:-1] - exact[:-1]) <= 4 * estimate["stderr"][:-1] + 1e-12)
    assert exact[4] < 0.003  # "only 0.25% within half an edge in 10 dimensions"


# --- chapter 1's claims over seeds: the numbers its prose states --------------------------

def test_chapter_spurious_pattern_over_seeds_0_to_4():
    """The first example repeated: the best of 500 noise features is strong on 20 records and
    vanishes on 1000 new ones, at every seed."""
    best, new = [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        X, y = rng.standard_normal((20, 500)), rng.standard_normal(20)
        r = dim.correlations(X, y)
        j = np.argmax(np.abs(r))
        X_new, y_new = rng.standard_normal((1000, 500)), rng.standard_normal(1000)
        best.append(abs(r[j]))
        new.append(abs(dim.correlations(X_new[:, [j]], y_new)[0]))
    assert (round(min(best), 2), round(max(best), 2), round(max(new), 2)) == (0.6, 0.74, 0.04)
    assert min(best) > 10 * max(new)


def test_chapter_numbers_that_need_no_seed_and_the_distance_ratio_over_seeds():
    expected = dim.ball_volume_fraction([20])[0] * 100_000  # points expected in the 20-d ball
    assert round(float(expected), 4) == 0.0025
    ratios = np.array([dim.distance_concentration([2, 1000], n_samples=100, random_state=seed)
                       ["ratio"] for seed in range(5)])
    assert (round(ratios[:, 0].min()), round(ratios[:, 0].max())) == (70, 557)
    assert (round(ratios[:, 1].min(), 2), round(ratios[:, 1].max(), 2)) == (1.14, 1.16)
    assert ratios[:, 0].min() > 50 * (ratios[:, 1].max() - 1)  # the squeeze holds at every seed


def test_chapter_knn_accuracy_falls_with_noise_features_beyond_its_spread():
    counts = [0, 1, 2, 5, 10, 20, 50, 100, 200]
    result = dim.accuracy_vs_irrelevant_features(counts, n_samples=200, random_state=0)
    mean, sd = result["mean"][[0, 4, 8]], result["std"][[0, 4, 8]]
    assert np.round(mean, 3).tolist() == [0.948, 0.734, 0.53]
    assert np.round(sd, 3).tolist() == [0.012, 0.02, 0.086]
    assert mean[0] - sd[0] > mean[1] + sd[1]  # the fall is larger than the spread
    assert abs(mean[2] - 0.5) < sd[2]  # "within its spread, no better than tossing a coin"
    assert np.all(result["accuracy"][0] > result["accuracy"][4])  # at every one of the 5 data sets


def test_chapter_largest_spurious_correlation_mean_and_spread_over_10_draws():
    n_features = [1, 3, 10, 30, 100, 300, 1000]
    rng = np.random.default_rng(0)
    draws = np.array([dim.max_spurious_correlation(50, n_features, n_repeats=1, random_state=rng)
                      for _ in range(10)])
    # the 10 single draws are exactly the 10 repeats the averaged call makes
    np.testing.assert_allclose(draws.mean(axis=0),
                               dim.max_spurious_correlation(50, n_features, random_state=0))
    mean, sd = draws.mean(axis=0), draws.std(axis=0)
    assert (round(mean[0], 2), round(sd[0], 2), round(mean[-1], 2), round(sd[-1], 2)) == (
        0.08, 0.08, 0.46, 0.02)
    assert draws[:, -1].min() > draws[:, 0].mean() + 2 * sd[0]  # every draw of 1000 beats one


def test_chapter_feature_selection_over_seeds_0_to_4():
    found, all_52, best_2 = [], [], []
    for seed in range(5):
        X, y, relevant = datasets.make_signal_and_noise(400, n_relevant=2, n_irrelevant=50,
                                                        random_state=seed)
        # reference: the two largest |r| on the training half, with numpy's corrcoef
        train = slice(0, 200)
        scores = [abs(np.corrcoef(X[train, j], y[train])[0, 1]) for j in range(X.shape[1])]
        chosen = np.argsort(scores)[-2:]
        found.append(set(chosen) == set(relevant))
        knn = KNeighborsClassifier(1)
        all_52.append(knn.fit(X[:200], y[:200]).score(X[200:], y[200:]))
        best_2.append(knn.fit(X[:200, chosen], y[:200]).score(X[200:, chosen], y[200:]))
    assert sum(found) == 5
    assert (round(np.mean(all_52), 3), round(np.std(all_52), 3)) == (0.614, 0.014)
    assert (round(np.mean(best_2), 3), round(np.std(best_2), 3)) == (0.968, 0.007)
    assert min(best_2) > max(all_52) + 0.3


def test_chapter_shuffles_over_seeds_0_to_4():
    t, wave = datasets.make_sound_wave(duration=0.01, sample_rate=8000, frequencies=[440, 660],
                                       amplitudes=[1.0, 0.5])
    image = datasets.load_image("camera")[::4, ::4]

    def lag_one(values):  # reference: numpy's correlation of every value with its right neighbour
        values = np.atleast_2d(values)
        return np.corrcoef(values[:, :-1].ravel(), values[:, 1:].ravel())[0, 1]

    audio = [lag_one(dim.shuffle_positions(wave, random_state=seed)[0]) for seed in range(5)]
    pictures = [lag_one(dim.shuffle_positions(image, random_state=seed)[0]) for seed in range(5)]
    assert (round(min(audio), 2), round(max(audio), 2)) == (-0.22, 0.18)
    assert round(max(np.abs(pictures)), 2) == 0.01
    assert lag_one(wave) > 3 * max(np.abs(audio))  # "none comes near the wave's"
