"""The goals, and the Markdown tables made from ``results.json`` (the appendix "Benchmarks").

Every table is rendered from the measurements alone, so ``results.md`` can always be remade
from ``results.json`` (``python -m benchmarks --report-only``); a test checks the two agree.
"""

# What each kind of measurement should reach (the benchmark issue's goals). A ratio is
# nnkit's time over the reference's time; a limit is in seconds.
RATIO_GOALS = {"torch": 3.0, "scipy": 1.0, "sklearn": 1.0}  # convolution, pooling, distances
MLP_TORCH_RATIO = 0.8
WIDGET_P95_SECONDS = 0.050
#: The web page: an update within one frame at 60 frames per second.
LIVE_P95_SECONDS = 0.016
#: A student's grader.check: feedback within a couple of seconds.
CHECK_SECONDS = 2.0
NOTEBOOK_SECONDS = 60.0
BOOK_SECONDS = {"clean (empty cache)": 240.0, "unchanged rebuild": 15.0}
TEST_SECONDS = 300.0  # `make test` on 2 quiet cores

SECTIONS = ("mlp", "grid", "numerics", "widgets", "live", "exercises", "notebooks", "book",
            "tests", "setup")


def meets(ok):
    return "yes" if ok else "**no**"


def is_number(cell):
    try:
        float(str(cell))
    except ValueError:
        return False
    return True


