"""The kernel widgets' figures: drawn by plain figure functions, and legible as displayed.

Each figure widget (the perceptron stepper, the curse-of-dimensionality explorer, the
training explorer) draws through a view whose ``draw(state)`` returns the PNG the widget shows.
These tests call the views directly (no ipywidgets control is made) and check that a state
always gives the same picture, that another state gives another one, and that no text in the
figure is smaller than ``base.MIN_TEXT_PX`` CSS pixels at the size JupyterLab shows it.
"""
import io
import re
from base64 import b64decode

import ipywidgets as widgets
import matplotlib as mpl
import matplotlib.text
import numpy as np
import pytest
from PIL import Image

from nnkit import plotting
from nnkit.widgets import base
from nnkit.widgets import dimensionality as wdim
from nnkit.widgets import perceptron as wperc
from nnkit.widgets import training as wtrain

SMALL_CURVES = {"dims": [2, 10, 100, 1000], "sample_sizes": [30, 80], "irrelevant": [0, 5, 50],
                "n_repeats": 2, "random_state": 7}


@pytest.fixture(scope="module")
def curves():
    return wdim.curse_curves(**SMALL_CURVES)


@pytest.fixture(scope="module")
def run():
    """A training run with 30 epochs done (the default settings of the explorer)."""
    run = wtrain.TrainingRun(1.0, 120, 8, 2, "momentum", "xavier", "tanh")
    run.advance(30)
    return run


def stepper_view():
    view = wperc.StepperView(wperc.stepper_runs(12))
    view.draw("XOR", 5)
    return view


def curse_view(curves):
    view = wdim.CurseView(curves)
    view.draw(100, 30, 5)
    return view


def training_view(run):
    view = wtrain.TrainingView()
    view.draw(run, 30)
    return view


VIEWS = ["perceptron_stepper", "curse_explorer", "training_explorer"]


def make_view(name, curves, run):
    return {"perceptron_stepper": stepper_view, "curse_explorer": lambda: curse_view(curves),
            "training_explorer": lambda: training_view(run)}[name]()


STYLES = {"matplotlib's defaults": {}, "the book style": plotting.BOOK_STYLE}


def texts(fig):
    """Every visible Text artist with words in it: ticks, legends, titles, labels, notes."""
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()]


def text_px(text, displayed_width):
    """A text's font size in CSS pixels when its figure's PNG is displayed that wide."""
    natural_width = text.figure.get_figwidth() * base.DPI
    return text.get_fontsize() * base.DPI / 72 * displayed_width / natural_width


def shown_png(html):
    """The PNG bytes of the (only) <img> in a widget's HTML output, and the <img> tag."""
    tag = re.search(r"<img [^>]*>", html).group(0)
    return b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)), tag


@pytest.mark.parametrize("builder, state", [
    (lambda: wperc.perceptron_stepper(n_steps=12), {"dataset": "XOR", "step": 5}),
    (lambda: wdim.curse_explorer(wdim.curse_curves(**SMALL_CURVES)),
     {"d": 100, "N": 30, "irrelevant": 5}),
    (wtrain.training_explorer, {"epochs": 10}),
], ids=VIEWS)
def test_each_widget_shows_its_views_png_at_natural_size(builder, state):
    """What the legibility test assumes: the figure is an <img> in an HTML widget, whose CSS
    (ipywidgets 8's .jupyter-widget-html-content) does not scale images, unlike the Image
    widget's max-width: 100%; so its CSS width is the PNG's width."""
    explorer = builder()
    for name, value in state.items():
        explorer.controls[name].value = value
    assert isinstance(explorer.output, widgets.HTML)
    png, tag = shown_png(explorer.output.value)
    assert not re.search(r"\b(width|height|style)=", tag)
    assert png == explorer.view.png()  # the view's figure is what the reader sees
    fig = explorer.view.fig
    assert Image.open(io.BytesIO(png)).size == (round(fig.get_figwidth() * base.DPI),
                                                round(fig.get_figheight() * base.DPI))


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", VIEWS)
def test_no_figure_text_is_smaller_than_the_minimum(name, style, curves, run):
    """Issue 18: no text under about 9 CSS px (tick labels, legends, titles, notes)."""
    with mpl.rc_context(STYLES[style]):
        fig = make_view(name, curves, run).fig
    width = fig.get_figwidth() * base.DPI  # shown at natural size (test above)
    found = texts(fig)
    assert len(found) >= 8  # the axes' labels and ticks at least
    small = sorted((round(float(text_px(t, width)), 2), t.get_text()) for t in found
                   if text_px(t, width) < base.MIN_TEXT_PX)
    assert not small, f"{name}: text smaller than {base.MIN_TEXT_PX} px: {small}"


