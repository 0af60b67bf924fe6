"""The page versions of the curse-of-dimensionality and training explorers, held equal to nnkit.

curse.js and training.js (``_ext/static/live``) compute in the reader's browser. Here Chromium
loads them, with the shared 00-core.js, into a small local page (no book build) and

* compares their deterministic entry points with nnkit on at least 100 random inputs each:
  distance statistics, 1-NN labels and accuracies, the ball's volume share; a network trained
  from given weights and given shuffles (loss, accuracy and gradient norms per epoch, final
  weights) to 1e-9 relative;
* compares what depends on the page's own random numbers (which are not numpy's) as
  statistics over seeds: the mean over 100 seeds of a quantity agrees with nnkit's mean over 100
  seeds within four standard errors of the difference (both sides are seeded, so the
  comparison is deterministic);
* moves every control of each mounted widget and checks that the output changes, with labelled
  controls, an aria-live result, no console error, no request leaving the page and no
  sideways scrolling at 390 px; and that training is spread over animation frames.
"""
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from browser_setup import require_chromium, serve

from nnkit import dimensionality as dim
from nnkit.mlp import MLP
from nnkit.training import OPTIMIZERS
from nnkit.widgets import base, training
from nnkit.widgets import dimensionality as wdim

require_chromium()

LIVE = Path(__file__).resolve().parents[1] / "_ext" / "static" / "live"
SCRIPTS = ("00-core.js", "curse.js", "training.js")
N_CASES = 100


def page_html(widgets):
    scripts = "".join(f'<script defer src="{name}"></script>' for name in SCRIPTS)
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>live widgets</title>{scripts}</head><body style="margin:8px">'
            f'{widgets}</body></html>')


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    """A local server with an empty page, one page per widget and the three scripts."""
    folder = tmp_path_factory.mktemp("live")
    for name in SCRIPTS:
        shutil.copy(LIVE / name, folder / name)
    (folder / "empty.html").write_text(page_html(""), encoding="utf-8")
    (folder / "curse.html").write_text(page_html(base.live_html(
        "curse_explorer", wdim.live_config(), "curse explorer")), encoding="utf-8")
    (folder / "training.html").write_text(page_html(base.live_html(
        "training_explorer", training.live_config(), "training explorer")), encoding="utf-8")
    with serve(folder) as url:
        yield url.rstrip("/")


