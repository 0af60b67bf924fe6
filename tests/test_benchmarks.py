"""The benchmark harness (tests/benchmarks, ``make bench``) measures what it says it does.

No test here asserts a time: timings belong in the benchmark's tables, not in pass/fail. These
tests check the harness itself on tiny inputs (the same work in every library, the results
checked against the reference, FLOPs counted right, moves a reader could make) and that the
appendix page shows tables made from the latest results.
"""
import json
import pkgutil
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from benchmarks import __main__ as cli
from benchmarks import build, latency, report, speed
from torch.utils.flop_counter import FlopCounterMode

import nnkit.widgets

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "benchmarks"


@pytest.mark.parametrize("sizes", [[64, 64, 10], [784, 128, 10], [20, 16, 8, 3]])
def test_flop_count_of_an_epoch_matches_torchs_flop_counter(sizes):
    # One training step on all samples (forward and backward) plus the evaluation forward pass
    # that fit makes after every epoch; the batch size changes nothing in the count.
    n = 50
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    X, y = torch.randn(n, sizes[0]), torch.randint(0, sizes[-1], (n,))
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(net(X), y).backward()
        with torch.no_grad():
            net(X)
    assert speed.matmul_flops_per_epoch(sizes, n, batch_size=10) == counter.get_total_flops()


@pytest.mark.slow
def test_mlp_rows_train_one_network_the_same_way_in_every_library():
    rows = speed.mlp_rows(threads=[1], repeats=1, epochs=3, n_samples=600)
    assert [(r["data"], r["precision"]) for r in rows] == [
        ("digits", "float64"), ("digits", "float32"), ("mnist-5k", "float64"),
        ("mnist-5k", "float32")]
    for r in rows:
        assert r["n_train"] == 480 and r["n_test"] == 120
        accuracy = r["test_accuracy"]
        assert min(accuracy.values()) > 0.5, accuracy  # all of them learn (chance is 0.1)
        assert max(accuracy.values()) - min(accuracy.values()) < 0.2, accuracy
        per_epoch = r["seconds_per_epoch"]
        assert r["ratio"]["torch"] == pytest.approx(per_epoch["nnkit"] / per_epoch["torch"])
        assert r["nnkit_gflops"] == pytest.approx(
            speed.matmul_flops_per_epoch(r["layers"], 480, 32) / per_epoch["nnkit"] / 1e9)
        assert len(r["all_seconds"]["nnkit"]) == 1


def test_operation_rows_cover_every_case_and_check_the_result_first():
    rows = speed.grid_rows(threads=[1], repeats=1, scale=8)
    assert len(rows) == len(speed.grid_cases(scale=8)) == 8
    assert {r["reference"] for r in rows} == {"scipy", "torch"}
    for r in rows:
        assert r["ratio"] == pytest.approx(r["seconds"]["nnkit"] / r["seconds"][r["reference"]])
    rows = speed.numerics_rows(threads=[1], repeats=1, scale=10)
    assert [r["reference"] for r in rows] == ["scipy", "sklearn"]
    wrong = [("a wrong result", "scipy", "float64", lambda: np.zeros(3), lambda: np.ones(3))]
    with pytest.raises(AssertionError):
        speed.operation_rows(wrong, threads=[1], repeats=1)


def test_pinned_threads_are_restored():
    before = torch.get_num_threads()
    with speed.pinned_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_latency_times_every_widget_module_of_the_book():
    modules = {m.name for m in pkgutil.iter_modules(nnkit.widgets.__path__)} - {"base"}
    timed = {make.__module__.rsplit(".", 1)[1] for _, make in latency.WIDGETS.values()}
    assert timed == modules


