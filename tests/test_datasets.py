"""Tests of nnkit.datasets: values, shapes and the promises each generator makes.

Separability is checked by scikit-learn (Perceptron, linear SVM), truth tables against tables
written out by hand, and every packaged data set is loaded the way the book loads it: offline.
"""
import numpy as np
import pytest
from sklearn.linear_model import Perceptron
from sklearn.svm import SVC

from nnkit import datasets


def test_salary_table_holds_the_three_people():
    table = datasets.salary_table()
    assert list(table) == ["Age", "Height", "Weight", "Gender", "Postcode", "Salary"]
    np.testing.assert_array_equal(table["Age"], [30, 40, 35])
    np.testing.assert_allclose(table["Height"], [1.68, 1.78, 1.70])
    np.testing.assert_allclose(table["Weight"], [75, 70, 85])
    np.testing.assert_array_equal(table["Gender"], ["M", "F", "M"])
    np.testing.assert_array_equal(table["Postcode"], ["EC2Y 8DS", "E14 0QR", "WC2H 8LH"])
    np.testing.assert_array_equal(table["Salary"], [100, 200, 150])
    n_samples, n_predictors = len(table["Salary"]), len(table) - 1
    assert (n_samples, n_predictors) == (3, 5)  # short and wide: N < d


def test_salary_table_returns_fresh_arrays():
    datasets.salary_table()["Salary"][0] = 0
    assert datasets.salary_table()["Salary"][0] == 100


@pytest.mark.parametrize("name, expected", [
    ("AND", [0, 0, 0, 1]),
    ("OR", [0, 1, 1, 1]),
    ("NAND", [1, 1, 1, 0]),
    ("NOR", [1, 0, 0, 0]),
    ("XOR", [0, 1, 1, 0]),
])
def test_two_input_truth_tables(name, expected):
    X, y = datasets.logic_table(name)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, expected)
    assert X.dtype.kind == "i" and y.dtype.kind == "i"


def test_not_truth_table_and_case_insensitive_names():
    X, y = datasets.logic_table("not")
    np.testing.assert_array_equal(X, [[0], [1]])
    np.testing.assert_array_equal(y, [1, 0])


def test_unknown_gate_lists_the_known_ones():
    with pytest.raises(ValueError, match="'AND'.*'XOR'"):
        datasets.logic_table("XNOR")
    with pytest.raises(ValueError, match="gate"):
        datasets.logic_table(None)


@pytest.mark.parametrize("n_samples, n_features, margin, seed", [
    (100, 2, 0.1, 0), (60, 2, 0.4, 1), (200, 5, 0.05, 2), (300, 20, 0.2, 3), (2, 3, 0.1, 4),
])
def test_linearly_separable_data_is_separable_with_the_margin(n_samples, n_features, margin, seed):
    X, y = datasets.make_linearly_separable(n_samples, n_features, margin, random_state=seed)
    assert X.shape == (n_samples, n_features) and y.shape == (n_samples,)
    assert y.dtype.kind == "i" and set(np.unique(y)) == {0, 1}
    assert abs(np.sum(y == 1) - np.sum(y == 0)) <= 1
    assert np.all(np.abs(X) <= 1)
    perceptron = Perceptron(max_iter=1000, tol=None, random_state=0).fit(X, y)
    assert perceptron.score(X, y) == 1.0
    # A (nearly) hard-margin linear SVM finds the widest gap; ours must be at least `margin`.
    svm = SVC(kernel="linear", C=1e6).fit(X, y)
    assert svm.score(X, y) == 1.0
    assert 1 / np.linalg.norm(svm.coef_) >= margin * 0.999


def test_separability_check_can_fail_on_xor():
    X, y = datasets.make_xor(n_samples=200, noise=0.1, random_state=0)
    assert Perceptron(max_iter=1000, tol=None, random_state=0).fit(X, y).score(X, y) < 1.0


def test_xor_labels_follow_the_quadrant_rule():
    X, y = datasets.make_xor(n_samples=400, noise=0.1, random_state=0)
    assert X.shape == (400, 2) and y.dtype.kind == "i"
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    np.testing.assert_array_equal(np.bincount(y), [200, 200])