def table(header, rows):
    """A Markdown table: a header row, an alignment row (columns of numbers right-aligned) and
    the rows."""
    align = ["---:" if rows and all(is_number(row[i]) for row in rows if row[i] != "") else "---"
             for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(seconds):
    return f"{seconds * 1e3:.1f}" if seconds < 10 else f"{seconds * 1e3:.0f}"


def mlp_goal(row):
    return row["ratio"]["torch"] <= MLP_TORCH_RATIO


def mlp_table(rows):
    """Two tables: the time per epoch with the ratios, then what each run reached."""
    def data(r):
        return f"{r['data']} {'-'.join(map(str, r['layers']))}"

    header = ["data", "precision", "threads", "nnkit ms", "sklearn ms", "torch ms",
              "nnkit/sklearn ×", "nnkit/torch ×", f"≤ {MLP_TORCH_RATIO}× torch"]
    body = []
    for r in rows:
        t = r["seconds_per_epoch"]
        body.append([data(r), r["precision"], r["threads"], ms(t["nnkit"]), ms(t["sklearn"]),
                     ms(t["torch"]), f"{r['ratio']['sklearn']:.2f}", f"{r['ratio']['torch']:.2f}",
                     meets(mlp_goal(r))])
    times = table(header, body)
    header = ["data", "precision", "threads", "test accuracy nnkit / sklearn / torch %",
              "nnkit GFLOP/s", "numpy matmul GFLOP/s"]
    body = [[data(r), r["precision"], r["threads"],
             " / ".join(f"{100 * r['test_accuracy'][lib]:.1f}" for lib in ("nnkit", "sklearn",
                                                                          "torch")),
             f"{r['nnkit_gflops']:.1f}", f"{r['peak_gflops']:.0f}"] for r in rows]
    return f"{times}\n\nWhat the same epochs reach, and how fast nnkit computes:\n\n{table(header, body)}"


def operation_goal(row):
    return row["ratio"] <= RATIO_GOALS[row["reference"]]


def operation_table(rows):
    header = ["operation", "precision", "threads", "nnkit ms", "reference", "reference ms",
              "ratio ×", "goal ×", "met"]
    body = [[r["operation"], r["precision"], r["threads"], ms(r["seconds"]["nnkit"]),
             r["reference"], ms(r["seconds"][r["reference"]]), f"{r['ratio']:.2f}",
             f"≤ {RATIO_GOALS[r['reference']]:g}", meets(operation_goal(r))] for r in rows]
    return table(header, body)


def widget_table(rows):
    header = ["widget", "chapter", "updates", "p50 ms", "p95 ms", "max ms",
              f"p95 ≤ {WIDGET_P95_SECONDS * 1e3:.0f} ms"]
    body = [[f"`{r['widget']}`", r["chapter"], r["updates"], ms(r["p50"]), ms(r["p95"]),
             ms(r["max"]), meets(r["p95"] <= WIDGET_P95_SECONDS)] for r in rows]
    return table(header, body)


def live_table(rows):
    header = ["widget", "chapter", "controls", "updates", "p50 ms", "p95 ms", "max ms",
              "longest frame playing ms", f"p95 ≤ {LIVE_P95_SECONDS * 1e3:.0f} ms"]
    body = [[f"`{r['widget']}`", r["chapter"], r["controls"], r["updates"], ms(r["p50"]),
             ms(r["p95"]), ms(r["max"]),
             "" if r["longest_frame"] is None else ms(r["longest_frame"]),
             meets(r["p95"] <= LIVE_P95_SECONDS)] for r in rows]
    return table(header, body)


def exercise_table(rows):
    header = ["exercises", "runs", "Otter cell s", "first check s", "later checks s",
              "slowest check s", "export s", f"every check ≤ {CHECK_SECONDS:.0f} s"]
    body = [[f"`{r['chapter']}`", r["runs"], f"{r['init']:.2f}", f"{r['first_check']:.3f}",
             f"{r['later_check']:.3f}", f"{r['slowest_check']:.2f}", f"{r['export']:.1f}",
             meets(r["slowest_check"] <= CHECK_SECONDS)] for r in rows]
    return table(header, body)


def notebook_table(rows):
    header = ["notebook", "run time s", f"≤ {NOTEBOOK_SECONDS:.0f} s"]
    body = [[f"`{r['notebook']}`", f"{r['seconds']:.1f}", meets(r["seconds"] <= NOTEBOOK_SECONDS)]
            for r in rows]
    body.append(["all chapters", f"{sum(r['seconds'] for r in rows):.1f}", ""])
    return table(header, body)


def book_table(rows):
    header = ["build", "pages written", "time s", "goal s", "met"]
    body = [[r["build"], r.get("pages", ""), f"{r['seconds']:.1f}",
             f"≤ {BOOK_SECONDS[r['build']]:.0f}", meets(r["seconds"] <= BOOK_SECONDS[r["build"]])]
            for r in rows]
    return table(header, body)


def tests_table(rows):
    header = ["command", "cores", "passed", "failed", "time s", f"≤ {TEST_SECONDS:.0f} s"]
    body = [[f"`{r['command']}`", r["cores"], r.get("passed", 0),
             r.get("failed", 0) + r.get("errors", 0) + r.get("error", 0), f"{r['seconds']:.0f}",
             meets(r["seconds"] <= TEST_SECONDS and r["status"] == 0)] for r in rows]
    return table(header, body)


def setup_table(rows):
    header = ["step", "time s", "environment MB"]
    body = [[r["step"], f"{r['seconds']:.1f}",
             f"{r['environment_bytes'] / 1e6:.0f}" if "environment_bytes" in r else ""]
            for r in rows]
    return table(header, body)


TITLES = {
    "mlp": ("Training a multilayer perceptron",
            "Milliseconds per epoch of mini-batch SGD with batch size {batch_size}, learning "
            "rate {learning_rate}, no momentum and no penalty, the same layer sizes and "
            "{epochs} epochs in all three libraries; each epoch also scores the whole training "
            "set, as `MLP.fit` does. GFLOP/s counts nnkit's matrix products; the last column "
            "is numpy's own speed on a {peak_matmul_size} × {peak_matmul_size} product, the "
            "practical limit."),
    "grid": ("Convolution and pooling",
             "One-channel images against `scipy.signal.correlate2d` (valid mode); a colour "
             "image through several kernels, and the pooling of feature maps, against "
             "`torch.nn.functional`. Each row names its sizes. Each result is first checked to "
             "equal the reference's."),
    "numerics": ("Distances and nearest neighbours (chapter 1)",
                 "All pairwise Euclidean distances against `scipy.spatial.distance.cdist`, and "
                 "1-nearest-neighbour prediction against scikit-learn's brute-force "
                 "`KNeighborsClassifier`."),
    "widgets": ("Widget updates",
                "Time from setting one control to the new figure or HTML (recompute, redraw, "
                "PNG encoding), over random moves of one control at a time."),
    "live": ("Widget updates on the web page",
             "The page versions of the widgets (`_ext/static/live/*.js`) in Chromium: one "
             "control at a time (slider, number box, drop-down or grid cell, picked at random) "
             "set to a random value, timed in the page from the event to the end of the layout "
             "it causes; and, for widgets with a Play button, the longest animation frame "
             "during 3 s of playing."),
    "exercises": ("Exercise feedback",
                  "A chapter's reference solution with the student's public tests, run top to "
                  "bottom in a fresh kernel as a student runs it: the \"Initialize Otter\" cell, "
                  "each `grader.check` (the first apart), and the export cell, which writes the "
                  "zip and grades it in a new process; medians over fresh kernels."),
    "notebooks": ("Chapter notebooks",
                  "Each chapter run top to bottom in a fresh kernel, as `make notebooks` does."),
    "book": ("The book build",
             "`jupyter-book build --warningiserror --nitpick` on a copy of the repository: "
             "first with an empty execution cache (every notebook runs), then again with "
             "nothing changed."),
    "tests": ("The test command",
              "`make test` (lint, every unit test, the notebooks run once and compared with "
              "their saved outputs, the book built from those runs and opened in Chromium, the "
              "exercises graded) on the checkout, with the environment already installed; "
              "timed once."),
    "setup": ("A fresh install",
              "`git clone`, then `make install` with pip's download cache switched off (the "
              "virtual environment and every requirement), and the size of `.venv`."),
}
RENDER = {"mlp": mlp_table, "grid": operation_table, "numerics": operation_table,
          "widgets": widget_table, "live": live_table, "exercises": exercise_table,
          "notebooks": notebook_table,
          "book": book_table,
          "tests": tests_table, "setup": setup_table}


def machine_line(machine):
    return (f"{machine['cpu']}, {machine['cores']} cores; Python {machine['python']}, "
            f"numpy {machine['numpy']} ({machine['blas']}), torch {machine['torch']}, "
            f"scipy {machine['scipy']}, scikit-learn {machine['sklearn']}")


def runs_line(rows):
    """" Times are medians of N timed runs." for sections that keep every run, else ""."""
    counts = {len(times) for r in rows for times in r.get("all_seconds", {}).values()}
    if not counts:
        return ""
    runs = str(min(counts)) if len(counts) == 1 else f"{min(counts)} to {max(counts)}"
    return f" Times are medians of {runs} timed runs, after one warm-up run."


def markdown(results):
    """The whole ``results.md``: one section per kind of measurement, in ``SECTIONS`` order."""
    parts = ["<!-- Made by `make bench` (tests/benchmarks) from results.json: do not edit. -->"]
    for name in SECTIONS:
        if name not in results:
            continue
        section = results[name]
        title, explanation = TITLES[name]
        explanation = explanation.format(**section["rows"][0])  # the settings of the run
        parts.append(f"## {title}\n\n{explanation}{runs_line(section['rows'])}\n\n"
                     f"Measured {section['measured']} on {machine_line(section['machine'])}.\n\n"
                     f"{RENDER[name](section['rows'])}")
    return "\n\n".join(parts) + "\n"
