"""Tests of nnkit.torchkit, the torch toolkit that nnkit.cnn and nnkit.transfer share: one
training loop, one parameter counter, one thread guard, randomness from local generators only."""
import ast
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

torch = pytest.importorskip("torch")
from nnkit import cnn, datasets, torchkit  # noqa: E402


@pytest.fixture(scope="module")
def digits():
    X, y = datasets.load_digits(as_images=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def test_convnet_touches_no_global_torch_state_and_matches_torchs_own_initialisation(digits):
    X_train, _, y_train, _ = digits
    state = torch.get_rng_state()
    net = cnn.ConvNet((1, 8, 8), 10, channels=(4,), n_hidden=16, dropout=0.5, random_state=3)
    net.fit(X_train[:200], y_train[:200], epochs=2, batch_size=50, random_state=3)
    assert torch.equal(torch.get_rng_state(), state)
    # the reference: torch's own layers and nn.Dropout, seeded through torch's global generator
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        reference = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding="same"), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 16), torch.nn.ReLU(),
            torch.nn.Dropout(0.5), torch.nn.Linear(16, 10))
        fresh = cnn.ConvNet((1, 8, 8), 10, channels=(4,), n_hidden=16, dropout=0.5,
                            random_state=3).net
        for ours, theirs in zip(fresh.parameters(), reference.parameters(), strict=True):
            assert torch.equal(ours, theirs)
        x = torch.ones(3, 16)
        torch.manual_seed(7)
        expected = torch.nn.Dropout(0.5).train()(x)
    dropout = torchkit.Dropout(0.5, torch.Generator().manual_seed(7))
    assert torch.equal(dropout(x), expected)
    assert torch.equal(dropout.eval()(x), x)


def test_one_training_loop_one_counter_one_thread_guard():
    # torchkit is their only home: no other module of nnkit defines them (ruff's F401 keeps
    # any from being imported only to re-export), and none seeds torch's global generator
    names = {"train", "predict", "score", "count_parameters", "threads"}
    for path in Path(torchkit.__file__).parent.rglob("*.py"):
        if path.name == "torchkit.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.col_offset == 0:
                assert node.name not in names, f"{path.name} defines its own {node.name}"
            if isinstance(node, ast.Attribute) and node.attr == "manual_seed":
                assert not (isinstance(node.value, ast.Name) and node.value.id == "torch"), (
                    f"{path.name} seeds torch's global generator")
    layer = torch.nn.Linear(4, 3)
    layer.bias.requires_grad_(False)
    assert cnn.n_params(layer) == torchkit.count_parameters(layer, trainable_only=True) == 12
    assert torchkit.count_parameters(layer) == 15
    before = torch.get_num_threads()
    with torchkit.threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n_threads"), torchkit.threads(0):
        pass


def test_train_with_a_torch_generator_repeats_and_leaves_the_global_generator_alone():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 5)), rng.integers(0, 3, 60)
    runs = []
    for _ in range(2):
        generator = torch.Generator().manual_seed(4)
        model = torchkit.init_like_torch(torch.nn.Sequential(torch.nn.Linear(5, 3)), generator)
        state = torch.get_rng_state()
        history = torchkit.train(model, X, y, epochs=3, batch_size=16, random_state=generator)
        assert torch.equal(torch.get_rng_state(), state)
        runs.append((history, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    assert all(torch.equal(a, b) for a, b in zip(runs[0][1], runs[1][1]))
    with pytest.raises(TypeError, match="generator"):
        torchkit.init_like_torch(torch.nn.Linear(2, 2), 0)


def test_batch_logits_is_the_eval_mode_forward_pass_and_restores_the_mode():
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.5),
                                torch.nn.Linear(8, 3))
    X = torchkit.float_tensor(np.arange(40.0).reshape(10, 4) / 40)
    assert X.dtype == torch.float32
    model.train()
    out = torchkit.batch_logits(model, X, batch_size=3)
    assert model.training
    with torch.no_grad():
        assert torch.allclose(out, model.eval()(X))
    with pytest.raises(TypeError, match="backbone must be a torch.nn.Module"):
        torchkit.check_module("net", "backbone")
    with pytest.raises(ValueError, match="images"):
        torchkit.float_tensor([[1.0, np.nan]], "images")