def test_xor_without_noise_sits_on_the_four_corners():
    X, y = datasets.make_xor(n_samples=8, noise=0.0, random_state=0)
    corners, counts = np.unique(X, axis=0, return_counts=True)
    np.testing.assert_array_equal(corners, [[-1, -1], [-1, 1], [1, -1], [1, 1]])
    np.testing.assert_array_equal(counts, [2, 2, 2, 2])
    np.testing.assert_array_equal(y, X[:, 0] != X[:, 1])


def test_blobs_around_default_and_given_centres():
    X, y = datasets.make_blobs(n_samples=3000, centers=3, spread=0.3, random_state=0)
    angle = 2 * np.pi * np.arange(3) / 3
    centres = 2 * np.column_stack([np.cos(angle), np.sin(angle)])
    np.testing.assert_array_equal(np.bincount(y), [1000, 1000, 1000])
    for k in range(3):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centres[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.3, rtol=0.1)
    X, y = datasets.make_blobs(n_samples=10, centers=[[0, 0, 0], [5, 5, 5]], spread=0.0)
    np.testing.assert_array_equal(X, 5.0 * y[:, None] * np.ones((1, 3)))


def test_spirals_interleave_on_the_stated_curves():
    X, y = datasets.make_spirals(n_samples=300, n_turns=1.5, noise=0.0, random_state=0)
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [150, 150]
    r = np.linalg.norm(X, axis=1)
    assert np.all(r <= 1)
    # Without noise, every point has angle 2 pi n_turns r + pi y (mod 2 pi).
    phase = np.arctan2(X[:, 1], X[:, 0]) - (2 * np.pi * 1.5 * r + np.pi * y)
    np.testing.assert_allclose(np.cos(phase), 1.0, atol=1e-9)
    noisy, _ = datasets.make_spirals(n_samples=300, noise=0.2, random_state=0)
    assert not np.allclose(noisy, X)


@pytest.mark.parametrize("size, length", [(8, 3), (5, 5), (10, 2)])
def test_grid_segments_hold_one_segment_matching_the_label(size, length):
    images, y = datasets.make_grid_segments(n_samples=100, size=size, length=length,
                                            random_state=size)
    assert images.shape == (100, size, size) and y.shape == (100,)
    assert set(np.unique(images)) == {-1.0, 1.0}
    assert set(np.unique(y)) == {0, 1}
    for image, label in zip(images, y):
        rows, cols = np.nonzero(image > 0)
        assert len(rows) == length
        along, across = (cols, rows) if label == 1 else (rows, cols)
        assert np.all(across == across[0])
        np.testing.assert_array_equal(np.sort(along), along.min() + np.arange(length))


def test_grid_segments_cover_all_positions_and_noise_only_adds():
    clean, y = datasets.make_grid_segments(n_samples=2000, random_state=0)
    starts = {tuple(np.argwhere(image > 0)[0]) for image in clean[y == 1]}
    assert len(starts) == 8 * 6  # every row, every start column that fits
    noisy, y_noisy = datasets.make_grid_segments(n_samples=2000, noise=0.2, random_state=0)
    np.testing.assert_array_equal(y_noisy, y)
    np.testing.assert_allclose((noisy - clean).std(), 0.2, rtol=0.02)


def test_load_digits_shapes_range_and_class_counts():
    X, y = datasets.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    images, y_images = datasets.load_digits(as_images=True)
    assert images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    np.testing.assert_array_equal(y_images, y)


def test_load_mnist_5k_shapes_range_class_counts_and_fresh_copies():
    X, y = datasets.load_mnist_5k()
    assert X.shape == (5000, 784) and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)
    X[:] = -1.0
    y[:] = -1
    images, y_again = datasets.load_mnist_5k(as_images=True)
    assert images.shape == (5000, 28, 28) and images.min() == 0.0
    np.testing.assert_array_equal(np.bincount(y_again), [500] * 10)


@pytest.mark.parametrize("name", datasets.IMAGES)
def test_each_allowed_image_loads_offline_as_floats_in_unit_range(name):
    image = datasets.load_image(name)
    assert image.dtype == np.float64
    assert image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)
    assert 0.0 <= image.min() and image.max() <= 1.0 and image.max() > image.min()
    gray = datasets.load_image(name, as_gray=True)
    assert gray.shape == image.shape[:2] and 0.0 <= gray.min() and gray.max() <= 1.0


def test_grayscale_uses_luminance_weights():
    rgb = datasets.load_image("astronaut")
    expected = rgb @ np.array([0.2125, 0.7154, 0.0721])
    np.testing.assert_allclose(datasets.load_image("astronaut", as_gray=True), expected, atol=1e-12)


