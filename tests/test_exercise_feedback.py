"""The exercises' public checks teach: they catch the usual mistakes while the student works.

WRONG holds plausible wrong answers to every question of every exercise notebook (a sign error,
`>` for `>=`, a flipped kernel, a mean for a sum, the test set scaled with its own statistics, a
forgotten 1/(1 - p), a hard-coded shape, a wrong letter, ...), each written as edits of the master's
reference solution: (what the student got wrong, [(reference text, wrong text), ...]).

For each master, one child process runs the reference solution cell by cell, as a grading kernel
does, then, for each wrong answer, the question's solution cells with the edits applied (on a copy
of the namespace that the earlier questions built) and that question's test cases, public and
hidden, exactly as otter calls them (each test function with the names it asks for). No otter
grading per wrong answer: this is what `grader.check` runs, without the notebook around it.

Measured (exercises/README.md, "Public checks that teach"):
- at least 90% of the wrong answers to the questions with code or a computed value are caught by
  a public check, and every wrong answer (multiple-choice letters included) by public + hidden;
- a public check that catches a wrong answer carries a failure_message (the hint grader.check shows);
- on a blank notebook every question's public checks fail, and neither they nor their messages
  contain a line of the reference solution (a hint is not the answer);
- at least 3 wrong answers per question, and each edit matches the reference solution once;
- what the interpretation questions state about a result (0.65, "divided by about 4", VGG16's
  138,357,544, "beats scratch on every seed", ...) is what their given cells print.

Multiple-choice letters are checked by hidden tests only (a public check of the letter would give
the answer away among three), so they count towards the 100%, not towards the 90%.
"""

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("otter", reason="otter-grader is not installed (pip install -r requirements.txt)")
yaml = pytest.importorskip("yaml")

# The `runs` fixture runs every master (two child processes, ~45 s of CPU): under pytest-xdist
# (--dist loadgroup) the module's tests share one worker, so that it runs once per test run.
pytestmark = pytest.mark.xdist_group("exercise-feedback")

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
MASTERS = {p.stem: p for p in sorted(EXERCISES.glob("[0-9][0-9]-*.ipynb"))}

PUBLIC_TARGET = 0.90
# The CPU-time limit of every test case here (60 s in the notebooks): a wrong answer that loops
# forever is cut after this many seconds instead.
LIMIT = 5


def _letters(question, right, letters="abc"):
    """Wrong answers to a multiple-choice question: every other letter, and two letters at once."""
    reference = f'{question}_answer = "{right}"'
    others = [x for x in letters if x != right]
    wrong = [(f"letter {x!r} (a distractor)", [(reference, f'{question}_answer = "{x}"')]) for x in others]
    return wrong + [("two letters in one string", [(reference, f'{question}_answer = "{right} or {others[0]}"')])]


