"""The book's figures: one style, a colour-blind-safe palette, and the plots every chapter reuses.

Nothing here changes matplotlib's global settings on import. A chapter calls
:func:`use_style` once at its top; every figure after that shares the book's fonts, the
Okabe–Ito palette (distinguishable with the common forms of colour blindness) and an opaque
white background, so figures stay readable when the book is read in dark mode.

Figures must also stay legible where the book shows them: its text column is
:data:`COLUMN_PX` CSS pixels wide (at a 1280-px window), and a wider figure is shrunk to fit,
its text with it. :func:`smallest_text_px` measures a figure's smallest text as the reader sees
it, :func:`panels` lays out several panels no wider than that text allows, and in a notebook
:func:`use_style` records each shown figure's text size with its image (tests/test_figure_text.py
checks every chapter's figures from those records).

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality); used by every chapter after it.
"""
import base64
import math

import matplotlib as mpl
import matplotlib.axes
import numpy as np
from matplotlib.colors import ListedColormap

from nnkit._validation import as_float, as_int, as_labels, as_samples

__all__ = ["OKABE_ITO", "PALETTE", "MARKERS", "BOOK_STYLE", "COLUMN_PX", "MIN_TEXT_PX",
           "TEXT_RECORD", "use_style", "class_colors", "smallest_text_pt", "smallest_text_px",
           "text_px_in_column", "png_size",
           "record_text_sizes", "legible_width", "panels", "plot_points", "plot_decision_regions",
           "plot_history"]

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
    # Sizes for the book's column (COLUMN_PX): 10-pt tick labels and legends show at 9 CSS px
    # or more in any figure up to legible_width() = 10.4 inches wide; wider figures, see panels.
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
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

#: The book's text column at a 1280-px window, in CSS pixels: a wider figure is shrunk to it.
COLUMN_PX = 688

#: The smallest text a figure may show, in CSS pixels, once shrunk to the column.
MIN_TEXT_PX = 9

#: The key under which :func:`use_style` stores a shown figure's text size in the metadata of its
#: PNG output: ``{"smallest_pt": ..., "text_px": ..., "width_px": ...}``, the smallest text in
#: points and in CSS pixels at the image's own size, and that size's width in CSS pixels.
TEXT_RECORD = "nnkit_text"