def test_unknown_image_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="'camera'"):
        datasets.load_image("eagle")


def test_load_faces_holds_100_faces_then_100_other_patches():
    import skimage.data

    X, y = datasets.load_faces()
    assert X.shape == (200, 25, 25) and X.dtype == np.float64
    assert 0 <= X.min() and X.max() <= 1
    assert y.tolist() == [1] * 100 + [0] * 100
    np.testing.assert_array_equal(X, skimage.data.lfw_subset())
    X[0] = -1  # a fresh copy each time
    assert datasets.load_faces()[0].min() >= 0


@pytest.mark.parametrize("size", [64, 48])
def test_texture_tiles_share_no_pixel_and_keep_the_halves_apart(size):
    import skimage.data

    tiles, y, half = datasets.load_texture_tiles(size=size)
    per_half = (512 // size) * (256 // size)
    assert tiles.shape == (3 * 2 * per_half, size, size)
    assert np.array_equal(np.bincount(y), [2 * per_half] * 3)
    assert np.array_equal(np.bincount(half), [3 * per_half] * 2)
    for label, name in enumerate(datasets.TEXTURES):
        image = getattr(skimage.data, name)() / 255.0
        for side in (0, 1):
            chosen = tiles[(y == label) & (half == side)]
            # every tile is found exactly once, at a tile-aligned place inside its half
            left = 0 if side == 0 else 256
            places = [(r, c) for r in range(0, 512 - size + 1, size)
                      for c in range(left, left + 256 - size + 1, size)]
            assert len(places) == len(chosen)
            for tile, (r, c) in zip(chosen, places):
                np.testing.assert_array_equal(tile, image[r:r + size, c:c + size])
    with pytest.raises(ValueError, match="size"):
        datasets.load_texture_tiles(size=300)


def test_texture_statistics_by_hand():
    checkerboard = (np.indices((4, 4)).sum(0) % 2).astype(float)
    flat = np.full((4, 4), 0.25)
    stripes = np.tile([0.0, 1.0], (4, 2)).T  # rows alternate: change only vertically
    stats = datasets.texture_statistics(np.stack([checkerboard, flat, stripes]))
    np.testing.assert_allclose(stats, [[0.5, 0.5, 1, 1], [0.25, 0, 0, 0], [0.5, 0.5, 0, 1]])
    with pytest.raises(ValueError, match="patches"):
        datasets.texture_statistics(np.zeros((4, 4)))


GENERATORS = [
    lambda rs: datasets.make_linearly_separable(random_state=rs),
    lambda rs: datasets.make_xor(random_state=rs),
    lambda rs: datasets.make_blobs(random_state=rs),
    lambda rs: datasets.make_spirals(random_state=rs),
    lambda rs: datasets.make_grid_segments(noise=0.1, random_state=rs),
]


@pytest.mark.parametrize("generate", GENERATORS)
def test_generators_are_deterministic_given_random_state(generate):
    (X, y), (X_again, y_again), (X_other, _) = generate(0), generate(np.random.default_rng(0)), generate(1)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(X, X_other)


@pytest.mark.parametrize("call, error, name", [
    (lambda: datasets.make_linearly_separable(n_samples=1), ValueError, "n_samples"),
    (lambda: datasets.make_linearly_separable(n_features=0), ValueError, "n_features"),
    (lambda: datasets.make_linearly_separable(margin=0.5), ValueError, "margin"),
    (lambda: datasets.make_linearly_separable(random_state="x"), TypeError, "random_state"),
    (lambda: datasets.make_xor(noise=-0.1), ValueError, "noise"),
    (lambda: datasets.make_xor(n_samples=2.0), TypeError, "n_samples"),
    (lambda: datasets.make_blobs(centers=0), ValueError, "centers"),
    (lambda: datasets.make_blobs(centers=[1.0, 2.0]), ValueError, "centers"),
    (lambda: datasets.make_blobs(spread=-1), ValueError, "spread"),
    (lambda: datasets.make_spirals(n_turns=0), ValueError, "n_turns"),
    (lambda: datasets.make_grid_segments(length=1), ValueError, "length"),
    (lambda: datasets.make_grid_segments(size=2, length=3), ValueError, "size"),
])
def test_bad_arguments_raise_and_name_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_salary_features_encode_the_table_as_numbers():
    X, names = datasets.salary_features()
    assert names == ("Age", "Height", "Weight", "Female")
    np.testing.assert_allclose(X, [[30, 1.68, 75, 0], [40, 1.78, 70, 1], [35, 1.70, 85, 0]])
    assert X.shape[0] < X.shape[1] + 1  # fewer people than unknowns of a linear model
    newcomer = {"Age": [25, 50], "Height": [1.85, 1.6], "Weight": [60, 90], "Gender": ["M", "F"]}
    np.testing.assert_allclose(datasets.salary_features(newcomer)[0],
                               [[25, 1.85, 60, 0], [50, 1.6, 90, 1]])


@pytest.mark.parametrize("table, error, match", [
    ([1, 2], TypeError, "table"),
    ({"Age": [1], "Height": [1.0], "Weight": [1.0]}, ValueError, "Gender"),
    ({"Age": [1], "Height": [1.0], "Weight": [1.0], "Gender": ["X"]}, ValueError, "Gender"),
    ({"Age": [1, 2], "Height": [1.0], "Weight": [1.0], "Gender": ["M"]}, ValueError, "length"),
    ({"Age": ["a"], "Height": [1.0], "Weight": [1.0], "Gender": ["M"]}, TypeError, "Age"),
])
def test_salary_features_refuse_bad_tables(table, error, match):
    with pytest.raises(error, match=match):
        datasets.salary_features(table)


def test_signal_and_noise_hides_the_label_in_the_relevant_columns():
    X, y, relevant = datasets.make_signal_and_noise(300, n_relevant=3, n_irrelevant=7,
                                                    random_state=0)
    assert X.shape == (300, 10) and y.shape == (300,) and relevant.shape == (3,)
    assert np.all((X >= 0) & (X < 1))
    np.testing.assert_array_equal(y, (X[:, relevant].mean(axis=1) > 0.5).astype(int))
    assert not np.array_equal(relevant, [0, 1, 2])  # shuffled away from the front (seed 0)
    X, y, relevant = datasets.make_signal_and_noise(50, 2, 4, shuffle=False, random_state=0)
    np.testing.assert_array_equal(relevant, [0, 1])
    with pytest.raises(TypeError, match="shuffle"):
        datasets.make_signal_and_noise(shuffle=1)


def test_sound_wave_is_a_sum_of_tones():
    t, wave = datasets.make_sound_wave(duration=0.01, sample_rate=8000,
                                       frequencies=[440, 880], amplitudes=[1.0, 0.5])
    assert t.shape == wave.shape == (80,)
    np.testing.assert_allclose(np.diff(t), 1 / 8000)
    np.testing.assert_allclose(wave, np.sin(2 * np.pi * 440 * t) + 0.5 * np.sin(2 * np.pi * 880 * t),
                               atol=1e-12)
    # Its spectrum peaks at the two tones (one second of sound: 1 Hz per FFT bin).
    _, long_wave = datasets.make_sound_wave(duration=1.0, frequencies=[440, 880])
    spectrum = np.abs(np.fft.rfft(long_wave))
    np.testing.assert_array_equal(np.sort(np.argsort(spectrum)[-2:]), [440, 880])
    _, noisy = datasets.make_sound_wave(noise=0.1, random_state=0)
    _, again = datasets.make_sound_wave(noise=0.1, random_state=0)
    np.testing.assert_array_equal(noisy, again)
    with pytest.raises(ValueError, match="amplitudes"):
        datasets.make_sound_wave(frequencies=[1.0, 2.0], amplitudes=[1.0])
    with pytest.raises(ValueError, match="frequencies"):
        datasets.make_sound_wave(frequencies=[0.0])


def test_small_graph_is_two_groups_joined_by_one_friendship():
    A, names = datasets.small_graph()
    assert A.shape == (7, 7) and len(names) == 7
    np.testing.assert_array_equal(A, A.T)
    np.testing.assert_array_equal(np.diag(A), 0)
    assert A.sum() // 2 == 9  # nine friendships
    dan, eve = names.index("Dan"), names.index("Eve")
    B = A.copy()
    B[dan, eve] = B[eve, dan] = 0  # without the bridge, two separate groups remain
    reach = np.linalg.matrix_power(B + np.eye(7, dtype=int), 6) > 0
    assert reach[0, :4].all() and not reach[0, 4:].any()
    assert np.linalg.matrix_power(A + np.eye(7, dtype=int), 6).all()  # connected with it
