"""The grid-pattern exercise: draw on a 3×3 grid and see which detectors fire, and where.

The reader toggles the cells of a small grid (or picks a preset: a vertical bar, a horizontal
bar, a cross, a diagonal, a dot, an empty grid). Three hand-set detectors respond, each with
its net input z and whether it fires (z ≥ 0): the vertical-bar and horizontal-bar perceptrons
of :mod:`nnkit.logic` and the two-layer cross detector (vertical AND horizontal), plus a
kernel of the reader's own (nine weights and a bias). The pattern is also placed anywhere on
an 8×8 grid, and the chosen detector is slid over it with :func:`nnkit.grid.conv2d`: its
feature map shows where it fires. In challenge mode the reader's kernel is checked against
the test grids of :data:`nnkit.logic.CROSS_CHALLENGE`, and the ones it gets wrong are listed.

Everything is HTML (no figure), so an update takes a few milliseconds. On the book's web page
the same exercise runs in the browser (``_ext/static/live/grid_detector.js``), started from
:func:`live_config`; its numbers are held equal to :func:`nnkit.grid.conv2d` by the tests.

Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates),
and chapter 7, "Grid data and convolution" (chapters/07-convolution).
"""
import html

import ipywidgets as widgets
import numpy as np
import traitlets

from nnkit import logic, plotting
from nnkit._validation import as_float_array, as_int, check_choice
from nnkit.perceptron import Perceptron
from nnkit.widgets import base

__all__ = ["DETECTORS", "YOURS", "BIG", "MODES", "cells_to_grid", "grid_to_cells", "PRESETS",
           "own_detector", "detector_responses", "responses_html", "challenge_report",
           "challenge_html", "grid_view", "KERNEL_STARTS", "live_config", "grid_detector"]

#: The detectors the reader can slide over the 8×8 grid, by menu label.
DETECTORS = {
    "vertical bar": logic.VERTICAL_DETECTOR,
    "horizontal bar": logic.HORIZONTAL_DETECTOR,
    "cross = vertical AND horizontal": logic.CROSS_DETECTOR,
}

#: Menu label of the reader's own kernel.
YOURS = "your kernel"

#: Side of the larger grid the pattern is placed on.
BIG = 8

#: The two modes of the exercise.
MODES = ("explore", "challenge: detect a cross")

_STYLE = ("<style>.nnk table{border-collapse:collapse;margin:2px 0}"
          ".nnk td,.nnk th{padding:1px 6px;text-align:center}"
          ".nnk .g td{width:22px;height:22px;padding:0;border:1px solid #bbb;font-size:11px}"
          ".nnk .s td{width:9px;height:9px;padding:0;border:1px solid #ccc}"
          ".nnk .d{background:#333;color:#fff}.nnk .l{background:#f4f4f4;color:#555}"
          f".nnk .f{{background:{plotting.PALETTE[1]};color:#000;font-weight:bold}}"
          ".nnk .n{background:#fff;color:#777}.nnk .sel{outline:2px solid #0072B2}"
          ".nnk .ok{background:#d9f2e6}.nnk .bad{background:#fbe3d6}"
          ".nnk .row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}"
          ".nnk h4{margin:4px 0;font-size:13px}</style>")


def cells_to_grid(cells):
    """Nine dark/light flags, row by row, as a 3×3 grid encoded +1 (dark) / −1 (light).

    Parameters
    ----------
    cells : sequence of 9 bool or 0/1

    Returns
    -------
    ndarray of float of shape (3, 3)

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    flags = np.asarray(cells)
    if flags.shape != (9,):
        raise ValueError(f"cells must be 9 flags (a 3x3 grid row by row), got shape {flags.shape}")
    return logic.dark_light(flags.reshape(3, 3))


def grid_to_cells(grid):
    """The inverse of :func:`cells_to_grid`: a 3×3 ±1 grid as nine 0/1 flags.

    Parameters
    ----------
    grid : array-like of shape (3, 3)

    Returns
    -------
    tuple of 9 int

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    grid = as_float_array(grid, "grid", ndim=2)
    if grid.shape != (3, 3):
        raise ValueError(f"grid must be 3x3, got shape {grid.shape}")
    return tuple(int(v > 0) for v in grid.ravel())


