"""The book's interactive widgets: each a thin view over plain, tested functions.

Every widget is built by one function that returns an :class:`~nnkit.widgets.base.Explorer`.
In JupyterLab, Binder or Colab it is a live ipywidget: move a control and the figure is
recomputed. On the static web page there is no Python kernel, so the same output also carries
a placeholder (:func:`~nnkit.widgets.base.live_html`) that the book's own JavaScript turns into
the same widget computing in the browser, held equal to nnkit by the tests.

Importing ``nnkit`` does not import this package (or ipywidgets); ``import nnkit.widgets`` does.

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality), and every chapter with a widget.
"""
from nnkit.widgets import base

__all__ = ["base"]
