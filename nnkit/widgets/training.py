"""The training explorer: train a small network on two spirals and watch what goes wrong.

Pick the learning rate, batch size, hidden units and layers, optimizer, initialisation and
hidden activation; move the *epochs* slider (or press Play) to train. The figure shows the
decision regions, the training loss curve and the size of each layer's weight gradient, and a
line of text names the failure the reader is looking at: identical hidden units (zero
initialisation), divergence (a learning rate far too large), vanishing gradients (deep
sigmoid layers) or a loss that has stopped falling.

On the book's web page the same explorer runs in the reader's browser
(``_ext/static/live/training.js``, with nnkit's formulas); this module gives it its data and
start settings (:func:`live_config`).

Training is the slow part, so it is done in small increments: every setting keeps its own
:class:`TrainingRun`, cached, and an update trains at most a fixed number of gradient steps
further (about 30 ms). Moving the slider back shows a stored snapshot.

Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
"""
import html

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker
from matplotlib.colors import LinearSegmentedColormap

from nnkit import datasets
from nnkit._validation import as_int, check_choice
from nnkit.mlp import MLP
from nnkit.plotting import MARKERS, PALETTE
from nnkit.training import OPTIMIZERS, identical_hidden_units
from nnkit.widgets import base

__all__ = ["STEPS_PER_UPDATE", "VANISHING_RATIO", "DIVERGENCE_FACTOR", "STUCK_EPOCHS",
           "STUCK_FRACTION", "MAX_EPOCHS", "EPOCH_STEP", "LEARNING_RATES", "HIDDEN_UNITS",
           "HIDDEN_LAYERS", "BATCH_SIZES", "INITS", "ACTIVATIONS", "ALT", "spiral_data",
           "TrainingRun", "describe", "TrainingView", "training_explorer", "live_config"]

#: Gradient steps one live update may take (keeps an update well under 50 ms).
STEPS_PER_UPDATE = 10
#: A first layer whose gradient is this many times smaller than the last's is "vanishing".
VANISHING_RATIO = 20.0
#: Training counts as diverged when the loss exceeds this many times its starting value.
DIVERGENCE_FACTOR = 10.0
#: After this many epochs, a loss above STUCK_FRACTION times that of the best constant guess
#: (the class shares everywhere, ln 2 for the balanced spirals) is reported as stuck.
STUCK_EPOCHS = 10
STUCK_FRACTION = 0.95
MAX_EPOCHS = 100
EPOCH_STEP = 10
LEARNING_RATES = (0.001, 0.01, 0.1, 1.0, 10.0, 100.0)
HIDDEN_UNITS = (2, 8, 16)
HIDDEN_LAYERS = (1, 2, 3, 4)
BATCH_SIZES = (30, 60, 120)
INITS = ("he", "xavier", "zeros")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
ALT = ("Three panels for the chosen training settings: the decision regions of the network "
       "over the two spirals, the training loss against epochs (cut with a cross where training "
       "diverged), and the gradient norm of each layer on a log scale; a status line names "
       "symmetry, divergence or vanishing gradients.")
_GRID = 50  # decision regions are evaluated on a _GRID × _GRID mesh


