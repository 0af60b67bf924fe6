"""Tests of nnkit.cnn: the torch CNN against the MLP, VGG16's weights, reproducible training."""
import inspect
import re

import numpy as np
import pytest
import torch
from sklearn.model_selection import train_test_split

from nnkit import cnn, datasets, grid
from nnkit.mlp import MLP


@pytest.fixture(scope="module")
def digits():
    X, y = datasets.load_digits(as_images=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def trained(digits):
    """The comparison of chapter 8: a small CNN and a one-hidden-layer MLP on the digits."""
    X_train, X_test, y_train, y_test = digits
    net = cnn.ConvNet((1, 8, 8), 10, channels=(16, 32), n_hidden=64, random_state=0)
    net.fit(X_train, y_train, epochs=10, learning_rate=0.005, batch_size=64, random_state=0)
    mlp = MLP([64, 200, 10], random_state=0)
    mlp.fit(X_train.reshape(-1, 64), y_train, epochs=10, learning_rate=0.003, optimizer="adam",
            batch_size=32, random_state=0)
    return net, mlp


def shifted(X, shift):
    return np.roll(X, shift, axis=(1, 2))


SHIFTS = [(0, 1), (0, -1), (1, 0), (-1, 0)]


# --- the headline results of chapter 8 ---------------------------------------------------

def test_cnn_learns_the_digits_about_as_well_as_the_mlp_with_fewer_parameters(digits, trained):
    _, X_test, _, y_test = digits
    net, mlp = trained
    cnn_acc, mlp_acc = net.score(X_test, y_test), mlp.score(X_test.reshape(-1, 64), y_test)
    assert cnn_acc > 0.95 and mlp_acc > 0.95
    assert abs(cnn_acc - mlp_acc) < 0.03
    assert net.n_params == 13_706 < mlp.n_params == 15_010


def test_cnn_is_more_robust_than_the_mlp_to_digits_shifted_by_one_pixel(digits, trained):
    _, X_test, _, y_test = digits
    net, mlp = trained
    cnn_acc = np.mean([net.score(shifted(X_test, s), y_test) for s in SHIFTS])
    mlp_acc = np.mean([mlp.score(shifted(X_test, s).reshape(-1, 64), y_test) for s in SHIFTS])
    assert cnn_acc > mlp_acc + 0.05
    assert cnn_acc < net.score(X_test, y_test)   # shifting still costs something on 8x8 images


def test_training_is_reproducible_and_leaves_the_thread_setting_alone(digits):
    X_train, X_test, y_train, _ = digits
    threads = torch.get_num_threads()
    runs = []
    for _ in range(2):
        net = cnn.ConvNet((1, 8, 8), 10, channels=(4,), n_hidden=16, random_state=3)
        history = net.fit(X_train[:300], y_train[:300], epochs=2, random_state=1, n_threads=2)
        runs.append((history["loss"], net.predict(X_test)))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert torch.get_num_threads() == threads
    other = cnn.ConvNet((1, 8, 8), 10, channels=(4,), n_hidden=16, random_state=4)
    assert other.fit(X_train[:300], y_train[:300], epochs=2, random_state=1)["loss"] != runs[0][0]


def test_fit_returns_a_history_plot_history_can_draw(digits):
    X_train, X_test, y_train, y_test = digits
    net = cnn.ConvNet((1, 8, 8), 10, channels=(4,), n_hidden=8)
    history = net.fit(X_train[:200].reshape(-1, 64), y_train[:200], epochs=3,
                      validation_data=(X_test[:100], y_test[:100]))
    assert set(history) == {"loss", "score", "val_loss", "val_score"}
    assert all(len(v) == 3 for v in history.values())
    assert history is net.history_
    assert history["val_score"][-1] == net.score(X_test[:100], y_test[:100])
    assert history["loss"][-1] < history["loss"][0]


def test_chapter_8_cnn_and_mlp_over_five_seeds(digits):
    """The seed comparison of chapter 8: the numbers its prose states, and its claims."""
    X_train, X_test, y_train, y_test = digits
    runs = cnn.compare_with_mlp(X_train, y_train, X_test, y_test, seeds=range(5))
    rounded = {key: (round(float(v.mean()), 3), round(float(v.std()), 3))
               for key, v in runs.items()}
    assert rounded == {"cnn": (0.969, 0.005), "mlp": (0.977, 0.002),
                       "cnn_shifted": (0.631, 0.017), "mlp_shifted": (0.504, 0.01)}
    assert np.sum(runs["mlp"] > runs["cnn"]) == 5  # the MLP ahead on every seed, unshifted
    assert np.sum(runs["cnn_shifted"] > runs["mlp_shifted"]) == 5  # the CNN ahead, shifted
    single = cnn.compare_with_mlp(X_train, y_train, X_test, y_test, seeds=[0])
    assert (single["cnn"][0], single["mlp"][0]) == (runs["cnn"][0], runs["mlp"][0])


def test_shift_images_rolls_each_image_and_checks_the_shift():
    X = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    np.testing.assert_array_equal(cnn.shift_images(X, (1, -1)), np.roll(X, (1, -1), axis=(1, 2)))
    assert [tuple(s) for s in cnn.SHIFTS] == [(0, 1), (0, -1), (1, 0), (-1, 0)]
    with pytest.raises(ValueError, match="shift must be a pair"):
        cnn.shift_images(X, (1,))
    with pytest.raises(ValueError, match="X"):
        cnn.shift_images(X[0], (1, 1))


def test_zero_padding_makes_bright_border_columns_in_chapter_8s_edge_map():
    """Chapter 8's numbers: the frame of zeros is an edge; copying the border removes it."""
    camera = datasets.load_image("camera")
    vertical_edge = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 4
    edges = np.abs(grid.conv2d(camera, vertical_edge, padding="same"))
    copied = np.abs(grid.conv2d(np.pad(camera, 1, mode="edge"), vertical_edge))
    border, inside = edges[:, [0, -1]].mean(), edges[:, 1:-1].mean()
    assert (round(border, 2), round(copied[:, [0, -1]].mean(), 2), round(inside, 2)) == (
        0.54, 0.01, 0.03)
    np.testing.assert_allclose(border, camera[:, [0, -1]].mean(), atol=0.01)  # "as bright"
    assert edges[[0, -1], 1:-1].mean() < inside  # the top and bottom rows stay dark
    np.testing.assert_allclose(copied[1:-1, 1:-1], edges[1:-1, 1:-1])  # the same inside


# --- the architecture --------------------------------------------------------------------

def test_convnet_layers_and_parameter_count():
    net = cnn.ConvNet((1, 28, 28), 10, channels=(8, 16), n_hidden=64, dropout=0.5)
    kinds = [type(m).__name__ for m in net.net]
    assert kinds == ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
                     "Linear", "ReLU", "Dropout", "Linear"]
    expected = (grid.conv_param_count(3, 3, 1, 8) + grid.conv_param_count(3, 3, 8, 16)
                + grid.dense_param_count(16 * 7 * 7, 64) + grid.dense_param_count(64, 10))
    assert net.n_params == cnn.n_params(net.net) == expected
    assert net.net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert "channels=(8, 16)" in repr(net)