# {slug: {question: [(misconception, [(reference text, wrong text), ...])]}}
WRONG = {
    "01-patterns-and-dimensionality": {
        "q1": [
            ("squared distances (no square root)", [("np.sqrt((diff ** 2).sum(axis=-1))", "(diff ** 2).sum(axis=-1)")]),
            ("Manhattan instead of Euclidean distance", [("np.sqrt((diff ** 2).sum(axis=-1))", "np.abs(diff).sum(axis=-1)")]),
            ("a point's zero distance to itself included", [("dist[np.triu_indices(len(X), k=1)]", "dist.ravel()")]),
            ("ratio upside down", [("return pairs.max() / pairs.min()", "return pairs.min() / pairs.max()")]),
            ("distances from the first point only", [("dist[np.triu_indices(len(X), k=1)]", "dist[0, 1:]")]),
            ("largest over mean distance", [("return pairs.max() / pairs.min()", "return pairs.max() / pairs.mean()")]),
        ],
        "q2": [
            ("one side of each interval only", [("return 1 - (1 - 2 * margin) ** d", "return 1 - (1 - margin) ** d")]),
            ("the inner cube's volume, not the boundary's", [("return 1 - (1 - 2 * margin) ** d", "return (1 - 2 * margin) ** d")]),
            ("adding the slabs (linear in d)", [("return 1 - (1 - 2 * margin) ** d", "return 2 * margin * d")]),
            ("product instead of power", [("return 1 - (1 - 2 * margin) ** d", "return 1 - (1 - 2 * margin) * d")]),
        ],
        "q3": _letters("q3", "c"),
        "q4": [
            ("no absolute value", [("return np.abs(r).max()", "return r.max()")]),
            ("covariance instead of correlation", [("r = (Xc * yc[:, None]).sum(axis=0) / np.sqrt((Xc ** 2).sum(axis=0) * (yc ** 2).sum())",
                                                    "r = (Xc * yc[:, None]).mean(axis=0)")]),
            ("features not centred", [("Xc = X - X.mean(axis=0)", "Xc = X")]),
            ("centred over the wrong axis", [("Xc = X - X.mean(axis=0)", "Xc = X - X.mean(axis=1, keepdims=True)")]),
        ],
        "q5": _letters("q5", "b"),
    },
    "02-perceptron": {
        "q1": [
            ("moves w the wrong way for a point of P", [("return w + x", "return w - x")]),
            ("moves w the wrong way for a point of N", [("return w - x", "return w + x")]),
            ("> instead of >= for a point of N", [("if label == 0 and z >= 0:", "if label == 0 and z > 0:")]),
            ("<= instead of < for a point of P", [("if label == 1 and z < 0:", "if label == 1 and z <= 0:")]),
            ("modifies w in place", [("return w + x", "w += x\n        return w")]),
            ("updates every point of P", [("if label == 1 and z < 0:", "if label == 1:")]),
        ],
        "q2": [
            ("ignores the seed", [("rng = np.random.default_rng(seed)", "rng = np.random.default_rng()")]),
            ("forgets to keep the update", [("w = perceptron_update(w, X[i], y[i])", "perceptron_update(w, X[i], y[i])")]),
            ("never stops on data that is not separable", [("for _ in range(max_steps):", "while True:")]),
            ("one step too few", [("for _ in range(max_steps):", "for _ in range(max_steps - 1):")]),
            ("starts from zero weights", [("w = rng.normal(size=X.shape[1])", "w = np.zeros(X.shape[1])")]),
            ("walks the samples in order instead of at random", [("i = rng.integers(len(X))", "i = _ % len(X)")]),
        ],
        "q3": [
            ("no bias", [("return L * (K + 1)", "return L * K")]),
            ("one bias for the whole layer", [("return L * (K + 1)", "return L * K + 1")]),
            ("one perceptron too many", [("return L * (K + 1)", "return (L + 1) * K")]),
        ],
        "q4": _letters("q4", "a"),
        "q5": _letters("q5", "c"),
    },
    "03-logic-gates": {
        "q1": [
            ("> instead of >=", [("return (w @ x >= 0).astype(int)", "return (w @ x > 0).astype(int)")]),
            ("bias left out", [("return (w @ x >= 0).astype(int)", "return (w[1:] @ X.T >= 0).astype(int)")]),
            ("bias put last", [("x = np.c_[np.ones(len(X)), X].T", "x = np.c_[X, np.ones(len(X))].T")]),
            ("booleans instead of integers", [("return (w @ x >= 0).astype(int)", "return w @ x >= 0")]),
            ("two inputs hard-coded", [("return (w @ x >= 0).astype(int)",
                                        "return (w[0] + w[1] * X[:, 0] + w[2] * X[:, 1] >= 0).astype(int)")]),
        ],
        "q2": [
            ("AND with the OR threshold", [("AND_W = np.array([-1.5, 1.0, 1.0])", "AND_W = np.array([-0.5, 1.0, 1.0])")]),
            ("NAND: only the weights negated", [("NAND_W = np.array([1.5, -1.0, -1.0])", "NAND_W = np.array([-1.5, -1.0, -1.0])")]),
            ("NOR given NAND's weights", [("NOR_W = np.array([0.5, -1.0, -1.0])", "NOR_W = np.array([1.5, -1.0, -1.0])")]),
            ("NOT that copies its input", [("NOT_W = np.array([0.5, -1.0])", "NOT_W = np.array([-0.5, 1.0])")]),
            ("bias last", [("AND_W = np.array([-1.5, 1.0, 1.0])", "AND_W = np.array([1.0, 1.0, -1.5])")]),
            ("all-zero weights (fire on everything)", [("AND_W = np.array([-1.5, 1.0, 1.0])", "AND_W = np.zeros(3)"),
                                                       ("NAND_W = np.array([1.5, -1.0, -1.0])", "NAND_W = np.zeros(3)"),
                                                       ("NOR_W = np.array([0.5, -1.0, -1.0])", "NOR_W = np.zeros(3)"),
                                                       ("NOT_W = np.array([0.5, -1.0])", "NOT_W = np.zeros(2)")]),
        ],
        "q3": [
            ("an OR output unit", [("return perceptron_output(AND_W, hidden)", "return perceptron_output(OR_W, hidden)")]),
            ("NOR instead of NAND in the hidden layer", [("perceptron_output(NAND_W, X)]", "perceptron_output(NOR_W, X)]")]),
            ("returns the hidden layer", [("return perceptron_output(AND_W, hidden)", "return hidden")]),
            ("one NAND unit only", [("return perceptron_output(AND_W, hidden)", "return perceptron_output(NAND_W, X)")]),
        ],
        "q4": [
            ("bias one too high (fires one cell off)", [("DIAG_BIAS = -8", "DIAG_BIAS = -7")]),
            ("light cells weighted 0", [("DIAG_KERNEL = 2 * np.eye(3) - 1", "DIAG_KERNEL = np.eye(3)"), ("DIAG_BIAS = -8", "DIAG_BIAS = -3")]),
            ("the other diagonal", [("DIAG_KERNEL = 2 * np.eye(3) - 1", "DIAG_KERNEL = 2 * np.fliplr(np.eye(3)) - 1")]),
            ("no bias", [("DIAG_BIAS = -8", "DIAG_BIAS = 0")]),
            ("all-zero weights", [("DIAG_KERNEL = 2 * np.eye(3) - 1", "DIAG_KERNEL = np.zeros((3, 3))"), ("DIAG_BIAS = -8", "DIAG_BIAS = 0")]),
        ],
        "q5": _letters("q5", "a"),
    },
    "04-multilayer-perceptrons": {
        "q1": [
            ("no biases", [("(a + 1) * b for", "a * b for")]),
            ("biases on the input side", [("(a + 1) * b for", "a * (b + 1) for")]),
            ("first layer only", [("return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))",
                                   "return (sizes[0] + 1) * sizes[1]")]),
            ("a bias on the output layer only", [("return int(sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])))",
                                                  "return int(sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sizes[-1])")]),
        ],
        "q2": [
            ("no bias", [("Z = X @ W + b", "Z = X @ W")]),
            ("ReLU as a maximum over the batch", [("return np.maximum(Z, 0)", "return np.max(Z, 0)")]),
            ("sigmoid with exp(+z)", [("return 1 / (1 + np.exp(-Z))", "return 1 / (1 + np.exp(Z))")]),
            ("bias as a column", [("Z = X @ W + b", "Z = X @ W + b[:, None]")]),
            ("activation applied before the bias", [("Z = X @ W + b", "Z = X @ W"), ("return np.maximum(Z, 0)", "return np.maximum(Z, 0) + b"),
                                                     ("return 1 / (1 + np.exp(-Z))", "return 1 / (1 + np.exp(-Z)) + b"),
                                                     ("    return Z\n", "    return Z + b\n")]),
        ],
        "q3": _letters("q3", "c"),
        "q4": [
            ("slopes instead of changes of slope", [("w2 = np.diff(np.r_[0.0, slopes])", "w2 = slopes")]),
            ("no offset", [("b2 = float(values[0])", "b2 = 0.0")]),
            ("bias of the wrong sign (hinges at -knot)", [("b1 = -knots[:-1]", "b1 = knots[:-1]")]),
            ("rise without run (knots spaced 1 assumed)", [("slopes = np.diff(values) / np.diff(knots)", "slopes = np.diff(values)")]),
        ],
        "q5": _letters("q5", "b"),
    },
    "05-backpropagation": {
        "q1": [
            ("grad_X without the transpose", [("grad_X = grad_out @ W.T", "grad_X = grad_out @ W")]),
            ("grad_b as a mean", [("grad_b = grad_out.sum(axis=0)", "grad_b = grad_out.mean(axis=0)")]),
            ("grad_W averaged over the batch", [("grad_W = X.T @ grad_out", "grad_W = X.T @ grad_out / len(X)")]),
            ("grad_b summed over the wrong axis", [("grad_b = grad_out.sum(axis=0)", "grad_b = grad_out.sum(axis=1)")]),
            ("grad_W transposed", [("grad_W = X.T @ grad_out", "grad_W = grad_out.T @ X")]),
        ],
        "q2": [
            ("gradient of the sum, not the mean", [("return loss, grad / n", "return loss, grad")]),
            ("gradient of the wrong sign", [("return loss, grad / n", "return loss, -grad / n")]),
            ("no shift by the row maximum", [("Z = Z - Z.max(axis=1, keepdims=True)", "Z = Z")]),
            ("log of a probability that underflows", [("log_P = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))",
                                                       "log_P = np.log(np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))")]),
            ("shift by the column maximum", [("Z = Z - Z.max(axis=1, keepdims=True)", "Z = Z - Z.max(axis=0, keepdims=True)")]),
            ("loss summed over the batch", [("loss = -np.mean(log_P[np.arange(n), y])", "loss = -np.sum(log_P[np.arange(n), y])")]),
        ],
        "q3": [
            ("rounds down (drops the last, smaller batch)", [("return -(-n_samples // batch_size)", "return n_samples // batch_size")]),
            ("always one more batch", [("return -(-n_samples // batch_size)", "return n_samples // batch_size + 1")]),
            ("a float from np.ceil", [("return -(-n_samples // batch_size)", "return np.ceil(n_samples / batch_size)")]),
            ("rounds to the nearest", [("return -(-n_samples // batch_size)", "return round(n_samples / batch_size)")]),
            ("counts samples for full-batch GD", [('    if method == "gd":\n        return 1', '    if method == "gd":\n        return n_samples')]),
        ],
        "q4": _letters("q4", "b"),
        "q5": [
            ("sigmoid derivative as z(1 - z)", [("s = 1 / (1 + np.exp(-Z))\n        return grad_A * s * (1 - s)", "return grad_A * Z * (1 - Z)")]),
            ("upstream gradient forgotten", [("return grad_A * (Z > 0)", "return (Z > 0).astype(float)")]),
            ("tanh derivative without the square", [("return grad_A * (1 - np.tanh(Z) ** 2)", "return grad_A * (1 - np.tanh(Z))")]),
            ("ReLU gate read off the upstream gradient", [("return grad_A * (Z > 0)", "return grad_A * (grad_A > 0)")]),
            ("matrix product instead of element-wise", [("return grad_A * (1 - np.tanh(Z) ** 2)", "return grad_A @ (1 - np.tanh(Z) ** 2).T")]),
        ],
        "q6": _letters("q6", "c"),
    },
    "06-training-in-practice": {
        "q1": [
            ("test set scaled with its own statistics", [("(X_test - mean) / std", "(X_test - X_test.mean(axis=0)) / X_test.std(axis=0)")]),
            ("sample standard deviation (ddof=1)", [("X_train.std(axis=0)", "X_train.std(axis=0, ddof=1)")]),
            ("statistics over rows, not columns", [("mean, std = X_train.mean(axis=0), X_train.std(axis=0)",
                                                    "mean, std = X_train.mean(axis=1, keepdims=True), X_train.std(axis=1, keepdims=True)")]),
            ("divided by the variance", [("X_train.std(axis=0)", "X_train.var(axis=0)")]),
            ("statistics of train and test together", [("mean, std = X_train.mean(axis=0), X_train.std(axis=0)",
                                                        "both = np.r_[X_train, X_test]\n    mean, std = both.mean(axis=0), both.std(axis=0)")]),
        ],
        "q2": [
            ("forgot to divide by 1 - p", [("return H * keep / (1 - p)", "return H * keep")]),
            ("multiplied by 1 - p", [("return H * keep / (1 - p)", "return H * keep * (1 - p)")]),
            ("keeps with probability p", [("keep = rng.random(H.shape) >= p", "keep = rng.random(H.shape) < p")]),
            ("divides by p", [("return H * keep / (1 - p)", "return H * keep / p")]),
            ("one draw per row instead of per entry", [("keep = rng.random(H.shape) >= p", "keep = rng.random((H.shape[0], 1)) >= p")]),
        ],
        "q3": _letters("q3", "a"),
        "q4": [
            ("best epoch over the whole run (ignores the stop)", [("best = int(np.argmin(val_losses[:stop + 1]))", "best = int(np.argmin(val_losses))")]),
            ("keeps the last epoch's weights", [("return best, stop", "return stop, stop")]),
            ("patience off by one", [("if epoch - best_so_far >= patience:", "if epoch - best_so_far > patience:")]),
            ("an equal loss counts as an improvement", [("if loss < val_losses[best_so_far]:", "if loss <= val_losses[best_so_far]:")]),
        ],
        "q5": _letters("q5", "b"),
    },
    "07-convolution": {
        "q1": [
            ("padding forgotten", [("return (n + 2 * padding - k) // stride + 1", "return (n - k) // stride + 1")]),
            ("padding on one side only", [("return (n + 2 * padding - k) // stride + 1", "return (n + padding - k) // stride + 1")]),
            ("no + 1", [("return (n + 2 * padding - k) // stride + 1", "return (n + 2 * padding - k) // stride")]),
            ("a float division", [("return (n + 2 * padding - k) // stride + 1", "return (n + 2 * padding - k) / stride + 1")]),
            ("stride ignored", [("return (n + 2 * padding - k) // stride + 1", "return n + 2 * padding - k + 1")]),
        ],
        "q2": [
            ("flipped kernel (a true convolution)", [("* kernel)", "* kernel[::-1, ::-1])")]),
            ("stride ignored", [("image[i * stride:i * stride + kh, j * stride:j * stride + kw]", "image[i:i + kh, j:j + kw]")]),
            ("kernel height and width swapped", [("kh, kw = kernel.shape", "kw, kh = kernel.shape")]),
            ("square images assumed", [("ow = conv_output_size(image.shape[1], kw, 0, stride)", "ow = oh")]),
            ("mean instead of sum", [("out[i, j] = np.sum(", "out[i, j] = np.mean(")]),
        ],
        "q3": [
            ("padding forgotten", [("q3_shape = (32, 32, 16)", "q3_shape = (28, 28, 16)")]),
            ("kernels that see one channel", [("q3_params = 16 * (5 * 5 * 3 + 1)", "q3_params = 16 * (5 * 5 + 1)")]),
            ("no biases", [("q3_params = 16 * (5 * 5 * 3 + 1)", "q3_params = 16 * 5 * 5 * 3")]),
            ("the input's channels kept", [("q3_shape = (32, 32, 16)", "q3_shape = (32, 32, 3)")]),
            ("one bias per weight", [("q3_params = 16 * (5 * 5 * 3 + 1)", "q3_params = 16 * 5 * 5 * 3 * 2")]),
        ],
        "q4": [
            ("the first input channel only", [("out[i, j] = np.tensordot(window, kernels, axes=3) + biases",
                                                "out[i, j] = np.tensordot(window[..., 0], kernels[:, :, 0], axes=2) + biases")]),
            ("biases forgotten", [("out[i, j] = np.tensordot(window, kernels, axes=3) + biases",
                                   "out[i, j] = np.tensordot(window, kernels, axes=3)")]),
            ("flipped kernels", [("window = image[i:i + kh, j:j + kw]", "window = image[i:i + kh, j:j + kw][::-1, ::-1]")]),
            ("square kernels assumed", [("kh, kw, c_in, c_out = kernels.shape", "kh, _, c_in, c_out = kernels.shape\n    kw = kh")]),
        ],
        "q5": _letters("q5", "a"),
    },
    "08-pooling-and-cnns": {
        "q1": [
            ("average instead of max", [("out[..., i, j] = window.max(axis=(-2, -1))", "out[..., i, j] = window.mean(axis=(-2, -1))")]),
            ("stride fixed to the window size", [("stride = size if stride is None else stride", "stride = size")]),
            ("2-D input assumed", [("out = np.zeros(x.shape[:-2] + (oh, ow))", "out = np.zeros((oh, ow))")]),
            ("maximum over the whole batch", [("out[..., i, j] = window.max(axis=(-2, -1))", "out[..., i, j] = window.max()")]),
            ("ceil: keeps windows that do not fit", [("oh = (x.shape[-2] - size) // stride + 1", "oh = -(-(x.shape[-2] - size) // stride) + 1"),
                                                     ("ow = (x.shape[-1] - size) // stride + 1", "ow = -(-(x.shape[-1] - size) // stride) + 1")]),
        ],
        "q2": [
            ("pooling forgotten", [("q2_shape = (13, 13, 8)", "q2_shape = (26, 26, 8)")]),
            ("no convolution shrink", [("q2_shape = (13, 13, 8)", "q2_shape = (14, 14, 8)")]),
            ("pooling counted as a 2x2 kernel per channel", [("q2_pool_params = 0", "q2_pool_params = 8 * (2 * 2 + 1)")]),
            ("a float", [("q2_pool_params = 0", "q2_pool_params = 0.0")]),
        ],
        "q3": _letters("q3", "c"),
        "q4": [
            ("kernels that see one channel", [("return k * k * c_in * c_out + c_out", "return k * k * c_out + c_out")]),
            ("no biases", [("return k * k * c_in * c_out + c_out", "return k * k * c_in * c_out")]),
            ("one bias per input channel", [("return k * k * c_in * c_out + c_out", "return k * k * c_in * c_out + c_in")]),
            ("k counted once", [("return k * k * c_in * c_out + c_out", "return k * c_in * c_out + c_out")]),
        ],
        "q5": _letters("q5", "b"),
    },
    "09-transfer-learning": {
        "q1": [
            ("frozen parameters counted", [("for p in model.parameters() if p.requires_grad)", "for p in model.parameters())")]),
            ("tensors counted, not scalars", [("sum(p.numel() for p", "sum(1 for p")]),
            ("frozen parameters only", [("if p.requires_grad)", "if not p.requires_grad)")]),
        ],
        "q2": [
            ("freezes the head too", [("for p in model.backbone.parameters():", "for p in model.parameters():")]),
            ("freezes the head instead", [("for p in model.backbone.parameters():", "for p in model.head.parameters():")]),
            ("forgets to return the model", [("    return model\n", "    pass\n")]),
            ("freezes the first backbone layer only", [("for p in model.backbone.parameters():", "for p in model.backbone[0].parameters():")]),
        ],
        "q3": [
            ("a head of 8 inputs hard-coded", [("nn.Linear(model.head.in_features, n_classes)", "nn.Linear(8, n_classes)")]),
            ("the old number of classes kept", [("nn.Linear(model.head.in_features, n_classes)",
                                                 "nn.Linear(model.head.in_features, model.head.out_features)")]),
            ("inputs and outputs swapped", [("nn.Linear(model.head.in_features, n_classes)", "nn.Linear(n_classes, model.head.in_features)")]),
            ("new head appended after the old one", [("model.head = nn.Linear(model.head.in_features, n_classes)",
                                                      "model.head = nn.Sequential(model.head, nn.Linear(model.head.out_features, n_classes))")]),
        ],
        "q4": _letters("q4", "b"),
        "q5": [
            ("gradients never zeroed (they add up)", [("        optimizer.zero_grad()\n", "")]),
            ("a softmax before cross_entropy", [("cross_entropy(head(features), y)", "cross_entropy(torch.softmax(head(features), dim=1), y)")]),
            ("no optimizer step", [("        optimizer.step()\n", "")]),
            ("seed ignored", [("    torch.manual_seed(seed)\n", "")]),
            ("squared error on the class numbers", [("loss = nn.functional.cross_entropy(head(features), y)",
                                                     "loss = ((head(features).argmax(dim=1).float() - y) ** 2).mean().requires_grad_()")]),
        ],
        "q6": _letters("q6", "c"),
    },
    "10-model-family": {
        "q1": [
            ("best single run instead of the mean", [("np.mean(val_errors[name])", "np.min(val_errors[name])")]),
            ("highest error wins", [("return min(val_errors, key=", "return max(val_errors, key=")]),
            ("returns the error, not the name", [("return min(val_errors, key=lambda name: np.mean(val_errors[name]))",
                                                  "return min(np.mean(v) for v in val_errors.values())")]),
            ("the last run only", [("np.mean(val_errors[name])", "val_errors[name][-1]")]),
        ],
        "q2": [
            ("sigmoid for regression", [('"regression": ("linear", "squared_error")', '"regression": ("sigmoid", "squared_error")')]),
            ("softmax for a binary task", [('"binary": ("sigmoid", "binary_cross_entropy")', '"binary": ("softmax", "binary_cross_entropy")')]),
            ("squared error for classes", [('"multiclass": ("softmax", "cross_entropy")', '"multiclass": ("softmax", "squared_error")')]),
            ("activation and loss swapped", [('"binary": ("sigmoid", "binary_cross_entropy")', '"binary": ("binary_cross_entropy", "sigmoid")')]),
        ],
        "q3": _letters("q3", "a"),
        "q4": [
            ("population standard deviation (ddof=0)", [("np.std(errors, ddof=1)", "np.std(errors)")]),
            ("variance instead of standard deviation", [("np.std(errors, ddof=1)", "np.var(errors, ddof=1)")]),
            ("best run instead of the mean", [("np.mean(errors)", "np.min(errors)")]),
            ("standard error instead of standard deviation", [("float(np.std(errors, ddof=1))", "float(np.std(errors, ddof=1) / np.sqrt(len(errors)))")]),
            ("numpy floats in a list", [("(float(np.mean(errors)), float(np.std(errors, ddof=1)))", "[np.mean(errors), np.std(errors, ddof=1)]")]),
        ],
        "q5": _letters("q5", "c"),
    },
}


