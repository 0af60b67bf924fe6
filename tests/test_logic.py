"""Logic gates as perceptrons and XOR as a two-layer network (syllabus §3)."""
import itertools

import numpy as np
import pytest

from nnkit import datasets, logic
from nnkit.perceptron import Perceptron

GATES = {"AND": logic.AND, "OR": logic.OR, "NAND": logic.NAND, "NOR": logic.NOR}


@pytest.mark.parametrize("name", sorted(GATES))
def test_gate_truth_tables_match_python_boolean_logic(name):
    X, y = datasets.logic_table(name)
    table = logic.truth_table(GATES[name])
    np.testing.assert_array_equal(table[:, :2], X)
    np.testing.assert_array_equal(table[:, 2], y)


def test_syllabus_weights():
    assert logic.OR.bias == -0.5 and logic.OR.weights.tolist() == [1.0, 1.0]
    assert logic.AND.bias == -1.5 and logic.AND.weights.tolist() == [1.0, 1.0]
    assert logic.NAND.extended_weights.tolist() == (-logic.AND.extended_weights).tolist()
    assert logic.NOR.extended_weights.tolist() == (-logic.OR.extended_weights).tolist()


def test_not():
    np.testing.assert_array_equal(logic.truth_table(logic.NOT), [[0, 1], [1, 0]])


