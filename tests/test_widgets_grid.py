"""The grid-pattern exercise (chapters 3 and 7): cells and kernels → responses and maps."""
import json
import re

import numpy as np
import pytest

from nnkit import grid, logic
from nnkit.widgets import base
from nnkit.widgets import grid as exercise


def fired(html):
    """Detector name → whether its row of the response table says it fires."""
    table = re.search(r'<table class="responses">(.*?)</table>', html).group(1)
    return {name: cls.startswith("fires")
            for cls, name in re.findall(r'<tr class="([\w ]+)"><td[^>]*>([^<]+)</td>', table)}


def test_a_vertical_bar_fires_the_vertical_detector_only():
    explorer = exercise.grid_detector()
    explorer.controls["pattern"].value = exercise.PRESETS["vertical bar"]
    assert fired(explorer.last) == {"vertical bar": True, "horizontal bar": False,
                                    "cross = vertical AND horizontal": False,
                                    "your kernel": True}   # it starts as the vertical kernel
    explorer.controls["pattern"].value = exercise.PRESETS["horizontal bar"]
    assert [k for k, v in fired(explorer.last).items() if v] == ["horizontal bar"]
    explorer.controls["pattern"].value = exercise.PRESETS["cross"]
    assert fired(explorer.last)["cross = vertical AND horizontal"]
    explorer.controls["pattern"].value = exercise.PRESETS["diagonal"]
    assert not any(fired(explorer.last).values())


def test_clicking_cells_and_the_preset_menu():
    explorer = exercise.grid_detector(pattern="empty")
    cells = explorer.controls["pattern"]
    for i in (1, 4, 7):
        cells.buttons[i].value = True         # draw a vertical bar by hand
    assert cells.value == exercise.PRESETS["vertical bar"]
    assert fired(explorer.last)["vertical bar"]
    menu = explorer.children[-2].children[0]
    menu.value = "cross"
    assert cells.value == exercise.PRESETS["cross"]
    assert [b.value for b in cells.buttons] == [bool(v) for v in exercise.PRESETS["cross"]]


def test_responses_match_logic_respond():
    for g in logic.GRID_PATTERNS.values():
        responses = exercise.detector_responses(g, exercise.KERNEL_STARTS["horizontal bar"])
        assert responses["vertical bar"] == logic.respond(logic.VERTICAL_DETECTOR, g)
        assert responses["your kernel"] == responses["horizontal bar"]


def test_feature_map_on_the_large_grid_moves_with_the_pattern():
    explorer = exercise.grid_detector(pattern="cross", row=2, col=3)
    explorer.controls["kernel"].value = "cross = vertical AND horizontal"
    assert "fires at 1 position (row, column): (2, 3)" in explorer.last
    explorer.controls["row"].value = 5
    explorer.controls["col"].value = 0
    assert "fires at 1 position (row, column): (5, 0)" in explorer.last
    explorer.controls["kernel"].value = "vertical bar"
    image = logic.place_pattern(logic.GRID_PATTERNS["cross"], row=5, col=0)
    z = grid.conv2d(image, grid.VERTICAL_BAR) + logic.BAR_BIAS
    cells = re.findall(r'<td class="[fn]">(-?[\d.]+)</td>', explorer.last)
    np.testing.assert_allclose(np.array(cells, float), z.ravel())


def test_challenge_mode_lists_the_wrong_grids():
    explorer = exercise.grid_detector()
    explorer.controls["mode"].value = exercise.MODES[1]
    explorer.controls["weights"].value = exercise.KERNEL_STARTS["vertical bar"]
    wrong = [r["name"] for r in exercise.challenge_report(exercise.KERNEL_STARTS["vertical bar"])
             if not r["correct"]]
    assert "vertical bar" in wrong and "cross" not in wrong
    assert f"gets {len(wrong)} of {len(logic.CROSS_CHALLENGE)} grids wrong" in explorer.last
    template = tuple(logic.GRID_PATTERNS["cross"].ravel()) + (-8.0,)
    explorer.controls["weights"].value = template
    assert "Solved" in explorer.last
    assert explorer.last.count('class="bad"') == 0
    explorer.controls["weights"].boxes[0].value = 1.0   # one weight typed by hand
    assert explorer.controls["weights"].value[0] == 1.0
    assert "Solved" not in explorer.last


def test_the_page_shows_the_live_version_started_from_nnkit():
    explorer = exercise.grid_detector(pattern="dot", row=1, col=4)
    page = explorer._repr_mimebundle_()["text/html"]
    assert page.startswith('<div class="nnkit-live" data-nnkit-live="grid_detector">')
    assert "nnkit-static" not in page and len(page) < 10_000  # no pre-rendered frames
    config = json.loads(re.search(r'nnkit-live-config">(.*?)</script>', page).group(1))
    assert config == exercise.live_config("dot", 1, 4)
    assert config["cells"] == list(exercise.PRESETS["dot"])
    assert (config["row"], config["col"]) == (1, 4)
    units = {d["name"]: d for d in config["detectors"]}
    np.testing.assert_array_equal(units["vertical bar"]["kernel"], grid.VERTICAL_BAR)
    np.testing.assert_array_equal(units["horizontal bar"]["kernel"], grid.HORIZONTAL_BAR)
    assert units["vertical bar"]["bias"] == logic.BAR_BIAS
    cross = units["cross = vertical AND horizontal"]
    assert cross["of"] == ["vertical bar", "horizontal bar"]
    assert (cross["weights"], cross["bias"]) == (logic.AND.weights.tolist(), logic.AND.bias)
    assert [(t["name"], t["label"]) for t in config["challenge"]] == [
        (name, label) for name, _, label in logic.CROSS_CHALLENGE]
    assert config["weights"] == list(exercise.KERNEL_STARTS["vertical bar"])


@pytest.mark.parametrize("kwargs, name", [({"pattern": "ring"}, "pattern"), ({"row": 6}, "row"),
                                          ({"col": -1}, "col")])
def test_live_config_names_a_bad_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        exercise.live_config(**kwargs)


def test_latency_runs():
    explorer = exercise.grid_detector()
    changes = [("row", r) for r in (0, 5, 2, 3)] + [("kernel", exercise.YOURS)]
    assert base.time_updates(explorer, changes).shape == (5,)


@pytest.mark.parametrize("call, error, name", [
    (lambda: exercise.cells_to_grid([1, 0]), ValueError, "cells"),
    (lambda: exercise.grid_to_cells(np.ones((2, 2))), ValueError, "grid"),
    (lambda: exercise.own_detector([1.0] * 9), ValueError, "weights"),
    (lambda: exercise.grid_view((0,) * 9, exercise.YOURS, 0, 0), ValueError, "kernel"),
    (lambda: exercise.grid_view((0,) * 9, "vertical bar", 6, 0), ValueError, "row"),
    (lambda: exercise.grid_view((0,) * 9, "vertical bar", 0, 0, mode=exercise.MODES[1]),
     ValueError, "challenge"),
    (lambda: exercise.grid_detector(pattern="star"), ValueError, "pattern"),
])
def test_bad_input(call, error, name):
    with pytest.raises(error, match=name):
        call()
