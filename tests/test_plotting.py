"""The book's figure style and shared plots."""
import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from nnkit import plotting


def test_use_style_sets_the_palette_and_an_opaque_background():
    with mpl.rc_context():
        plotting.use_style()
        colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
        assert [c.upper() for c in colors] == list(plotting.PALETTE)
        assert mpl.rcParams["figure.facecolor"] == "white"  # readable in dark mode


def test_palette_is_okabe_ito_and_colours_are_distinct():
    assert set(plotting.PALETTE) == set(plotting.OKABE_ITO.values())
    rgb = np.array([to_rgb(c) for c in plotting.PALETTE])
    gaps = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1)[np.triu_indices(len(rgb), 1)]
    assert gaps.min() > 0.2


def test_decision_regions_colour_the_plane_by_the_prediction():
    ax = Figure().subplots()
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    plotting.plot_decision_regions(lambda P: (P[:, 0] > 0).astype(int), X, [0, 1], ax=ax,
                                   resolution=20)
    mesh = ax.collections[0]
    values = np.asarray(mesh.get_array()).reshape(20, 20)
    assert (values[:, :10] == 0).all() and (values[:, 10:] == 1).all()
    assert len(ax.collections) == 3  # the regions and one scatter per class


def test_plot_history_draws_training_and_validation_curves():
    history = {"loss": [1.0, 0.5, 0.2], "score": [0.5, 0.7, 0.9],
               "val_loss": [1.1, 0.7, 0.4], "val_score": [0.4, 0.6, 0.8]}
    loss_ax, score_ax = plotting.plot_history(history, axes=Figure().subplots(1, 2))
    assert [line.get_ydata().tolist() for line in loss_ax.lines] == [[1.0, 0.5, 0.2],
                                                                     [1.1, 0.7, 0.4]]
    assert len(score_ax.lines) == 2


