"""The machinery every widget shares: the live explorer, its update timing and page version."""
import base64
import io
import json
import re

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

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
    (lambda: base.pixels_to_png(np.zeros((4, 4, 3))), "pixels must be uint8"),
    (lambda: base.pixels_to_png(np.zeros((4, 4), np.uint8)), "pixels must be uint8"),
    (lambda: base.pixels_to_png(np.zeros((4, 4, 3), np.uint8), colors=4,
                                palette=base.find_palette(np.zeros((4, 4, 3), np.uint8), 4)),
     "colors or palette"),
    (lambda: base.png_data_uri("png"), "png must be PNG bytes"),
    (lambda: base.png_img(None, "alt"), "image must be a matplotlib Figure or PNG bytes"),
    (lambda: base.BlitView("fig", []), "fig must be"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("channels", [3, 4])
def test_pixels_to_png_is_lossless_without_a_colour_limit(channels):
    pixels = np.random.default_rng(0).integers(0, 256, (7, 5, channels), dtype=np.uint8)
    png = base.pixels_to_png(pixels, compress_level=1)
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).mode == "RGBA"[:channels]
    assert (decode(png)[..., :channels] == pixels).all()


def test_a_colour_limit_or_palette_keeps_few_colours_and_flat_areas_exact():
    pixels = np.zeros((20, 30, 3), np.uint8)
    pixels[:, 10:] = (0, 114, 178)
    pixels[5:8] = (213, 94, 0)
    for png in (base.pixels_to_png(pixels, colors=8),
                base.pixels_to_png(pixels, palette=base.find_palette(pixels, 8))):
        assert Image.open(io.BytesIO(png)).mode == "P"
        assert (decode(png)[..., :3] == pixels).all()  # three colours survive exactly


def test_png_img_inlines_a_figure_or_png_bytes_with_an_escaped_alt():
    fig, ax = base.new_figure()
    ax.plot([0, 1], [1, 0])
    png = base.figure_to_png(fig)
    tag = base.png_img(fig, 'a "line" <down>')
    assert tag == base.png_img(png, 'a "line" <down>')
    assert 'alt="a &quot;line&quot; &lt;down&gt;"' in tag
    data = re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)
    assert base64.b64decode(data) == png == base.figure_to_png(fig)


def test_blit_view_draws_the_same_pixels_as_a_full_redraw():
    fig, ax = base.new_figure()
    x = np.linspace(0, 1, 40)
    ax.set(xlim=(-0.2, 1.2), ylim=(-0.5, 2), title="fixed parts")  # lines clear of the frame
    (line,) = ax.plot(x, x)
    (dot,) = ax.plot([0.5], [0.5], "o")
    view = base.BlitView(fig, [line, dot])
    blank = view.pixels().copy()
    for power in (2, 0.5):
        line.set_ydata(x ** power)
        dot.set_data([0.5], [0.5 ** power])
        blitted = view.pixels().copy()
        for artist in (line, dot):
            artist.set_animated(False)
        view.canvas.draw()  # everything, the slow way
        full = np.asarray(view.canvas.buffer_rgba())[..., :3].copy()
        for artist in (line, dot):
            artist.set_animated(True)
        assert (blitted == full).all()
        assert (blitted != blank).any()  # the moving artists were drawn
    assert (decode(view.png(alpha=True, compress_level=1)) == view.pixels(alpha=True)).all()


def test_labels_are_as_wide_as_their_words():
    """ipywidgets cuts a description at a fixed width ("learning r…") unless told otherwise."""
    controls = {"learning_rate": widgets.FloatSlider(0.1, description="learning rate"),
                "bare": widgets.IntSlider(1)}
    explorer = base.Explorer(controls, lambda learning_rate, bare: "<p>x</p>")
    assert explorer.controls["learning_rate"].style.description_width == "initial"
    assert explorer.controls["bare"].style.description_width == ""
