"""The live widgets of the static page (_ext/static/live/*.js) against nnkit, in Chromium.

The grid detector, the XOR playground and the perceptron stepper each register a plain-JSON
``compute`` in ``window.nnkitLive``; here each is compared with the book's library on at least a
hundred random inputs (random shapes, exact zeros and ties at z = 0, random pick orders). The
mounted widgets are then driven through every control on a small local page that may load
nothing from elsewhere; one test opens the built book's chapters 2, 3 and 7.
"""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser_setup import require_chromium, serve

from nnkit import grid, logic, perceptron
from nnkit.widgets import base
from nnkit.widgets import grid as grid_widget
from nnkit.widgets import logic as logic_widget
from nnkit.widgets import perceptron as perceptron_widget

require_chromium()

LIVE = Path(__file__).resolve().parents[1] / "_ext" / "static" / "live"
OURS = ("00-core.js", "grid_detector.js", "xor_playground.js", "perceptron_stepper.js")
WIDGETS = {"grid_detector": grid_widget, "xor_playground": logic_widget,
           "perceptron_stepper": perceptron_widget}
CASES = 150


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """A minimal page with one placeholder per widget (written by nnkit) and the four scripts."""
    folder = tmp_path_factory.mktemp("live")
    (folder / "live").mkdir()
    for name in OURS:
        shutil.copy(LIVE / name, folder / "live" / name)
    holders = "".join(f'<section id="{name}">{base.live_html(name, module.live_config(), name)}'
                      "</section>" for name, module in WIDGETS.items())
    scripts = "".join(f'<script src="live/{name}" defer></script>' for name in OURS)
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width, initial-scale=1"><title>live</title>{scripts}</head>'
        # the book at 390 px: 24 px page margins, 8 px padding of an output panel (dark mode)
        f'<body style="margin:0 32px">{holders}</body></html>', encoding="utf-8")
    with serve(folder) as url:
        yield url


class Visit:
    """A page that records console errors and blocks (and records) every request that would
    leave the page's own origin."""

    def __init__(self, browser, origin, width=1000):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.left = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(origin):
                r.continue_()
            else:
                self.left.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_function("document.querySelectorAll('div.nnkit-live[data-mounted]')"
                                    ".length > 0")
        return self.page


@pytest.fixture
def visit(browser, local):
    v = Visit(browser, local)
    v.open(local)
    yield v
    v.context.close()


def _compute(page, name, cases):
    return page.evaluate(f"cases => cases.map(c => window.nnkitLive.{name}.compute(c))", cases)


# ---- the fixed contract, against nnkit -------------------------------------------------------

def _values(rng, shape, kind):
    """Random numbers of one of four kinds: ±1 cells, halves (many exact ties), zeros, floats."""
    if kind == 0:
        return rng.choice([-1.0, 1.0], size=shape)
    if kind == 1:
        return rng.integers(-4, 5, size=shape) / 2
    if kind == 2:
        return np.where(rng.random(shape) < 0.5, 0.0, rng.integers(-2, 3, size=shape) * 1.0)
    return rng.normal(0, 2, size=shape)