@pytest.mark.parametrize("name", sorted(latency.WIDGETS))
def test_random_changes_are_moves_a_reader_can_make(name):
    explorer = latency.WIDGETS[name][1]()
    current = explorer.values()
    changes = latency.random_changes(explorer, 20, seed=3)
    assert len(changes) == 20
    for control, value in changes:
        assert value != current[control]
        assert value in latency.choices(explorer.controls[control], current[control])
        current[control] = value
    seconds = latency.base.time_updates(explorer, changes)
    assert explorer.values() == current and seconds.shape == (20,) and np.all(seconds > 0)


def test_a_grid_of_cells_changes_one_cell_per_move():
    moves = latency.choices(None, (0, 1, 0))
    assert moves == [(1, 1, 0), (0, 0, 0), (0, 1, 1)]


def test_report_marks_a_missed_goal():
    row = {"operation": "conv", "reference": "scipy", "precision": "float64", "threads": 1,
           "seconds": {"nnkit": 0.003, "scipy": 0.002}, "ratio": 1.5}
    assert "**no**" in report.operation_table([row])
    row.update(ratio=0.5)
    assert "**no**" not in report.operation_table([row]) and "| yes |" in report.operation_table([row])


def test_report_says_how_many_runs_each_median_is_of():
    rows = [{"all_seconds": {"nnkit": [1.0] * 5, "torch": [1.0] * 5}},
            {"all_seconds": {"nnkit": [1.0] * 25}}]
    assert "medians of 5 to 25 timed runs" in report.runs_line(rows)
    assert "medians of 5 timed runs" in report.runs_line(rows[:1])
    assert report.runs_line([{"notebook": "a.ipynb", "seconds": 3.0}]) == ""


def test_cli_rejects_an_unknown_section(capsys):
    with pytest.raises(SystemExit):
        cli.main(["speed"])
    assert "unknown section(s) speed" in capsys.readouterr().err


def test_results_hold_every_section_chapter_and_widget():
    results = json.loads((HERE / "results.json").read_text())
    assert set(results) == set(report.SECTIONS)
    notebooks = {r["notebook"] for r in results["notebooks"]["rows"]}
    assert notebooks == {p.name for p in (ROOT / "chapters").glob("*.ipynb")}
    assert {r["widget"] for r in results["widgets"]["rows"]} == set(latency.WIDGETS)
    assert {r["build"] for r in results["book"]["rows"]} == set(report.BOOK_SECONDS)
    assert [r["command"] for r in results["tests"]["rows"]] == ["make test"]
    for name in ("mlp", "grid", "numerics"):  # medians of at least 5 timed runs
        assert results[name]["repeats"] >= 5
        assert all(len(times) >= 5 for r in results[name]["rows"]
                   for times in r["all_seconds"].values())


def test_the_appendix_shows_the_tables_made_from_the_latest_results():
    results = json.loads((HERE / "results.json").read_text())
    assert (HERE / "results.md").read_text() == report.markdown(results), (
        "results.md is out of date: run `cd tests && ../.venv/bin/python -m benchmarks "
        "--report-only`")
    page = (ROOT / "benchmarks.md").read_text()
    assert "```{include} tests/benchmarks/results.md" in page
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert "benchmarks" in [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_working_copy_holds_what_a_commit_can_hold(tmp_path):
    build.working_copy(tmp_path)
    assert (tmp_path / "_config.yml").read_text() == (ROOT / "_config.yml").read_text()
    assert (tmp_path / "chapters" / "02-perceptron.ipynb").exists()
    assert not (tmp_path / ".venv").exists() and not (tmp_path / "_build").exists()


def test_test_command_row_reads_pytests_summary(monkeypatch):
    class Done:
        returncode = 1
        stdout = "...\n===== 2 failed, 1849 passed, 1 skipped in 291.20s (0:04:51) =====\n"

    monkeypatch.setattr(build.subprocess, "run", lambda *args, **kwargs: Done())
    [row] = build.test_rows()
    assert row["command"] == "make test" and row["status"] == 1
    assert (row["passed"], row["failed"], row["skipped"]) == (1849, 2, 1)
    assert "**no**" in report.tests_table([row])  # a red run never meets the goal
