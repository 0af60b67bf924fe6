"""The XOR playground: set the nine weights of a 2-2-1 step network and watch its truth table.

Two hidden step perceptrons h1, h2 see the inputs A and B; one output perceptron sees h1 and
h2. Nine sliders set their weights and biases. The widget shows the network's truth table,
highlighting the rows that agree with XOR, and its decision regions over the unit square,
with each hidden unit's boundary line. "Show a solution" sets the network
XOR(A, B) = AND(OR(A, B), NAND(A, B)).

On the book's web page the same playground runs in the browser
(``_ext/static/live/xor_playground.js``), started from :func:`live_config`: every weight can
be dragged or typed there too, and the tests hold its truth table equal to
:meth:`nnkit.logic.Network.forward`.

Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
"""
import html
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

from nnkit import datasets, logic, plotting
from nnkit._validation import as_float
from nnkit.perceptron import Perceptron
from nnkit.widgets import base

__all__ = ["WEIGHT_NAMES", "NETWORKS", "SOLUTION", "SLIDER_RANGE", "LIMITS", "xor_network",
           "playground_table", "table_html", "boundary_points", "regions_png", "regions_svg",
           "START", "ALT", "live_config", "xor_playground"]

#: The nine numbers of a 2-2-1 network in slider order, hidden unit 1 (weights on A and B,
#: bias), hidden unit 2, then the output unit (weights on h1 and h2, bias).
WEIGHT_NAMES = ("h1_wA", "h1_wB", "h1_b", "h2_wA", "h2_wB", "h2_b", "out_w1", "out_w2", "out_b")


def _weights(h1, h2, out):
    return dict(zip(WEIGHT_NAMES, (*h1, *h2, *out)))


#: Named networks, the syllabus solution first, then other starting points.
NETWORKS = {
    "XOR = AND(OR, NAND)": _weights((1, 1, -0.5), (-1, -1, 1.5), (1, 1, -1.5)),
    "XOR = OR minus AND": _weights((1, 1, -0.5), (1, 1, -1.5), (1, -1, -0.5)),
    "OR only": _weights((1, 1, -0.5), (0, 0, -0.5), (1, 0, -0.5)),
    "AND only": _weights((0, 0, -0.5), (1, 1, -1.5), (0, 1, -0.5)),
    "broken: two ORs": _weights((1, 1, -0.5), (1, 1, -0.5), (1, 1, -1.5)),
}

#: The network "Show a solution" sets.
SOLUTION = "XOR = AND(OR, NAND)"

#: Range of every slider.
SLIDER_RANGE = (-2.0, 2.0)

#: The plotted area, the unit square and a margin.
LIMITS = (-0.25, 1.25)


def xor_network(**weights):
    """The 2-2-1 step network with the given weights.

    Parameters
    ----------
    **weights : float
        All nine of ``WEIGHT_NAMES``: ``h1_wA, h1_wB, h1_b`` (hidden unit 1),
        ``h2_wA, h2_wB, h2_b`` (hidden unit 2), ``out_w1, out_w2, out_b`` (output unit).

    Returns
    -------
    nnkit.logic.Network

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    if set(weights) != set(WEIGHT_NAMES):
        raise ValueError(f"weights must be exactly {', '.join(WEIGHT_NAMES)}; "
                         f"got {', '.join(sorted(weights)) or 'none'}")
    w = {name: as_float(value, name) for name, value in weights.items()}
    unit = [Perceptron([w[f"{u}_wA"], w[f"{u}_wB"]], w[f"{u}_b"]) for u in ("h1", "h2")]
    out = Perceptron([w["out_w1"], w["out_w2"]], w["out_b"])
    return logic.Network([unit, [out]])


def playground_table(network):
    """The network's truth table with the hidden units' outputs, compared with XOR.

    Parameters
    ----------
    network : nnkit.logic.Network
        A 2-2-1 network, e.g. from :func:`xor_network`.

    Returns
    -------
    ndarray of int of shape (4, 7)
        Columns A, B, h1, h2, output, XOR, match (1 where output equals XOR), in the
        order (0, 0), (0, 1), (1, 0), (1, 1).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    if not isinstance(network, logic.Network):
        raise TypeError(f"network must be an nnkit.logic.Network, got {type(network).__name__}")
    X, y = datasets.logic_table("XOR")
    (_, hidden), (_, out) = network.forward(X)[:2]
    out = out[:, 0].astype(np.int64)
    return np.column_stack([X, hidden.astype(np.int64), out, y, (out == y).astype(np.int64)])