def test_grid_detector_computes_nnkit_feature_maps(visit):
    rng = np.random.default_rng(15)
    cases, expected, n_ties = [], [], 0
    for k in range(CASES):
        H, W = rng.integers(3, 13, size=2)
        image, kernel = _values(rng, (H, W), k % 4), _values(rng, (3, 3), (k // 4) % 4)
        bias = float(_values(rng, (), k % 3))
        if k % 5 == 0:  # put a tie z = 0 exactly at one position
            r, c = rng.integers(0, H - 2), rng.integers(0, W - 2)
            bias = -float(grid.conv2d(image, kernel)[r, c])
        z, fires = logic.feature_map(image, perceptron.Perceptron(kernel.ravel(), bias))
        n_ties += int((z == 0).sum())
        cases.append({"grid": image.tolist(), "kernel": kernel.tolist(), "bias": bias})
        expected.append((z, fires))
    got = _compute(visit.page, "grid_detector", cases)
    assert n_ties >= 30  # the rule step(0) = 1 is tested often
    for case, out, (z, fires) in zip(cases, got, expected):
        assert set(out) == {"z", "fires"}
        assert np.array(out["z"]).shape == z.shape
        np.testing.assert_array_equal(np.array(out["z"]), z, err_msg=json.dumps(case))
        np.testing.assert_array_equal(np.array(out["fires"]), fires, err_msg=json.dumps(case))


def test_xor_playground_computes_the_nnkit_network(visit):
    rng = np.random.default_rng(16)
    cases, expected = [], []
    for k in range(CASES):
        w = _values(rng, 9, k % 4)
        weights = dict(zip(logic_widget.WEIGHT_NAMES, w.tolist()))
        net = logic_widget.xor_network(**weights)
        (_, hidden), (_, out) = net.forward(np.array([[0, 0], [0, 1], [1, 0], [1, 1]]))
        cases.append({"W1": [w[0:2].tolist(), w[3:5].tolist()], "b1": [w[2], w[5]],
                      "w2": w[6:8].tolist(), "b2": w[8]})
        expected.append((hidden, out[:, 0]))
    got = _compute(visit.page, "xor_playground", cases)
    ties = 0
    for case, out, (hidden, output) in zip(cases, got, expected):
        assert set(out) == {"hidden", "output"}
        np.testing.assert_array_equal(np.array(out["hidden"]), hidden, err_msg=json.dumps(case))
        np.testing.assert_array_equal(np.array(out["output"]), output, err_msg=json.dumps(case))
        ties += case["b2"] == 0 or 0 in case["b1"]
    assert ties >= 20


def test_perceptron_stepper_applies_the_nnkit_rule(visit):
    rng = np.random.default_rng(17)
    cases, expected, n_updates, n_ties = [], [], 0, 0
    for k in range(CASES):
        n = int(rng.integers(1, 16))
        X = _values(rng, (n, 2), (k + 1) % 4)
        y = rng.integers(0, 2, size=n)
        w = _values(rng, 3, k % 4 if k % 4 != 0 else 2)
        order = rng.integers(0, n, size=int(rng.integers(0, 60))).tolist()
        X1, weights, updated, v = perceptron.extend(X), [], [], w
        for i in order:
            n_ties += int(v @ X1[i] == 0)
            v, changed = perceptron.update(v, X1[i], int(y[i]))
            weights.append(v.tolist())
            updated.append(bool(changed))
        n_updates += sum(updated)
        cases.append({"X": X.tolist(), "y": y.tolist(), "w": w.tolist(), "order": order})
        expected.append((weights, updated))
    got = _compute(visit.page, "perceptron_stepper", cases)
    assert n_ties >= 30 and n_updates >= 300
    for case, out, (weights, updated) in zip(cases, got, expected):
        assert set(out) == {"weights", "updated"}
        assert out["updated"] == updated, json.dumps(case)
        assert out["weights"] == weights, json.dumps(case)


def test_the_stepper_replays_the_books_run_with_the_books_seed(visit):
    """With seed 3 on the book's data the page makes nnkit's picks (rule_steps) to the end."""
    for name in ("separable", "XOR"):
        X, y, w_start = perceptron_widget.stepper_data(name)
        trace = perceptron_widget.stepper_trace(name, perceptron_widget.LIVE_PICKS)
        out = _compute(visit.page, "perceptron_stepper", [
            {"X": X.tolist(), "y": y.tolist(), "w": w_start.tolist(),
             "order": [s.index for s in trace]}])[0]
        assert out["weights"] == [s.w_after.tolist() for s in trace]
    assert trace[-1].converged is False  # XOR: the rule never stops


@pytest.mark.parametrize("name, bad, message", [
    ("grid_detector", {"grid": [[1, 1], [1, 1]], "kernel": [[0] * 3] * 3, "bias": 0}, "grid"),
    ("grid_detector", {"grid": [[1] * 4] * 4, "kernel": [[0] * 2] * 3, "bias": 0}, "kernel"),
    ("grid_detector", {"grid": [[1] * 4] * 4, "kernel": [[0] * 3] * 3, "bias": "x"}, "bias"),
    ("xor_playground", {"W1": [[1, 1]], "b1": [0, 0], "w2": [1, 1], "b2": 0}, "W1"),
    ("xor_playground", {"W1": [[1, 1], [1, 1]], "b1": [0, 0], "w2": [1], "b2": 0}, "w2"),
    ("perceptron_stepper", {"X": [[0, 0]], "y": [2], "w": [0, 0, 0], "order": [0]}, "y"),
    ("perceptron_stepper", {"X": [[0, 0]], "y": [1], "w": [0, 0, 0], "order": [1]}, "order"),
])
def test_compute_names_the_bad_argument(visit, name, bad, message):
    error = visit.page.evaluate(
        f"a => {{ try {{ window.nnkitLive.{name}.compute(a); return ''; }}"
        " catch (e) { return e.message; } }", bad)
    assert error.startswith(message), error


# ---- every control of the mounted widgets ----------------------------------------------------

def _state(page, name):
    return page.locator(f'div.nnkit-live[data-nnkit-live="{name}"]').get_attribute("data-state")


def _status(page, name):
    return page.locator(f'div.nnkit-live[data-nnkit-live="{name}"] [aria-live="polite"]')


def _each_changes(page, name, actions):
    """Run each action; the widget's state or its announced status must change every time."""
    root = page.locator(f'div.nnkit-live[data-nnkit-live="{name}"]')
    for label, act in actions:
        before = (_state(page, name), _status(page, name).text_content())
        act(root)
        after = (_state(page, name), _status(page, name).text_content())
        assert after != before, f"{name}: {label} changed nothing"


def _label(root, text):
    return root.get_by_label(text, exact=True)


def _fill(locator, value):
    """Type into a number box; set a slider (Playwright cannot type into a range input)."""
    if locator.get_attribute("type") == "range":
        locator.evaluate("(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); }",
                         str(value))
    else:
        locator.fill(str(value))


def test_every_control_of_the_grid_detector_changes_its_output(visit):
    page = visit.page
    _each_changes(page, "grid_detector", [
        ("a cell of the 3x3 grid", lambda r: r.locator(".nnkit-grid-cell").nth(0).click()),
        ("the preset menu", lambda r: r.locator("select").nth(0).select_option("diagonal")),
        ("a kernel weight", lambda r: _fill(r.get_by_label("w1,1", exact=True), 3)),
        ("the bias", lambda r: _fill(r.get_by_label("bias", exact=True), -2.5)),
        ("a kernel start", lambda r: r.get_by_role("button", name="kernel ← zeros").click()),
        ("the sliding detector", lambda r: r.locator("select").nth(1).select_option(
            label="horizontal bar")),
        ("the pattern row", lambda r: _fill(r.get_by_label("pattern row", exact=True), 5)),
        ("the pattern column", lambda r: _fill(r.get_by_label("pattern column", exact=True), 0)),
        ("the kernel row", lambda r: _fill(r.get_by_label("kernel row", exact=True), 4)),
        ("the kernel column", lambda r: _fill(r.get_by_label("kernel column", exact=True), 2)),
        ("a cell of the large grid",
         lambda r: _label(r, "large grid row 0 column 0, light").click()),
        ("challenge mode", lambda r: r.get_by_role("button", name=grid_widget.MODES[1]).click()),
    ])
    root = page.locator('div.nnkit-live[data-nnkit-live="grid_detector"]')
    assert "grids wrong" in root.locator(".nnkit-verdict").text_content()
    # a kernel that solves the challenge, typed box by box: the template of the cross, bias -8
    cross = logic.GRID_PATTERNS["cross"].ravel()
    for k, w in enumerate(cross):
        _fill(root.get_by_label(f"w{k // 3},{k % 3}", exact=True), w)
    _fill(root.get_by_label("bias", exact=True), -8)
    assert root.locator(".nnkit-verdict").text_content().startswith("Solved")
    assert not visit.errors and not visit.left


def test_the_grid_detector_feature_map_is_nnkits(visit):
    """The map the page shows for the start state is nnkit's, position by position."""
    state = json.loads(_state(visit.page, "grid_detector"))
    cfg = grid_widget.live_config()
    image = logic.place_pattern(grid_widget.cells_to_grid(cfg["cells"]), row=cfg["row"],
                                col=cfg["col"])
    z, _ = logic.feature_map(image, logic.VERTICAL_DETECTOR)
    np.testing.assert_array_equal(np.array(state["z"]), z)


def test_every_control_of_the_xor_playground_changes_its_output(visit):
    page = visit.page
    actions = []
    for k, name in enumerate(logic_widget.WEIGHT_NAMES):
        if k % 2:  # drag half of the sliders (keyboard), type into the others' boxes
            actions.append((f"slider {name}", lambda r, n=name: (
                r.get_by_label(n, exact=True).focus(), page.keyboard.press("End"))))
        else:
            actions.append((f"box {name}",
                            lambda r, n=name: _fill(_label(r, f"{n} value"), -1.75)))
    actions += [
        ("show a solution", lambda r: r.get_by_role("button", name="Show a solution").click()),
        ("reset", lambda r: r.get_by_role("button", name="Reset").click()),
        ("network menu", lambda r: r.locator("select").select_option("XOR = OR minus AND")),
    ]
    _each_changes(page, "xor_playground", actions)
    root = page.locator('div.nnkit-live[data-nnkit-live="xor_playground"]')
    assert root.locator(".nnkit-verdict").text_content() == "This network computes XOR."
    assert root.locator("polygon").count() >= 2 and root.locator("line").count() == 2
    assert not visit.errors and not visit.left


def test_every_control_of_the_perceptron_stepper_changes_its_output(visit):
    page = visit.page

    def play(r):
        r.get_by_role("button", name="Play").click()
        page.wait_for_function("() => JSON.parse(document.querySelector('[data-nnkit-live="
                               "\"perceptron_stepper\"]').dataset.state).picks >= 2")
        r.get_by_role("button", name="Pause").click()

    def click_plot(r):
        r.locator("svg").click(position={"x": 60, "y": 60})

    _each_changes(page, "perceptron_stepper", [
        ("step", lambda r: r.get_by_role("button", name="step", exact=True).click()),
        ("play and pause", play),
        ("run to the end", lambda r: r.get_by_role("button", name="run to the end").click()),
        ("back to start", lambda r: r.get_by_role("button", name="back to start").click()),
        ("new seed", lambda r: r.get_by_role("button", name="new seed").click()),
        ("seed box", lambda r: _fill(r.get_by_label("seed", exact=True), 42)),
        ("data set", lambda r: r.locator("select").nth(0).select_option("XOR")),
        ("click the plot (class 1)", click_plot),
        ("class menu and typed point", lambda r: (
            r.locator("select").nth(1).select_option("0"), _fill(_label(r, "x1"), 0.25),
            _fill(_label(r, "x2"), 1), r.get_by_role("button", name="add point").click())),
        ("clear points", lambda r: r.get_by_role("button", name="clear points").click()),
    ])
    assert not visit.errors and not visit.left


def test_the_stepper_starts_with_the_books_run(visit):
    page = visit.page
    root = page.locator('div.nnkit-live[data-nnkit-live="perceptron_stepper"]')
    root.get_by_role("button", name="run to the end").click()
    trace = perceptron_widget.stepper_trace("separable", perceptron_widget.LIVE_PICKS)
    state = json.loads(_state(page, "perceptron_stepper"))
    assert state["picks"] == len(trace) and state["w"] == trace[-1].w_after.tolist()
    assert "every point is right" in root.locator("pre").text_content()


def test_widgets_fit_a_phone_and_announce_changes(browser, local):
    v = Visit(browser, local, width=390)
    page = v.open(local)
    for name in WIDGETS:
        root = page.locator(f'div.nnkit-live[data-nnkit-live="{name}"]')
        box = root.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
        assert root.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{name} scrolls sideways"
        unlabelled = root.evaluate(
            "e => Array.from(e.querySelectorAll('input, select')).filter(i => !i.labels"
            " || i.labels.length === 0).length")
        assert unlabelled == 0, name
        assert _status(page, name).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not v.errors and not v.left
    v.context.close()


def test_all_live_javascript_stays_under_100_kb():
    total = sum(p.stat().st_size for p in LIVE.glob("*.js"))
    assert 0 < total <= 100 * 1024, f"{total} bytes of live widget JavaScript"


# ---- the built book ---------------------------------------------------------------------------

def test_the_books_chapters_mount_their_live_widgets(browser, site):
    """Chapters 2, 3 and 7 of the built book: the live widgets are there and mounted, with no
    static twin, no console error, and no request leaving the page; readable in dark mode."""
    expected = {"02-perceptron": ["perceptron_stepper"],
                "03-logic-gates": ["xor_playground", "grid_detector"],
                "07-convolution": ["grid_detector"]}
    for page_name, names in expected.items():
        v = Visit(browser, site)
        page = v.open(f"{site}chapters/{page_name}.html")
        for name in names:
            root = page.locator(f'div.nnkit-live[data-nnkit-live="{name}"][data-mounted]')
            assert root.count() == 1, (page_name, name)
            assert root.evaluate("e => e.querySelectorAll('input, select, button').length") > 3
        assert page.locator("div.nnkit-static").count() == 0, page_name
        for theme in ("light", "dark"):
            page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
            page.wait_for_timeout(1000)  # the theme fades its colours
            for name in names:
                root = page.locator(f'div.nnkit-live[data-nnkit-live="{name}"]')
                for element in ("label", "th", "svg text"):
                    if root.locator(element).count() == 0:
                        continue
                    text, background = (_luminance(c) for c in root.locator(element).first
                                        .evaluate(_COLOURS))
                    contrast = (max(text, background) + 0.05) / (min(text, background) + 0.05)
                    assert contrast >= 4.5, (page_name, name, theme, element, contrast)
        assert not v.errors, (page_name, v.errors)
        assert not v.left, (page_name, v.left)
        v.context.close()


# An element's text colour (SVG: its fill) and the background it is drawn on (the nearest
# ancestor's that is not transparent).
_COLOURS = """e => {
  const s = getComputedStyle(e), text = e instanceof SVGElement ? s.fill : s.color;
  let n = e;
  while (n && getComputedStyle(n).backgroundColor.replace(/ /g, "") === "rgba(0,0,0,0)") {
    n = n.parentElement;
  }
  return [text, n ? getComputedStyle(n).backgroundColor : "rgb(255, 255, 255)"];
}"""


def _luminance(css):
    """Relative luminance of a CSS rgb()/rgba() colour (WCAG)."""
    values = [float(x) for x in css[css.index("(") + 1:-1].split(",")[:3]]
    lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
           for v in values]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