def parse_master(master, limit=LIMIT):
    """A master notebook as {"order": [(question or None, code)], "questions": {q: {"cells": [its
    solution and other code cells], "blank": [the same, solutions stripped by otter],
    "tests": [(code, config)]}}}, every test's CPU-time limit set to `limit`."""
    from otter.assign.solutions import replace_solutions

    questions, order, question, block = {}, [], None, None
    for cell in json.loads(master.read_text())["cells"]:
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "raw":
            if src.startswith("# BEGIN QUESTION"):
                question = yaml.safe_load(src.partition("\n")[2])["name"]
                questions[question] = {"cells": [], "blank": [], "tests": []}
            elif src.startswith("# END QUESTION"):
                question = None
            block = {"# BEGIN TESTS": "tests", "# END TESTS": None}.get(src.strip(), block)
        elif cell["cell_type"] == "code" and block == "tests":
            config = re.search(r'""" # BEGIN TEST CONFIG\n(.*?)""" # END TEST CONFIG', src, re.S)
            src = re.sub(r"^(\s*limit = )\d+", rf"\g<1>{limit}", src, flags=re.M)
            questions[question]["tests"].append((src, yaml.safe_load(config[1]) or {}))
        elif cell["cell_type"] == "code":
            order.append((question, src))
            if question is not None:
                questions[question]["cells"].append(src)
                questions[question]["blank"].append("\n".join(replace_solutions(src.split("\n"), "python")))
    return {"order": order, "questions": questions}


