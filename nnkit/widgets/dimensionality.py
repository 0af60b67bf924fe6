"""The curse of dimensionality explorer: distances, k-NN accuracy and neighbourhood volume.

:func:`curse_explorer` shows three consequences of many dimensions side by side, for the
dimension ``d``, sample size ``N`` and number of irrelevant features the reader picks:

(a) the ratio of the largest to the smallest pairwise distance of ``N`` uniform points in
    ``[0, 1]^d`` (:func:`nnkit.dimensionality.distance_concentration`);
(b) the validation accuracy of 1-nearest-neighbour classification as irrelevant features are
    added (:func:`nnkit.dimensionality.accuracy_vs_irrelevant_features`);
(c) the share of the unit cube within a fixed radius of its centre
    (:func:`nnkit.dimensionality.ball_volume_fraction`).

In JupyterLab every curve is computed once, for every slider position, by :func:`curse_curves`
(fixed seeds); moving a slider only moves lines and markers. On the book's web page the explorer
computes in the reader's browser instead (``_ext/static/live/curse.js``): any ``d``, ``N`` and
number of irrelevant features, on data sampled afresh for each seed.

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality).
"""
import ipywidgets as widgets
import numpy as np

from nnkit import dimensionality as dim
from nnkit._validation import as_counts, as_float, as_int
from nnkit.plotting import PALETTE
from nnkit.widgets import base

__all__ = ["DIMS", "SAMPLE_SIZES", "IRRELEVANT", "PAGE_LIMITS", "curse_curves", "CurseView",
           "curse_explorer", "live_config"]

