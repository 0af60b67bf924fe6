"""The machinery every widget shares: the live explorer, its update timing and static twin."""
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
    grid = {"power": [1, 2, 3], "shift": [("none", 0.0), ("up", 1.0)]}
    return base.Explorer(controls, render, static_grid=grid, alt="a power curve"), calls


def test_moving_a_control_recomputes_and_redraws():
    explorer, calls = make_explorer()
    before = explorer.output.value
    explorer.controls["power"].value = 3
    assert calls[-1] == (3, 0.0)
    assert explorer.output.value != before and explorer.output.value[:4] == b"\x89PNG"


def test_the_output_bundle_carries_the_live_view_and_the_static_twin():
    explorer, _ = make_explorer()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="nnkit-static"')
    assert "0x" not in bundle["text/plain"]


def test_the_static_twin_holds_one_distinct_frame_per_setting():
    explorer, calls = make_explorer()
    page = explorer.static_html()
    data = json.loads(re.search(r'nnkit-static-data">(.*?)</script>', page).group(1))
    assert sorted(data["frames"]) == [f"{i}-{j}" for i in range(3) for j in range(2)]
    assert len(set(data["frames"].values())) == 6
    assert data["labels"] == [["1", "2", "3"], ["none", "up"]]
    assert 'alt="a power curve"' in data["frames"]["0-0"]
    assert page == explorer.static_html()  # deterministic
    assert 'type="range"' in page and "<select" in page


def test_a_live_page_version_replaces_the_static_twin():
    explorer, calls = make_explorer()
    explorer = base.Explorer(explorer.controls, explorer._render, alt="a power curve",
                             live=("power_curve", {"power": 1, "note": "</script><b>"}))
    page = explorer._repr_mimebundle_()["text/html"]
    assert page.startswith('<div class="nnkit-live" data-nnkit-live="power_curve">')
    assert "nnkit-static" not in page and explorer.static_html() is None
    config = re.search(r'class="nnkit-live-config">(.*?)</script>', page).group(1)
    assert json.loads(config) == {"power": 1, "note": "</script><b>"}  # "</" cannot end it
    assert "<noscript><p>a power curve" in page
    assert page == base.live_html("power_curve", {"note": "</script><b>", "power": 1},
                                  "a power curve")  # deterministic, keys sorted


def test_time_updates_times_each_change():
    explorer, calls = make_explorer()
    seconds = base.time_updates(explorer, [("power", 2), ("shift", 1.0), ("power", 2)])
    assert seconds.shape == (3,) and (seconds > 0).all()
    assert calls[-3:] == [(2, 0.0), (2, 1.0), (2, 1.0)]


def test_static_player_refuses_a_grid_too_large_for_a_page():
    with pytest.raises(ValueError, match="at most 400"):
        base.static_player(lambda a, b: "<p>x</p>", {"a": range(30), "b": range(30)}, "alt")


@pytest.mark.parametrize("call, message", [
    (lambda: base.static_player("render", {"a": [1]}, "alt"), "render must be callable"),
    (lambda: base.static_player(lambda a: "", {}, "alt"), "grid must be"),
    (lambda: base.static_player(lambda a: 3, {"a": [1]}, "alt"), "must return a matplotlib"),
    (lambda: base.static_player(lambda a: "", {"a": [1]}, "alt", play="b"), "play must name"),
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