# The child process: reads {"order", "questions", "wrong"} (parse_master and the wrong answers as
# [(question, [(reference text, wrong text)])]) on stdin, runs the reference solution, the blank
# notebook and each wrong answer, and prints JSON {"reference": {q: outcome}, "blank": {q:
# outcome}, "wrong": [outcome]}: an outcome is {"tests": [{name, hidden, failure_message, error}]},
# with "cell_error" if the question's own cells raise, or {"error": why it could not run}.
RUNNER = r'''
import inspect, json, sys, warnings
warnings.filterwarnings("ignore")
job = json.load(sys.stdin)
questions, order = job["questions"], job["order"]


def run_tests(ns, q):
    results = []
    for src, config in questions[q]["tests"]:
        scope = {}
        exec(compile(src, f"<{q} test>", "exec"), scope)
        test = next(f for f in scope.values() if inspect.isfunction(f))
        args = {a: ns if a == "env" else ns.get(a) for a in inspect.signature(test).parameters}
        error = None
        try:
            test(**args)
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
        results.append({"name": test.__name__, "hidden": bool(config.get("hidden")), "error": error,
                        "failure_message": config.get("failure_message")})
    return {"tests": results}


def run_question(ns, q, sources, label):
    try:
        for src in sources:
            exec(compile(src, label, "exec"), ns)
    except BaseException as exc:
        return {"tests": [], "cell_error": f"{type(exc).__name__}: {exc}"}
    return run_tests(ns, q)


# The reference solution, every cell in order; before[q] is the namespace q's cells start from.
import contextlib, io
ns, before, printed = {"__name__": "__main__"}, {}, io.StringIO()
for q, src in order:
    if q is not None and q not in before:
        before[q] = dict(ns)
    if q is None:  # a given cell: keep what it prints (the results interpretation questions ask about)
        with contextlib.redirect_stdout(printed):
            exec(compile(src, "<given>", "exec"), ns)
    else:
        exec(compile(src, f"<{q} solution>", "exec"), ns)
reference = {q: run_tests(ns, q) for q in questions}
blank = {q: run_question(dict(before[q]), q, questions[q]["blank"], f"<{q} blank>") for q in questions}

wrong = []
for q, edits in job["wrong"]:
    if q not in questions:
        wrong.append({"error": f"the master has no question {q}"})
        continue
    sources, problem = list(questions[q]["cells"]), None
    for old, new in edits:
        hits = [i for i, s in enumerate(sources) if old in s]
        if len(hits) != 1 or sources[hits[0]].count(old) != 1:
            problem = f"the reference text {old!r} must occur once in {q}'s solution cells"
            break
        sources[hits[0]] = sources[hits[0]].replace(old, new)
    wrong.append({"error": problem} if problem else run_question(dict(before[q]), q, sources, f"<{q} wrong answer>"))
print("\n" + json.dumps({"reference": reference, "blank": blank, "wrong": wrong, "printed": printed.getvalue()}))
'''