class Visit:
    """A page in its own context: requests outside the origin are blocked and recorded, and
    console errors and uncaught exceptions are collected."""

    def __init__(self, browser, origin, path, width=1000):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.blocked = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(origin + "/"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(f"{origin}/{path}")
        self.page.wait_for_function("window.nnkitLive && window.nnkitLive.training_explorer")

    def call(self, widget, entry, args):
        return self.page.evaluate(
            "([w, e, a]) => a.map((x) => window.nnkitLive[w][e](x))", [widget, entry, args])

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def empty(browser, origin):
    visit = Visit(browser, origin, "empty.html")
    yield visit
    assert visit.errors == [] and visit.blocked == []
    visit.close()


# ------------------------------------------------------------------ curse: deterministic parts
def test_distance_statistics_equal_nnkits_on_random_points(empty):
    rng = np.random.default_rng(1)
    cases = [rng.random((rng.integers(3, 40), rng.integers(2, 30))) * rng.uniform(0.1, 10)
             for _ in range(N_CASES)]
    got = empty.call("curse_explorer", "distanceStats", [{"X": X.tolist()} for X in cases])
    for X, stats in zip(cases, got):
        d = dim.pairwise_distances(X)[np.triu_indices(len(X), k=1)]
        want = {"ratio": d.max() / d.min(), "relative_contrast": (d.max() - d.min()) / d.min(),
                "mean": d.mean(), "std": d.std()}
        for key, value in want.items():
            np.testing.assert_allclose(stats[key], value, rtol=1e-9, err_msg=key)


def test_nearest_neighbour_labels_equal_nnkits(empty):
    rng = np.random.default_rng(2)
    cases = []
    for _ in range(N_CASES):
        d, n_train, n_test = rng.integers(1, 20), rng.integers(1, 30), rng.integers(1, 30)
        cases.append({"X_train": rng.random((n_train, d)).tolist(),
                      "y_train": rng.integers(0, 3, n_train).tolist(),
                      "X_test": rng.random((n_test, d)).tolist()})
    got = empty.call("curse_explorer", "knn", cases)
    for case, labels in zip(cases, got):
        want = dim.knn_predict(case["X_train"], case["y_train"], case["X_test"])
        assert labels == want.tolist()


def test_accuracies_with_nested_noise_equal_nnkits(empty):
    rng = np.random.default_rng(3)
    cases, wants = [], []
    for _ in range(N_CASES):
        n, top = int(rng.integers(4, 60)), int(rng.integers(0, 40))
        X = rng.random((n, 2))
        y = (X.mean(axis=1) > 0.5).astype(int)
        noise = rng.random((n, max(top, 1)))
        counts = sorted(set(rng.integers(0, top + 1, 4).tolist()))
        half = n // 2
        want = []
        for m in counts:  # the body of accuracy_vs_irrelevant_features
            full = np.hstack([X, noise[:, :m]])
            want.append(np.mean(dim.knn_predict(full[:half], y[:half], full[half:]) == y[half:]))
        cases.append({"X": X.tolist(), "y": y.tolist(), "noise": noise.tolist(), "counts": counts})
        wants.append(want)
    for got, want in zip(empty.call("curse_explorer", "accuracies", cases), wants):
        assert got == want


def test_ball_share_equals_nnkits(empty):
    dims = list(range(1, 2001))
    for radius in (0.5, 0.3, 0.01):
        (got,) = empty.call("curse_explorer", "logBallFraction", [{"dims": dims, "radius": radius}])
        np.testing.assert_allclose(got, dim.ball_volume_fraction(dims, radius, log=True),
                                   rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ curse: statistics over seeds
def agree(js, py):
    """Means over seeds agree within four standard errors of their difference."""
    js, py = np.asarray(js, float), np.asarray(py, float)
    se = np.sqrt(js.var(ddof=1) / len(js) + py.var(ddof=1) / len(py))
    assert abs(js.mean() - py.mean()) <= 4 * se + 1e-12, (js.mean(), py.mean(), se)


@pytest.mark.parametrize("d, n, m", [(2, 50, 0), (20, 100, 5), (500, 30, 100)])
def test_fresh_samples_match_nnkits_statistics_over_seeds(empty, d, n, m):
    seeds = range(N_CASES)
    got = empty.call("curse_explorer", "compute",
                     [{"d": d, "n": n, "irrelevant": m, "seed": s, "n_repeats": 1} for s in seeds])
    for key in ("ratio", "mean", "std"):
        agree([g[key] for g in got],
              [dim.distance_concentration(d, n, random_state=s)[key][0] for s in seeds])
    agree([g["accuracy"] for g in got],
          [dim.accuracy_vs_irrelevant_features(m, n, n_repeats=1, random_state=s)["mean"][0]
           for s in seeds])
    assert got[0]["log_fraction"] == pytest.approx(dim.ball_volume_fraction(d, log=True)[0])
    # a seed gives the same data again, another seed other data
    again = empty.call("curse_explorer", "compute", [{"d": d, "n": n, "irrelevant": m, "seed": 0,
                                                      "n_repeats": 1}])[0]
    assert again == got[0] and got[1]["ratio"] != got[0]["ratio"]


def test_bad_arguments_are_refused_by_name(empty):
    for args, name in (({"d": 0, "n": 10}, "d must be"), ({"d": 2, "n": 2}, "n must be"),
                       ({"d": 2, "n": 10, "radius": 0.7}, "radius")):
        message = empty.page.evaluate(
            "(a) => { try { window.nnkitLive.curse_explorer.compute(a); return ''; }"
            " catch (e) { return e.message; } }", args)
        assert name in message


# ------------------------------------------------------------------ training: from a fixed start
def random_problem(rng):
    n = int(rng.integers(4, 25))
    X = rng.standard_normal((n, 2))
    y = rng.integers(0, 2, n)
    sizes = [2] + [int(rng.integers(1, 6))] * int(rng.integers(1, 4)) + [1]
    return {"X": X, "y": y, "sizes": sizes,
            "activation": str(rng.choice(["sigmoid", "tanh", "relu"])),
            "init": str(rng.choice(["he", "xavier", "zeros"])),
            "optimizer": str(rng.choice(list(OPTIMIZERS))),
            "learning_rate": float(10 ** rng.uniform(-3, -0.5)),
            "batch_size": int(rng.integers(1, n + 1)), "epochs": int(rng.integers(1, 7)),
            "seed": int(rng.integers(0, 10_000))}


def nnkit_run(p):
    """Train nnkit's MLP epoch by epoch as TrainingRun does: per-epoch records and shuffles."""
    model = MLP(p["sizes"], hidden_activation=p["activation"], output="sigmoid", init=p["init"],
                random_state=p["seed"])
    start = [(W.tolist(), b.tolist()) for W, b in model.params]
    opt = OPTIMIZERS[p["optimizer"]](p["learning_rate"])
    rng, orders = np.random.default_rng(p["seed"]), []
    order_rng = np.random.default_rng(p["seed"])  # fit draws one permutation per epoch
    record = {"loss": [model.loss(p["X"], p["y"])], "accuracy": [model.score(p["X"], p["y"])],
              "gradient_norms": [model.gradient_norms(p["X"], p["y"])]}
    for _ in range(p["epochs"]):
        orders.append(order_rng.permutation(len(p["y"])).tolist())
        model.fit(p["X"], p["y"], epochs=1, learning_rate=p["learning_rate"],
                  batch_size=p["batch_size"], optimizer=opt, random_state=rng)
        record["loss"].append(model.loss(p["X"], p["y"]))
        record["accuracy"].append(model.score(p["X"], p["y"]))
        record["gradient_norms"].append(model.gradient_norms(p["X"], p["y"]))
    args = {"weights": start, "orders": orders, "X": p["X"].tolist(), "y": p["y"].tolist(),
            **{k: p[k] for k in ("activation", "optimizer", "learning_rate", "batch_size",
                                 "epochs")}}
    return args, record, model


def test_training_from_given_weights_equals_nnkits_mlp_on_random_problems(empty):
    rng = np.random.default_rng(6)
    problems = [random_problem(rng) for _ in range(N_CASES)]
    runs = [nnkit_run(p) for p in problems]
    got = empty.call("training_explorer", "compute", [args for args, _, _ in runs])
    for (_, want, model), result in zip(runs, got):
        assert result["diverged_at"] is None
        np.testing.assert_allclose(result["loss"], want["loss"], rtol=1e-9)
        assert result["accuracy"] == want["accuracy"]
        np.testing.assert_allclose(np.concatenate(result["gradient_norms"]),
                                   np.concatenate(want["gradient_norms"]), rtol=1e-9, atol=1e-15)
        for (W, b), (W_js, b_js) in zip(model.params, result["weights"]):
            np.testing.assert_allclose(W_js, W, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(b_js, b, rtol=1e-9, atol=1e-12)


def test_the_explorers_runs_and_status_lines_equal_nnkits(empty):
    X, y = training.spiral_data()
    cases = [({}, 100), ({"init": "zeros", "activation": "sigmoid", "hidden_layers": 3}, 30),
             ({"activation": "sigmoid", "hidden_layers": 4, "optimizer": "sgd"}, 100),
             ({"learning_rate": 100.0, "activation": "sigmoid", "hidden_layers": 3}, 20),
             ({"optimizer": "adam", "learning_rate": 0.1, "batch_size": 30}, 20)]
    for settings, epochs in cases:
        s = {"learning_rate": 1.0, "batch_size": 120, "hidden_units": 8, "hidden_layers": 2,
             "optimizer": "momentum", "init": "xavier", "activation": "tanh", **settings}
        run = training.TrainingRun(**s, random_state=4)
        rng = np.random.default_rng(4)
        args = {**s, "X": X.tolist(), "y": y.tolist(), "epochs": epochs,
                "weights": [(W.tolist(), b.tolist()) for W, b in run.model.params],
                "orders": [rng.permutation(len(y)).tolist() for _ in range(epochs)]}
        run.advance(epochs)
        shown, _ = run.view(epochs)
        (result,) = empty.call("training_explorer", "compute", [args])
        (text,) = empty.call("training_explorer", "describe", [args])
        assert result["diverged_at"] == run.diverged_at
        np.testing.assert_allclose(result["loss"], run.losses, rtol=1e-9)
        assert text == training.describe(run, epochs, shown)


def test_random_starts_match_nnkits_statistics_over_seeds(empty):
    """Weights drawn in the page: the loss after 0 and 20 epochs, over 100 seeds each."""
    X, y = training.spiral_data()
    for settings in ({"init": "xavier", "activation": "tanh"},
                     {"init": "he", "activation": "relu", "optimizer": "adam",
                      "learning_rate": 0.01}):
        s = {"learning_rate": 1.0, "batch_size": 120, "hidden_units": 8, "hidden_layers": 2,
             "optimizer": "momentum", **settings}
        got = empty.call("training_explorer", "compute",
                         [{**s, "X": X.tolist(), "y": y.tolist(), "epochs": 20, "seed": seed}
                          for seed in range(N_CASES)])
        want = []
        for seed in range(N_CASES):
            run = training.TrainingRun(**s, random_state=seed)
            run.advance(20)
            want.append(run.losses)
        for epoch in (0, 20):
            agree([g["loss"][epoch] for g in got], [w[epoch] for w in want])
        starts = empty.call("training_explorer", "compute",
                            [{**s, "X": X.tolist(), "y": y.tolist(), "epochs": 0, "seed": seed}
                             for seed in range(N_CASES)])
        first = np.concatenate([np.ravel(g["weights"][0][0]) for g in starts])
        assert not any(np.any(g["weights"][0][1]) for g in starts)  # biases start at 0
        variance = 2 / 2 if s["init"] == "he" else 2 / (2 + 8)
        assert abs(first.var() / variance - 1) < 0.05  # 1600 draws: 3.5 standard errors


# ------------------------------------------------------------------ the mounted widgets
def controls(visit):
    return visit.page.locator(".nnkit-live input, .nnkit-live select, .nnkit-live button")


def assert_accessible(visit):
    for i in range(controls(visit).count()):
        control = controls(visit).nth(i)
        name = control.evaluate("(c) => c.labels && c.labels.length ? c.labels[0].textContent"
                                " : (c.getAttribute('aria-label') || c.textContent)")
        assert name.strip(), control.evaluate("(c) => c.outerHTML")
    assert visit.page.locator(".nnkit-live [aria-live=polite]").count() == 1


def assert_no_sideways_scrolling(browser, origin, path):
    narrow = Visit(browser, origin, path, width=390)
    narrow.page.wait_for_selector(".nnkit-live[data-mounted]")
    narrow.page.wait_for_timeout(300)
    width = narrow.page.evaluate("document.documentElement.scrollWidth")
    root = narrow.page.evaluate("(() => { const r = document.querySelector('.nnkit-live');"
                                " return [r.scrollWidth, r.clientWidth]; })()")
    assert width <= 390 and root[0] <= root[1]
    assert narrow.errors == [] and narrow.blocked == []
    narrow.close()


def snapshot(visit):
    return visit.page.evaluate("(() => { const r = document.querySelector('.nnkit-live');"
                               " const c = r.querySelector('canvas');"
                               " return [r.querySelector('[aria-live]').textContent,"
                               " Array.from(r.querySelectorAll('svg')).map((s) => s.innerHTML)"
                               ".join(''), c ? c.toDataURL() : '']; })()")


def changed_snapshot(visit, before, epoch, seconds=60):
    """The widget's state once it differs from ``before`` at ``epoch`` (retraining runs over
    animation frames, so the old state may still show for a while); ``before`` if it never
    does within ``seconds`` (a guard against a hang, far above the real work)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if visit.page.evaluate("document.querySelector('.nnkit-live').dataset.epoch") == epoch:
            now = snapshot(visit)
            if now != before:
                return now
        time.sleep(0.1)
    return before


def test_every_control_of_the_curse_explorer_changes_its_output(browser, origin):
    visit = Visit(browser, origin, "curse.html")
    ready = "(v) => document.querySelector('.nnkit-live').dataset.ready === v"
    visit.page.wait_for_function(ready, arg="2-20-0-0")
    assert_accessible(visit)
    before = snapshot(visit)
    inputs = visit.page.locator(".nnkit-live input[type=number]")
    assert inputs.count() == 3
    setting = {"d": 2, "n": 20, "m": 0, "seed": 0}
    for i, (key, value) in enumerate((("d", 37), ("n", 500), ("m", 33))):
        inputs.nth(i).fill(str(value))
        setting[key] = value
        visit.page.wait_for_function(ready, arg="{d}-{n}-{m}-{seed}".format(**setting))
        after = snapshot(visit)
        assert after[0] != before[0] and after[1] != before[1]
        before = after
    assert "N = 500" in before[0] and "d = 37" in before[0] and "33 irrelevant" in before[0]
    visit.page.get_by_role("button", name="New sample: draw new random data (next seed)").click()
    visit.page.wait_for_function(ready, arg="37-500-33-1")
    after = snapshot(visit)
    assert after[1] != before[1]
    # the widget shows what compute gives for its setting
    (same,) = visit.call("curse_explorer", "compute", [{"d": 37, "n": 500, "irrelevant": 33,
                                                        "seed": 1, "n_repeats": 1}])
    assert f"max/min distance {same['ratio']:.2f};" in after[0]
    assert visit.errors == [] and visit.blocked == []
    visit.close()
    assert_no_sideways_scrolling(browser, origin, "curse.html")


def test_every_control_of_the_training_explorer_changes_its_output(browser, origin):
    visit = Visit(browser, origin, "training.html")
    page = visit.page
    page.wait_for_selector(".nnkit-live[data-epoch]")
    assert_accessible(visit)
    epoch = "(v) => document.querySelector('.nnkit-live').dataset.epoch === v"
    slider = page.locator(".nnkit-live input[type=range]")
    slider.fill("30")
    page.wait_for_function(epoch, arg="30")
    before = snapshot(visit)
    assert before[0].startswith("epoch 30: loss")
    selects = page.locator(".nnkit-live select")
    assert selects.count() == 7
    for i in range(7):
        select = selects.nth(i)
        values = select.evaluate("(s) => Array.from(s.options).map((o) => o.value)")
        current = select.input_value()
        select.select_option(next(v for v in values if v != current))
        after = changed_snapshot(visit, before, epoch="30")
        assert after != before, select.evaluate("(s) => s.labels[0].textContent")
        select.select_option(current)
        before = changed_snapshot(visit, after, epoch="30")
    page.get_by_role("button", name="New start: train again from new random weights").click()
    after = changed_snapshot(visit, before, epoch="30")
    assert after[2] != before[2] and "seed 1" in page.locator(".nnkit-live output").last.inner_text()
    # Play trains to the end one epoch per animation frame: the curves unfold, the page lives
    page.evaluate("(() => { window.seen = new Set(); const r = document.querySelector('.nnkit-live');"
                  " new MutationObserver(() => window.seen.add(r.dataset.epoch))"
                  ".observe(r, {attributes: true}); })()")
    page.get_by_role("button", name="Play or pause training").click()
    page.wait_for_function(epoch, arg="100", timeout=60_000)
    assert page.evaluate("window.seen.size") >= 50
    assert page.locator(".nnkit-live [aria-live]").inner_text().startswith("epoch 100: loss")
    assert visit.errors == [] and visit.blocked == []
    visit.close()
    assert_no_sideways_scrolling(browser, origin, "training.html")


def test_the_scripts_stay_within_their_size_budget():
    total = sum((LIVE / name).stat().st_size for name in ("curse.js", "training.js"))
    assert total <= 45_000, total


def test_the_configs_are_plain_json():
    for config in (wdim.live_config(), training.live_config()):
        assert json.loads(json.dumps(config, allow_nan=False)) == config


# ------------------------------------------------------------------ the built book
def test_chapters_1_and_6_of_the_built_book_mount_their_live_explorers(browser, site):
    """The book's pages carry the live explorers (no static twin), mounted by the book's own
    scripts, with no console error and no request leaving the page."""
    origin = site.rstrip("/")
    for page_name, name in (("01-patterns-and-dimensionality", "curse_explorer"),
                            ("06-training-in-practice", "training_explorer")):
        visit = Visit(browser, origin, f"chapters/{page_name}.html")
        root = visit.page.locator(f'div.nnkit-live[data-nnkit-live="{name}"]')
        root.locator("svg").first.wait_for()
        assert root.count() == 1 and root.get_attribute("data-mounted") is not None
        assert visit.page.locator("div.nnkit-static").count() == 0
        visit.page.wait_for_function(
            "(n) => { const r = document.querySelector(`div[data-nnkit-live=${n}]`);"
            " return r.dataset.ready || r.dataset.epoch; }", arg=name)
        assert visit.errors == [] and visit.blocked == [], (page_name, visit.errors, visit.blocked)
        visit.close()