def table_html(table):
    """The playground's truth table as HTML: rows that match XOR in green, others in red.

    Parameters
    ----------
    table : ndarray of int of shape (4, 7)
        From :func:`playground_table`.

    Returns
    -------
    str
        An HTML fragment: a verdict line and a table.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    table = np.asarray(table)
    if table.shape != (4, 7):
        raise ValueError(f"table must have shape (4, 7) (from playground_table), got {table.shape}")
    n_match = int(table[:, 6].sum())
    verdict = ("This network computes XOR." if n_match == 4 else
               f"{n_match} of 4 rows match XOR.")
    head = "".join(f'<th style="padding:2px 8px">{h}</th>'
                   for h in ("A", "B", "h1", "h2", "output", "XOR", ""))
    rows = []
    for row in table:
        ok = bool(row[6])
        style = "background:#d9f2e6" if ok else "background:#fbe3d6"
        cells = "".join(f'<td style="padding:2px 8px;text-align:center">{v}</td>'
                        for v in row[:6])
        mark = "✓ match" if ok else "✗ differs"
        rows.append(f'<tr class="{"match" if ok else "differs"}" style="{style}">{cells}'
                    f'<td style="padding:2px 8px;white-space:nowrap">{mark}</td></tr>')
    return (f'<p class="nnkit-verdict"><strong>{verdict}</strong></p>'
            f'<table class="nnkit-truth-table" style="border-collapse:collapse">'
            f'<tr>{head}</tr>{"".join(rows)}</table>')


def boundary_points(w_a, w_b, bias, limits=LIMITS):
    """Two points of the line ``w_a·A + w_b·B + bias = 0`` spanning the plotted square.

    Parameters
    ----------
    w_a, w_b, bias : float
        A hidden unit's weights and bias.
    limits : pair of float
        The square's range along both axes.

    Returns
    -------
    (xs, ys) : pair of ndarray of shape (2,)
        Empty arrays when both weights are 0 (no line).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    t = np.array(limits, dtype=float)
    if w_a == 0 and w_b == 0:
        return np.array([]), np.array([])
    if abs(w_b) >= abs(w_a):
        return t, -(bias + w_a * t) / w_b
    return -(bias + w_b * t) / w_a, t


class _BatchExplorer(base.Explorer):
    """An Explorer whose controls can be set together with one refresh at the end."""

    def _changed(self, change):
        if not getattr(self, "_holding", False):
            self.refresh()

    @contextmanager
    def holding(self):
        """Set several controls inside this context, then refresh once at its end."""
        self._holding = True
        try:
            yield self
        finally:
            self._holding = False
            self.refresh()


#: Side of the plotted square in pixels, and the margin for the axis labels.
_PX, _MARGIN = 240, 36


def _to_px(x, y):
    """Data coordinates to SVG pixels (y grows downwards in SVG)."""
    lo, hi = LIMITS
    scale = _PX / (hi - lo)
    return _MARGIN + (np.asarray(x) - lo) * scale, 8 + (hi - np.asarray(y)) * scale


def regions_png(labels):
    """Colour a grid of 0/1 labels with the book's class colours, lightened, as PNG bytes.

    Parameters
    ----------
    labels : ndarray of int of shape (n, n)
        Row 0 is the bottom of the plot.

    Returns
    -------
    bytes
        A PNG image, row 0 at the bottom.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    colors = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)]
                       for c in plotting.class_colors(2)], dtype=float)
    light = (0.3 * colors + 0.7 * 255).astype(np.uint8)
    rgb = light[np.asarray(labels, dtype=np.int64)[::-1]]
    return base.pixels_to_png(rgb, compress_level=1)


def regions_svg(labels, boundaries, alt):
    """The playground's plot as SVG: decision regions, hidden boundaries and the XOR points.

    Parameters
    ----------
    labels : ndarray of int of shape (n, n)
        The network's output on a grid over ``LIMITS`` (row 0 at the bottom).
    boundaries : list of (xs, ys)
        Each hidden unit's boundary line (from :func:`boundary_points`).
    alt : str
        Text alternative, the SVG's title.

    Returns
    -------
    str
        An ``<svg>`` element.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    png = base.png_data_uri(regions_png(labels))
    x0, y1 = _to_px(LIMITS[0], LIMITS[0])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_MARGIN + _PX + 10}" '
             f'height="{_PX + 50}" role="img" style="font:12px sans-serif">'
             f'<title>{html.escape(alt)}</title>'
             f'<image x="{x0:.0f}" y="8" width="{_PX}" height="{_PX}" '
             f'href="{png}" preserveAspectRatio="none"/>'
             f'<rect x="{x0:.0f}" y="8" width="{_PX}" height="{_PX}" fill="none" stroke="#444"/>']
    for v in (0, 1):
        px, py = _to_px(v, v)
        parts.append(f'<text x="{px:.1f}" y="{y1 + 14:.1f}" text-anchor="middle">{v}</text>'
                     f'<text x="{x0 - 5:.1f}" y="{py + 4:.1f}" text-anchor="end">{v}</text>')
    parts.append(f'<text x="{x0 + _PX / 2:.1f}" y="{y1 + 30:.1f}" text-anchor="middle">'
                 f'input A</text><text x="12" y="{8 + _PX / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {8 + _PX / 2:.1f})">input B</text>')
    parts.append(f'<clipPath id="nnkit-xor-clip"><rect x="{x0:.0f}" y="8" width="{_PX}" '
                 f'height="{_PX}"/></clipPath>')
    for (xs, ys), dash in zip(boundaries, ("6 4", "2 3")):
        if len(xs):
            (ax, bx), (ay, by) = _to_px(xs, ys)
            parts.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
                         f'stroke="#333" stroke-width="1.6" stroke-dasharray="{dash}" '
                         f'clip-path="url(#nnkit-xor-clip)"/>')
    X, y = datasets.logic_table("XOR")
    for (a, b), k in zip(X, y):
        px, py = _to_px(a, b)
        color = plotting.PALETTE[k]
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="{color}" stroke="black"/>'
                     if k == 0 else
                     f'<rect x="{px - 7:.1f}" y="{py - 7:.1f}" width="14" height="14" '
                     f'fill="{color}" stroke="black"/>')
    parts.append("</svg>")
    return "".join(parts)


