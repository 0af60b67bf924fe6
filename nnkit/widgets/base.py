"""What every widget of the book shares: the live explorer and its page version.

A widget is three plain parts and two views:

* **controls** — ipywidgets sliders, dropdowns and toggles, by name;
* **an update function** ``render(**values)`` — computes the state for the controls' values and
  returns a matplotlib figure (or an HTML string) showing it. It is plain Python: tests call it
  without a browser, and benchmarks time it. A widget with a figure keeps the figure in a view
  (``CurseView``, ``StepperView``, ``TrainingView``) whose ``draw(state)`` is the figure
  function: it returns the PNG for a state, redrawn by :class:`BlitView` and encoded by
  :func:`pixels_to_png`, the one PNG encoder; ``render`` calls it and adds the text around it.
  The PNG is shown at its natural size, so its text is ``points * DPI / 72`` CSS pixels, at
  least :data:`MIN_TEXT_PX`;
* **the live page version** — the same computation in the book's own JavaScript
  (``_ext/static/live/<name>.js``), mounted where :func:`live_html` leaves a placeholder, so the
  widget computes on the static web page, where there is no kernel. Its ``compute`` entry point
  is held equal to nnkit by tests/test_live_widgets.py and tests/test_live_widgets_random.py.

:class:`Explorer` puts them together. Displayed in JupyterLab (or Binder, or Colab) it is the
live ipywidget; the book's HTML build drops that view (which needs a kernel) and shows the page
version from the same output.

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality), and every chapter with a widget.
"""
import base64
import html
import io
import json
import time

import ipywidgets as widgets
import matplotlib.figure
import numpy as np

from nnkit import plotting

__all__ = ["DPI", "MIN_TEXT_PX", "figure_pixels", "figure_to_png", "pixels_to_png", "find_palette",
           "png_data_uri", "png_img", "BlitView", "live_html", "Explorer", "new_figure",
           "time_updates"]

#: Resolution of the PNG images the widgets show (live and static).
DPI = 80

#: The smallest text a widget's figure may show, in CSS pixels at the size it is displayed, the
#: book's own limit (a widget's PNG is shown at its natural size: a font of ``pt`` points is
#: ``pt * DPI / 72`` pixels, so 9 px needs at least 8.1 points).
MIN_TEXT_PX = plotting.MIN_TEXT_PX


def figure_pixels(fig, dpi=DPI, alpha=False):
    """Draw a matplotlib figure at ``dpi`` and return its pixels.

    The figure keeps its own canvas and resolution; the drawing is done on a temporary Agg
    canvas.

    Parameters
    ----------
    fig : matplotlib Figure
    dpi : int, default 80
    alpha : bool, default False
        Keep the alpha channel (RGBA) instead of RGB.

    Returns
    -------
    ndarray of uint8, shape (height, width, 4 if alpha else 3)
        Row 0 at the top.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    canvas, resolution = fig.canvas, fig.dpi
    try:
        fig.set_dpi(dpi)
        agg = FigureCanvasAgg(fig)  # attaches itself to the figure until restored below
        agg.draw()
        rgba = np.array(agg.buffer_rgba())
    finally:
        fig.set_canvas(canvas)
        fig.set_dpi(resolution)
    return rgba if alpha else rgba[:, :, :3]


def figure_to_png(fig, dpi=DPI):
    """Render a matplotlib figure to PNG bytes (the widgets' image format).

    The pixels (:func:`figure_pixels`, with alpha) are encoded by :func:`pixels_to_png`, the
    widgets' one PNG encoder.

    Parameters
    ----------
    fig : matplotlib Figure
    dpi : int, default 80

    Returns
    -------
    bytes

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    return pixels_to_png(figure_pixels(fig, dpi, alpha=True))


def pixels_to_png(pixels, colors=None, palette=None, compress_level=None):
    """Encode an image given by its pixels as PNG bytes (the widgets' one PNG encoder).

    Parameters
    ----------
    pixels : array-like of uint8, shape (height, width, 3) or (height, width, 4)
        RGB or RGBA pixels, row 0 at the top; RGBA stays RGBA.
    colors : int or None
        Reduce the image to at most this many colours (fast octree, no dithering) before
        encoding: plots of a few flat colours become much smaller PNGs. None: keep every colour.
    palette : PIL.Image.Image or None
        Map the pixels onto this palette image's colours instead (no dithering), e.g. one
        found once with :func:`find_palette`, so that every frame uses the same colours.
    compress_level : int or None
        zlib level 0–9 (1 is fastest); None: Pillow's default.

    Returns
    -------
    bytes

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """
    from PIL import Image

    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4):
        raise ValueError("pixels must be uint8 of shape (height, width, 3 or 4), got "
                         f"{pixels.dtype} of shape {pixels.shape}")
    if colors is not None and palette is not None:
        raise ValueError("give colors or palette, not both")
    image = Image.fromarray(pixels)
    if palette is not None:
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    elif colors is not None:
        image = image.quantize(colors, method=Image.Quantize.FASTOCTREE,
                               dither=Image.Dither.NONE)
    options = {} if compress_level is None else {"compress_level": compress_level}
    buffer = io.BytesIO()
    image.save(buffer, format="png", **options)
    return buffer.getvalue()


