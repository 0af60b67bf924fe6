"""Speed of nnkit's numerical code against scikit-learn, scipy and torch.

Each measurement is the median of ``repeats`` timed runs after one untimed warm-up run, with
numpy's BLAS and torch limited to the same number of threads. A ratio is nnkit's time over the
reference's time: below 1, nnkit is faster.
"""
import statistics
import time
import warnings

import numpy as np
import scipy.signal
import scipy.spatial.distance
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from nnkit import datasets, dimensionality, grid
from nnkit.mlp import MLP

PRECISIONS = {"float64": (np.float64, torch.float64), "float32": (np.float32, torch.float32)}


def median_time(fn, repeats):
    """Median wall time of ``repeats`` calls of ``fn`` after one warm-up call, and all times."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


class pinned_threads:
    """numpy's BLAS and torch limited to ``n`` threads inside the block (restored after)."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self._blas = threadpool_limits(self.n)
        self._torch = torch.get_num_threads()
        torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        torch.set_num_threads(self._torch)
        self._blas.restore_original_limits()


# ------------------------------------------------------------------------------------------ MLP
MLP_TASKS = {  # name -> (loader of pixels in [0, 1], layer sizes)
    "digits": (datasets.load_digits, [64, 64, 10]),
    "mnist-5k": (datasets.load_mnist_5k, [784, 128, 10]),
}


def mlp_data(name, n_samples=None):
    """Train/test split (80/20, stratified, fixed seed) of a data set scaled to [0, 1]."""
    load, sizes = MLP_TASKS[name]
    X, y = load()
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]
    X_train, X_test, y_train, y_test = train_test_split(
        np.asarray(X, dtype=np.float64), y, test_size=0.2, random_state=0, stratify=y)
    return X_train, X_test, y_train, y_test, sizes


def matmul_flops_per_epoch(sizes, n_samples, batch_size):
    """Multiply-add FLOPs (2 per multiply-add) of one epoch of nnkit's ``fit``.

    Per sample, a forward pass costs 2 Σ n_in·n_out; the backward pass costs the same again for
    the weight gradients and once more for every layer but the first (the error sent back).
    ``fit`` then evaluates the loss and accuracy on all training samples (another forward pass).
    """
    per_layer = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    forward = 2 * sum(per_layer)
    backward = 2 * sum(per_layer) + 2 * sum(per_layer[1:])
    return n_samples * (forward + backward + forward)


PEAK_MATMUL_SIZE = 2048  # the side of the square matrices of matmul_peak_gflops


def matmul_peak_gflops(dtype, n=PEAK_MATMUL_SIZE, repeats=5):
    """numpy's large-matrix product speed, in GFLOP/s: the machine's practical limit."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype)
    seconds, _ = median_time(lambda: a @ b, repeats)
    return 2 * n ** 3 / seconds / 1e9


def torch_training(X, y, sizes, epochs, batch_size, learning_rate, dtype):
    """The same network, loss and plain mini-batch SGD in torch.

    Like nnkit's ``fit``, it shuffles every epoch and then records the loss and accuracy on the
    whole training set, so both do the same work. Returns the trained network.
    """
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=dtype), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(net.parameters(), lr=learning_rate)
    X, y = torch.tensor(X, dtype=dtype), torch.tensor(y)
    history = []
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(batch_size):
            opt.zero_grad()
            F.cross_entropy(net(X[idx]), y[idx]).backward()
            opt.step()
        with torch.no_grad():
            logits = net(X)
            history.append((F.cross_entropy(logits, y).item(),
                            (logits.argmax(1) == y).double().mean().item()))
    return net


def sklearn_training(X, y, sizes, epochs, batch_size, learning_rate):
    """scikit-learn's MLPClassifier with the same settings: plain SGD, no momentum, no L2."""
    model = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), solver="sgd", momentum=0.0,
                          nesterovs_momentum=False, learning_rate_init=learning_rate,
                          batch_size=batch_size, alpha=0.0, max_iter=epochs, tol=0.0,
                          n_iter_no_change=epochs + 1, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model


def training_runs(data, sizes, precision, epochs, batch_size, learning_rate):
    """The same training in nnkit, scikit-learn and torch: ``({library: fit}, accuracy)``.

    ``data`` is ``(X_train, X_test, y_train, y_test)``. Each ``fit()`` trains a new network
    from the start and writes its test accuracy into the dict ``accuracy``.
    """
    np_dtype, torch_dtype = PRECISIONS[precision]
    X_train, X_test, y_train, y_test = data
    X_train, X_test = X_train.astype(np_dtype), X_test.astype(np_dtype)
    settings = dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)
    accuracy = {}

    def nnkit_fit():
        model = MLP(sizes, random_state=0, dtype=precision)
        model.fit(X_train, y_train, random_state=0, **settings)
        accuracy["nnkit"] = model.score(X_test, y_test)

    def sklearn_fit():
        model = sklearn_training(X_train, y_train, sizes, **settings)
        accuracy["sklearn"] = model.score(X_test, y_test)

    def torch_fit():
        net = torch_training(X_train, y_train, sizes, dtype=torch_dtype, **settings)
        with torch.no_grad():
            logits = net(torch.tensor(X_test, dtype=torch_dtype))
        accuracy["torch"] = float((logits.argmax(1).numpy() == y_test).mean())

    return {"nnkit": nnkit_fit, "sklearn": sklearn_fit, "torch": torch_fit}, accuracy


