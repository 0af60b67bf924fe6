"""The XOR playground (chapter 3): sliders → network → truth table and regions."""
import json
import re

import numpy as np
import pytest

from nnkit import datasets, logic
from nnkit.widgets import base
from nnkit.widgets import logic as playground


def rows(html):
    return re.findall(r'<tr class="(match|differs)"', html)


def test_show_a_solution_gives_the_xor_truth_table():
    explorer = playground.xor_playground()
    assert "computes XOR" not in explorer.last  # starts broken
    show = explorer.children[-2].children[0]
    assert show.description == "Show a solution"
    show.click()
    w = explorer.values()
    assert (w["h1_wA"], w["h1_wB"], w["h1_b"]) == (1, 1, -0.5)      # OR
    assert (w["h2_wA"], w["h2_wB"], w["h2_b"]) == (-1, -1, 1.5)     # NAND
    assert (w["out_w1"], w["out_w2"], w["out_b"]) == (1, 1, -1.5)   # AND
    assert "This network computes XOR." in explorer.last
    assert rows(explorer.last) == ["match"] * 4
    table = playground.playground_table(playground.xor_network(**w))
    np.testing.assert_array_equal(table[:, 4], datasets.logic_table("XOR")[1])
    np.testing.assert_array_equal(table[:, 2:4], logic.XOR.forward(table[:, :2])[0][1])


def test_moving_one_slider_breaks_the_solution_and_the_table_follows():
    explorer = playground.xor_playground()
    explorer.set_network(playground.SOLUTION)
    explorer.controls["out_b"].value = -0.5          # AND becomes OR: always 1
    assert rows(explorer.last) == ["differs", "match", "match", "differs"]
    assert "2 of 4 rows match XOR." in explorer.last
    explorer.controls["out_b"].value = -1.5
    explorer.controls["h2_b"].value = 2.5            # h2 always fires: output = OR
    table = playground.playground_table(playground.xor_network(**explorer.values()))
    np.testing.assert_array_equal(table[:, 3], [1, 1, 1, 1])
    np.testing.assert_array_equal(table[:, 4], [0, 1, 1, 1])


@pytest.mark.parametrize("name", list(playground.NETWORKS))
def test_named_networks(name):
    table = playground.playground_table(playground.xor_network(**playground.NETWORKS[name]))
    X, y = datasets.logic_table("XOR")
    expected = {"XOR = AND(OR, NAND)": y, "XOR = OR minus AND": y,
                "OR only": datasets.logic_table("OR")[1],
                "AND only": datasets.logic_table("AND")[1],
                "broken: two ORs": datasets.logic_table("OR")[1]}[name]
    np.testing.assert_array_equal(table[:, 4], expected)


def test_regions_are_the_network_output_on_the_grid():
    net = playground.xor_network(**playground.NETWORKS[playground.SOLUTION])
    t = np.linspace(*playground.LIMITS, 50)
    labels = net.predict(np.column_stack([g.ravel() for g in np.meshgrid(t, t)])).reshape(50, 50)
    # the band between the two lines A + B = 0.5 and A + B = 1.5
    A, B = np.meshgrid(t, t)
    np.testing.assert_array_equal(labels, ((A + B >= 0.5) & (A + B <= 1.5)).astype(int))
    png = playground.regions_png(labels)
    assert png[:4] == b"\x89PNG"
    svg = playground.regions_svg(labels, [playground.boundary_points(1, 1, -0.5)], "alt text")
    assert svg.count("<line") == 1 and "<title>alt text</title>" in svg


def test_boundary_points_lie_on_the_line():
    for w in [(1, 1, -0.5), (-1, -1, 1.5), (2, 0.1, -1), (0, 1, -0.5)]:
        xs, ys = playground.boundary_points(*w)
        np.testing.assert_allclose(w[0] * xs + w[1] * ys + w[2], 0, atol=1e-12)
    assert playground.boundary_points(0, 0, 1)[0].size == 0


def test_the_page_shows_the_live_version_started_from_nnkit():
    explorer = playground.xor_playground()
    page = explorer._repr_mimebundle_()["text/html"]
    assert page.startswith('<div class="nnkit-live" data-nnkit-live="xor_playground">')
    assert "nnkit-static" not in page and len(page) < 5_000  # no pre-rendered frames
    config = json.loads(re.search(r'nnkit-live-config">(.*?)</script>', page).group(1))
    assert config["names"] == list(playground.WEIGHT_NAMES)
    assert config["networks"] == playground.NETWORKS
    assert config["weights"] == {n: c.value for n, c in explorer.controls.items()}
    assert config["solution"] == playground.SOLUTION and config["reset"] == playground.START
    assert tuple(config["range"]) == playground.SLIDER_RANGE


def test_latency():
    explorer = playground.xor_playground()
    rng = np.random.default_rng(0)
    changes = [(playground.WEIGHT_NAMES[i % 9], float(np.round(rng.uniform(-2, 2), 1)))
               for i in range(40)]
    assert base.time_updates(explorer, changes).shape == (40,)


@pytest.mark.parametrize("call, error, name", [
    (lambda: playground.xor_network(h1_wA=1), ValueError, "weights must be exactly"),
    (lambda: playground.xor_network(**{**playground.NETWORKS["OR only"], "h1_b": "x"}),
     TypeError, "h1_b"),
    (lambda: playground.playground_table(logic.AND), TypeError, "network"),
    (lambda: playground.table_html(np.zeros((3, 7))), ValueError, "table"),
])
def test_bad_input(call, error, name):
    with pytest.raises(error, match=name):
        call()
