"""Benchmarks: how fast nnkit, the widgets, the notebooks and the book are (``make bench``).

They are not tests: nothing here asserts a time. ``python -m benchmarks`` (run from ``tests/``;
``make bench`` does that) measures, writes ``results.json`` and renders it as ``results.md``,
the tables that the book's appendix page "Benchmarks" includes.

- :mod:`benchmarks.speed`: nnkit's MLP, convolution and pooling against scikit-learn, scipy and
  torch (ratios of median times, threads pinned);
- :mod:`benchmarks.latency`: the update time of every widget;
- :mod:`benchmarks.build`: chapter notebooks, the book build and a fresh install;
- :mod:`benchmarks.report`: the goals, and the Markdown tables made from ``results.json``.
"""