def spiral_data():
    """The explorer's data: 120 points on two spirals of one turn each (seeded).

    Returns
    -------
    X : ndarray of shape (120, 2)
    y : ndarray of int, shape (120,)

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    return datasets.make_spirals(n_samples=120, n_turns=1.0, noise=0.05, random_state=0)


def _mesh_limits(X, padding=0.3):
    """The plotted area around the data: ((x_min, x_max), (y_min, y_max))."""
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    return (lo[0], hi[0]), (lo[1], hi[1])


class TrainingRun:
    """One network being trained on the spirals, epoch by epoch, with snapshots.

    Parameters
    ----------
    learning_rate : float
    batch_size : int
        Between 1 and 120 (120: full batch).
    hidden_units : int
        Units in every hidden layer.
    hidden_layers : int
        Number of hidden layers.
    optimizer : {"sgd", "momentum", "adam"}
    init : {"he", "xavier", "zeros"}
    activation : {"sigmoid", "tanh", "relu"}
        Hidden activation; the output is one sigmoid unit.
    random_state : int, default 0
        Seeds the weights and the shuffling.

    Attributes
    ----------
    epochs_done : int
        Epochs trained so far.
    losses : list of float
        Training loss after each epoch, ``losses[0]`` before training.
    diverged_at : int or None
        The epoch in which the loss became infinite or NaN, or grew above
        ``DIVERGENCE_FACTOR`` times its starting value (training stops there).
    snapshots : dict
        Epoch → dict with ``regions`` (P(class 1) on the mesh, shape (50, 50)),
        ``gradient_norms`` (one per layer), ``identical`` (hidden units all copies) and
        ``accuracy``.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, learning_rate, batch_size, hidden_units, hidden_layers, optimizer,
                 init, activation, random_state=0):
        self.X, self.y = spiral_data()
        self.learning_rate = learning_rate
        self.batch_size = as_int(batch_size, "batch_size", 1, len(self.y))
        self.opt = OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)](learning_rate)
        check_choice(init, "init", INITS)
        hidden_layers = as_int(hidden_layers, "hidden_layers", minimum=1)
        hidden_units = as_int(hidden_units, "hidden_units", minimum=1)
        self.model = MLP([2] + [hidden_units] * hidden_layers + [1],
                         hidden_activation=check_choice(activation, "activation", ACTIVATIONS),
                         output="sigmoid", init=init, random_state=random_state)
        self.rng = np.random.default_rng(random_state)
        self.epochs_done = 0
        self.losses = [self.model.loss(self.X, self.y)]
        self.diverged_at = None
        self.snapshots = {}
        self._snapshot()

    def _snapshot(self):
        (x0, x1), (y0, y1) = _mesh_limits(self.X)
        g0, g1 = np.meshgrid(np.linspace(x0, x1, _GRID), np.linspace(y0, y1, _GRID))
        mesh = np.column_stack([g0.ravel(), g1.ravel()])
        self.snapshots[self.epochs_done] = {
            "regions": self.model.predict_proba(mesh).reshape(_GRID, _GRID),
            "gradient_norms": self.model.gradient_norms(self.X, self.y),
            "identical": all(identical_hidden_units(self.model)),
            "accuracy": self.model.score(self.X, self.y),
        }

    def advance(self, target_epoch, max_steps=None):
        """Train towards ``target_epoch``, stopping early after ``max_steps`` gradient steps.

        Parameters
        ----------
        target_epoch : int
            The epoch to reach.
        max_steps : int or None
            Budget of gradient steps for this call (None: no limit). At least one epoch is
            trained when the target is not reached yet.

        Returns
        -------
        int
            The epoch reached (``epochs_done``).

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        target_epoch = as_int(target_epoch, "target_epoch", minimum=0)
        steps_per_epoch = -(-len(self.y) // self.batch_size)
        steps = 0
        with np.errstate(over="ignore", invalid="ignore"):
            while self.epochs_done < target_epoch and self.diverged_at is None:
                if max_steps is not None and steps and steps + steps_per_epoch > max_steps:
                    break
                try:
                    history = self.model.fit(self.X, self.y, epochs=1,
                                             learning_rate=self.learning_rate,
                                             batch_size=self.batch_size, optimizer=self.opt,
                                             random_state=self.rng)
                except ValueError as err:
                    if "diverged" not in str(err):
                        raise
                    self.diverged_at = self.epochs_done + 1
                    break
                self.losses.append(history["loss"][-1])
                self.epochs_done += 1
                steps += steps_per_epoch
                if self.losses[-1] > DIVERGENCE_FACTOR * self.losses[0]:
                    self.diverged_at = self.epochs_done
                    self._snapshot()
        if self.diverged_at is None and self.epochs_done not in self.snapshots:
            self._snapshot()
        return self.epochs_done

    def view(self, epoch):
        """What to show at ``epoch``: the latest snapshot at or before it.

        Parameters
        ----------
        epoch : int

        Returns
        -------
        (int, dict)
            The snapshot's epoch and the snapshot (see ``snapshots``).

        Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
        """
        shown = max(e for e in self.snapshots if e <= max(epoch, 0))
        return shown, self.snapshots[shown]


def describe(run, epoch, shown):
    """The status line under the explorer: progress, and the failure it shows, if any.

    Parameters
    ----------
    run : TrainingRun
    epoch : int
        The epoch the reader asked for.
    shown : int
        The epoch actually shown (less when training has not got there yet).

    Returns
    -------
    str

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    snapshot = run.snapshots[shown]
    lines = [f"epoch {shown}: loss {run.losses[shown]:.3f}, "
             f"accuracy {snapshot['accuracy']:.0%}"]
    diverged = run.diverged_at is not None and epoch >= run.diverged_at
    if diverged:
        lines.append(f"DIVERGED in epoch {run.diverged_at}: the loss exploded "
                     f"(over {DIVERGENCE_FACTOR:g}x its start, or infinite). "
                     "The learning rate is too large.")
    elif shown < epoch:
        lines.append(f"trained to epoch {shown} of {epoch}: press Continue to train on")
    if snapshot["identical"] and len(run.model.layer_sizes) > 2:
        lines.append("SYMMETRY: all hidden units are identical (zero initialisation) and stay so.")
    # Vanishing gradients are a property of the layers' activations, so they are named only for
    # a network that trains (not one that diverged: its saturated units are the divergence's
    # doing), not for identical units (zero weights give layer 1 no gradient at all: that is
    # symmetry), and, once named at the start, they stay named with today's ratio.
    start = run.snapshots[0]
    if not diverged and _vanishing(snapshot):
        lines.append(f"VANISHING GRADIENTS: layer 1's gradient is "
                     f"{_ratio(snapshot['gradient_norms']):.0e} times smaller than the last "
                     "layer's.")
    elif not diverged and _vanishing(start):
        lines.append(f"VANISHING GRADIENTS at the start: layer 1's gradient was "
                     f"{_ratio(start['gradient_norms']):.0e} times smaller than the last layer's "
                     f"(now {_ratio(snapshot['gradient_norms']):.1f} times).")
    share = float(np.mean(run.y))
    guess = -(share * np.log(share) + (1 - share) * np.log(1 - share))  # a constant guess's loss
    if not diverged and shown >= STUCK_EPOCHS and run.losses[shown] > STUCK_FRACTION * guess:
        lines.append(f"STUCK: the loss is no better than a constant guess of the class shares "
                     f"({guess:.3f}): the network has learned nothing yet.")
    return "\n".join(lines)