def use_style():
    """Apply the book's figure style to matplotlib (call once at the top of a notebook).

    In IPython (a notebook, the book's build) it also makes every figure shown inline carry its
    text size in the metadata of its PNG output (key :data:`TEXT_RECORD`, see
    :func:`record_text_sizes`), which the page does not show and tests/test_figure_text.py reads.

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
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    png_formatter = shell.display_formatter.formatters["image/png"]
    if not record_text_sizes(png_formatter):
        # pyplot loads its backend at the first figure; the inline backend then registers the
        # formatter's printer for figures. Load it now, so that the printer can be wrapped.
        from matplotlib import pyplot

        pyplot.switch_backend(mpl.get_backend())
        record_text_sizes(png_formatter)


def _text_recorder(fig):
    """An Agg renderer for ``fig`` that draws nothing and notes the size of each text drawn."""
    from matplotlib.backends.backend_agg import RendererAgg

    class TextRecorder(RendererAgg):
        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            if s.strip():
                self.sizes.append(prop.get_size_in_points())

        def draw_tex(self, gc, x, y, s, prop, angle, *, mtext=None):
            self.draw_text(gc, x, y, s, prop, angle)

        def _skip(self, *args, **kwargs):
            pass

        draw_path = draw_markers = draw_path_collection = draw_quad_mesh = _skip
        draw_gouraud_triangles = draw_image = _skip

    width, height = fig.get_size_inches() * fig.dpi
    recorder = TextRecorder(max(int(width), 1), max(int(height), 1), fig.dpi)
    recorder.sizes = []
    return recorder


def _as_figure(fig, name="fig"):
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"{name} must be a matplotlib Figure, got {type(fig).__name__}")
    return fig


def smallest_text_pt(fig):
    """The size of the smallest text a figure draws, in points.

    The figure is drawn (nothing is painted) and every non-blank text it draws is measured: tick
    labels, axis labels, titles, legends, annotations, tables. Hidden texts do not count.

    Parameters
    ----------
    fig : matplotlib Figure

    Returns
    -------
    float or None
        None when the figure draws no text.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> ax = fig.subplots()
    >>> _ = ax.set_title("title", fontsize=14)
    >>> _ = ax.set_xticks([0, 1], ["a", "b"], fontsize=7)
    >>> _ = ax.set_yticks([])
    >>> smallest_text_pt(fig)
    7.0

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), with :func:`use_style`.
    """
    fig = _as_figure(fig)
    recorder = _text_recorder(fig)
    engine = fig.get_layout_engine()
    if engine is not None:  # sizes do not depend on the layout: skip it (a third of the time)
        fig.set_layout_engine("none")
    try:
        fig.draw(recorder)
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return float(min(recorder.sizes)) if recorder.sizes else None


def text_px_in_column(text_px, width_px, column_px=COLUMN_PX):
    """Text of ``text_px`` CSS pixels in an image ``width_px`` wide, once the image fits the column.

    An image wider than the column is shrunk to it, its text with it; a narrower one is shown
    at its own size, never enlarged. tests/test_figure_text.py applies it to the records
    :func:`record_text_sizes` leaves in the chapters' outputs.

    Parameters
    ----------
    text_px : float
        The text's size in the image, in pixels.
    width_px : float
        The image's width in pixels.
    column_px : float, default COLUMN_PX

    Returns
    -------
    float

    Examples
    --------
    >>> round(text_px_in_column(12.5, 1311), 1)  # 9-pt text at 100 dpi in a 1311-px image
    6.6

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), with :func:`use_style`.
    """
    text_px = as_float(text_px, "text_px", minimum=0)
    width_px = as_float(width_px, "width_px", minimum=0, exclusive_minimum=True)
    column_px = as_float(column_px, "column_px", minimum=0, exclusive_minimum=True)
    return text_px * min(1.0, column_px / width_px)


def png_size(data):
    """(width, height) in pixels of a PNG image.

    Parameters
    ----------
    data : bytes or str
        The PNG file's bytes, or their base64 text as a notebook output stores them.

    Returns
    -------
    (int, int)

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), with :func:`use_style`.
    """
    if isinstance(data, str):
        data = base64.b64decode(data[:44])
    if not isinstance(data, bytes) or data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("data must be a PNG image (bytes, or base64 text)")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def smallest_text_px(fig, column_px=COLUMN_PX):
    """The smallest text of a figure in CSS pixels, as the book shows it in its column.

    The book shows a figure as a PNG at the figure's dpi, cropped to its content
    (``bbox_inches="tight"``, as Jupyter's inline backend saves it), one image pixel per CSS
    pixel; an image wider than the column is shrunk to the column's width, its text with it.
    Text of ``p`` points in a figure ``W`` inches wide therefore shows at
    ``p * dpi / 72 * min(1, column_px / (W * dpi))`` pixels: for a wide figure only the ratio
    of points to inches counts, not the dpi.

    Parameters
    ----------
    fig : matplotlib Figure
    column_px : float, default COLUMN_PX
        The width the figure may take on the page, in CSS pixels.

    Returns
    -------
    float or None
        None when the figure draws no text.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> wide = Figure(figsize=(13, 2.8), dpi=100, layout="constrained")
    >>> for ax in wide.subplots(1, 5):
    ...     _ = ax.set_xticks([0, 1], ["0", "1"], fontsize=9)
    ...     _ = ax.set_yticks([])
    >>> round(smallest_text_px(wide), 1)  # 9-pt labels shrunk by 688/1311
    6.6

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), with :func:`use_style`.
    """
    from io import BytesIO

    fig = _as_figure(fig)
    column_px = as_float(column_px, "column_px", minimum=0, exclusive_minimum=True)
    points = smallest_text_pt(fig)
    if points is None:
        return None
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    width_px, _ = png_size(buffer.getvalue())
    return text_px_in_column(points * fig.dpi / 72, width_px, column_px)


def legible_width(smallest_pt=None, column_px=COLUMN_PX, min_px=MIN_TEXT_PX):
    """The widest figure, in inches, whose smallest text the book still shows at ``min_px``.

    A figure ``W`` inches wide is shrunk into the column, so its text of ``p`` points shows at
    ``p * column_px / (72 * W)`` CSS pixels (see :func:`smallest_text_px`); the figure may be
    at most ``p * column_px / (72 * min_px)`` inches wide, less the margin that saving adds.

    Parameters
    ----------
    smallest_pt : float or None
        The figure's smallest text in points (default: the smallest size the current style
        gives tick labels and legends).
    column_px : float, default COLUMN_PX
    min_px : float, default MIN_TEXT_PX

    Returns
    -------
    float
        Inches.

    Examples
    --------
    >>> round(legible_width(10), 2)
    10.42

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    from matplotlib.font_manager import FontProperties

    if smallest_pt is None:
        keys = ("xtick.labelsize", "ytick.labelsize", "legend.fontsize")
        smallest_pt = min(FontProperties(size=mpl.rcParams[k]).get_size_in_points() for k in keys)
    smallest_pt = as_float(smallest_pt, "smallest_pt", minimum=0, exclusive_minimum=True)
    column_px = as_float(column_px, "column_px", minimum=0, exclusive_minimum=True)
    min_px = as_float(min_px, "min_px", minimum=0, exclusive_minimum=True)
    return smallest_pt * column_px / (72 * min_px) - 2 * mpl.rcParams["savefig.pad_inches"]


