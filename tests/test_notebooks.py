"""The chapter notebooks run top to bottom and print what they say they print.

Each notebook is executed once per session (conftest.py's `notebook_cache`, which the book build
reuses). Every code cell's outputs are then compared with the outputs saved in the notebook, with
nbval's rules: streams merged and carriage returns applied, images and widget views not compared,
cells tagged `nbval-ignore-output` (progress bars, widgets) and cells saved unexecuted skipped, and
the substitutions of .ci/nbval-sanitize.cfg applied to both sides. `make nbval` runs nbval itself.

What is compared is what a reader reads: glued numbers are rounded to the precision the prose
shows, never a float's last digits, which change with the BLAS kernel, the thread count and memory
alignment (test_saved_outputs_show_no_float_noise keeps it so).
"""
import re
from collections import defaultdict
from difflib import unified_diff
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import coalesce_streams, get_sanitize_patterns, transform_streams_for_comparison

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))  # as conftest.py runs them
IDS = [path.stem for path in CHAPTERS]

# Output keys nbval does not compare (with its default, non-nbdime settings).
SKIP_COMPARE = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}


# nbval's own reading of the sanitizer file: (regex, replacement) pairs.
PATTERNS = [(re.compile(regex), replace) for regex, replace in
            get_sanitize_patterns((ROOT / ".ci" / "nbval-sanitize.cfg").read_text())]


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def sanitize(value):
    if not isinstance(value, str):
        return value
    for regex, replace in PATTERNS:
        value = regex.sub(replace, value)
    return value


def comparable(outputs):
    """{key: [values]} of a cell's outputs, flattened and filtered as nbval compares them."""
    flat = defaultdict(list)
    outputs = [nbformat.from_dict(o) for o in outputs]
    for output in transform_streams_for_comparison(coalesce_streams(outputs)):
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        flat[mime].append(sanitize(_text(data)))
            else:
                flat[key].append(sanitize(_text(value)))
    return dict(flat)


def compared_cells(saved):
    """(index, cell) of the code cells whose saved outputs are compared."""
    for index, cell in enumerate(saved.cells):
        if cell.cell_type != "code" or "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        if cell.execution_count is None and not cell.outputs:
            continue  # saved unexecuted: nothing to compare, as in nbval
        yield index, cell


def _diff(index, cell, expected, got):
    lines = [f"cell {index} ({cell.source.splitlines()[0][:60] if cell.source else ''!r}):"]
    for key in sorted(set(expected) | set(got)):
        want, have = expected.get(key, []), got.get(key, [])
        if want != have:
            lines += unified_diff([str(v) for v in want], [str(v) for v in have],
                                  f"saved {key}", f"fresh {key}", lineterm="", n=1)
    return "\n".join(lines)


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_notebook_runs_and_reproduces_its_saved_outputs(path, notebook_cache):
    cache, tracebacks = notebook_cache
    assert tracebacks[path] is None, f"{path.name} failed to run:\n{tracebacks[path][-5000:]}"
    saved = nbformat.read(path, as_version=4)
    _, fresh = cache.merge_match_into_notebook(saved)
    mismatches = []
    for index, cell in compared_cells(saved):
        expected, got = comparable(cell.outputs), comparable(fresh.cells[index].outputs)
        if expected != got:
            mismatches.append(_diff(index, cell, expected, got))
    assert not mismatches, (f"{path.name}: outputs differ from the saved ones (re-run `make "
                            f"notebooks NB=chapters/{path.name}` if the change is intended):\n"
                            + "\n\n".join(mismatches))


# A decimal with 12 or more significant digits: a float printed in full, whose last digits are noise.
FULL_FLOAT = re.compile(r"(?<![\w.])-?(?:0\.0*[1-9]\d{11,}|[1-9]\d*\.\d+)(?:e[-+]?\d+)?(?![\w.])")


def _full_floats(text):
    found = []
    for match in FULL_FLOAT.finditer(text):
        digits = re.sub(r"e.*|[^0-9]", "", match.group(0).lower()).lstrip("0")
        if len(digits) >= 12:
            found.append(match.group(0))
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=IDS)
def test_saved_outputs_show_no_float_noise(path):
    """Compared outputs (glued values included) show no float with 12+ significant digits."""
    saved = nbformat.read(path, as_version=4)
    noisy = []
    for index, cell in compared_cells(saved):
        for key, values in comparable(cell.outputs).items():
            for value in values:
                if isinstance(value, str) and (found := _full_floats(value)):
                    noisy.append(f"cell {index} {key}: {found[:3]}")
    assert not noisy, (f"{path.name} shows floats to their last digits, which vary between "
                       "machines; round them to what the prose shows:\n" + "\n".join(noisy))


def test_the_noise_check_catches_full_floats():
    assert _full_floats("0.7395731133471828") == ["0.7395731133471828"]
    assert _full_floats("r = 24.99999999999966 and 2.461136950494197e-08")
    assert _full_floats("[0.37754067 0.88079708] 0.74 1797 3.14159 0.000123") == []
    assert _full_floats("at 0xADDRESS, 123456789012 samples") == []