def test_composed_xor_network_truth_table():
    table = logic.truth_table(logic.XOR)
    np.testing.assert_array_equal(table, [[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    X, y = datasets.logic_table("XOR")
    np.testing.assert_array_equal(table[:, 2], y)


def test_xor_equals_and_of_or_and_nand_by_hand():
    X, _ = datasets.logic_table("XOR")
    by_hand = logic.AND.predict(np.column_stack([logic.OR.predict(X), logic.NAND.predict(X)]))
    np.testing.assert_array_equal(logic.XOR.predict(X), by_hand)


def test_no_single_perceptron_on_a_weight_grid_computes_xor():
    X, y = datasets.logic_table("XOR")
    grid = np.arange(-3.0, 3.01, 0.5)
    for w0, wa, wb in itertools.product(grid, repeat=3):
        assert not np.array_equal(Perceptron([wa, wb], w0).predict(X), y)


def test_rectangle_from_two_boundaries_and_an_and():
    Lv = Perceptron([1.0, 0.0], -1.0)   # x1 ≥ 1: right of a vertical line
    Lh = Perceptron([0.0, -1.0], 2.0)   # x2 ≤ 2: below a horizontal line
    region = logic.Network([[Lv, Lh], [logic.AND]])
    points = np.array([[1.5, 1.0], [0.5, 1.0], [1.5, 3.0], [0.5, 3.0]])
    np.testing.assert_array_equal(region.predict(points), [1, 0, 0, 0])


def test_multi_output_layers_and_three_inputs():
    both = logic.Network([[logic.AND, logic.OR]])
    np.testing.assert_array_equal(both.predict([[1, 0]]), [[0, 1]])
    majority = Perceptron([1.0, 1.0, 1.0], -1.5)
    table = logic.truth_table(majority)
    assert table.shape == (8, 4)
    np.testing.assert_array_equal(table[:, 3], (table[:, :3].sum(axis=1) >= 2).astype(int))


def test_gates_are_constants():
    with pytest.raises(AttributeError, match="constant"):
        logic.AND.fit([[0, 0], [1, 1]], [0, 1])
    assert logic.AND.extended_weights.tolist() == [-1.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="read-only"):
        logic.OR.weights[0] = 5.0
    with pytest.raises(AttributeError, match="constant"):
        logic.OR.bias = 0.0
    with pytest.raises(AttributeError, match="constant"):
        logic.OR.weights = np.zeros(2)
    np.testing.assert_array_equal(logic.truth_table(logic.OR)[:, 2], [0, 1, 1, 1])


@pytest.mark.parametrize("call, error, name", [
    (lambda: logic.Network([]), TypeError, "layers"),
    (lambda: logic.Network([[logic.AND], []]), TypeError, r"layers\[1\]"),
    (lambda: logic.Network([[logic.AND, "OR"]]), TypeError, r"layers\[0\]\[1\]"),
    (lambda: logic.Network([[logic.AND], [logic.AND]]), ValueError, r"layers\[1\]\[0\] takes 2"),
    (lambda: logic.Network([[logic.AND, logic.NOT]]), ValueError, r"layers\[0\]\[1\] takes 1 inputs but the network's inputs number 2"),
    (lambda: logic.truth_table("AND"), TypeError, "gate"),
    (lambda: logic.truth_table(Perceptron([1.0], 0.0, "sigmoid")), ValueError, "gate must output 0 or 1"),
    (lambda: logic.truth_table(logic.Network([[logic.AND, logic.OR]])), ValueError, "single output"),
    (lambda: logic.XOR.predict([[0, 1, 1]]), ValueError, "X must have 2"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


# --- Chapter 3 additions: n-input gates, the 16 functions, regions, grid detectors ----------

from scipy.optimize import linprog  # noqa: E402

from nnkit import grid  # noqa: E402


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_n_input_and_or_gates_match_all_and_any(n):
    X = np.array(list(itertools.product([0, 1], repeat=n)))
    np.testing.assert_array_equal(logic.and_gate(n).predict(X), X.all(axis=1).astype(int))
    np.testing.assert_array_equal(logic.or_gate(n).predict(X), X.any(axis=1).astype(int))
    assert logic.and_gate(2).extended_weights.tolist() == logic.AND.extended_weights.tolist()
    assert logic.or_gate(2).extended_weights.tolist() == logic.OR.extended_weights.tolist()


def lp_separable(y):
    """Reference: is there (w0, wA, wB) with w·x >= 1 on the 1s and <= -1 on the 0s? (linprog)"""
    X1 = np.hstack([np.ones((4, 1)), np.array(list(itertools.product([0, 1], repeat=2)))])
    sign = np.where(np.array(y) == 1, -1.0, 1.0)[:, None]
    result = linprog(np.zeros(3), A_ub=sign * X1, b_ub=-np.ones(4), bounds=[(None, None)] * 3)
    return result.status == 0


def test_fourteen_of_sixteen_two_input_functions_are_linearly_separable():
    found = logic.linearly_separable_functions()
    every = list(itertools.product([0, 1], repeat=4))
    assert found == sorted(y for y in every if lp_separable(y))
    assert len(found) == 14
    assert sorted(set(every) - set(found)) == [(0, 1, 1, 0), (1, 0, 0, 1)]  # XOR, XNOR
    # a finer grid finds nothing more
    assert logic.linearly_separable_functions(np.linspace(-3, 3, 25)) == found


def test_the_perceptron_rule_never_converges_on_xor_but_does_on_and():
    X, y = datasets.logic_table("XOR")
    assert not Perceptron.zeros(2).fit(X, y, max_epochs=200, random_state=0).converged_
    X, y = datasets.logic_table("AND")
    assert Perceptron.zeros(2).fit(X, y, max_epochs=200, random_state=0).converged_


def test_forward_keeps_each_layer_and_ends_with_predict():
    X, y = datasets.logic_table("XOR")
    (z1, a1), (z2, a2) = logic.XOR.forward(X)
    np.testing.assert_array_equal(a1, np.column_stack([X.any(axis=1), ~X.all(axis=1)]))
    np.testing.assert_allclose(z1[:, 0], X.sum(axis=1) - 0.5)
    np.testing.assert_allclose(z2[:, 0], a1.sum(axis=1) - 1.5)
    np.testing.assert_array_equal(a2[:, 0], y)
    # in the hidden space, XOR is linearly separable: AND separates it
    np.testing.assert_array_equal(logic.AND.predict(a1), y)


def test_corner_box_and_union_regions():
    rng = np.random.default_rng(0)
    P = rng.uniform(-1, 4, size=(2000, 2))
    corner = logic.box_region((1, np.inf), (-np.inf, 2))
    assert len(corner.layers[0]) == 2   # one vertical and one horizontal boundary
    np.testing.assert_array_equal(corner.predict(P), (P[:, 0] >= 1) & (P[:, 1] <= 2))
    box = logic.box_region((0, 3), (1, 2))
    inside = (P[:, 0] >= 0) & (P[:, 0] <= 3) & (P[:, 1] >= 1) & (P[:, 1] <= 2)
    np.testing.assert_array_equal(box.predict(P), inside)
    plus = logic.union_of_boxes([((0, 3), (1, 2)), ((1, 2), (0, 3))])
    tall = (P[:, 0] >= 1) & (P[:, 0] <= 2) & (P[:, 1] >= 0) & (P[:, 1] <= 3)
    np.testing.assert_array_equal(plus.predict(P), inside | tall)
    assert [len(layer) for layer in plus.layers] == [8, 2, 1]


def test_grid_patterns_and_bar_detectors():
    P = logic.GRID_PATTERNS
    assert set(P) >= {"vertical bar", "horizontal bar", "cross", "diagonal", "empty"}
    np.testing.assert_array_equal(P["vertical bar"], grid.VERTICAL_BAR)   # kernel = pattern
    np.testing.assert_array_equal(P["horizontal bar"], grid.HORIZONTAL_BAR)
    assert set(np.unique(np.stack(list(P.values())))) == {-1.0, 1.0}
    fires = {name: (logic.respond(logic.VERTICAL_DETECTOR, g)[1],
                    logic.respond(logic.HORIZONTAL_DETECTOR, g)[1],
                    logic.respond(logic.CROSS_DETECTOR, g)[1]) for name, g in P.items()}
    assert fires["vertical bar"] == (1, 0, 0)
    assert fires["horizontal bar"] == (0, 1, 0)
    assert fires["cross"] == (1, 1, 1)
    assert fires["diagonal"] == (0, 0, 0) and fires["empty"] == (0, 0, 0)
    # net input on a perfect bar: 9 matching cells, plus the bias
    assert logic.respond(logic.VERTICAL_DETECTOR, P["vertical bar"])[0] == 9 + logic.BAR_BIAS
    assert logic.respond(logic.VERTICAL_DETECTOR, P["cross"])[0] == 5 + logic.BAR_BIAS


def test_bar_detector_fires_when_at_most_two_cells_are_off():
    grids = logic.all_grids()
    assert grids.shape == (512, 3, 3)
    z, fires = logic.respond(logic.VERTICAL_DETECTOR, grids)
    off = (grids != grid.VERTICAL_BAR).sum(axis=(1, 2))
    np.testing.assert_array_equal(fires, (off <= 2).astype(int))
    np.testing.assert_allclose(z, 9 - 2 * off + logic.BAR_BIAS)


def test_cross_detector_fires_on_six_grids_that_look_alike_to_the_bars():
    grids = logic.all_grids()
    _, fires = logic.respond(logic.CROSS_DETECTOR, grids)
    hits = grids[fires == 1]
    assert len(hits) == 6
    assert any((h == logic.GRID_PATTERNS["cross"]).all() for h in hits)
    assert any((h == logic.GRID_PATTERNS["dot"]).all() for h in hits)
    for h in hits:  # corners light, centre dark
        assert h[1, 1] == 1 and (h[[0, 0, 2, 2], [0, 2, 0, 2]] == -1).all()
    # the dot and the cross give the bar detectors identical net inputs
    for detector in (logic.VERTICAL_DETECTOR, logic.HORIZONTAL_DETECTOR):
        assert (logic.respond(detector, logic.GRID_PATTERNS["dot"])
                == logic.respond(detector, logic.GRID_PATTERNS["cross"]))


def test_exactly_one_bar_is_not_linearly_separable_in_pixel_space():
    P = logic.GRID_PATTERNS
    np.testing.assert_array_equal(P["vertical bar"] + P["horizontal bar"], P["cross"] + P["dot"])


def test_challenge_a_template_kernel_passes_and_the_two_layer_network_does_not():
    template = Perceptron(logic.GRID_PATTERNS["cross"].ravel(), -8.0)
    report = logic.check_detector(template)
    assert all(row["correct"] for row in report) and len(report) == len(logic.CROSS_CHALLENGE)
    assert sum(label for _, _, label in logic.CROSS_CHALLENGE) == 1
    wrong = [row["name"] for row in logic.check_detector(logic.CROSS_DETECTOR) if not row["correct"]]
    assert wrong == ["dot", "corner"]
    loose = Perceptron(logic.GRID_PATTERNS["cross"].ravel(), -6.0)  # tolerates one wrong cell
    wrong = {row["name"] for row in logic.check_detector(loose) if not row["correct"]}
    assert "T" not in wrong and "cross without top" in wrong and "cross with a dark corner" in wrong


def test_feature_maps_match_conv2d_and_follow_the_pattern():
    image = logic.place_pattern(logic.GRID_PATTERNS["cross"], size=8, row=2, col=3)
    assert image.shape == (8, 8) and (image == 1).sum() == 5
    z, fires = logic.feature_map(image, logic.VERTICAL_DETECTOR)
    np.testing.assert_allclose(z, grid.conv2d(image, grid.VERTICAL_BAR) + logic.BAR_BIAS)
    np.testing.assert_array_equal(fires, (z >= 0).astype(int))
    z, fires = logic.feature_map(image, logic.CROSS_DETECTOR)
    assert fires.shape == (6, 6) and fires.sum() == 1 and fires[2, 3] == 1
    v = logic.feature_map(image, logic.VERTICAL_DETECTOR)[1]
    h = logic.feature_map(image, logic.HORIZONTAL_DETECTOR)[1]
    np.testing.assert_array_equal(fires, v & h)
    # shifting the pattern shifts the map (and agrees with torch's conv2d)
    torch = pytest.importorskip("torch")
    ref = torch.nn.functional.conv2d(torch.tensor(image)[None, None],
                                     torch.tensor(grid.VERTICAL_BAR.copy())[None, None])
    np.testing.assert_allclose(logic.feature_map(image, logic.VERTICAL_DETECTOR)[0],
                               ref[0, 0].numpy() + logic.BAR_BIAS)


@pytest.mark.parametrize("call, error, name", [
    (lambda: logic.and_gate(0), ValueError, "n_inputs"),
    (lambda: logic.or_gate(2.0), TypeError, "n_inputs"),
    (lambda: logic.box_region((2, 1), (0, 1)), ValueError, "x_range"),
    (lambda: logic.box_region((0, 1), ("a", 1)), TypeError, "y_range"),
    (lambda: logic.box_region(5, (0, 1)), TypeError, "x_range must be a pair"),
    (lambda: logic.box_region((-np.inf, np.inf), (-np.inf, np.inf)), ValueError, "both infinite"),
    (lambda: logic.union_of_boxes([]), TypeError, "boxes"),
    (lambda: logic.union_of_boxes([((0, np.inf), (0, 1))]), ValueError, r"boxes\[0\]"),
    (lambda: logic.dark_light([[0, 2]]), ValueError, "dark"),
    (lambda: logic.dark_light([1, 0]), ValueError, "dark"),
    (lambda: logic.respond("V", np.ones((3, 3))), TypeError, "detector"),
    (lambda: logic.respond(logic.VERTICAL_DETECTOR, np.ones(9)), ValueError, "grids"),
    (lambda: logic.place_pattern(np.ones((3, 3)), size=8, row=6), ValueError, "row"),
    (lambda: logic.feature_map(np.ones((8, 8)), logic.AND), ValueError, "k\\*k"),
    (lambda: logic.all_grids(5), ValueError, "size"),
])
def test_new_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_chapter_rule_on_and_and_xor_over_seeds_0_to_4():
    """Chapter 3: from zero weights, AND stops after 7 to 15 epochs (seed 0: 15); XOR never."""
    X, y_and = datasets.logic_table("AND")
    y_xor = datasets.logic_table("XOR")[1]
    epochs = [len(Perceptron.zeros(2).fit(X, y_and, max_epochs=200, random_state=s).errors_)
              for s in range(5)]
    assert epochs[0] == 15 and (min(epochs), max(epochs)) == (7, 15)
    assert not any(Perceptron.zeros(2).fit(X, y_xor, max_epochs=200, random_state=s).converged_
                   for s in range(5))