def _run_master(slug):
    job = parse_master(MASTERS[slug])
    job["wrong"] = [(q, edits) for q, answers in WRONG.get(slug, {}).items() for _, edits in answers]
    # One thread for torch (chapter 9): its idle threads would spin on CPU time that the limit counts.
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(job), capture_output=True,
                          text=True, timeout=900, cwd=EXERCISES, env=env)
    assert proc.returncode == 0, f"{slug}: the runner failed\n{proc.stderr[-3000:]}"
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]), parsed=job)


@pytest.fixture(scope="module")
def runs():
    """{slug: the runner's results}, two masters at a time."""
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(MASTERS, pool.map(_run_master, MASTERS)))


def _outcomes(runs):
    """[(slug, question, misconception, outcome)] over the whole catalogue."""
    rows = []
    for slug, questions in WRONG.items():
        answers = [(q, text) for q, items in questions.items() for text, _ in items]
        for (q, text), outcome in zip(answers, runs[slug]["wrong"]):
            rows.append((slug, q, text, outcome))
    return rows


def _caught(outcome, hidden):
    if "cell_error" in outcome:  # the wrong answer's cell itself raises: the student sees it at once
        return True
    return any(t["error"] for t in outcome["tests"] if t["hidden"] == hidden)


def _multiple_choice(runs, slug, question):
    cells = runs[slug]["parsed"]["questions"][question]["cells"]
    return any(re.search(rf"^{question}_answer = ", s, re.M) for s in cells)