def _ratio(norms):
    """How many times smaller layer 1's gradient is than the last layer's."""
    return norms[-1] / max(norms[0], 1e-300)


def _vanishing(snapshot):
    norms = snapshot["gradient_norms"]
    return (not snapshot["identical"] and norms[-1] > 0
            and norms[0] < norms[-1] / VANISHING_RATIO)


class TrainingView:
    """The explorer's figure: three panels drawn once, then only what an update changes.

    Decision regions over the spirals, the training loss against epochs (log scale, cut with
    a cross where training diverged) and each layer's weight-gradient norm (log scale). Axes,
    ticks and titles are drawn once into a background image; :meth:`update` sets the data of
    the moving artists and :meth:`png` draws them over the background (blitting, by
    :class:`nnkit.widgets.base.BlitView`), which keeps an update fast.

    Parameters
    ----------
    max_epochs : int, default 100
        Right end of the loss panel's epoch axis.

    Attributes
    ----------
    fig : matplotlib Figure
    artists : dict of matplotlib Artist
        ``regions`` (the image of P(class 1)), ``curve`` (the loss), ``cut`` (the cross where
        training diverged) and ``bars`` (one line drawing a vertical bar per layer).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """

    def __init__(self, max_epochs=MAX_EPOCHS):
        max_epochs = as_int(max_epochs, "max_epochs", minimum=EPOCH_STEP)
        X, y = spiral_data()
        fig, (ax_regions, ax_loss, ax_grad) = base.new_figure(width=8.4, height=2.6, ncols=3)
        fig.subplots_adjust(left=0.085, right=0.985, bottom=0.19, top=0.9, wspace=0.42)
        # P(class 1) → colour by a lookup table, so the image gets ready RGBA bytes (no colormap
        # and normalisation work per update)
        cmap = LinearSegmentedColormap.from_list("p_class_1",
                                                 [PALETTE[0], "#f7f7f7", PALETTE[1]])
        lut = (255 * (0.35 * cmap(np.linspace(0, 1, 256)) + 0.65)).astype(np.uint8)  # on white
        lut[:, 3] = 255
        self._lut = lut
        (x0, x1), (y0, y1) = _mesh_limits(X)
        image = ax_regions.imshow(np.zeros((_GRID, _GRID, 4), np.uint8), origin="lower",
                                  extent=(x0, x1, y0, y1), aspect="auto", interpolation="nearest")
        points = [ax_regions.scatter(*X[y == k].T, s=10, color=PALETTE[k], marker=MARKERS[k],
                                     edgecolor="white", linewidth=0.3) for k in (0, 1)]
        ax_regions.set(xlabel="x1", ylabel="x2", xlim=(x0, x1), ylim=(y0, y1))
        (curve,) = ax_loss.plot([], [], color=PALETTE[0])
        (cut,) = ax_loss.plot([], [], "x", color=PALETTE[3], markersize=10, mew=2)
        ax_loss.set(xlim=(0, max_epochs), ylim=(1e-3, 100), yscale="log", xlabel="epoch",
                    ylabel="training loss")
        n_layers = max(HIDDEN_LAYERS) + 1
        # one line drawn as thick vertical strokes, a bar per layer (one artist draws faster)
        (bars,) = ax_grad.plot([], [], color=PALETTE[2], linewidth=14, solid_capstyle="butt")
        ax_grad.set(yscale="log", ylim=(1e-8, 10), xlabel="layer (1 = next to the input)",
                    ylabel="||dJ/dW||", xticks=np.arange(1, n_layers + 1),
                    xlim=(0.4, n_layers + 0.6))
        # Plain tick labels at fixed places and titles at a fixed height: drawing mathtext and
        # measuring labels for automatic title placement would cost most of an update.
        for ax, ticks in ((ax_loss, [1e-3, 1e-2, 1e-1, 1, 10, 100]),
                          (ax_grad, [1e-8, 1e-6, 1e-4, 1e-2, 1])):
            ax.yaxis.set_major_locator(ticker.FixedLocator(ticks))
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_locator(ticker.NullLocator())
        for ax, title in zip((ax_regions, ax_loss, ax_grad),
                             ("decision regions", "training loss", "gradient per layer")):
            ax.set_title(title, y=1.0, pad=4)
        self.fig = fig
        self.artists = {"regions": image, "curve": curve, "cut": cut, "bars": bars}
        # drawn in this order: the points over the regions
        self._blit = base.BlitView(fig, [image, *points, curve, cut, bars])

    def update(self, run, epochs):
        """Show a run at an epoch: its regions, loss curve and gradient bars (no drawing).

        Parameters
        ----------
        run : TrainingRun
        epochs : int
            The epoch the reader asked for; the latest snapshot at or before it is shown, and
            the loss curve ends with a cross at the divergence once ``epochs`` has passed it.

        Returns
        -------
        int
            The epoch shown (see :meth:`TrainingRun.view`).
        """
        a = self.artists
        shown, snapshot = run.view(epochs)
        a["regions"].set_data(self._lut[(255 * snapshot["regions"]).astype(int)])
        diverged = run.diverged_at is not None and epochs >= run.diverged_at
        last = run.epochs_done if diverged else shown
        losses = np.clip(run.losses[:last + 1], 1e-3, 100)
        a["curve"].set_data(np.arange(last + 1), losses)
        a["cut"].set_data(*(([run.diverged_at], [losses[-1]]) if diverged else ([], [])))
        norms = snapshot["gradient_norms"]
        layer = np.arange(1, len(norms) + 1)
        a["bars"].set_data(np.repeat(layer, 3),
                           np.column_stack([np.full(len(norms), 1e-8), np.clip(norms, 1e-8, 10),
                                            np.full(len(norms), np.nan)]).ravel())
        return shown

    def png(self):
        """The figure as it stands, as PNG bytes.

        Returns
        -------
        bytes
        """
        return self._blit.png(alpha=True, compress_level=1)

    def draw(self, run, epochs):
        """The figure of a run at an epoch, as PNG bytes: the explorer's figure function.

        Parameters
        ----------
        run : TrainingRun
        epochs : int

        Returns
        -------
        bytes
            The same bytes for the same run and epoch, whatever this view drew before.
        """
        self.update(run, epochs)
        return self.png()


