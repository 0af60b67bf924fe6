"""The perceptron rule stepper: watch Rosenblatt's rule pick points and move the boundary.

The widget replays a recorded run of the rule (:func:`nnkit.perceptron.rule_steps`, the loop
of :meth:`nnkit.perceptron.Perceptron.fit`) on a small 2-D data set. A step slider chooses how
many picks have been made; the figure shows the point just picked, the boundary before the
pick (dashed) and after it (solid), and the update w ← w ± x, or "no update". On separable
points the run ends when every point is right; on XOR it never does.

On the book's web page the stepper runs in the browser (``_ext/static/live/perceptron_stepper.js``,
started from :func:`live_config`): there the reader can also add points of either class and
draw new start weights and picks with a new seed; the tests hold its rule equal to
:func:`nnkit.perceptron.update`.

Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
"""
import html

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Polygon

from nnkit import datasets, perceptron, plotting
from nnkit._validation import as_int, check_choice
from nnkit.widgets import base

__all__ = ["SEED", "N_STEPS", "stepper_data", "stepper_trace", "half_box", "describe_step", "ALT",
           "LIVE_PICKS", "live_config", "StepperView", "stepper_runs", "perceptron_stepper"]

#: The seed of the separable points, the starting weights and the picks.
SEED = 3

#: Picks recorded per data set (the slider's range, and the static twin's frames).
N_STEPS = 40


def stepper_data(dataset):
    """The points, labels and starting weights the stepper uses for a data set.

    Parameters
    ----------
    dataset : {"separable", "XOR"}
        Twelve linearly separable points in [−1, 1]², or XOR on the corners (±1, ±1) of that
        square (label 1 where exactly one coordinate is +1).

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of int, shape (n_samples,)
    w_start : ndarray of shape (3,)
        Starting extended weights (w0, w1, w2), drawn from N(0, 1) with seed ``SEED``.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    dataset = check_choice(dataset, "dataset", ("separable", "XOR"))
    if dataset == "XOR":
        X, y = datasets.logic_table("XOR")
        X = 2.0 * X - 1.0  # the corners (±1, ±1), centred like the separable points
    else:
        X, y = datasets.make_linearly_separable(n_samples=12, margin=0.2, random_state=SEED)
    w_start = perceptron.Perceptron.random(2, random_state=SEED).extended_weights
    return X, y, w_start


def stepper_trace(dataset, n_steps=N_STEPS):
    """The recorded run of the perceptron rule that the stepper replays.

    Parameters
    ----------
    dataset : {"separable", "XOR"}
    n_steps : int, default ``N_STEPS``
        At most this many picks are recorded (fewer when the rule converges first).

    Returns
    -------
    list of nnkit.perceptron.RuleStep
        The first ``n_steps`` picks of ``rule_steps(X, y, w_start, random_state=SEED)``.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    n_steps = as_int(n_steps, "n_steps", minimum=1)
    X, y, w_start = stepper_data(dataset)
    steps = perceptron.rule_steps(X, y, w_start, max_epochs=n_steps, random_state=SEED)
    return [step for _, step in zip(range(n_steps), steps)]


def _fmt(w):
    return "(" + ", ".join(f"{v:+.2f}" for v in w) + ")"


def half_box(weights, lim):
    """The part of the square ``lim × lim`` where w0 + w1·x1 + w2·x2 ≥ 0 (a step output of 1).

    Parameters
    ----------
    weights : array-like of shape (3,)
        Extended weights (w0, w1, w2).
    lim : pair of float
        The square's side, (low, high).

    Returns
    -------
    ndarray of shape (n_corners, 2)
        The corners of that convex region in order round it; no rows when it is empty.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    w0, w1, w2 = np.asarray(weights, dtype=float)
    lo, hi = lim
    square = [(lo, lo), (hi, lo), (hi, hi), (lo, hi)]
    corners = []
    for p, q in zip(square, square[1:] + square[:1]):  # clip each side of the square
        zp, zq = (w0 + w1 * v[0] + w2 * v[1] for v in (p, q))
        if zp >= 0:
            corners.append(p)
        if (zp >= 0) != (zq >= 0):
            t = zp / (zp - zq)
            corners.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return np.array(corners, dtype=float).reshape(-1, 2)


def describe_step(trace, step, w_start):
    """In words: what the rule did at a given step of a trace.

    Parameters
    ----------
    trace : list of nnkit.perceptron.RuleStep
    step : int
        How many picks have been made, 0 to ``len(trace)``; larger values mean the end.
    w_start : array-like of shape (3,)
        The weights before the first pick.

    Returns
    -------
    str
        Two lines: the pick and its test, then the update (or "no update").

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    step = min(as_int(step, "step", minimum=0), len(trace))
    if step == 0:
        return f"start: random weights w = {_fmt(w_start)}\nstep forward to pick a point"
    s = trace[step - 1]
    sign = "≥" if s.z >= 0 else "<"
    head = (f"pick {step}: point {s.index} (class {s.label}), "
            f"z = wᵀx = {s.z:+.2f} {sign} 0")
    if not s.updated:
        tail = "correct: no update"
    else:
        tail = f"w ← w {'+' if s.label == 1 else '−'} x: {_fmt(s.w_before)} → {_fmt(s.w_after)}"
    if s.converged:
        tail += "\nevery point is right: the rule stops"
    return f"{head}\n{tail}"