@pytest.mark.parametrize("call, message", [
    (lambda: plotting.plot_points([[0, 0]], [9]), "y must contain"),
    (lambda: plotting.plot_decision_regions("model", [[0, 0]]), "predict must be callable"),
    (lambda: plotting.plot_history([1, 2]), "history must be"),
    (lambda: plotting.plot_points([[0, 0]], [0], ax="axes"), "ax must be"),
    (lambda: plotting.class_colors(9), "n_classes"),
    (lambda: plotting.smallest_text_pt("figure"), "fig must be"),
    (lambda: plotting.smallest_text_px(Figure(), column_px=0), "column_px"),
    (lambda: plotting.legible_width(-1), "smallest_pt"),
    (lambda: plotting.panels(0), "n_panels"),
    (lambda: plotting.panels(3, panel_size=(2,)), "panel_size"),
    (lambda: plotting.record_text_sizes(None), "png_formatter"),
    (lambda: plotting.text_px_in_column(9, width_px=0), "width_px"),
    (lambda: plotting.png_size(b"GIF89a" + bytes(30)), "PNG"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def _styled_figure(**kwargs):
    with mpl.rc_context(plotting.BOOK_STYLE):
        return Figure(**kwargs)


def test_smallest_text_pt_counts_the_texts_drawn_and_only_those():
    fig = Figure()
    ax = fig.subplots()
    ax.set_title("title", fontsize=14)
    ax.set_xticks([0, 1], ["a", "b"], fontsize=11)
    ax.set_yticks([0, 1], ["c", "d"], fontsize=12)
    assert plotting.smallest_text_pt(fig) == 11
    ax.text(0.5, 0.5, "note", fontsize=6, visible=False)
    ax.text(0.5, 0.5, "   ", fontsize=5)
    assert plotting.smallest_text_pt(fig) == 11  # hidden and blank texts do not count
    ax.legend(handles=ax.plot([0, 1], label="curve"), fontsize=7)
    assert plotting.smallest_text_pt(fig) == 7
    assert plotting.smallest_text_pt(Figure()) is None


def test_smallest_text_pt_leaves_the_layout_engine_in_place():
    fig = Figure(layout="constrained")
    engine = fig.get_layout_engine()
    fig.subplots().plot([0, 1])
    assert plotting.smallest_text_pt(fig) == 10.0  # matplotlib's default tick labels
    assert fig.get_layout_engine() is engine
    plain = Figure()
    plain.subplots().plot([0, 1])
    with mpl.rc_context({"figure.constrained_layout.use": True}):
        plotting.smallest_text_pt(plain)
    assert plain.get_layout_engine() is None


def test_smallest_text_px_shrinks_wide_figures_to_the_column():
    narrow = Figure(figsize=(5, 3), dpi=100)
    narrow.subplots().set_xticks([0, 1], ["0", "1"], fontsize=9)
    assert plotting.smallest_text_px(narrow) == pytest.approx(12.5)  # 9 pt at 100 dpi, unshrunk
    wide = Figure(figsize=(13, 2.8), dpi=100, layout="constrained")
    for ax in wide.subplots(1, 5):
        ax.set_xticks([0, 1], ["0", "1"], fontsize=9)
    shown = plotting.smallest_text_px(wide)
    assert 6.4 < shown < 6.7  # 12.5 px * 688 / ~1310 px: the width, not the dpi, counts
    wide.set_dpi(200)
    assert plotting.smallest_text_px(wide) == pytest.approx(shown, abs=0.05)
    assert plotting.smallest_text_px(wide, column_px=3000) == pytest.approx(25)  # unshrunk


def _inline_png_formatter():
    """An IPython PNG formatter with the printer the inline backend registers for figures."""
    from functools import partial

    from IPython.core.formatters import PNGFormatter
    from IPython.core.pylabtools import print_figure

    formatter = PNGFormatter()
    formatter.for_type(Figure, partial(print_figure, fmt="png", base64=True))
    return formatter


def test_record_text_sizes_adds_the_text_size_to_each_png():
    formatter = _inline_png_formatter()
    assert plotting.record_text_sizes(formatter) is True
    assert plotting.record_text_sizes(formatter) is True  # a second call wraps nothing more
    fig = _styled_figure(figsize=(13, 2.8), layout="constrained")
    for ax in fig.subplots(1, 5):
        ax.plot([0, 1])
    data, metadata = formatter(fig)
    record = metadata[plotting.TEXT_RECORD]
    assert record["smallest_pt"] == plotting.BOOK_STYLE["xtick.labelsize"]
    assert record["text_px"] == pytest.approx(record["smallest_pt"] * 100 / 72, abs=0.01)
    assert record["width_px"] == plotting.png_size(data)[0] > 1200
    assert record["text_px"] * plotting.COLUMN_PX / record["width_px"] < plotting.MIN_TEXT_PX
    assert formatter(Figure()) is None  # an empty figure shows nothing, as before


def test_record_text_sizes_needs_a_printer_for_figures():
    from IPython.core.formatters import PNGFormatter

    assert plotting.record_text_sizes(PNGFormatter()) is False


def test_legible_width_is_the_widest_figure_whose_text_passes():
    assert plotting.legible_width(10) == pytest.approx(10 * 688 / (72 * 9) - 0.2)
    with mpl.rc_context(plotting.BOOK_STYLE):
        width = plotting.legible_width()
        fig = Figure(figsize=(width, 3), layout="constrained")
        for ax in fig.subplots(1, 4):
            ax.plot([0, 1000], [0, 1000], label="line")
            ax.set(title="title", xlabel="x")
            ax.legend()
        assert plotting.smallest_text_px(fig) >= plotting.MIN_TEXT_PX
        fig.set_size_inches(width + 1, 3)
        assert plotting.smallest_text_px(fig) < plotting.MIN_TEXT_PX


@pytest.mark.parametrize("n_panels, shape", [(1, (1, 1)), (4, (1, 4)), (5, (2, 3)), (9, (3, 3))])
def test_panels_wrap_into_even_rows_within_the_legible_width(n_panels, shape):
    from matplotlib import pyplot as plt

    with mpl.rc_context(plotting.BOOK_STYLE):
        fig, axes = plotting.panels(n_panels, panel_size=(2.5, 2), sharey=True)
        try:
            assert len(axes) == len(fig.axes) == n_panels
            assert axes[0].get_subplotspec().get_geometry()[:2] == shape
            assert fig.get_size_inches().tolist() == [2.5 * shape[1], 2 * shape[0]]
            for ax in axes:
                ax.plot([0, 1], [0, 1])
            assert plotting.smallest_text_px(fig) >= plotting.MIN_TEXT_PX
        finally:
            plt.close(fig)