#: The presets as cell flags, for the preset menu and the static twin.
PRESETS = {name: grid_to_cells(g) for name, g in logic.GRID_PATTERNS.items()}


def own_detector(weights):
    """The reader's kernel as a step perceptron.

    Parameters
    ----------
    weights : sequence of 10 float
        Nine kernel weights, row by row, then the bias.

    Returns
    -------
    nnkit.perceptron.Perceptron

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    w = as_float_array(weights, "weights", ndim=1)
    if w.shape != (10,):
        raise ValueError(f"weights must be 9 kernel weights and a bias (10 numbers), "
                         f"got {w.shape[0]}")
    return Perceptron(w[:9], w[9])


def detector_responses(grid, weights=None):
    """Each detector's net input and output on one 3×3 grid.

    Parameters
    ----------
    grid : array-like of shape (3, 3)
        Cells +1/−1.
    weights : sequence of 10 float or None
        The reader's kernel and bias (see :func:`own_detector`); None leaves it out.

    Returns
    -------
    dict
        Detector label → ``(z, fires)``, in the order of ``DETECTORS`` then ``YOURS``.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    detectors = dict(DETECTORS)
    if weights is not None:
        detectors[YOURS] = own_detector(weights)
    return {name: logic.respond(d, grid) for name, d in detectors.items()}


def _cell(value, dark_light=True, fires=None, text=None):
    cls = ("d" if value > 0 else "l") if dark_light else ("f" if fires else "n")
    return f'<td class="{cls}">{"" if text is None else html.escape(text)}</td>'


def _grid_table(grid, cls="g", numbers=False):
    rows = "".join("<tr>" + "".join(_cell(v, text=f"{v:+.0f}" if numbers else None)
                                    for v in row) + "</tr>" for row in grid)
    return f'<table class="{cls}">{rows}</table>'


def _map_table(z, fires):
    rows = "".join("<tr>" + "".join(_cell(0, False, f, f"{v:g}") for v, f in zip(zr, fr))
                   + "</tr>" for zr, fr in zip(z, fires))
    return f'<table class="g">{rows}</table>'


def _kernel_table(weights):
    rows = "".join("<tr>" + "".join(f"<td>{w:+g}</td>" for w in row) + "</tr>"
                   for row in np.asarray(weights).reshape(3, 3))
    return f'<table class="g">{rows}</table>'


def responses_html(grid, selected, weights=None):
    """The response table: each detector's net input z and whether it fires.

    Parameters
    ----------
    grid : array-like of shape (3, 3)
    selected : str
        The detector to outline (a key of ``DETECTORS``, or ``YOURS``).
    weights : sequence of 10 float or None
        The reader's kernel and bias.

    Returns
    -------
    str
        An HTML table with one row per detector (class ``fires`` or ``quiet``).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    rows = []
    for name, (z, fires) in detector_responses(grid, weights).items():
        sel = " sel" if name == selected else ""
        rows.append(f'<tr class="{"fires" if fires else "quiet"}{sel}">'
                    f"<td style='text-align:left'>{html.escape(name)}</td><td>{z:+g}</td>"
                    f'<td class="{"f" if fires else "n"}">{"fires" if fires else "—"}</td></tr>')
    return ('<table class="responses"><tr><th style="text-align:left">detector</th>'
            f'<th>net input z</th><th>output</th></tr>{"".join(rows)}</table>')


def challenge_report(weights):
    """Check the reader's kernel on the cross challenge's test grids.

    Parameters
    ----------
    weights : sequence of 10 float
        Nine kernel weights and a bias.

    Returns
    -------
    list of dict
        :func:`nnkit.logic.check_detector` on ``CROSS_CHALLENGE``.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    return logic.check_detector(own_detector(weights))


