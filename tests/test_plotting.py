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
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()