_LEGEND = ('<p style="font-size:smaller;margin:4px 0">Shading: the network outputs '
           '<span style="color:{0}">■</span> 0 or <span style="color:{1}">■</span> 1. '
           'Points: XOR = 0 (circles), XOR = 1 (squares). Dashed line: h1\'s boundary, '
           'dotted line: h2\'s.</p>').format(*plotting.PALETTE[:2])


#: The network the playground starts from (and "Reset" returns to).
START = "broken: two ORs"

#: Text alternative of the playground's plot.
ALT = ("Decision regions of a two-layer step network over inputs A and B around the unit "
       "square, with the two hidden units' boundary lines and the four XOR points")


def live_config():
    """The start state of the page's live XOR playground (plain JSON, from this module's data).

    Returns
    -------
    dict
        ``names`` (``WEIGHT_NAMES``), ``weights`` (the start network), ``networks``,
        ``solution``, ``reset``, ``range`` (of the sliders), ``limits`` (of the plot) and ``alt``.

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    as_json = {name: {k: float(v) for k, v in w.items()} for name, w in NETWORKS.items()}
    return {"names": list(WEIGHT_NAMES), "weights": as_json[START], "networks": as_json,
            "solution": SOLUTION, "reset": START, "range": list(SLIDER_RANGE),
            "limits": list(LIMITS), "alt": ALT}


def xor_playground(resolution=120):
    """A 2-2-1 step network with a slider for each of its nine weights, checked against XOR.

    Parameters
    ----------
    resolution : int, default 121
        Grid points per axis of the decision-region image.

    Returns
    -------
    nnkit.widgets.base.Explorer
        Controls named as in ``WEIGHT_NAMES``; buttons "Show a solution" and "Reset". On the
        book's page it is the live browser version (see :func:`live_config`).

    Taught in: chapter 3, "Logic gates, XOR and building complexity" (chapters/03-logic-gates).
    """
    t = np.linspace(*LIMITS, resolution)
    grid = np.column_stack([g.ravel() for g in np.meshgrid(t, t)])
    alt = ALT

    def render(**weights):
        w = dict(NETWORKS[SOLUTION])
        w.update(weights)
        net = xor_network(**w)
        labels = net.predict(grid).reshape(resolution, resolution)
        lines = [boundary_points(w[f"{u}_wA"], w[f"{u}_wB"], w[f"{u}_b"]) for u in ("h1", "h2")]
        numbers = ", ".join(f"{name} = {w[name]:+.1f}" for name in WEIGHT_NAMES)
        return ('<div style="display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start">'
                f'<div style="max-width:300px">{regions_svg(labels, lines, alt)}{_LEGEND}</div>'
                f'<div style="max-width:340px">{table_html(playground_table(net))}'
                f'<p style="font-size:smaller">{numbers}</p></div></div>')

    start = NETWORKS[START]
    controls = {name: widgets.FloatSlider(value=start[name], min=SLIDER_RANGE[0],
                                          max=SLIDER_RANGE[1], step=0.1, description=name,
                                          continuous_update=False, readout_format="+.1f")
                for name in WEIGHT_NAMES}
    show = widgets.Button(description="Show a solution", button_style="success")
    reset = widgets.Button(description="Reset")
    explorer = _BatchExplorer(controls, render, alt=alt, buttons=(show, reset),
                              live=("xor_playground", live_config()))

    def set_network(name):
        with explorer.holding():
            for key, value in NETWORKS[name].items():
                controls[key].value = value

    show.on_click(lambda _: set_network(SOLUTION))
    reset.on_click(lambda _: set_network(START))
    explorer.set_network = set_network
    return explorer