def challenge_html(weights):
    """The challenge panel: every test grid, what the kernel does with it, and a verdict.

    Parameters
    ----------
    weights : sequence of 10 float

    Returns
    -------
    str
        HTML; rows the kernel gets wrong have class ``bad``.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    report = challenge_report(weights)
    wrong = [row["name"] for row in report if not row["correct"]]
    verdict = ("Solved: your kernel fires on the cross and on nothing else."
               if not wrong else
               f"Your kernel gets {len(wrong)} of {len(report)} grids wrong: "
               + ", ".join(wrong) + ".")
    grids = {name: g for name, g, _ in logic.CROSS_CHALLENGE}
    rows = "".join(
        f'<tr class="{"ok" if r["correct"] else "bad"}"><td>{_grid_table(grids[r["name"]], "s")}'
        f'</td><td style="text-align:left">{html.escape(r["name"])}</td><td>{r["z"]:+g}</td>'
        f'<td>{"fires" if r["fires"] else "—"}</td>'
        f'<td>{"should fire" if r["expected"] else "should stay quiet"}</td>'
        f'<td>{"✓" if r["correct"] else "✗"}</td></tr>' for r in report)
    return (f'<h4>Challenge: find nine weights and a bias that detect a cross</h4>'
            f'<p class="nnkit-verdict"><strong>{html.escape(verdict)}</strong></p>'
            f'<table class="challenge"><tr><th></th><th>test grid</th><th>z</th><th>output</th>'
            f'<th>wanted</th><th></th></tr>{rows}</table>')


def grid_view(cells, kernel, row, col, weights=None, mode=MODES[0]):
    """Everything the grid exercise shows, as one HTML fragment.

    Parameters
    ----------
    cells : sequence of 9 bool or 0/1
        The 3×3 pattern, row by row (1 = dark).
    kernel : str
        The detector slid over the 8×8 grid: a key of ``DETECTORS``, or ``YOURS``.
    row, col : int
        Where the pattern's top-left cell goes on the 8×8 grid (0 to 5).
    weights : sequence of 10 float or None
        The reader's kernel and bias; None leaves it out (and ``kernel`` cannot be ``YOURS``).
    mode : str
        One of ``MODES``; the challenge mode adds the challenge panel (needs ``weights``).

    Returns
    -------
    str

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    grid = cells_to_grid(cells)
    names = list(DETECTORS) + ([YOURS] if weights is not None else [])
    kernel = check_choice(kernel, "kernel", names)
    mode = check_choice(mode, "mode", MODES)
    detector = DETECTORS.get(kernel) or own_detector(weights)
    image = logic.place_pattern(grid, size=BIG, row=row, col=col)
    z, fires = logic.feature_map(image, detector)
    if isinstance(detector, Perceptron):
        kernel_view = (f"<h4>its kernel (bias {detector.bias:+g})</h4>"
                       + _kernel_table(detector.weights))
    else:
        kernel_view = ("<h4>its wiring</h4><p>fires where the vertical<br>AND the horizontal "
                       "detector fire<br>(AND: weights 1, 1, bias −1.5)</p>")
    n_fire = int(fires.sum())
    where = ", ".join(f"({r}, {c})" for r, c in zip(*np.nonzero(fires))) or "nowhere"
    parts = [_STYLE, '<div class="nnk"><div class="row">',
             f"<div><h4>the 3×3 grid x</h4>{_grid_table(grid, numbers=True)}</div>",
             f"<div><h4>responses (fires when z ≥ 0)</h4>"
             f"{responses_html(grid, kernel, weights)}</div>",
             f"<div>{kernel_view}</div></div>",
             '<div class="row">',
             f"<div><h4>the pattern on an {BIG}×{BIG} grid</h4>{_grid_table(image)}</div>",
             f"<div><h4>feature map of “{html.escape(kernel)}”: z at each position</h4>"
             f"{_map_table(z, fires)}<p>fires at {n_fire} position{'s' if n_fire != 1 else ''}"
             f" (row, column): {where}</p></div></div>"]
    if mode == MODES[1]:
        if weights is None:
            raise ValueError("the challenge mode needs weights (your kernel)")
        parts.append(challenge_html(weights))
    parts.append("</div>")
    return "".join(parts)


