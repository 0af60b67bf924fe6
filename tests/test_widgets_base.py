"""The machinery every widget shares: the live explorer, its update timing and page version."""
import json
import re

import ipywidgets as widgets
import numpy as np
import pytest

from nnkit.widgets import base


def make_explorer():
    fig, ax = base.new_figure()
    x = np.linspace(0, 1, 50)
    (line,) = ax.plot(x, x)
    calls = []

    def render(power, shift):
        calls.append((power, shift))
        line.set_ydata(x ** power + shift)
        return fig

    controls = {"power": widgets.IntSlider(1, min=1, max=3),
                "shift": widgets.Dropdown(options=[("none", 0.0), ("up", 1.0)])}
    return base.Explorer(controls, render, alt="a power curve",
                         live=("power_curve", {"power": 1, "note": "</script><b>"})), calls


def test_moving_a_control_recomputes_and_redraws():
    explorer, calls = make_explorer()
    before = explorer.output.value
    explorer.controls["power"].value = 3
    assert calls[-1] == (3, 0.0)
    assert explorer.output.value != before and explorer.output.value[:4] == b"\x89PNG"


def test_the_output_bundle_carries_the_live_view_and_the_page_version():
    explorer, _ = make_explorer()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert page.startswith('<div class="nnkit-live" data-nnkit-live="power_curve">')
    assert "0x" not in bundle["text/plain"]
    config = re.search(r'class="nnkit-live-config">(.*?)</script>', page).group(1)
    assert json.loads(config) == {"power": 1, "note": "</script><b>"}  # "</" cannot end it
    assert "<noscript><p>a power curve" in page
    assert page == base.live_html("power_curve", {"note": "</script><b>", "power": 1},
                                  "a power curve")  # deterministic, keys sorted


def test_without_a_page_version_the_page_shows_no_widget_markup():
    explorer, _ = make_explorer()
    explorer = base.Explorer(explorer.controls, explorer._render, alt="a power curve")
    assert "text/html" not in explorer._repr_mimebundle_()


def test_time_updates_times_each_change():
    explorer, calls = make_explorer()
    seconds = base.time_updates(explorer, [("power", 2), ("shift", 1.0), ("power", 2)])
    assert seconds.shape == (3,) and (seconds > 0).all()
    assert calls[-3:] == [(2, 0.0), (2, 1.0), (2, 1.0)]


@pytest.mark.parametrize("call, message", [
    (lambda: base.Explorer({}, "render"), "render must be callable"),
    (lambda: base.Explorer([], lambda: ""), "controls must be a dict"),
    (lambda: base.figure_to_png("fig"), "fig must be"),
    (lambda: base.live_html("grid-detector", {}, "alt"), "name must be an identifier"),
    (lambda: base.live_html("grid", [1], "alt"), "config must be a dict"),
    (lambda: base.live_html("grid", {"x": float("nan")}, "alt"), "config must hold plain JSON"),
    (lambda: base.live_html("grid", {"x": np.zeros(2)}, "alt"), "config must hold plain JSON"),
    (lambda: base.Explorer({}, lambda: "", live="grid"), "live must be"),
    (lambda: base.time_updates(make_explorer()[0], [("nope", 1)]), "no control named"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()