def test_catalogue_covers_every_question():
    """Every question of every master has at least 3 wrong answers in the catalogue."""
    for slug, master in MASTERS.items():
        names = re.findall(r"# BEGIN QUESTION\\nname: (q\d+)", master.read_text())
        assert names, f"{slug}: no question found"
        for q in names:
            assert len(WRONG.get(slug, {}).get(q, [])) >= 3, f"{slug} {q}: list at least 3 wrong answers in WRONG"
    for slug in WRONG:
        assert slug in MASTERS, f"WRONG names {slug}, which has no master"


@pytest.mark.parametrize("slug", list(MASTERS))
def test_reference_solution_passes_every_test(slug, runs):
    for q, outcome in runs[slug]["reference"].items():
        failed = [(t["name"], t["error"]) for t in outcome["tests"] if t["error"]]
        assert not failed, f"{slug} {q}: the reference solution fails {failed}"


@pytest.mark.parametrize("slug", list(MASTERS))
def test_every_wrong_answer_applies_and_is_caught(slug, runs):
    """Each edit matches the reference once, and public + hidden tests catch every wrong answer."""
    for s, q, text, outcome in _outcomes(runs):
        if s != slug:
            continue
        assert "error" not in outcome, f"{slug} {q} ({text}): {outcome['error']}"
        assert _caught(outcome, False) or _caught(outcome, True), (
            f"{slug} {q}: no test catches the wrong answer {text!r}")