def find_palette(pixels, colors):
    """A palette of at most ``colors`` colours for images like ``pixels`` (see pixels_to_png).

    Parameters
    ----------
    pixels : array-like of uint8, shape (height, width, 3)
    colors : int

    Returns
    -------
    PIL.Image.Image
        A palette image, for ``pixels_to_png(..., palette=...)``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """
    from PIL import Image

    return Image.fromarray(np.asarray(pixels)).quantize(colors=colors,
                                                        method=Image.Quantize.FASTOCTREE)


def png_data_uri(png):
    """PNG bytes as a ``data:image/png;base64,...`` URI (for ``<img src>`` or SVG ``href``).

    Parameters
    ----------
    png : bytes

    Returns
    -------
    str

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """
    if not isinstance(png, bytes):
        raise TypeError(f"png must be PNG bytes, got {type(png).__name__}")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def png_img(image, alt):
    """An inline ``<img>`` element showing a figure or PNG bytes, with its text alternative.

    Parameters
    ----------
    image : matplotlib Figure or bytes
        A figure (encoded by :func:`figure_to_png`) or PNG bytes.
    alt : str
        Text alternative (escaped here).

    Returns
    -------
    str

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """
    if isinstance(image, matplotlib.figure.Figure):
        image = figure_to_png(image)
    if not isinstance(image, bytes):
        raise TypeError(f"image must be a matplotlib Figure or PNG bytes, got "
                        f"{type(image).__name__}")
    return f'<img src="{png_data_uri(image)}" alt="{html.escape(alt)}">'


