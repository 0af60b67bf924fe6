"""What every widget of the book shares: the live explorer and its static twin.

A widget is three plain parts and a view:

* **controls** — ipywidgets sliders, dropdowns and toggles, by name;
* **an update function** ``render(**values)`` — computes the state for the controls' values and
  returns a matplotlib figure (or an HTML string) showing it. It is plain Python: tests call it
  without a browser, and benchmarks time it;
* **a static twin** — the same ``render`` evaluated for a grid of control values ahead of time
  and written into the page with a few lines of JavaScript (:func:`static_player`), so the
  controls still work on the static web page, where there is no kernel.

:class:`Explorer` puts them together. Displayed in JupyterLab (or Binder, or Colab) it is the
live widget; the book's HTML build drops the live view (which needs a kernel) and shows the
static twin from the same output.

Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
(chapters/01-patterns-and-dimensionality), and every chapter with a widget.
"""
import base64
import hashlib
import html
import io
import itertools
import json
import time

import ipywidgets as widgets
import matplotlib.figure
import numpy as np

#: Resolution of the PNG images the widgets show (live and static).
DPI = 80

_PLAYER_JS = """
(function () {
  const root = document.getElementById("%(id)s");
  const data = JSON.parse(root.querySelector("script.nnkit-static-data").textContent);
  const inputs = Array.from(root.querySelectorAll("[data-control], [data-fixed]"));
  const frame = root.querySelector(".nnkit-static-frame");
  function show() {
    const key = inputs.map(function (input, i) {
      const out = root.querySelector("output[data-for='" + input.id + "']");
      if (out) { out.textContent = data.labels[i][Number(input.value)]; }
      return input.value;
    }).join("-");
    frame.innerHTML = data.frames[key];
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  root.querySelectorAll("button[data-play]").forEach(function (button) {
    const input = document.getElementById(button.dataset.play);
    let timer = null;
    button.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; button.textContent = "Play"; return; }
      button.textContent = "Pause";
      timer = setInterval(function () {
        if (Number(input.value) >= Number(input.max)) {
          clearInterval(timer); timer = null; button.textContent = "Play"; return;
        }
        input.value = Number(input.value) + 1;
        show();
      }, %(interval)d);
    });
  });
  show();
})();
"""


def figure_to_png(fig, dpi=DPI):
    """Render a matplotlib figure to PNG bytes (the widgets' image format).

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
    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _as_html(output, alt):
    """An update function's output as an HTML fragment (figures become inline PNGs)."""
    if isinstance(output, matplotlib.figure.Figure):
        data = base64.b64encode(figure_to_png(output)).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
    if isinstance(output, str):
        return output
    raise TypeError("an update function must return a matplotlib Figure or an HTML string,"
                    f" got {type(output).__name__}")


def static_player(render, grid, alt, play=None, interval=500):
    """The static twin of a widget: ``render`` precomputed on a grid of control values.

    Every combination of the values in ``grid`` is rendered once, in Python, when the cell
    runs. The returned HTML holds those frames and one native HTML control per entry of
    ``grid`` (a slider, or a drop-down for text choices); a few lines of JavaScript show the
    frame that matches the controls. It needs no kernel, no network and no library.

    Parameters
    ----------
    render : callable
        ``render(**values)`` returns a matplotlib Figure or an HTML string.
    grid : dict
        Control name → list of ``(label, value)`` pairs, or of plain values (labelled by
        ``str(value)``). At most 400 frames in all.
    alt : str
        Text alternative of every frame's image, for readers who cannot see it.
    play : str or None
        Name of a slider that also gets a Play button (for steppers).
    interval : int, default 500
        Milliseconds between frames when playing.

    Returns
    -------
    str
        An HTML fragment, deterministic for the same frames.

    Taught in: chapter 1, "Patterns, structure and the curse of dimensionality"
    (chapters/01-patterns-and-dimensionality).
    """
    if not callable(render):
        raise TypeError(f"render must be callable, got {type(render).__name__}")
    if not isinstance(grid, dict) or not grid:
        raise TypeError("grid must be a non-empty dict: control name -> list of values")
    options = {name: [v if isinstance(v, tuple) and len(v) == 2 else (str(v), v) for v in values]
               for name, values in grid.items()}
    if any(not values for values in options.values()):
        raise ValueError("every control in grid needs at least one value")
    n_frames = 1
    for values in options.values():
        n_frames *= len(values)
    if n_frames > 400:
        raise ValueError(f"grid has {n_frames} combinations; at most 400 keep the page light")
    if play is not None and play not in options:
        raise ValueError(f"play must name a control of grid ({sorted(options)}), got {play!r}")
    names = list(options)
    frames = {}
    for index in itertools.product(*(range(len(options[name])) for name in names)):
        values = {name: options[name][i][1] for name, i in zip(names, index)}
        frames["-".join(map(str, index))] = _as_html(render(**values), alt)
    digest = hashlib.sha1(json.dumps(frames, sort_keys=True).encode()).hexdigest()[:10]
    uid = f"nnkit-static-{digest}"
    return _player_html(uid, names, options, frames, play, interval)


