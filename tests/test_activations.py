"""Activations and their derivatives, checked against finite differences and torch."""
import numpy as np
import pytest
import torch

from nnkit import activations as act

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear"]
Z = np.linspace(-4.0, 4.0, 81) + 0.0125  # avoids z = 0, where ReLU and step have kinks


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name):
    h, dh = act.ACTIVATIONS[name], act.DERIVATIVES[name]
    eps = 1e-6
    numeric = (h(Z + eps) - h(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(dh(Z), numeric, rtol=1e-6, atol=1e-8)


TORCH_REFERENCE = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.01),
    "elu": torch.nn.functional.elu,
    "linear": lambda t: t,
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_and_derivatives_match_torch(name):
    t = torch.tensor(Z, requires_grad=True)
    out = TORCH_REFERENCE[name](t)
    out.sum().backward()
    np.testing.assert_allclose(act.ACTIVATIONS[name](Z), out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(act.DERIVATIVES[name](Z), t.grad.numpy(), rtol=1e-12)


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma():
    s = act.sigmoid(Z)
    np.testing.assert_allclose(act.DERIVATIVES["sigmoid"](Z), s * (1 - s))
    assert act.DERIVATIVES["sigmoid"](0.0) == pytest.approx(0.25)  # its largest value
    assert act.DERIVATIVES["sigmoid"](Z).max() <= 0.25


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = act.sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, np.exp(-50) / (1 + np.exp(-50)), 0.5, 1 / (1 + np.exp(-50)), 1.0])


def test_leaky_relu_and_elu_parameters():
    np.testing.assert_allclose(act.leaky_relu([-2.0, 3.0], alpha=0.1), [-0.2, 3.0])
    np.testing.assert_allclose(act.elu([-1.0, 2.0], alpha=2.0), [2 * (np.exp(-1) - 1), 2.0])
    assert act.elu(-50.0) == pytest.approx(-1.0)


def test_step_and_sign_decide_at_zero():
    z = np.array([-2.0, -1e-12, 0.0, 3.0])
    np.testing.assert_array_equal(act.step(z), [0, 0, 1, 1])
    np.testing.assert_array_equal(act.sign(z), [-1, -1, 1, 1])
    assert act.step(z).dtype.kind == "i"
    np.testing.assert_array_equal(act.DERIVATIVES["step"](z), 0.0)
    np.testing.assert_array_equal(act.sign(z), 2 * act.step(z) - 1)


def test_softmax_rows_are_probabilities():
    z = np.random.default_rng(0).normal(size=(6, 4)) * 5
    p = act.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p > 0).all()
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(z), dim=1).numpy(), rtol=1e-12)
    np.testing.assert_array_equal(p.argmax(axis=1), z.argmax(axis=1))


def test_softmax_is_stable_and_shift_invariant():
    z = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = act.softmax(z)
    np.testing.assert_allclose(p[0], act.softmax(np.array([0.0, 1.0, 2.0])))
    np.testing.assert_allclose(p[1], [1 / 3] * 3)


def test_softmax_jacobian_matches_finite_differences_and_torch():
    z = np.array([0.3, -1.2, 2.0, 0.5])
    eps = 1e-6
    numeric = np.column_stack([(act.softmax(z + eps * e) - act.softmax(z - eps * e)) / (2 * eps)
                               for e in np.eye(4)])
    J = act.DERIVATIVES["softmax"](z)
    np.testing.assert_allclose(J, numeric, atol=1e-9)
    reference = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(z))
    np.testing.assert_allclose(J, reference.numpy(), atol=1e-12)
    assert act.DERIVATIVES["softmax"](np.tile(z, (3, 1))).shape == (3, 4, 4)


def test_tables_cover_the_syllabus():
    expected = {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "step", "sign", "linear", "softmax"}
    assert set(act.ACTIVATIONS) == expected
    assert set(act.DERIVATIVES) == expected


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*'relu'"):
        act.get("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        act.derivative("gelu")


@pytest.mark.parametrize("bad, error", [
    ([np.nan, 1.0], ValueError), ([np.inf], ValueError), ("1.0", TypeError),
    (np.array(["a"]), TypeError), ([1 + 2j], TypeError), ([[1.0], [2.0, 3.0]], ValueError),
])
@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_bad_z_is_refused_naming_z(name, bad, error):
    with pytest.raises(error, match="z"):
        act.ACTIVATIONS[name](bad)


def test_bad_alpha_is_refused():
    with pytest.raises(ValueError, match="alpha"):
        act.leaky_relu([1.0], alpha=-0.1)
    with pytest.raises(TypeError, match="alpha"):
        act.elu([1.0], alpha="big")
    with pytest.raises(ValueError, match="z must be 1-D or 2-D"):
        act.softmax(np.zeros((2, 2, 2)))


@pytest.mark.parametrize("name", ["step", "sign"])
def test_flat_activations_have_zero_derivative_away_from_the_jump(name):
    h, dh = act.ACTIVATIONS[name], act.DERIVATIVES[name]
    eps = 1e-6
    np.testing.assert_array_equal(dh(Z), (h(Z + eps) - h(Z - eps)) / (2 * eps))


@pytest.mark.parametrize("name, alpha, reference", [
    ("leaky_relu", 0.1, lambda t: torch.nn.functional.leaky_relu(t, 0.1)),
    ("elu", 2.0, lambda t: torch.nn.functional.elu(t, 2.0)),
])
def test_alpha_variants_match_torch_and_finite_differences(name, alpha, reference):
    t = torch.tensor(Z, requires_grad=True)
    reference(t).sum().backward()
    h, dh = act.ACTIVATIONS[name], act.DERIVATIVES[name]
    np.testing.assert_allclose(h(Z, alpha=alpha), reference(torch.tensor(Z)).numpy(), rtol=1e-12)
    np.testing.assert_allclose(dh(Z, alpha=alpha), t.grad.numpy(), rtol=1e-12)
    eps = 1e-6
    numeric = (h(Z + eps, alpha=alpha) - h(Z - eps, alpha=alpha)) / (2 * eps)
    np.testing.assert_allclose(dh(Z, alpha=alpha), numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_and_tanh_are_rescaled_copies():
    """tanh(z) = 2σ(2z) − 1, so tanh' = 4σ'(2z): the two S-curves differ only in scale."""
    np.testing.assert_allclose(act.tanh(Z), 2 * act.sigmoid(2 * Z) - 1, atol=1e-14)
    np.testing.assert_allclose(act.DERIVATIVES["tanh"](Z), 4 * act.DERIVATIVES["sigmoid"](2 * Z),
                               atol=1e-14)
