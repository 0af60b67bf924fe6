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