def _player_html(uid, names, options, frames, play, interval):
    controls = []
    for i, name in enumerate(names):
        labels = [label for label, _ in options[name]]
        cid = f"{uid}-{i}"
        if len(labels) == 1:  # fixed in the static version: shown, not offered as a control
            controls.append(f'{html.escape(name)}: {html.escape(labels[0])}'
                            f'<input type="hidden" id="{cid}" data-fixed value="0">')
            continue
        if all(_is_number(label) for label in labels):
            control = (f'<input type="range" id="{cid}" data-control min="0" '
                       f'max="{len(labels) - 1}" step="1" value="0"> '
                       f'<output data-for="{cid}">{html.escape(labels[0])}</output>')
        else:
            choices = "".join(f'<option value="{j}">{html.escape(label)}</option>'
                              for j, label in enumerate(labels))
            control = f'<select id="{cid}" data-control>{choices}</select>'
        button = (f' <button type="button" data-play="{cid}">Play</button>'
                  if name == play else "")
        controls.append(f'<label for="{cid}">{html.escape(name)}</label> {control}{button}')
    data = json.dumps({"labels": [[label for label, _ in options[n]] for n in names],
                       "frames": frames}, sort_keys=True).replace("</", "<\\/")
    script = _PLAYER_JS % {"id": uid, "interval": interval}
    return (f'<div class="nnkit-static" id="{uid}">'
            f'<div class="nnkit-static-controls">{"<br>".join(controls)}</div>'
            f'<div class="nnkit-static-frame"></div>'
            f'<p class="nnkit-static-note"><em>Static version: every setting was computed '
            f'in advance. Run this notebook (launch button above) for the live widget.</em></p>'
            f'<script type="application/json" class="nnkit-static-data">{data}</script>'
            f'<script>{script}</script></div>')


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


def _is_number(label):
    try:
        float(label)
    except ValueError:
        return False
    return True


class Explorer(widgets.VBox):
    """A live widget (controls above a figure) that carries its static twin.

    Parameters
    ----------
    controls : dict
        Name → ipywidgets value widget (slider, dropdown, toggle...). Their values are passed
        to ``render`` by name whenever one changes.
    render : callable
        The update function, ``render(**values)`` → matplotlib Figure or HTML string.
    static_grid : dict or None
        Control values to precompute for the static page (see :func:`static_player`);
        None: no static twin.
    alt : str
        Text alternative of the figure.
    buttons : sequence of ipywidgets.Button, default ()
        Extra buttons shown under the controls (their handlers usually set control values).
    play : str or None
        Passed to :func:`static_player`.
    live : tuple (name, config) or None
        The widget's live page version (see :func:`live_html`); when given, the page shows it
        instead of the static twin.

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

    def __init__(self, controls, render, static_grid=None, alt="", buttons=(), play=None,
                 live=None):
        if not isinstance(controls, dict):
            raise TypeError("controls must be a dict: name -> ipywidgets value widget")
        if not callable(render):
            raise TypeError(f"render must be callable, got {type(render).__name__}")
        self.controls = controls
        self._render = render
        self._static_grid = static_grid
        self._alt = alt
        self._play = play
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

    def static_html(self):
        """The static twin of this explorer (see :func:`static_player`).

        Returns
        -------
        str or None
            None when the explorer has no ``static_grid``.
        """
        if self._static_grid is None:
            return None
        return static_player(self._render, self._static_grid, self._alt, play=self._play)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"{type(self).__name__}: an interactive widget; run the notebook"
                                " to use it")
        static = (live_html(*self._live, self._alt) if self._live is not None
                  else self.static_html())
        if static is not None:
            bundle["text/html"] = static
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