class BlitView:
    """A figure redrawn fast: fixed parts drawn once, then only the moving artists (blitting).

    Axes, ticks, labels and legends are the slow part of drawing a figure (text rendering).
    A widget's view makes its figure once, marks the artists a control changes as moving, and
    after setting their data calls :meth:`png` (or :meth:`html`): the stored background is
    restored, the moving artists are drawn over it in the order given, and the pixels are
    encoded by :func:`pixels_to_png`.

    Parameters
    ----------
    fig : matplotlib Figure
        Drawn at :data:`DPI`.
    artists : sequence of matplotlib Artist
        The moving artists, drawn in this order; they are left out of the background.

    Attributes
    ----------
    fig, canvas : the figure and its Agg canvas
    artists : list of Artist
    background : the stored fixed parts

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality), and every chapter with a widget.
    """

    def __init__(self, fig, artists):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(fig, matplotlib.figure.Figure):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        self.fig, self.artists = fig, list(artists)
        fig.set_dpi(DPI)
        self.canvas = FigureCanvasAgg(fig)
        for artist in self.artists:
            artist.set_animated(True)  # left out of canvas.draw(): drawn by pixels()
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def pixels(self, alpha=False):
        """The figure as it stands: background plus the moving artists, as pixels.

        Parameters
        ----------
        alpha : bool, default False
            Keep the alpha channel (RGBA) instead of RGB.

        Returns
        -------
        ndarray of uint8, shape (height, width, 4 if alpha else 3)
        """
        self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        for artist in self.artists:
            artist.draw(renderer)
        rgba = np.asarray(self.canvas.buffer_rgba())
        return rgba if alpha else rgba[:, :, :3]

    def png(self, alpha=False, **encoding):
        """The figure as it stands, as PNG bytes.

        Parameters
        ----------
        alpha : bool, default False
            Encode RGBA instead of RGB.
        **encoding
            ``colors``, ``palette``, ``compress_level``: see :func:`pixels_to_png`.

        Returns
        -------
        bytes
        """
        return pixels_to_png(self.pixels(alpha), **encoding)

    def html(self, alt, alpha=False, **encoding):
        """The figure as it stands, as an inline ``<img>`` element (see :func:`png_img`).

        Parameters
        ----------
        alt : str
            Text alternative.
        alpha : bool, default False
            Encode RGBA instead of RGB.
        **encoding
            ``colors``, ``palette``, ``compress_level``: see :func:`pixels_to_png`.

        Returns
        -------
        str
        """
        return png_img(self.png(alpha, **encoding), alt)


def _as_html(output, alt):
    """An update function's output as an HTML fragment (figures become inline PNGs)."""
    if isinstance(output, matplotlib.figure.Figure):
        return png_img(output, alt)
    if isinstance(output, str):
        return output
    raise TypeError("an update function must return a matplotlib Figure or an HTML string,"
                    f" got {type(output).__name__}")


