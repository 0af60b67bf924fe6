"""The curse of dimensionality explorer: its curves are nnkit.dimensionality's, its markers move.

The curves are recomputed here, each on its own, with the seeds curse_curves documents, so the
widget is checked against the core functions rather than against itself.
"""
import json
import re

import numpy as np
import pytest

from nnkit import dimensionality as dim
from nnkit.widgets import base
from nnkit.widgets import dimensionality as wdim

SMALL = {"dims": [2, 10, 100, 1000], "sample_sizes": [30, 80], "irrelevant": [0, 5, 50],
         "n_repeats": 2, "random_state": 7}


@pytest.fixture(scope="module")
def curves():
    return wdim.curse_curves(**SMALL)


@pytest.fixture()
def explorer(curves):
    return wdim.curse_explorer(curves)


def test_curves_match_the_core_functions_one_by_one(curves):
    seed = SMALL["random_state"]
    for i, n in enumerate(SMALL["sample_sizes"]):
        ratio = dim.distance_concentration(SMALL["dims"], n_samples=n, random_state=seed + i)
        np.testing.assert_array_equal(curves["ratio"][i], ratio["ratio"])
        accuracy = dim.accuracy_vs_irrelevant_features(
            SMALL["irrelevant"], n_samples=n, n_repeats=2, random_state=seed + 1000 + i)
        np.testing.assert_array_equal(curves["accuracy"][i], accuracy["mean"])
    np.testing.assert_allclose(curves["fraction"], dim.ball_volume_fraction(SMALL["dims"]))
    np.testing.assert_allclose(curves["log10_fraction"][:3],
                               np.log10(dim.ball_volume_fraction(SMALL["dims"][:3])))
    assert curves["fraction"][-1] == 0 and np.isfinite(curves["log10_fraction"][-1])


def test_the_curves_show_the_three_effects(curves):
    assert np.all(np.diff(curves["ratio"], axis=1) < 0)  # (a) concentration
    assert np.all(curves["accuracy"][:, 0] > curves["accuracy"][:, -1])  # (b) noise hurts
    assert np.all(np.diff(curves["log10_fraction"]) < 0)  # (c) empty neighbourhoods


def test_moving_d_moves_the_markers_of_panels_a_and_c(explorer, curves):
    view = explorer.view
    before = explorer.output.value
    explorer.controls["d"].value = 100
    assert explorer.output.value != before
    assert view.state["d"] == 100
    np.testing.assert_array_equal(view.lines["ratio_dot"].get_data(), ([100], [curves["ratio"][0, 2]]))
    np.testing.assert_array_equal(view.lines["fraction_dot"].get_data(),
                                  ([100], [dim.ball_volume_fraction(100)[0]]))
    assert f"{curves['ratio'][0, 2]:.2f}" in view.labels["ratio"].get_text()
    assert "e-70" in view.labels["fraction"].get_text()  # the share at d = 100 is 1.9e-70


def test_moving_n_swaps_the_curves_of_panels_a_and_b(explorer, curves):
    view = explorer.view
    explorer.controls["N"].value = 80
    np.testing.assert_array_equal(view.lines["ratio"].get_ydata(), curves["ratio"][1])
    np.testing.assert_array_equal(view.lines["accuracy"].get_ydata(), curves["accuracy"][1])
    assert "of 80 points" in view.labels["fraction"].get_text()


def test_moving_irrelevant_moves_the_accuracy_marker(explorer, curves):
    view = explorer.view
    explorer.controls["irrelevant"].value = 50
    x, y = view.lines["accuracy_dot"].get_data()
    assert list(x) == [50] and y[0] == curves["accuracy"][0, 2]
    assert f"{curves['accuracy'][0, 2]:.0%}" in view.labels["accuracy"].get_text()


def test_output_is_an_image_with_alt_text(explorer):
    page = explorer.last
    assert page.startswith('<img src="data:image/png;base64,') and 'alt="Three panels.' in page


def test_the_page_shows_the_live_version_starting_where_the_sliders_start():
    explorer = wdim.curse_explorer()
    page = explorer._repr_mimebundle_()["text/html"]
    assert 'data-nnkit-live="curse_explorer"' in page and "nnkit-static" not in page
    config = json.loads(re.search(r'nnkit-live-config">(.*?)</script>', page).group(1))
    assert {name: config[key] for name, key in (("d", "d"), ("N", "N"),
                                                ("irrelevant", "irrelevant"))} == explorer.values()
    assert config["dims"] == list(wdim.DIMS)
    assert config["irrelevant_counts"] == list(wdim.IRRELEVANT)
    assert config["radius"] == 0.5 and config["n_repeats"] == 5
    # the page offers at least every value the notebook's sliders offer (ch01 asks for N = 500)
    assert config["max_d"] >= max(wdim.DIMS) and config["max_N"] >= max(wdim.SAMPLE_SIZES)
    assert config["max_irrelevant"] >= max(wdim.IRRELEVANT)
    assert len(page) < 5_000  # no frames: the page computes


def test_live_config_follows_custom_curves(curves):
    config = wdim.live_config(curves, n_repeats=2)
    assert config["dims"] == SMALL["dims"] and config["N"] == SMALL["sample_sizes"][0]
    assert config["irrelevant_counts"] == SMALL["irrelevant"] and config["n_repeats"] == 2
    with pytest.raises(ValueError, match="n_repeats"):
        wdim.live_config(curves, n_repeats=0)


def test_updates_are_recorded_by_time_updates(explorer):
    seconds = base.time_updates(explorer, [("d", 10), ("N", 80), ("irrelevant", 5)] * 2)
    assert seconds.shape == (6,) and np.all(seconds > 0)


@pytest.mark.parametrize("power, text", [(-0.60206, "0.25"), (-2.6, "2.5e-03"),
                                          (-1186.5, "10^-1186")])
def test_power_of_ten_formats_tiny_shares(power, text):
    assert wdim._power_of_ten(power) == text


def test_unknown_setting_is_refused(explorer):
    with pytest.raises(ValueError, match="d must be one of"):
        explorer.view.update(7, 30, 0)
    with pytest.raises(ValueError, match="radius"):
        wdim.curse_curves(radius=0.7)


def test_chapter_1_states_what_each_surface_offers():
    """The numbers ch01's "Explore it yourself" gives for the page and the notebook."""
    from pathlib import Path

    chapter = Path(__file__).resolve().parents[1] / "chapters/01-patterns-and-dimensionality.ipynb"
    text = " ".join("".join(cell["source"]) for cell in json.loads(chapter.read_text())["cells"]
                    if cell["cell_type"] == "markdown")
    text = re.sub(r"\s+", " ", text)
    limits = wdim.PAGE_LIMITS
    assert (f"type any $d$ up to {limits['max_d']}, any $N$ up to {limits['max_N']} and up to "
            f"{limits['max_irrelevant']} irrelevant features") in text
    sizes = ", ".join(map(str, wdim.SAMPLE_SIZES[:-1])) + f" or {wdim.SAMPLE_SIZES[-1]}"
    assert (f"$d$ from {min(wdim.DIMS)} to {max(wdim.DIMS)}, $N$ = {sizes}, up to "
            f"{max(wdim.IRRELEVANT)} irrelevant features") in text
    assert 50 in wdim.SAMPLE_SIZES and 500 in wdim.SAMPLE_SIZES  # Try it 5 on the slider
