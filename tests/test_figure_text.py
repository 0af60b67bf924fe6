"""Every figure the chapters draw is legible where the book shows it.

The book shows a figure as the PNG its notebook output holds, one image pixel per CSS pixel, and
shrinks an image wider than its text column (plotting.COLUMN_PX, 688 px at a 1280-px window) to
the column's width, text included. No text may then be smaller than plotting.MIN_TEXT_PX (9 CSS
px): a 13-inch row of five panels with 9-pt tick labels, for one, shows them at 6.6 px.

In a notebook, plotting.use_style() makes every figure's PNG output carry its smallest text size
(plotting.TEXT_RECORD in the output's metadata, which the pages do not show and which nbval and
test_notebooks.py do not compare). These tests read the saved chapters, so they need neither the
book build nor a run: `make notebooks NB=chapters/NN-name.ipynb` refreshes a chapter's records
after its figures change.
"""
import json
from pathlib import Path

import pytest

from nnkit import plotting

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))


def figures(path):
    """(cell index, PNG output data, its metadata) of every figure a chapter shows."""
    notebook = json.loads(path.read_text())
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                yield index, output["data"]["image/png"], output.get("metadata", {})


def shown_px(record):
    """The record's smallest text in CSS pixels once the image fits the column."""
    return plotting.text_px_in_column(record["text_px"], record["width_px"])


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_every_figure_records_its_text_size(path):
    missing, wrong = [], []
    for index, data, metadata in figures(path):
        record = metadata.get("image/png", {}).get(plotting.TEXT_RECORD)
        if record is None:
            missing.append(index)
        else:
            width = metadata["image/png"].get("width", plotting.png_size(data)[0])
            if record["width_px"] != width:
                wrong.append(f"cell {index}: record {record['width_px']} px, image {width}")
    assert not missing, (f"{path.name}: figures without a text-size record in cells {missing}: "
                         "call plotting.use_style() before plotting and re-run `make notebooks "
                         f"NB=chapters/{path.name}`")
    assert not wrong, f"{path.name}: records that do not match their images: {wrong}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_figure_text_is_legible_in_the_column(path):
    small = []
    for index, _, metadata in figures(path):
        record = metadata.get("image/png", {}).get(plotting.TEXT_RECORD)
        if record and record["text_px"] is not None and shown_px(record) < plotting.MIN_TEXT_PX:
            small.append(f"cell {index}: {record['smallest_pt']} pt in a {record['width_px']}-px "
                         f"image shows at {shown_px(record):.1f} px")
    assert not small, (
        f"{path.name}: figure text below {plotting.MIN_TEXT_PX} CSS px in the "
        f"{plotting.COLUMN_PX}-px column:\n" + "\n".join(small) + "\nMake the figure narrower "
        "(plotting.panels wraps panels into rows within plotting.legible_width()) or its "
        "smallest text bigger (no fontsize below the style's), then re-run `make notebooks`.")


def test_the_check_catches_a_wide_row_of_small_text():
    # The arithmetic the test above relies on: 9-pt text (12.5 px at 100 dpi) in a 1311-px image.
    assert round(shown_px({"text_px": 12.5, "width_px": 1311}), 1) == 6.6
    assert shown_px({"text_px": 12.5, "width_px": 600}) == 12.5  # never enlarged