def test_n_params_counts_only_trainable_parameters():
    layer = torch.nn.Linear(5, 3)
    assert cnn.n_params(layer) == 18
    layer.bias.requires_grad_(False)
    assert cnn.n_params(layer) == 15


# --- VGG16 -------------------------------------------------------------------------------

def test_vgg16_from_the_layer_list_has_138_357_544_weights():
    model = cnn.vgg16("nnkit")
    assert cnn.n_params(model) == 138_357_544 == sum(n for _, n in grid.vgg16_param_counts())
    counts = cnn.layer_param_counts(model)
    assert len(counts) == 16
    assert [n for _, n in counts] == [n for _, n in grid.vgg16_param_counts()]
    assert counts[0] == ("conv 3x3, 3 -> 64", 1792) and counts[13] == ("dense 25088 -> 4096", 102_764_544)
    pools = [m for m in model.modules() if isinstance(m, torch.nn.MaxPool2d)]
    assert len(pools) == 5


def test_vgg16_maps_shrink_from_224_to_7():
    features = cnn.vgg16("nnkit")[0].to_empty(device="cpu")
    with torch.no_grad():
        assert features(torch.zeros(1, 3, 224, 224)).shape == (1, 512, 7, 7)


def test_vgg16_of_torchvision_agrees_with_ours():
    pytest.importorskip("torchvision")
    ours, theirs = cnn.vgg16("nnkit"), cnn.vgg16("torchvision")
    assert cnn.layer_param_counts(ours) == cnn.layer_param_counts(theirs)
    assert cnn.n_params(theirs) == 138_357_544


