"""Every chapter links each glossary term at its first use (.ci/glossary_links.py's rules)."""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("glossary_links", ROOT / ".ci" / "glossary_links.py")
glossary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(glossary)

TERMS = glossary.glossary_terms()
CHAPTERS = [p for p in glossary.CHAPTERS if p.stem not in glossary.SKIPPED]


def notebook(*markdown):
    return {"cells": [{"cell_type": "markdown", "source": text} for text in markdown]}


def test_the_glossary_has_its_terms():
    assert len(TERMS) >= 25 and "Perceptron" in TERMS and "XOR" in TERMS
    assert len(CHAPTERS) == 10


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_each_term_is_linked_where_the_chapter_first_uses_it(path):
    uses = glossary.first_uses(json.loads(path.read_text()), TERMS)
    unlinked = {term: shown for term, (_, kind, _, shown) in uses.items() if kind == "unlinked"}
    assert not unlinked, (f"{path.name}: link the first use with {{term}} "
                          f"(python .ci/glossary_links.py --write): {unlinked}")


def test_a_first_use_is_found_in_prose_only():
    nb = notebook("# The perceptron\n\nA `perceptron` call, $perceptron$, [perceptron](x.md),\n"
                  "{doc}`perceptron` and restart the kernel; then two perceptrons meet a kernel.")
    uses = glossary.first_uses(nb, TERMS)
    assert uses["Perceptron"][1:] == ("unlinked", nb["cells"][0]["source"].index("perceptrons"),
                                      "perceptrons")
    assert uses["Kernel"][3] == "kernel" and "Kernel" in uses
    assert uses["Kernel"][2] == nb["cells"][0]["source"].rindex("kernel")


def test_the_linker_links_the_first_use_and_the_check_then_passes():
    nb = notebook("Neither here.", "A multilayer\nperceptron stacks perceptrons; XOR, not xor.",
                  "Later the perceptron again.")
    changed = glossary.link(nb, TERMS)
    text = "".join(nb["cells"][1]["source"])
    assert "{term}`multilayer perceptron`" in text
    assert "{term}`perceptrons <Perceptron>`" in text and "{term}`XOR`" in text
    assert "xor." in text and "".join(nb["cells"][2]["source"]) == "Later the perceptron again."
    assert {term for term, _ in changed} == {"Multilayer perceptron", "Perceptron", "XOR"}
    assert all(kind == "linked" for _, kind, _, _ in glossary.first_uses(nb, TERMS).values())
    assert glossary.link(nb, TERMS) == []


def test_a_link_further_down_does_not_count_for_an_earlier_use():
    nb = notebook("The perceptron comes first.", "Then {term}`perceptron <Perceptron>`.")
    assert glossary.first_uses(nb, TERMS)["Perceptron"][1] == "unlinked"
