"""nnkit: the small, tested numpy library behind the neural-networks textbook.

Each module is one concept of the book and is taught in one chapter:

=====================  ==================================================
module                 chapter
=====================  ==================================================
``dimensionality``     1. Patterns, structure and the curse of dimensionality
``activations``        2. The perceptron
``perceptron``         2. The perceptron
``logic``              3. Logic gates, XOR and building complexity
``layers``             4-5. A dense layer: its forward rule and its backward rule
``mlp``                4-5. Multilayer perceptrons: a list of layers plus an output/loss table
``universal``          4. Multilayer perceptrons (universal approximation by hand)
``backprop``           5. Training: costs, the backward pass, gradient checks
``training``           6. Training in practice: optimizers, dropout, L2, early stopping
``grid``               7-8. Convolution, pooling and CNN architectures
``architectures``      10. Neural networks as a family of models
``datasets``           every chapter (offline data only)
``plotting``           every chapter (the book's figure style and common plots)
=====================  ==================================================

The interactive widgets live in ``nnkit.widgets`` (imported separately: it needs ipywidgets), and
the PyTorch parts in ``nnkit.cnn`` and ``nnkit.transfer``, with the training toolkit both use
(``nnkit.torchkit``) and the pretrained-weights lookup (``nnkit.pretrained``), imported
separately: they need torch.

Importing ``nnkit`` imports numpy and matplotlib only: no torch, no ipywidgets, no downloads,
and no change to global state (seeds and plot styles are functions a notebook calls).
"""
from nnkit import (
    activations,
    architectures,
    backprop,
    datasets,
    dimensionality,
    grid,
    layers,
    logic,
    mlp,
    perceptron,
    plotting,
    training,
    universal,
)

__version__ = "0.1.0"
__all__ = ["activations", "architectures", "backprop", "datasets", "dimensionality", "grid",
           "layers", "logic", "mlp", "perceptron", "plotting", "training", "universal"]