def test_vgg16_auto_falls_back_to_the_layer_list():
    try:
        import torchvision  # noqa: F401
    except ImportError:
        assert cnn.n_params(cnn.vgg16()) == 138_357_544
        with pytest.raises(ImportError):
            cnn.vgg16("torchvision")
    else:
        assert cnn.layer_param_counts(cnn.vgg16()) == cnn.layer_param_counts(cnn.vgg16("nnkit"))


# --- bad input ---------------------------------------------------------------------------

X8 = np.zeros((4, 8, 8))

BAD_INPUTS = {
    "image_shape 2-D": (lambda: cnn.ConvNet((8, 8), 10), TypeError, "image_shape"),
    "image_shape too small": (lambda: cnn.ConvNet((1, 4, 4), 10, channels=(2, 2, 2)), ValueError, "too small"),
    "n_classes 1": (lambda: cnn.ConvNet((1, 8, 8), 1), ValueError, "n_classes"),
    "channels empty": (lambda: cnn.ConvNet((1, 8, 8), 10, channels=()), TypeError, "channels"),
    "channels 0": (lambda: cnn.ConvNet((1, 8, 8), 10, channels=(0,)), ValueError, "channels"),
    "dropout 1": (lambda: cnn.ConvNet((1, 8, 8), 10, dropout=1.0), ValueError, "dropout"),
    "seed float": (lambda: cnn.ConvNet((1, 8, 8), 10, random_state=0.5), TypeError, "random_state"),
    "X wrong size": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(np.zeros((4, 7, 7)), [0] * 4, 1), ValueError, "X"),
    "y too long": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [0] * 5, 1), ValueError, "y"),
    "y label 10": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [10] * 4, 1), ValueError, "y"),
    "epochs 0": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [0] * 4, 0), ValueError, "epochs"),
    "learning_rate 0": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [0] * 4, 1, learning_rate=0), ValueError, "learning_rate"),
    "validation not pair": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [0] * 4, 1, validation_data=X8), TypeError, "validation_data"),
    "n_threads 0": (lambda: cnn.ConvNet((1, 8, 8), 10).fit(X8, [0] * 4, 1, n_threads=0), ValueError, "n_threads"),
    "predict NaN": (lambda: cnn.ConvNet((1, 8, 8), 10).predict(X8 * np.nan), ValueError, "X"),
    "vgg16 source": (lambda: cnn.vgg16("keras"), ValueError, "source"),
    "n_params not module": (lambda: cnn.n_params([1, 2]), TypeError, "module"),
    "layer counts not module": (lambda: cnn.layer_param_counts("vgg"), TypeError, "module"),
}


@pytest.mark.parametrize("call, error, match", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_raises_an_error_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the module as book code -------------------------------------------------------------

PUBLIC = {name: getattr(cnn, name) for name in cnn.__all__}
PUBLIC.update({f"ConvNet.{name}": member for name, member in inspect.getmembers(cnn.ConvNet)
               if not name.startswith("_")
               and (inspect.isfunction(member) or isinstance(member, property))})


# Ids are names, never reprs: a repr holds a memory address, which differs between the
# processes of pytest-xdist and makes their collections disagree.
@pytest.mark.parametrize("obj", PUBLIC.values(), ids=PUBLIC.keys())
def test_every_public_name_says_where_the_book_teaches_it(obj):
    doc = inspect.getdoc(obj)
    assert re.search(r'Taught in: chapter 8, "Pooling and CNN architectures"\s+'
                     r'\(chapters/08-pooling-and-cnns\)\.$', doc)
    if inspect.isfunction(obj) and len(inspect.signature(obj).parameters) > 1:
        assert "Parameters\n----------" in doc


def test_importing_nnkit_does_not_import_cnn():
    import nnkit
    assert "cnn" not in nnkit.__all__