class _CellGrid(widgets.GridBox):
    """A 3×3 grid of toggle buttons; ``value`` is the nine cells row by row (1 = dark).

    Parameters
    ----------
    value : sequence of 9 int, default all light

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """

    value = traitlets.Tuple()

    def __init__(self, value=(0,) * 9):
        self.buttons = [widgets.ToggleButton(layout=widgets.Layout(width="36px", height="36px"))
                        for _ in range(9)]
        self._syncing = False
        super().__init__(self.buttons, layout=widgets.Layout(
            grid_template_columns="repeat(3, 38px)", grid_gap="2px"))
        for button in self.buttons:
            button.observe(self._from_buttons, names="value")
        self.observe(self._to_buttons, names="value")
        self.value = tuple(int(v) for v in value)

    def _paint(self):
        for button in self.buttons:
            button.style.button_color = "#333333" if button.value else "#f4f4f4"

    def _from_buttons(self, change):
        if not self._syncing:
            self.value = tuple(int(b.value) for b in self.buttons)
        self._paint()

    def _to_buttons(self, change):
        self._syncing = True
        try:
            for button, v in zip(self.buttons, change["new"]):
                button.value = bool(v)
        finally:
            self._syncing = False
        self._paint()


class _KernelEditor(widgets.VBox):
    """Nine number boxes (the kernel, row by row) and a bias; ``value`` holds all ten.

    Parameters
    ----------
    value : sequence of 10 float
        Nine weights, then the bias.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """

    value = traitlets.Tuple()

    def __init__(self, value):
        small = widgets.Layout(width="58px")
        self.boxes = [widgets.FloatText(step=0.5, layout=small) for _ in range(9)]
        self.bias = widgets.FloatText(step=0.5, description="bias", layout=widgets.Layout(
            width="140px"))
        self._syncing = False
        rows = [widgets.HBox(self.boxes[i:i + 3]) for i in (0, 3, 6)]
        super().__init__([widgets.HTML("<b>your kernel</b>")] + rows + [self.bias])
        for box in self.boxes + [self.bias]:
            box.observe(self._from_boxes, names="value")
        self.observe(self._to_boxes, names="value")
        self.value = tuple(float(v) for v in value)

    def _from_boxes(self, change):
        if not self._syncing:
            self.value = tuple(b.value for b in self.boxes + [self.bias])

    def _to_boxes(self, change):
        self._syncing = True
        try:
            for box, v in zip(self.boxes + [self.bias], change["new"]):
                box.value = float(v)
        finally:
            self._syncing = False


#: Starting points for the reader's kernel.
KERNEL_STARTS = {
    "vertical bar": tuple(logic.VERTICAL_DETECTOR.extended_weights[1:]) + (logic.BAR_BIAS,),
    "horizontal bar": tuple(logic.HORIZONTAL_DETECTOR.extended_weights[1:]) + (logic.BAR_BIAS,),
    "zeros": (0.0,) * 10,
}


