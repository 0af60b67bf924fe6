"""The book's figures: one style, a colour-blind-safe palette, and the plots every chapter reuses.

Nothing here changes matplotlib's global settings on import. A chapter calls
:func:`use_style` once at its top; every figure after that shares the book's fonts, the
Okabe–Ito palette (distinguishable with the common forms of colour blindness) and an opaque
white background, so figures stay readable when the book is read in dark mode.

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality); used by every chapter after it.
"""
import matplotlib as mpl
import matplotlib.axes
import numpy as np
from matplotlib.colors import ListedColormap

from nnkit._validation import as_int, as_labels, as_samples

__all__ = ["OKABE_ITO", "PALETTE", "MARKERS", "BOOK_STYLE", "use_style", "class_colors",
           "plot_points", "plot_decision_regions", "plot_history"]

#: Okabe & Ito's eight colours, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: The order in which classes and curves get colours: class 0 blue, class 1 orange, ...
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

#: Markers that go with the palette, so classes differ in shape as well as colour.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

#: The book's matplotlib settings (applied by :func:`use_style`).
BOOK_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
    "svg.hashsalt": "nnkit",  # identical SVG output on every run
}


def use_style():
    """Apply the book's figure style to matplotlib (call once at the top of a notebook).

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():
    ...     use_style()
    ...     mpl.rcParams["figure.facecolor"]
    'white'

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    mpl.rcParams.update(BOOK_STYLE)


def class_colors(n_classes):
    """The palette's first ``n_classes`` colours, one per class.

    Parameters
    ----------
    n_classes : int
        Between 1 and 8.

    Returns
    -------
    list of str
        Hex colours.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    n_classes = as_int(n_classes, "n_classes", minimum=1, maximum=len(PALETTE))
    return list(PALETTE[:n_classes])


def _axes(ax):
    if ax is None:
        from matplotlib import pyplot as plt  # not at import: pyplot picks a backend

        return plt.subplots()[1]
    if not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def plot_points(X, y, ax=None, labels=None):
    """Scatter 2-D points, one colour and marker per class.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    y : array-like of int of shape (n_samples,)
        Class labels 0, 1, ...
    ax : matplotlib Axes or None
        Where to draw (a new figure when None).
    labels : sequence of str or None
        Legend entries, one per class (default "class 0", "class 1", ...).

    Returns
    -------
    matplotlib Axes

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    X = as_samples(X, "X", n_features=2)
    y = as_labels(y, "y", n_samples=X.shape[0], n_classes=len(PALETTE))
    ax = _axes(ax)
    for k in np.unique(y):
        label = f"class {k}" if labels is None else labels[k]
        ax.scatter(*X[y == k].T, s=22, color=PALETTE[k], marker=MARKERS[k],
                   edgecolor="white", linewidth=0.5, label=label, zorder=3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    return ax


def plot_decision_regions(predict, X, y=None, ax=None, resolution=150, padding=0.5):
    """Colour the plane by the class a model predicts, with the data on top.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (n, 2) to n integer class labels (e.g. ``model.predict``).
    X : array-like of shape (n_samples, 2)
        The points; they also set the plotted area.
    y : array-like of int of shape (n_samples,) or None
        Their labels (None: the regions only).
    ax : matplotlib Axes or None
    resolution : int, default 150
        Grid points along each axis.
    padding : float, default 0.5
        Margin around the data.

    Returns
    -------
    matplotlib Axes

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    if not callable(predict):
        raise TypeError(f"predict must be callable, got {type(predict).__name__}")
    X = as_samples(X, "X", n_features=2)
    resolution = as_int(resolution, "resolution", minimum=2, maximum=2000)
    ax = _axes(ax)
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    g0, g1 = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid_labels = np.asarray(predict(np.column_stack([g0.ravel(), g1.ravel()])))
    grid_labels = grid_labels.astype(int).reshape(g0.shape)
    n_colors = int(max(grid_labels.max(), 0 if y is None else np.max(y, initial=0))) + 1
    cmap = ListedColormap(class_colors(min(max(n_colors, 1), len(PALETTE))))
    ax.pcolormesh(g0, g1, grid_labels, cmap=cmap, vmin=-0.5, vmax=cmap.N - 0.5, alpha=0.25,
                  shading="auto", rasterized=True)
    if y is not None:
        plot_points(X, y, ax=ax)
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    return ax


def plot_history(history, axes=None, title=None):
    """Plot the loss and score curves that ``MLP.fit`` returns, training and validation.

    Parameters
    ----------
    history : dict
        With lists ``loss`` and ``score`` (and optionally ``val_loss``, ``val_score``).
    axes : pair of matplotlib Axes or None
        Where to draw loss and score (a new 1×2 figure when None).
    title : str or None
        Figure title.

    Returns
    -------
    pair of matplotlib Axes

    Taught in: chapter 5, "Training: loss, gradient descent and backpropagation"
    (chapters/05-backpropagation).
    """
    if not isinstance(history, dict) or "loss" not in history or "score" not in history:
        raise TypeError("history must be the dict MLP.fit returns, with 'loss' and 'score'")
    if axes is None:
        from matplotlib import pyplot as plt

        axes = plt.subplots(1, 2, figsize=(8, 3))[1]
    if len(axes) != 2:
        raise ValueError(f"axes must be a pair of Axes, got {len(axes)}")
    for ax, key, label in zip(axes, ("loss", "score"), ("loss", "score")):
        epochs = np.arange(1, len(history[key]) + 1)
        ax.plot(epochs, history[key], label="training")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], label="validation", linestyle="--")
        ax.set(xlabel="epoch", ylabel=label)
        ax.legend()
    if title is not None:
        axes[0].figure.suptitle(title)
    return axes
