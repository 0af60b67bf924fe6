"""How long a live widget takes to answer a reader who moves one control.

Each widget of the book is built once (as in its chapter); then one control at a time is set to
a random other value it offers, and the update (recompute, redraw, PNG or HTML encoding) is
timed with :func:`nnkit.widgets.base.time_updates`.
"""
import numpy as np
from ipywidgets import widgets

from nnkit.widgets import base
from nnkit.widgets.dimensionality import curse_explorer
from nnkit.widgets.grid import grid_detector
from nnkit.widgets.logic import xor_playground
from nnkit.widgets.perceptron import perceptron_stepper
from nnkit.widgets.training import training_explorer

WIDGETS = {  # name in the table -> (chapter, constructor)
    "curse_explorer": ("01", curse_explorer),
    "perceptron_stepper": ("02", perceptron_stepper),
    "xor_playground": ("03", xor_playground),
    "grid_detector": ("07", grid_detector),
    "training_explorer": ("06", training_explorer),
}


def choices(control, current):
    """Every value a reader can give ``control`` in one move, from its value ``current``."""
    if isinstance(current, tuple):  # a grid of toggle cells: a reader flips one cell
        return [current[:i] + (1 - v,) + current[i + 1:] for i, v in enumerate(current)]
    if isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.SelectionSlider,
                            widgets.RadioButtons)):
        return list(control._options_values)
    if isinstance(control, widgets.Checkbox):
        return [False, True]
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        n = int(round((control.max - control.min) / control.step))
        values = control.min + control.step * np.arange(n + 1)
        return [type(control.value)(v) for v in values]
    raise TypeError(f"no choices known for a {type(control).__name__}")


def random_changes(explorer, n_changes, seed=0):
    """``n_changes`` (control, value) pairs, each control picked at random and set to a random
    value other than the one it will have at that point."""
    rng = np.random.default_rng(seed)
    names = sorted(explorer.controls)
    current = explorer.values()
    changes = []
    while len(changes) < n_changes:
        name = names[rng.integers(len(names))]
        others = [v for v in choices(explorer.controls[name], current[name]) if v != current[name]]
        if not others:
            continue
        value = others[rng.integers(len(others))]
        current[name] = value
        changes.append((name, value))
    return changes


def latency_rows(n_changes=100, seed=0):
    """p50 and p95 update time of every widget over ``n_changes`` random changes."""
    rows = []
    for name, (chapter, make) in WIDGETS.items():
        explorer = make()
        base.time_updates(explorer, random_changes(explorer, 5, seed + 1))  # warm-up
        seconds = base.time_updates(explorer, random_changes(explorer, n_changes, seed))
        rows.append({"widget": name, "chapter": chapter, "updates": len(seconds),
                     "p50": float(np.percentile(seconds, 50)),
                     "p95": float(np.percentile(seconds, 95)),
                     "max": float(seconds.max())})
    return rows