def live_config(pattern="cross", row=2, col=3):
    """The start state of the page's live grid detector (plain JSON, from this module's data).

    Parameters
    ----------
    pattern : str, default "cross"
        Starting preset, a key of ``nnkit.logic.GRID_PATTERNS``.
    row, col : int, default 2, 3
        Starting position of the pattern on the 8×8 grid.

    Returns
    -------
    dict
        ``cells``, ``presets``, ``row``, ``col``, ``size``, ``detectors`` (kernels and biases,
        the cross as an AND of two of them), ``yours``, ``weights``, ``starts``, ``modes`` and
        ``challenge`` (the test grids of ``nnkit.logic.CROSS_CHALLENGE`` with their labels).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    pattern = check_choice(pattern, "pattern", PRESETS)
    row = as_int(row, "row", minimum=0, maximum=BIG - 3)
    col = as_int(col, "col", minimum=0, maximum=BIG - 3)
    names = {id(d): name for name, d in DETECTORS.items()}
    detectors = []
    for name, d in DETECTORS.items():
        if isinstance(d, Perceptron):
            detectors.append({"name": name, "kernel": d.weights.reshape(3, 3).tolist(),
                              "bias": float(d.bias)})
        else:  # a two-layer detector: an output unit over named first-layer detectors
            (out,) = d.layers[1]
            detectors.append({"name": name, "of": [names[id(u)] for u in d.layers[0]],
                              "weights": out.weights.tolist(), "bias": float(out.bias)})
    return {"cells": list(PRESETS[pattern]), "presets": {n: list(c) for n, c in PRESETS.items()},
            "row": row, "col": col, "size": BIG, "detectors": detectors, "yours": YOURS,
            "weights": [float(w) for w in KERNEL_STARTS["vertical bar"]],
            "starts": {n: [float(w) for w in v] for n, v in KERNEL_STARTS.items()},
            "modes": list(MODES),
            "challenge": [{"name": n, "grid": g.tolist(), "label": int(label)}
                          for n, g, label in logic.CROSS_CHALLENGE]}


def grid_detector(pattern="cross", row=2, col=3):
    """The grid-pattern exercise: draw a 3×3 pattern and see which detectors fire, and where.

    Parameters
    ----------
    pattern : str, default "cross"
        Starting preset, a key of ``nnkit.logic.GRID_PATTERNS``.
    row, col : int, default 2, 3
        Starting position of the pattern on the 8×8 grid.

    Returns
    -------
    nnkit.widgets.base.Explorer
        Controls ``pattern`` (nine toggle buttons, value: the nine cells row by row, 1 = dark),
        ``kernel``, ``row``, ``col``, ``weights`` (ten number boxes, value: the nine kernel
        weights row by row and the bias) and ``mode``; a preset menu and kernel-start buttons.
        On the book's page it is the live browser version (see :func:`live_config`).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    pattern = check_choice(pattern, "pattern", PRESETS)
    controls = {
        "pattern": _CellGrid(PRESETS[pattern]),
        "kernel": widgets.Dropdown(options=list(DETECTORS) + [YOURS], description="slide"),
        "mode": widgets.ToggleButtons(options=MODES),
        "row": widgets.IntSlider(row, min=0, max=BIG - 3, description="row"),
        "col": widgets.IntSlider(col, min=0, max=BIG - 3, description="column"),
        "weights": _KernelEditor(KERNEL_STARTS["vertical bar"]),
    }

    def render(pattern=PRESETS["cross"], kernel=list(DETECTORS)[0], row=2, col=3,
               weights=None, mode=MODES[0]):
        return grid_view(pattern, kernel, row, col, weights, mode)

    presets = widgets.Dropdown(options=["(draw)"] + list(PRESETS), description="preset")

    def pick(change):
        if change["new"] in PRESETS:
            controls["pattern"].value = PRESETS[change["new"]]

    presets.observe(pick, names="value")
    starts = []
    for name, value in KERNEL_STARTS.items():
        button = widgets.Button(description=f"kernel ← {name}")
        button.on_click(lambda _, v=value: setattr(controls["weights"], "value", v))
        starts.append(button)
    alt = ("Grid pattern detectors: a 3×3 grid to draw on, each detector's net input, the "
           "pattern on an 8×8 grid and the chosen detector's feature map")
    return base.Explorer(controls, render, alt=alt, buttons=[presets] + starts,
                         live=("grid_detector", live_config(pattern, row, col)))