def mlp_rows(threads, repeats, epochs=5, batch_size=32, learning_rate=0.1, n_samples=None):
    """One row per data set, precision and thread count: seconds per epoch and test accuracy."""
    rows = []
    for name in MLP_TASKS:
        *data, sizes = mlp_data(name, n_samples)
        for precision in PRECISIONS:
            fits, accuracy = training_runs(data, sizes, precision, epochs, batch_size,
                                           learning_rate)
            for n in threads:
                with pinned_threads(n):
                    seconds = {lib: median_time(fit, repeats) for lib, fit in fits.items()}
                    peak = matmul_peak_gflops(PRECISIONS[precision][0])
                flops = matmul_flops_per_epoch(sizes, len(data[0]), batch_size)
                per_epoch = {lib: s / epochs for lib, (s, _) in seconds.items()}
                rows.append({
                    "data": name, "layers": sizes, "precision": precision, "threads": n,
                    "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
                    "n_train": len(data[0]), "n_test": len(data[1]),
                    "seconds_per_epoch": per_epoch,
                    "all_seconds": {lib: times for lib, (_, times) in seconds.items()},
                    "test_accuracy": dict(accuracy),
                    "ratio": {ref: per_epoch["nnkit"] / per_epoch[ref]
                              for ref in ("sklearn", "torch")},
                    "nnkit_gflops": flops / per_epoch["nnkit"] / 1e9,
                    "peak_gflops": peak, "peak_matmul_size": PEAK_MATMUL_SIZE,
                })
    return rows


# --------------------------------------------------------------------------- grid operations
def grid_cases(scale=1):
    """(operation, reference library, precision, nnkit call, reference call) for every case.

    ``scale`` divides the image sides (for a quick run of the harness itself).
    """
    rng = np.random.default_rng(0)
    side, rgb = 512 // scale, 224 // scale
    image = rng.normal(size=(side, side))
    cases = []
    for k in (3, 7):
        kernel = rng.normal(size=(k, k))
        cases.append((f"conv2d {side}x{side}, one {k}x{k} kernel", "scipy", "float64",
                      lambda kernel=kernel: grid.conv2d(image, kernel),
                      lambda kernel=kernel: scipy.signal.correlate2d(image, kernel, mode="valid")))
    x, kernels = rng.normal(size=(3, rgb, rgb)), rng.normal(size=(16, 3, 3, 3))
    maps = rng.normal(size=(16, rgb // 2, rgb // 2))
    for precision, (np_dtype, _) in PRECISIONS.items():
        xs, ks, ms = x.astype(np_dtype), kernels.astype(np_dtype), maps.astype(np_dtype)
        tx, tm = torch.tensor(xs)[None], torch.tensor(ms)[None]
        tk = torch.tensor(ks)
        cases.append((f"conv2d (3, {rgb}, {rgb}), 16 kernels 3x3", "torch", precision,
                      lambda xs=xs, ks=ks: grid.conv2d(xs, ks),
                      lambda tx=tx, tk=tk: F.conv2d(tx, tk)))
        for pool, torch_pool in (("max_pool2d", F.max_pool2d), ("avg_pool2d", F.avg_pool2d)):
            cases.append((f"{pool} {tuple(maps.shape)}, 2x2", "torch", precision,
                          lambda ms=ms, pool=pool: getattr(grid, pool)(ms, 2),
                          lambda tm=tm, torch_pool=torch_pool: torch_pool(tm, 2)))
    return cases


def numerics_cases(scale=1):
    """The distance computations of chapter 1 against scipy and scikit-learn, like ``grid_cases``."""
    rng = np.random.default_rng(0)
    X = rng.random((1000 // scale, 50))
    X_train, y_train = rng.random((2000 // scale, 20)), rng.integers(0, 2, 2000 // scale)
    X_test = rng.random((500 // scale, 20))
    knn = KNeighborsClassifier(n_neighbors=1, algorithm="brute")
    return [(f"pairwise distances {X.shape[0]}x{X.shape[1]}", "scipy", "float64",
             lambda: dimensionality.pairwise_distances(X),
             lambda: scipy.spatial.distance.cdist(X, X)),
            (f"1-NN, {len(X_test)} queries of {X_train.shape[0]}x{X_train.shape[1]}", "sklearn",
             "float64", lambda: dimensionality.knn_predict(X_train, y_train, X_test),
             lambda: knn.fit(X_train, y_train).predict(X_test))]


def operation_rows(cases, threads, repeats):
    """One row per case and thread count: the median times and their ratio, after checking
    that nnkit and the reference compute the same result."""
    rows = []
    for name, reference, precision, ours, theirs in cases:
        for n in threads:
            with pinned_threads(n):
                np.testing.assert_allclose(ours(), np.squeeze(np.asarray(theirs())),
                                           rtol=1e-3, atol=1e-3)
                (t_ours, all_ours), (t_ref, all_ref) = (median_time(ours, repeats),
                                                       median_time(theirs, repeats))
            rows.append({"operation": name, "reference": reference, "precision": precision,
                         "threads": n, "seconds": {"nnkit": t_ours, reference: t_ref},
                         "all_seconds": {"nnkit": all_ours, reference: all_ref},
                         "ratio": t_ours / t_ref})
    return rows


def grid_rows(threads, repeats, scale=1):
    """Convolution and pooling (``grid_cases``): one row per operation, precision and threads."""
    return operation_rows(grid_cases(scale), threads, repeats)


def numerics_rows(threads, repeats, scale=1):
    """Distances and nearest neighbours (``numerics_cases``), in the same form."""
    return operation_rows(numerics_cases(scale), threads, repeats)