def training_explorer(max_epochs=MAX_EPOCHS):
    """Backprop/training explorer: train a network on two spirals and watch it learn or fail.

    Controls: learning rate, batch size, hidden units, hidden layers, optimizer,
    initialisation (including all zeros), hidden activation and the epochs trained (with a
    Continue button to train further). Shown: decision regions, the training loss curve (cut
    where training diverges) and each layer's weight-gradient norm (log scale), with a status
    line naming identical hidden units, divergence, vanishing gradients or a stuck loss.

    Parameters
    ----------
    max_epochs : int, default 100
        Largest value of the epochs slider.

    Returns
    -------
    Explorer
        The widget; its ``runs`` attribute caches one :class:`TrainingRun` per setting
        (keyed by the control values other than epochs), ``view`` is the
        :class:`TrainingView` it draws and ``artists`` the view's moving artists. The status
        line is HTML text under the figure. On the book's web page it shows the version that
        trains in the browser (:func:`live_config` gives its start).

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    max_epochs = as_int(max_epochs, "max_epochs", minimum=EPOCH_STEP)
    n_samples = len(spiral_data()[1])
    view = TrainingView(max_epochs)
    runs = {}

    def render(learning_rate, batch_size, hidden_units, hidden_layers, optimizer, init,
               activation, epochs):
        key = (learning_rate, batch_size, hidden_units, hidden_layers, optimizer, init,
               activation)
        if key not in runs:
            runs[key] = TrainingRun(*key)
        run = runs[key]
        run.advance(epochs, STEPS_PER_UPDATE)
        png = view.draw(run, epochs)
        text = html.escape(describe(run, epochs, run.view(epochs)[0]))
        # pre-wrap: long status lines wrap instead of being cut off at the widget's edge
        return (base.png_img(png, ALT)
                + f'<pre class="nnkit-training-status" style="white-space: pre-wrap">{text}</pre>')

    lr_options = [(f"{rate:g}", rate) for rate in LEARNING_RATES]
    bs_options = [(f"{b}" if b < n_samples else f"{b} (full)", b) for b in BATCH_SIZES]
    controls = {
        "learning_rate": widgets.Dropdown(options=lr_options, value=1.0,
                                          description="learning rate"),
        "batch_size": widgets.Dropdown(options=bs_options, value=n_samples,
                                       description="batch size"),
        "hidden_units": widgets.Dropdown(options=HIDDEN_UNITS, value=8,
                                         description="hidden units"),
        "hidden_layers": widgets.Dropdown(options=HIDDEN_LAYERS, value=2,
                                          description="hidden layers"),
        "optimizer": widgets.Dropdown(options=list(OPTIMIZERS), value="momentum",
                                      description="optimizer"),
        "init": widgets.Dropdown(options=INITS, value="xavier", description="initialisation"),
        "activation": widgets.Dropdown(options=ACTIVATIONS, value="tanh",
                                       description="activation"),
        "epochs": widgets.IntSlider(value=0, min=0, max=max_epochs, step=EPOCH_STEP,
                                    description="epochs"),
    }
    play = widgets.Play(value=0, min=0, max=max_epochs, step=EPOCH_STEP, interval=400,
                        description="train")
    widgets.jslink((play, "value"), (controls["epochs"], "value"))
    proceed = widgets.Button(description="Continue", tooltip="train further towards the epochs")
    explorer = base.Explorer(controls, render, alt=ALT, buttons=(play, proceed),
                             live=("training_explorer", live_config(max_epochs)))
    proceed.on_click(lambda _: explorer.refresh())
    explorer.runs = runs
    explorer.view = view
    explorer.artists = view.artists
    return explorer


def live_config(max_epochs=MAX_EPOCHS):
    """What the page version of the explorer starts from (``_ext/static/live/training.js``).

    Parameters
    ----------
    max_epochs : int, default 100
        Largest value of the epochs slider.

    Returns
    -------
    dict
        Plain JSON: the spiral data ``X`` (nested lists) and ``y``, the start ``settings``
        (the live widget's defaults, with ``seed`` 0), the ``options`` of every control as
        (label, value) pairs, ``max_epochs``, the class colours ``palette`` and the thresholds
        ``vanishing_ratio``, ``divergence_factor``, ``stuck_epochs`` and ``stuck_fraction``
        that the status line uses.

    Taught in: chapter 6, "Training in practice" (chapters/06-training-in-practice).
    """
    max_epochs = as_int(max_epochs, "max_epochs", minimum=EPOCH_STEP)
    X, y = spiral_data()
    n = len(y)
    return {
        "X": X.tolist(), "y": y.tolist(), "max_epochs": max_epochs,
        "palette": list(PALETTE[:2]),
        "settings": {"learning_rate": 1.0, "batch_size": n, "hidden_units": 8,
                     "hidden_layers": 2, "optimizer": "momentum", "init": "xavier",
                     "activation": "tanh", "seed": 0},
        "options": {
            "learning_rate": [[f"{rate:g}", rate] for rate in LEARNING_RATES],
            "batch_size": [[f"{b}" if b < n else f"{b} (full)", b] for b in BATCH_SIZES],
            "hidden_units": [[str(u), u] for u in HIDDEN_UNITS],
            "hidden_layers": [[str(k), k] for k in HIDDEN_LAYERS],
            "optimizer": [[name, name] for name in OPTIMIZERS],
            "init": [[name, name] for name in INITS],
            "activation": [[name, name] for name in ACTIVATIONS],
        },
        "vanishing_ratio": VANISHING_RATIO, "divergence_factor": DIVERGENCE_FACTOR,
        "stuck_epochs": STUCK_EPOCHS, "stuck_fraction": STUCK_FRACTION,
    }