def panels(n_panels, panel_size=(2.6, 2.4), max_width=None, **subplots_kw):
    """A figure of ``n_panels`` equal panels, in as few rows as a legible width allows.

    The panels go side by side while the figure stays within ``max_width``; beyond that they
    wrap into rows of equal length (five panels of 2.6 inches: a row of three over a row of
    two), so the book need not shrink the figure's text below :data:`MIN_TEXT_PX`.

    Parameters
    ----------
    n_panels : int
    panel_size : (float, float), default (2.6, 2.4)
        Width and height of one panel, in inches.
    max_width : float or None
        The figure's widest width in inches (default :func:`legible_width`).
    **subplots_kw
        Passed to ``pyplot.subplots`` (``sharey=True``, ...).

    Returns
    -------
    fig : matplotlib Figure
    axes : list of matplotlib Axes
        ``n_panels`` of them, row by row; unused places in the last row are removed.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    from matplotlib import pyplot as plt

    n_panels = as_int(n_panels, "n_panels", minimum=1, maximum=100)
    if np.ndim(panel_size) != 1 or len(panel_size) != 2:
        raise ValueError(f"panel_size must be (width, height) in inches, got {panel_size!r}")
    width = as_float(panel_size[0], "panel_size[0]", minimum=0, exclusive_minimum=True)
    height = as_float(panel_size[1], "panel_size[1]", minimum=0, exclusive_minimum=True)
    max_width = legible_width() if max_width is None else as_float(
        max_width, "max_width", minimum=0, exclusive_minimum=True)
    n_rows = math.ceil(n_panels / max(1, math.floor(max_width / width)))
    n_cols = math.ceil(n_panels / n_rows)
    fig, grid = plt.subplots(n_rows, n_cols, figsize=(n_cols * width, n_rows * height),
                             squeeze=False, **subplots_kw)
    for ax in grid.flat[n_panels:]:
        ax.remove()
    return fig, list(grid.flat[:n_panels])


def record_text_sizes(png_formatter):
    """Make an IPython PNG formatter add each figure's text size to the figure's metadata.

    :func:`use_style` calls it in a notebook. The formatter's printer for figures (the inline
    backend's) is wrapped: each PNG it makes comes with ``{TEXT_RECORD: {"smallest_pt": ...,
    "text_px": ..., "width_px": ...}}`` in its metadata (see :data:`TEXT_RECORD`). Jupyter
    saves that metadata with the output; the book's pages ignore it. Calling it again changes
    nothing.

    Parameters
    ----------
    png_formatter : IPython.core.formatters.PNGFormatter
        ``get_ipython().display_formatter.formatters["image/png"]``.

    Returns
    -------
    bool
        Whether figures are recorded (False when the formatter has no printer for figures).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), with :func:`use_style`.
    """
    from matplotlib.figure import Figure

    if not hasattr(png_formatter, "lookup_by_type"):
        raise TypeError("png_formatter must be an IPython display formatter, got "
                        f"{type(png_formatter).__name__}")
    try:
        printer = png_formatter.lookup_by_type(Figure)
    except KeyError:
        return False
    if getattr(printer, "records_text_sizes", False):
        return True

    def png_with_text_sizes(fig):
        result = printer(fig)
        if result is None:  # an empty figure shows nothing
            return None
        data, metadata = result if isinstance(result, tuple) else (result, {})
        points = smallest_text_pt(fig)
        width_px = metadata.get("width") or png_size(data)[0]  # retina PNGs give their size
        record = {"smallest_pt": None if points is None else round(points, 2),
                  "text_px": None if points is None else round(points * fig.dpi / 72, 2),
                  "width_px": int(width_px)}
        return data, {**metadata, TEXT_RECORD: record}

    png_with_text_sizes.records_text_sizes = True
    png_formatter.for_type(Figure, png_with_text_sizes)
    return True


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