@pytest.mark.parametrize("name", VIEWS)
def test_every_drawn_text_lies_inside_the_picture(name, curves, run, monkeypatch):
    """Larger fonts must not push a legend or a label off the PNG."""
    with mpl.rc_context(plotting.BOOK_STYLE):
        view = make_view(name, curves, run)
    drawn = []
    original = matplotlib.text.Text.draw

    def record(text, renderer):
        if text.get_visible() and text.get_text().strip():
            drawn.append((text, renderer))
        return original(text, renderer)

    monkeypatch.setattr(matplotlib.text.Text, "draw", record)
    view.fig.canvas.draw()  # the fixed parts
    view.png()  # and the moving ones
    assert len(drawn) >= 8
    width, height = view.fig.bbox.width, view.fig.bbox.height
    for text, renderer in drawn:
        box = text.get_window_extent(renderer)
        assert (box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1
                and box.y1 <= height + 1), f"{name}: {text.get_text()!r} at {box.bounds}"


def decoded(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_the_stepper_figure_function_gives_one_picture_per_state():
    view = wperc.StepperView(wperc.stepper_runs(12))
    first = view.draw("XOR", 5)
    assert first[:4] == b"\x89PNG"
    others = [view.draw("XOR", 0), view.draw("XOR", 6), view.draw("separable", 5)]
    assert all(not np.array_equal(decoded(first), decoded(other)) for other in others)
    again = view.draw("XOR", 5)
    assert again == first
    view.update("XOR", 5)
    assert view.png() == first  # the kept frame is what drawing it now gives
    fresh = wperc.StepperView(wperc.stepper_runs(12))
    assert fresh.draw("XOR", 5) == first


def test_the_curse_figure_function_gives_one_picture_per_state(curves):
    view = wdim.CurseView(curves)
    first = view.draw(100, 30, 5)
    for other in ((10, 30, 5), (100, 80, 5), (100, 30, 50)):
        assert not np.array_equal(decoded(view.draw(*other)), decoded(first)), other
    assert view.draw(100, 30, 5) == first
    fresh = wdim.CurseView(curves)
    assert fresh.draw(100, 30, 5) == first


def test_the_training_figure_function_gives_one_picture_per_state(run):
    view = wtrain.TrainingView()
    first = view.draw(run, 30)
    assert first[:4] == b"\x89PNG"
    assert not np.array_equal(decoded(view.draw(run, 10)), decoded(first))
    other = wtrain.TrainingRun(1.0, 120, 8, 2, "momentum", "zeros", "tanh")
    other.advance(30)
    assert not np.array_equal(decoded(view.draw(other, 30)), decoded(first))
    assert view.draw(run, 30) == first
    assert wtrain.TrainingView().draw(run, 30) == first
    shown = view.update(run, 25)  # the latest snapshot at or before epoch 25
    assert shown == run.view(25)[0] and len(view.artists["curve"].get_xdata()) == shown + 1


def test_figure_pixels_leave_the_figure_as_it_was():
    fig, ax = base.new_figure(3, 2)
    ax.plot([0, 1], [1, 0])
    canvas, dpi = fig.canvas, fig.dpi
    pixels = base.figure_pixels(fig, dpi=50)
    assert pixels.shape == (100, 150, 3) and pixels.dtype == np.uint8
    assert fig.canvas is canvas and fig.dpi == dpi
    assert (decoded(base.figure_to_png(fig, dpi=50)) == pixels).all()  # one encoder, lossless