#: Slider positions of the explorer.
DIMS = (2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
SAMPLE_SIZES = (20, 50, 100, 200, 500)
IRRELEVANT = (0, 1, 2, 5, 10, 20, 50, 100, 200)

#: Largest values the page version offers (it samples in the browser, so any value up to these).
PAGE_LIMITS = {"max_d": 2000, "max_N": 1000, "max_irrelevant": 500}


def curse_curves(dims=DIMS, sample_sizes=SAMPLE_SIZES, irrelevant=IRRELEVANT, radius=0.5,
                 n_repeats=5, random_state=0):
    """Every curve the explorer shows, for every slider position, computed once.

    Parameters
    ----------
    dims : sequence of int
        Dimensions, each >= 1.
    sample_sizes : sequence of int
        Sample sizes ``N``, each >= 3.
    irrelevant : sequence of int
        Numbers of irrelevant features, each >= 0.
    radius : float, default 0.5
        Radius of the neighbourhood in panel (c), in (0, 0.5].
    n_repeats : int, default 5
        Data sets averaged per accuracy value.
    random_state : int, default 0
        Seed ``s``: the ``i``-th sample size uses seed ``s + i`` for the distances and
        ``s + 1000 + i`` for the accuracies, so each curve can be recomputed on its own.

    Returns
    -------
    dict
        ``dims``, ``sample_sizes``, ``irrelevant`` (int arrays); ``ratio`` of shape
        (n_sizes, n_dims), max/min distance; ``accuracy`` of shape (n_sizes, n_irrelevant),
        mean validation accuracy of 1-NN with 2 relevant features (the first ``N // 2``
        samples train, the rest validate); ``fraction`` and ``log10_fraction`` of shape
        (n_dims,), the share of the cube within ``radius`` of its centre and its base-10
        logarithm (finite where the share underflows to 0); ``radius``.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    seed = as_int(random_state, "random_state", minimum=0)
    radius = as_float(radius, "radius", minimum=0.0, maximum=0.5, exclusive_minimum=True)
    log_fraction = dim.ball_volume_fraction(dims, radius, log=True)
    dims = as_counts(dims, "dims", minimum=1)
    sizes = as_counts(sample_sizes, "sample_sizes", minimum=3)
    counts = as_counts(irrelevant, "irrelevant", minimum=0)
    ratio = np.array([dim.distance_concentration(dims, n_samples=n, random_state=seed + i)["ratio"]
                      for i, n in enumerate(sizes)])
    accuracy = np.array([dim.accuracy_vs_irrelevant_features(
        counts, n_samples=n, n_repeats=n_repeats, random_state=seed + 1000 + i)["mean"]
        for i, n in enumerate(sizes)])
    return {"dims": dims, "sample_sizes": sizes, "irrelevant": counts, "ratio": ratio,
            "accuracy": accuracy, "fraction": np.exp(log_fraction),
            "log10_fraction": log_fraction / np.log(10), "radius": radius}


class CurseView:
    """The explorer's figure: three panels drawn once, then only the moving parts redrawn.

    Axes, ticks, grids and fixed curves are drawn once into a background image. An update
    (:meth:`update`) changes the data of the moving artists (the curves that depend on ``N``,
    the markers and the value labels), pastes the background back and draws just those artists on
    it ("blitting", by :class:`nnkit.widgets.base.BlitView`), which keeps a slider move fast.

    Parameters
    ----------
    curves : dict
        The output of :func:`curse_curves`.

    Attributes
    ----------
    lines : dict of matplotlib Line2D
        ``"ratio"``, ``"accuracy"`` and ``"fraction"`` (the curves) and ``"ratio_dot"``,
        ``"accuracy_dot"``, ``"fraction_dot"`` (the markers of the current setting).
    labels : dict of matplotlib Text
        ``"ratio"``, ``"accuracy"``, ``"fraction"``: the values at the current setting, in the
        corner of each panel (panel (c) also gives the expected number of the ``N`` points
        within the radius).
    state : dict
        The latest setting and the values the markers show: ``d``, ``N``, ``irrelevant``,
        ``ratio``, ``accuracy``, ``fraction``, ``log10_fraction``.
    fig : matplotlib Figure

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """

    def __init__(self, curves):
        self.curves = c = curves
        dims, counts = c["dims"], c["irrelevant"]
        fig, (ax_a, ax_b, ax_c) = base.new_figure(width=10.5, height=2.9, ncols=3)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.18, top=0.9, wspace=0.38)
        dim_range = (dims.min() * 0.8, dims.max() * 1.25)
        ax_a.set(xscale="log", yscale="log", xlabel="dimension $d$",
                 ylabel="max / min distance", xlim=dim_range, ylim=(1, 1.5 * c["ratio"].max()))
        ax_b.set(xscale="symlog", xlabel="irrelevant features (+ 2 relevant)",
                 ylabel="validation accuracy", ylim=(0.4, 1.02), xlim=(-0.2, counts.max() * 1.3))
        ax_c.set(xscale="log", xlabel="dimension $d$", xlim=dim_range, ylim=(-0.03, 1.05),
                 ylabel=f"share within $r = {c['radius']:g}$")
        ax_a.axhline(1, color="0.4", linestyle=":", linewidth=1)
        ax_b.axhline(0.5, color="0.4", linestyle=":", linewidth=1)
        ax_b.text(0, 0.48, "guessing", ha="left", va="top", fontsize=9, color="0.3")
        dot = {"marker": "o", "linestyle": "none", "color": PALETTE[3], "markersize": 8,
               "zorder": 4, "animated": True}
        self.lines = {
            "ratio": ax_a.plot(dims, c["ratio"][0], "-", color=PALETTE[0], animated=True)[0],
            "accuracy": ax_b.plot(counts, c["accuracy"][0], "-o", color=PALETTE[0],
                                  markersize=3, animated=True)[0],
            "fraction": ax_c.plot(dims, c["fraction"], "-", color=PALETTE[0])[0],
            "ratio_dot": ax_a.plot([], [], **dot)[0],
            "accuracy_dot": ax_b.plot([], [], **dot)[0],
            "fraction_dot": ax_c.plot([], [], **dot)[0],
        }
        ax_a.set_title("(a) distances concentrate")
        ax_b.set_title("(b) 1-NN validation accuracy")
        ax_c.set_title("(c) neighbourhoods empty out")
        # Only these short texts change (text is the slowest thing to draw).
        self.labels = {key: ax.text(0.97, 0.95, "", transform=ax.transAxes, ha="right",
                                    va="top", fontsize=9, animated=True,
                                    bbox={"facecolor": "white", "edgecolor": "none"})
                       for key, ax in (("ratio", ax_a), ("accuracy", ax_b), ("fraction", ax_c))}
        self.fig, self.state = fig, {}
        self._blit = base.BlitView(fig, [artist for artist in [*self.lines.values(),
                                                               *self.labels.values()]
                                         if artist.get_animated()])
        self._palette = None  # 10 colours are plenty for lines on white, and keep PNGs small

    def update(self, d, N, irrelevant):
        """Show the setting ``(d, N, irrelevant)``: move the curves, markers and labels.

        Parameters
        ----------
        d, N, irrelevant : int
            Values present in the curves.

        Returns
        -------
        dict
            :attr:`state`.
        """
        c = self.curves
        i, j, k = (_index(c["dims"], d, "d"), _index(c["sample_sizes"], N, "N"),
                   _index(c["irrelevant"], irrelevant, "irrelevant"))
        self.state = {"d": d, "N": N, "irrelevant": irrelevant, "ratio": c["ratio"][j, i],
                      "accuracy": c["accuracy"][j, k], "fraction": c["fraction"][i],
                      "log10_fraction": c["log10_fraction"][i]}
        s = self.state
        self.lines["ratio"].set_ydata(c["ratio"][j])
        self.lines["ratio_dot"].set_data([d], [s["ratio"]])
        self.lines["accuracy"].set_ydata(c["accuracy"][j])
        self.lines["accuracy_dot"].set_data([irrelevant], [s["accuracy"]])
        self.lines["fraction_dot"].set_data([d], [s["fraction"]])
        expected = _power_of_ten(np.log10(N) + s["log10_fraction"])
        self.labels["ratio"].set_text(f"max/min = {s['ratio']:.2f}")
        self.labels["accuracy"].set_text(f"accuracy {s['accuracy']:.0%}")
        self.labels["fraction"].set_text(f"share {_power_of_ten(s['log10_fraction'])}\n"
                                         f"{expected} of {N} points")
        return self.state

    def png(self):
        """The figure as it stands, as PNG bytes (background plus the moving artists).

        Returns
        -------
        bytes
        """
        rgb = self._blit.pixels()
        if self._palette is None:  # every frame has the same colours: find them once
            self._palette = base.find_palette(rgb, 10)
        return base.pixels_to_png(rgb, palette=self._palette)

    def draw(self, d, N, irrelevant):
        """The figure of a setting, as PNG bytes: the explorer's figure function.

        Parameters
        ----------
        d, N, irrelevant : int
            Values present in the curves (see :meth:`update`).

        Returns
        -------
        bytes
            The same bytes for the same setting, whatever this view drew before.
        """
        self.update(d, N, irrelevant)
        return self.png()


def curse_explorer(curves=None):
    """Curse of dimensionality explorer: sliders for d, N and the irrelevant features.

    Parameters
    ----------
    curves : dict or None
        The output of :func:`curse_curves`; computed with its defaults when None.

    Returns
    -------
    nnkit.widgets.base.Explorer
        Controls ``d``, ``N`` and ``irrelevant`` (selection sliders over the values in
        ``curves``); its attribute ``view`` is the :class:`CurseView` it draws. The figure has
        three panels: (a) max/min distance ratio against ``d`` for the current ``N``;
        (b) validation accuracy against the number of irrelevant features for the current
        ``N``; (c) the share of the cube within ``radius`` of its centre against ``d``.
        Each panel marks the current setting. On the book's web page it shows the version
        that computes in the browser (:func:`live_config` gives its start).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    c = curse_curves() if curves is None else curves
    view = CurseView(c)
    alt = ("Three panels. (a) The ratio of the largest to the smallest distance between "
           "random points falls towards 1 as the dimension grows. (b) A nearest-neighbour "
           "classifier's validation accuracy falls towards guessing as irrelevant features "
           "are added. (c) The share of a unit cube within a fixed radius of its centre "
           "shrinks towards zero as the dimension grows. A dot marks the current setting.")

    def render(d, N, irrelevant):
        return base.png_img(view.draw(d, N, irrelevant), alt)

    options = {"d": c["dims"], "N": c["sample_sizes"], "irrelevant": c["irrelevant"]}
    controls = {name: widgets.SelectionSlider(options=[int(v) for v in values],
                                              value=int(values[0]), description=name)
                for name, values in options.items()}
    explorer = base.Explorer(controls, render, alt=alt, live=("curse_explorer", live_config(c)))
    explorer.view = view
    return explorer


def live_config(curves=None, n_repeats=5):
    """What the page version of the explorer starts from (``_ext/static/live/curse.js``).

    Parameters
    ----------
    curves : dict or None
        The output of :func:`curse_curves` whose slider positions and radius the page offers
        as its curves' points; None: the defaults.
    n_repeats : int, default 5
        Data sets the page averages per accuracy value.

    Returns
    -------
    dict
        Plain JSON: the start setting ``d``, ``N``, ``irrelevant`` (the first slider values)
        and ``seed`` 0; the points of its curves ``dims`` and ``irrelevant_counts``;
        ``radius``, ``n_repeats`` and the largest values offered (:data:`PAGE_LIMITS`).

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    if curves is None:
        curves = {"dims": np.array(DIMS), "sample_sizes": np.array(SAMPLE_SIZES),
                  "irrelevant": np.array(IRRELEVANT), "radius": 0.5}
    n_repeats = as_int(n_repeats, "n_repeats", minimum=1)
    return {"d": int(curves["dims"][0]), "N": int(curves["sample_sizes"][0]),
            "irrelevant": int(curves["irrelevant"][0]), "seed": 0,
            "dims": [int(d) for d in curves["dims"]],
            "irrelevant_counts": [int(m) for m in curves["irrelevant"]],
            "radius": float(curves["radius"]), "n_repeats": n_repeats, **PAGE_LIMITS}


def _index(values, value, name):
    found = np.flatnonzero(values == value)
    if isinstance(value, bool) or len(found) == 0:
        raise ValueError(f"{name} must be one of {values.tolist()}, got {value!r}")
    return int(found[0])


def _power_of_ten(log10):
    """A positive number given by its base-10 logarithm, e.g. "0.25", "2.5e-03", "10^-1187"."""
    if log10 > -300:
        value = 10.0 ** log10
        return f"{value:.2g}" if value >= 0.01 else f"{value:.1e}"
    return f"10^{log10:.0f}"