#: Text alternative of the stepper's figure.
ALT = ("Points of two classes in the plane, the perceptron's decision boundary as a line "
       "splitting the plane into two shaded regions, the point picked at this step circled,"
       " the text below says what the rule did.")

#: The book's picks handed to the page, per data set (the page draws its own after these).
LIVE_PICKS = 200


def live_config():
    """The start state of the page's live stepper: both data sets, the book's start weights and
    the book's first picks (so that with seed ``SEED`` the page replays the run of
    :func:`stepper_trace`).

    Returns
    -------
    dict
        ``datasets`` (name → ``X``, ``y``, ``order``), ``dataset``, ``w_start``, ``seed``,
        ``lim`` (the plotted square) and ``alt``.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    data = {}
    for name in ("separable", "XOR"):
        X, y, w_start = stepper_data(name)
        order = [step.index for step in stepper_trace(name, LIVE_PICKS)]
        data[name] = {"X": X.tolist(), "y": [int(v) for v in y], "order": order}
    return {"datasets": data, "dataset": "separable", "w_start": w_start.tolist(), "seed": SEED,
            "lim": [-1.25, 1.25], "alt": ALT}


class StepperView:
    """The stepper's figure: the axes drawn once, then only what a step changes.

    Redrawing a whole figure (ticks, labels, legend) for every step is slow; the axes are drawn
    once into a background image, and each step restores it and draws the changing artists on
    top (blitting, by :class:`nnkit.widgets.base.BlitView`).

    Parameters
    ----------
    runs : dict
        Data set name → ``(X, y, w_start, trace)``, as from :func:`stepper_data` and
        :func:`stepper_trace`.

    Attributes
    ----------
    fig : matplotlib Figure
    artists : dict of matplotlib Artist
        The changing artists: ``"region 0"``, ``"region 1"`` (shaded half-planes),
        ``"class 0"``, ``"class 1"`` (the points), ``"ring"`` (the picked point),
        ``"before"`` and ``"after"`` (the boundary before and after the pick).
    text : str
        What the rule did at the step shown (:func:`describe_step`).

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """

    def __init__(self, runs):
        self.runs = runs
        fig, ax = base.new_figure(5.4, 3.9)
        fig.subplots_adjust(left=0.13, right=0.97, bottom=0.14, top=0.89)
        lim = (-1.25, 1.25)
        self.lim = lim
        a = {}
        for k in (0, 1):
            a[f"region {k}"] = ax.add_patch(Polygon(np.zeros((3, 2)), closed=True, alpha=0.2,
                                                    color=plotting.PALETTE[k], linewidth=0))
        for k in (0, 1):
            a[f"class {k}"] = ax.scatter([], [], s=40, color=plotting.PALETTE[k],
                                         marker=plotting.MARKERS[k], edgecolor="white",
                                         linewidth=0.5, zorder=3, label=f"class {k}")
        a["ring"] = ax.scatter([], [], s=220, facecolor="none", edgecolor="black",
                               linewidth=1.8, zorder=4, label="picked")
        (a["before"],) = ax.plot([], [], color="0.4", linestyle="--", linewidth=1.2,
                                 label="boundary before")
        (a["after"],) = ax.plot([], [], color="black", linewidth=2, label="boundary after")
        ax.set(xlim=lim, ylim=lim, xlabel="$x_1$", ylabel="$x_2$")
        # one row across the top, in letters of at least base.MIN_TEXT_PX pixels (issue 18)
        fig.legend(*ax.get_legend_handles_labels(), loc="upper center",
                   bbox_to_anchor=(0.5, 1.0), ncol=5, fontsize=9, handlelength=1.5,
                   handletextpad=0.3, columnspacing=0.8)
        self.fig, self.ax, self.artists = fig, ax, a
        self.blit = base.BlitView(fig, a.values())  # the artists are left out of the background
        self.text = ""
        self._frames = {}

    def update(self, dataset, step):
        """Set the artists' data and :attr:`text` for a data set and step (no drawing).

        Parameters
        ----------
        dataset : str
            A key of ``runs``.
        step : int
            Picks made; values past the end of the trace show its end.
        """
        X, y, w_start, trace = self.runs[dataset]
        a, lim, shown = self.artists, self.lim, min(step, len(trace))
        w_now = trace[shown - 1].w_after if shown else w_start
        for k in (0, 1):
            a[f"class {k}"].set_offsets(X[y == k])
        for k, w in ((0, -w_now), (1, w_now)):
            corners = half_box(w, lim)
            a[f"region {k}"].set_visible(len(corners) > 0)
            a[f"region {k}"].set_xy(corners if len(corners) else np.zeros((3, 2)))
        a["after"].set_data(*perceptron.boundary_segment(w_now, lim, lim))
        moved = shown and trace[shown - 1].updated
        a["before"].set_data(*(perceptron.boundary_segment(trace[shown - 1].w_before, lim, lim)
                               if moved else np.full((2, 2), np.nan)))
        a["ring"].set_offsets(X[[trace[shown - 1].index]] if shown else np.empty((0, 2)))
        self.text = describe_step(trace, step, w_start)

    def png(self):
        """The figure as it stands, as PNG bytes (at most 32 colours: flat areas and lines).

        Returns
        -------
        bytes
        """
        return self.blit.png(colors=32)

    def draw(self, dataset, step):
        """The figure of a data set and step, as PNG bytes: the stepper's figure function.

        A step's frame never changes, so each is drawn once and kept; the artists and
        :attr:`text` are still updated on every call, so the figure always matches what is
        shown.

        Parameters
        ----------
        dataset : str
            A key of ``runs``.
        step : int
            Picks made.

        Returns
        -------
        bytes
        """
        self.update(dataset, step)
        key = (dataset, min(step, len(self.runs[dataset][3])))
        if key not in self._frames:
            self._frames[key] = self.png()
        return self._frames[key]


def stepper_runs(n_steps=N_STEPS):
    """The recorded runs the stepper shows, for both data sets.

    Parameters
    ----------
    n_steps : int, default ``N_STEPS``
        Picks recorded per data set.

    Returns
    -------
    dict
        ``"separable"`` and ``"XOR"`` → ``(X, y, w_start, trace)``, for :class:`StepperView`.

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    runs = {}
    for name in ("separable", "XOR"):
        X, y, w_start = stepper_data(name)
        runs[name] = (X, y, w_start, stepper_trace(name, n_steps))
    return runs


