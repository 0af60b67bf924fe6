"""Speed of nnkit against the libraries its tests use as references: run with `make bench`.

nnkit is teaching code: it favours formulas a reader can follow over speed. These benchmarks
say what that costs. For each task they print the best-of-N wall time of nnkit and of each
reference and the ratio nnkit / reference (above 1: nnkit is slower). They are not tests and
assert nothing about time; correctness is checked in the test files.
"""
import timeit
import warnings

import numpy as np
import scipy.signal
import scipy.spatial.distance
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier

from nnkit import datasets, dimensionality, grid
from nnkit.mlp import MLP

RNG = np.random.default_rng(0)


def best_time(fn, repeat=5):
    """Best of ``repeat`` single runs, in seconds (the least disturbed by other work)."""
    fn()  # warm-up
    return min(timeit.repeat(fn, repeat=repeat, number=1))


def conv_single_channel():
    image, kernel = RNG.normal(size=(256, 256)), RNG.normal(size=(5, 5))
    t = torch.tensor(image)[None, None], torch.tensor(kernel)[None, None]
    return {"nnkit": lambda: grid.conv2d(image, kernel),
            "scipy": lambda: scipy.signal.correlate2d(image, kernel, mode="valid"),
            "torch": lambda: F.conv2d(*t)}


def conv_multi_channel():
    x, kernels = RNG.normal(size=(16, 64, 64)), RNG.normal(size=(32, 16, 3, 3))
    tx, tk = torch.tensor(x)[None], torch.tensor(kernels)
    return {"nnkit": lambda: grid.conv2d(x, kernels, padding=1),
            "torch": lambda: F.conv2d(tx, tk, padding=1)}


def max_pooling():
    x = RNG.normal(size=(32, 128, 128))
    tx = torch.tensor(x)[None]
    return {"nnkit": lambda: grid.max_pool2d(x, 2), "torch": lambda: F.max_pool2d(tx, 2)}


def distances():
    X = RNG.random((1000, 50))
    return {"nnkit": lambda: dimensionality.pairwise_distances(X),
            "scipy": lambda: scipy.spatial.distance.cdist(X, X)}


def nearest_neighbours():
    X, y = RNG.random((2000, 20)), RNG.integers(0, 2, 2000)
    X_test = RNG.random((500, 20))
    sk = KNeighborsClassifier(n_neighbors=1, algorithm="brute")
    return {"nnkit": lambda: dimensionality.knn_predict(X, y, X_test),
            "sklearn": lambda: sk.fit(X, y).predict(X_test)}


def torch_mlp_training(X, y, epochs, batch_size, learning_rate):
    """The same network and training loop in torch, for comparison."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), lr=learning_rate)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(batch_size):
            opt.zero_grad()
            F.cross_entropy(net(X[idx]), y[idx]).backward()
            opt.step()


def mlp_training():
    X, y = datasets.load_digits()
    settings = dict(epochs=10, batch_size=32, learning_rate=0.001)
    sk = MLPClassifier(hidden_layer_sizes=(64,), solver="adam", batch_size=32, alpha=0.0,
                       learning_rate_init=0.001, max_iter=10, tol=0.0, random_state=0)

    def sklearn_fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            sk.fit(X, y)
    return {"nnkit": lambda: MLP([64, 64, 10], random_state=0).fit(X, y, optimizer="adam",
                                                                   random_state=0, **settings),
            "sklearn": sklearn_fit,
            "torch": lambda: torch_mlp_training(X, y, **settings)}


TASKS = {
    "conv2d 256x256, 5x5 kernel": conv_single_channel,
    "conv2d 16x64x64 -> 32 maps, 3x3": conv_multi_channel,
    "max_pool2d 32x128x128, 2x2": max_pooling,
    "pairwise distances 1000x50": distances,
    "1-NN predict 500 of 2000x20": nearest_neighbours,
    "MLP 64-64-10, 10 epochs of digits": mlp_training,
}


def main():
    print(f"{'task':36} {'nnkit':>10} {'reference':>10} {'time':>10} {'ratio':>8}")
    for task, make in TASKS.items():
        timings = {name: best_time(fn, repeat=3 if "MLP" in task else 5)
                   for name, fn in make().items()}
        ours = timings.pop("nnkit")
        for i, (reference, seconds) in enumerate(timings.items()):
            label = task if i == 0 else ""
            ours_text = f"{ours * 1e3:8.1f}ms" if i == 0 else ""
            print(f"{label:36} {ours_text:>10} {reference:>10} {seconds * 1e3:8.1f}ms "
                  f"{ours / seconds:7.1f}x")


if __name__ == "__main__":
    main()