def live_html(name, config, alt):
    """The live page version of a widget: a placeholder that the book's JavaScript fills.

    The book ships one script per widget (``_ext/static/live/<name>.js``, loaded on every page
    by ``_ext/live_widgets.py``). Each registers ``window.nnkitLive[name]`` and mounts itself into
    every ``div.nnkit-live[data-nnkit-live=name]``, reading its start state from the JSON
    ``config``. Outside the book (JupyterLab shows the live ipywidget instead) the ``<noscript>``
    text says what the widget shows.

    Parameters
    ----------
    name : str
        The widget's name in ``window.nnkitLive`` (e.g. ``"grid_detector"``).
    config : dict
        Plain-JSON start state (numbers, strings, nested lists).
    alt : str
        Text alternative: what the widget shows, for readers without JavaScript.

    Returns
    -------
    str
        An HTML fragment, deterministic for the same arguments.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier such as 'grid_detector', got {name!r}")
    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict of plain JSON values, got {type(config).__name__}")
    try:
        data = json.dumps(config, sort_keys=True, allow_nan=False).replace("</", "<\\/")
    except (TypeError, ValueError) as error:
        raise ValueError(f"config must hold plain JSON values (no NaN, infinity or arrays): "
                         f"{error}") from None
    return (f'<div class="nnkit-live" data-nnkit-live="{name}">'
            f'<script type="application/json" class="nnkit-live-config">{data}</script>'
            f'<noscript><p>{html.escape(alt)} (This interactive widget needs JavaScript.)</p>'
            f'</noscript></div>')


class Explorer(widgets.VBox):
    """A live widget (controls above a figure) that carries its page version.

    Parameters
    ----------
    controls : dict
        Name → ipywidgets value widget (slider, dropdown, toggle...). Their values are passed
        to ``render`` by name whenever one changes.
    render : callable
        The update function, ``render(**values)`` → matplotlib Figure or HTML string.
    alt : str
        Text alternative of the figure.
    buttons : sequence of ipywidgets.Button, default ()
        Extra buttons shown under the controls (their handlers usually set control values).
    live : tuple (name, config) or None
        The widget's page version (see :func:`live_html`); None: the page shows only the
        text alternative.

    Attributes
    ----------
    controls : dict
        The control widgets by name; set ``controls[name].value`` to drive the explorer.
    output : ipywidgets.Image or ipywidgets.HTML
        What the reader sees; refreshed after every change.
    last : matplotlib Figure or str
        The latest result of ``render``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """

    def __init__(self, controls, render, alt="", buttons=(), live=None):
        if not isinstance(controls, dict):
            raise TypeError("controls must be a dict: name -> ipywidgets value widget")
        if not callable(render):
            raise TypeError(f"render must be callable, got {type(render).__name__}")
        self.controls = controls
        self._render = render
        self._alt = alt
        if live is not None and (not isinstance(live, tuple) or len(live) != 2):
            raise TypeError("live must be a (name, config) tuple or None")
        self._live = live
        self.last = render(**self.values())
        if isinstance(self.last, str):
            self.output = widgets.HTML(self.last)
        else:
            self.output = widgets.Image(value=figure_to_png(self.last), format="png")
        for control in controls.values():
            control.observe(self._changed, names="value")
            if getattr(control, "description", ""):  # a label as wide as its words, not cut off
                control.style.description_width = "initial"
        rows = [widgets.HBox(list(controls.values())[i:i + 3])
                for i in range(0, len(controls), 3)]
        if buttons:
            rows.append(widgets.HBox(list(buttons)))
        super().__init__(rows + [self.output])

    def values(self):
        """The controls' current values.

        Returns
        -------
        dict
            Control name → value.
        """
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self):
        """Recompute the output for the current control values (the live update).

        Returns
        -------
        matplotlib Figure or str
            The new output, also shown in the widget.
        """
        self.last = self._render(**self.values())
        if isinstance(self.output, widgets.HTML):
            self.output.value = _as_html(self.last, self._alt)
        else:
            self.output.value = figure_to_png(self.last)
        return self.last

    def _changed(self, change):
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        parent = getattr(super(), "_repr_mimebundle_", None)
        if parent is not None:
            bundle = parent(**kwargs)
        else:  # ipywidgets 7 (Colab) displays widgets through _ipython_display_ instead
            bundle = {"application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0, "model_id": self.model_id}}
        bundle["text/plain"] = (f"{type(self).__name__}: an interactive widget; run the notebook"
                                " to use it")
        if self._live is not None:
            bundle["text/html"] = live_html(*self._live, self._alt)
        return bundle


def new_figure(width=6.0, height=3.6, ncols=1, nrows=1):
    """A figure for a widget: not shown by pyplot, with a fixed layout (fast to redraw).

    The book style's automatic ("constrained") layout is recomputed on every redraw; widgets
    place their axes once instead, and update the artists' data when a control moves, which
    keeps an update under 50 ms.

    Parameters
    ----------
    width, height : float
        Size in inches.
    ncols, nrows : int
        The grid of axes.

    Returns
    -------
    (matplotlib Figure, Axes or array of Axes)

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    fig = matplotlib.figure.Figure(figsize=(width, height), layout="none")
    axes = fig.subplots(nrows, ncols, squeeze=True)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.16, top=0.88, wspace=0.35, hspace=0.4)
    return fig, axes


def time_updates(explorer, changes):
    """Time the live update: set one control and wait for the new image, per change.

    Parameters
    ----------
    explorer : Explorer
    changes : sequence of (name, value)
        Control settings, applied one after another (each a separate update, as when a reader
        moves one control).

    Returns
    -------
    ndarray of shape (len(changes),)
        Seconds per update (recompute + redraw + PNG encoding).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    if not isinstance(explorer, Explorer):
        raise TypeError(f"explorer must be an Explorer, got {type(explorer).__name__}")
    seconds = []
    for name, value in changes:
        if name not in explorer.controls:
            raise ValueError(f"no control named {name!r}; controls: {sorted(explorer.controls)}")
        control = explorer.controls[name]
        start = time.perf_counter()
        if control.value == value:
            explorer.refresh()
        else:
            control.value = value
        seconds.append(time.perf_counter() - start)
    return np.array(seconds)