def test_public_checks_catch_most_wrong_answers(runs):
    """>= 90% of the wrong answers to code and value questions fail a public check, and every
    public check that catches one has a failure_message."""
    rows = [r for r in _outcomes(runs) if "error" not in r[3] and not _multiple_choice(runs, r[0], r[1])]
    missed = [f"{s} {q}: {text}" for s, q, text, o in rows if not _caught(o, False)]
    share = 1 - len(missed) / len(rows)
    print(f"\npublic checks catch {len(rows) - len(missed)} of {len(rows)} wrong answers ({share:.0%}); "
          f"missed: {missed}")
    assert share >= PUBLIC_TARGET, f"public checks catch {share:.0%} of the wrong answers; missed:\n" + "\n".join(missed)
    for s, q, text, outcome in rows:
        for t in outcome.get("tests", []):
            if t["error"] and not t["hidden"]:
                assert t["failure_message"], f"{s} {q} {t['name']} catches {text!r} but has no failure_message"


def _normal(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("slug", list(MASTERS))
def test_blank_notebook_gets_hints_not_answers(slug, runs):
    """On a blank notebook every question's public checks fail (with a failure_message), and no
    public test or message holds a line of the reference solution."""
    run = runs[slug]
    for q, outcome in run["blank"].items():
        assert "error" not in outcome, f"{slug} {q}: the blank notebook raises {outcome['error']}"
        public = [t for t in outcome["tests"] if not t["hidden"]]
        assert public, f"{slug} {q}: no public test"
        assert any(t["error"] for t in public), f"{slug} {q}: the blank notebook passes every public test"
        for t in public:
            assert t["failure_message"], f"{slug} {q} {t['name']}: no failure_message"
        answers = set()
        for src in run["parsed"]["questions"][q]["cells"]:
            lines = src.split("\n")
            solution = {i for i, line in enumerate(lines) if line.rstrip().endswith("# SOLUTION")}
            inside = False
            for i, line in enumerate(lines):
                if line.strip() == "# END SOLUTION":
                    inside = False
                if inside or i in solution:
                    answers.add(_normal(line.split("# SOLUTION")[0].removeprefix("    ").strip().removeprefix("return ")))
                if line.strip() == "# BEGIN SOLUTION":
                    inside = True
        # A line that computes something (not `return name, name`) and is long enough to be the answer.
        answers = {a for a in answers if len(a) >= 12 and re.search(r"[-+*/@<>=(\[]", a)}
        sources = [src for src, config in run["parsed"]["questions"][q]["tests"] if not config.get("hidden")]
        shown = _normal("\n".join(sources) + "".join(t["failure_message"] or "" for t in public))
        leaked = sorted(a for a in answers if a in shown)
        assert not leaked, f"{slug} {q}: the public checks show the answer {leaked}"


def _numbers(pattern, text):
    return [float(x.replace(",", "")) for x in re.findall(pattern, text)]


def test_interpretation_questions_state_what_the_given_cells_print(runs):
    """The numbers and claims of the interpretation questions, from what their cells print with the
    reference solution."""
    out = {slug: run["printed"] for slug, run in runs.items()}
    r = _numbers(r"1000 irrelevant features: largest \|correlation\| with y = ([\d.]+)", out["01-patterns-and-dimensionality"])
    assert len(r) == 1 and 0.6 < r[0] < 0.7, "ex01 q5 says 'about 0.65 with 1000 features'"
    wrong = _numbers(r"misclassified points = (\d+)", out["02-perceptron"])
    assert len(wrong) == 3 and min(wrong) >= 1, "ex02 q5: a point of XOR stays misclassified"
    errors = _numbers(r"largest error ([\d.]+)", out["04-multilayer-perceptrons"])
    assert len(errors) == 4 and all(3.5 < a / b < 4.5 for a, b in zip(errors, errors[1:])), (
        f"ex04 q5: each doubling of the units divides the error by about 4: {errors}")
    final = _numbers(r"after 20 steps (-?[\d.e+-]+)", out["05-backpropagation"])
    assert len(final) == 3 and abs(final[0]) < 0.02 and abs(final[1]) < 0.02 and abs(final[2]) > 10, (
        f"ex05 q6: 0.1 and 0.9 converge, 1.1 diverges: {final}")
    assert _numbers(r"largest derivative of the sigmoid: ([\d.]+)", out["06-training-in-practice"]) == [0.25]
    maps = out["07-convolution"].split("feature map of the shifted image:")
    peaks = [np.argmax(np.array(_numbers(r"(-?\d+\.)", m))) for m in maps]
    assert len(maps) == 2 and peaks[1] == peaks[0] + 1, "ex07 q5: the feature map shifts with the input"
    assert "VGG16: 138,357,544" in out["08-pooling-and-cnns"], "ex08's VGG16 count (chapter 8: 138,357,544)"
    pooled = re.findall(r"pooled map (\[.*\])", out["08-pooling-and-cnns"])
    assert len(pooled) == 3 and pooled[0] == pooled[1] != pooled[2], f"ex08 q5: shift 1 stays in the window, 2 does not: {pooled}"
    seeds = re.findall(r"new head ([\d.]+)%, from scratch ([\d.]+)%", out["09-transfer-learning"])
    if "needs the book's package nnkit" not in out["09-transfer-learning"]:
        assert len(seeds) == 3 and all(float(a) > float(b) for a, b in seeds), (
            f"ex09 q6: frozen features + new head beat scratch on every seed: {seeds}")
    summary = re.findall(r"validation error ([\d.]+) ± ([\d.]+)", out["10-model-family"])
    (m1, s1), (m2, s2) = [(float(a), float(b)) for a, b in summary]
    assert abs(abs(m1 - m2) - 0.004) < 0.001 and all(abs(s - 0.01) < 0.002 for s in (s1, s2)), (
        f"ex10 q5: means differ by about 0.004, spread about 0.01: {summary}")