def perceptron_stepper(n_steps=N_STEPS):
    """Perceptron rule stepper: step, run or reset the rule and watch the boundary move.

    Controls: the data set (separable or XOR) and the step (how many picks have been made);
    the buttons move the step by one, to the end, or back to the start.

    Parameters
    ----------
    n_steps : int, default ``N_STEPS``
        Picks recorded per data set.

    Returns
    -------
    nnkit.widgets.base.Explorer
        Its attribute ``view`` is the :class:`StepperView` it draws. On the book's page, the
        live browser version (see :func:`live_config`).

    Taught in: chapter 2, "The perceptron" (chapters/02-perceptron).
    """
    n_steps = as_int(n_steps, "n_steps", minimum=1, maximum=70)
    runs = stepper_runs(n_steps)
    view = StepperView(runs)

    def render(dataset, step):
        # the description is HTML text under the image: quicker than drawing it, and screen
        # readers read it
        png = view.draw(dataset, step)
        return (base.png_img(png, ALT)
                + f'<pre class="nnkit-stepper-text">{html.escape(view.text)}</pre>')

    controls = {
        "dataset": widgets.Dropdown(options=["separable", "XOR"], value="separable",
                                    description="data set"),
        "step": widgets.IntSlider(0, min=0, max=n_steps, description="step"),
    }

    def move(to):
        def click(_):
            controls["step"].value = to(controls["step"].value)
        return click

    buttons = []
    for label, to in (("step", lambda v: min(v + 1, n_steps)),
                      ("run", lambda v: len(runs[controls["dataset"].value][3])),
                      ("reset", lambda v: 0)):
        button = widgets.Button(description=label)
        button.on_click(move(to))
        buttons.append(button)
    explorer = base.Explorer(controls, render, alt=ALT, buttons=buttons,
                             live=("perceptron_stepper", live_config()))
    explorer.view = view
    return explorer
