"""The book builds with warnings as errors and its pages need nothing from the network."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_every_page_of_the_table_of_contents_is_built(html):
    for name in toc_files():
        assert (ROOT / name).with_suffix(".md").exists() or (ROOT / name).with_suffix(".ipynb").exists()
        assert (html / name).with_suffix(".html").exists(), name


def test_one_slot_per_syllabus_chapter():
    chapters = [f for f in toc_files() if f.startswith("chapters/") and not f.endswith("00-getting-started")]
    assert [int(Path(f).name[:2]) for f in chapters] == list(range(1, 11))


EXTERNAL_ASSET = re.compile(
    r"<script[^>]+src=\"(https?:)?//|<link[^>]+href=\"(https?:)?//[^\"]+\.(css|woff2?|ttf|js)|"
    r"@import\s+url\((https?:)?//|<img[^>]+src=\"(https?:)?//")


def test_pages_load_no_script_style_or_font_from_the_network(html):
    pages = list(html.rglob("*.html"))
    assert len(pages) >= len(toc_files())
    for page in pages:
        found = EXTERNAL_ASSET.search(page.read_text(encoding="utf-8"))
        assert found is None, f"{page.relative_to(html)} loads {found.group(0)!r}"
    for sheet in html.rglob("*.css"):
        assert not re.search(r"url\((['\"]?)(https?:)?//", sheet.read_text(encoding="utf-8")), sheet


def test_mathematics_is_rendered_by_a_local_mathjax(html):
    mathjax = html / "_static" / "mathjax"
    for component in ["startup.js", "core.js", "input/tex.js", "output/chtml.js",
                      "output/chtml/fonts/tex.js", "a11y/assistive-mml.js",
                      "input/tex/extensions/boldsymbol.js",
                      "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"]:
        assert (mathjax / component).stat().st_size > 1_000, component
    intro = (html / "intro.html").read_text(encoding="utf-8")
    assert re.search(r"<script[^>]+src=\"_static/mathjax/startup\.js", intro)
    assert "mathjax@3" not in intro
    # Only what the book uses: no SVG font data (1 MiB), no speech rule engine (4 MiB).
    assert not (mathjax / "output" / "svg").exists() and not (mathjax / "sre").exists()
    assert sum(f.stat().st_size for f in mathjax.rglob("*") if f.is_file()) < 2 * 2**20


def test_pages_load_only_the_icons_and_search_index_they_use(html):
    """The theme's style sheet draws the icons with Font Awesome's web fonts, cut down to the
    icons the book shows; the 1.4 MiB script that would draw them again as SVG is not loaded,
    nor is the search index on any page but the search page (_ext/offline_assets.py)."""
    pages = [page for page in html.rglob("*.html")
             if page.relative_to(html).parts[0] != "_static"]  # the theme's template is there
    assert len(pages) >= len(toc_files())
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "scripts/fontawesome.js" not in text, page
        assert ("searchindex.js" in text) == (page.name == "search.html"), page
    css = (html / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert ".fa-bars:before" in css and ".fa-github:before" in css  # shown on every page
    assert ".fa-trash-can:before" not in css  # shown on none
    fonts = re.findall(r"url\(\.\./vendor/fontawesome/webfonts/([^)]+)\)", css)
    assert fonts and all(font.endswith(".subset.woff") for font in fonts), fonts
    for font in fonts:
        assert 0 < (html / "_static" / "vendor" / "fontawesome" / "webfonts" / font
                    ).stat().st_size < 20_000, font


def test_no_page_ships_widget_state(html):
    """Executed notebooks keep their widgets' state (17-124 KB a page) for a widget manager the
    book does not load: the pages show the widgets' static twins or live views instead."""
    pages = list(html.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-state+json" not in text, page.relative_to(html)


def test_notebooks_were_executed_into_the_page(html):
    page = (html / "chapters" / "00-getting-started.html").read_text(encoding="utf-8")
    assert "(1797, 64)" in page  # an output computed when the book was built


def test_bibliography_lists_the_syllabus_references(html):
    page = (html / "references.html").read_text(encoding="utf-8")
    for author in ["McCulloch", "Rosenblatt", "Rumelhart", "Linnainmaa", "Bishop", "Géron",
                   "Lindholm", "Nielsen", "Simonyan", "He", "Smith", "Sze", "Hubel",
                   "Minsky", "Papert", "Pan", "Tan", "Liu"]:
        assert author in page, author
    # Labelled author-year, as the chapters cite: "[Bishop, 2006]", not "[Bis06]".
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\[</span>([^<]*)<', page)
    assert len(labels) >= 17, labels
    for label in labels:
        assert re.fullmatch(r"[^\W\d][\w.' -]*(?: and [\w' -]+| et al\.)?, \d{4}[a-z]?", label), label
    assert "Bishop, 2006" in labels and "McCulloch and Pitts, 1943" in labels
    assert 'role="doc-biblioentry"' not in page  # list items of the role="list" (axe-core)


def test_api_reference_links_functions_and_chapters_both_ways(html):
    api = (html / "api.html").read_text(encoding="utf-8")
    for target in ["nnkit.mlp.MLP.fit", "nnkit.backprop.gradient_check", "nnkit.grid.conv2d",
                   "nnkit.perceptron.Perceptron", "nnkit.logic.truth_table"]:
        assert f'id="{target}"' in api, target
    # each "Taught in" line became a link to its chapter page
    assert re.search(r'Taught in: <a class="reference internal" href="chapters/07-convolution.html"', api)
    chapter = (html / "chapters" / "07-convolution.html").read_text(encoding="utf-8")
    assert 'href="../api.html#nnkit.grid.conv2d"' in chapter
    # Named-tuple fields are described by their tuple's docstring, not by autodoc's stubs.
    assert "Alias for field number" not in api
    assert 'id="nnkit.perceptron.RuleStep"' in api


def test_next_from_the_last_chapter_leads_to_the_exercises_not_to_the_instructors(html):
    last = (html / "chapters" / "10-model-family.html").read_text(encoding="utf-8")
    following = re.search(r'<a class="right-next"\s+href="([^"]+)"', last)
    assert following, "the last chapter has no Next link"
    assert following.group(1) == "../exercises/student/01-patterns-and-dimensionality.html"
    files = toc_files()
    assert files.index("teach") > files.index("benchmarks")
    assert files.index("exercises/for-instructors") > files.index("benchmarks")


def test_chapters_have_launch_buttons_for_binder_and_colab(html):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    page = (html / "chapters" / "00-getting-started.html").read_text(encoding="utf-8")
    # they open the notebook for running (chapters/run/, see tests/test_run_notebooks.py)
    binder = (f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/"
              "chapters/run/00-getting-started.ipynb")
    colab = (f"https://colab.research.google.com/github/{repo}/blob/main/"
             "chapters/run/00-getting-started.ipynb")
    assert binder in page.replace("&amp;", "&")
    assert colab in page


def test_every_chapter_starts_with_the_colab_install_cell_for_the_configured_repository():
    import nbformat

    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0]
        assert first.cell_type == "code" and 'if "google.colab" in sys.modules:' in first.source, path
        assert f"git+{url}" in first.source, f"{path.name}: Colab would install from elsewhere"
        assert "remove-cell" in first.metadata.get("tags", []), path
        # opened straight from GitHub in Colab, it keeps Colab's ipywidgets 7.7 (8 leaves the
        # widgets blank there) and switches on Colab's manager for custom widgets
        assert "[widgets" not in first.source and ",widgets" not in first.source, path
        assert '"{keep_widgets}"' in first.source, path
        assert "output.enable_custom_widget_manager()" in first.source, path


def test_no_widget_script_or_view_comes_from_a_cdn(html):
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "embed-amd.js" not in text and "require.min.js" not in text, page
        if "_modules" not in page.parts:  # the source listings quote nnkit's code as text
            assert "application/vnd.jupyter.widget-view+json" not in text, page


def _hidden_test_names(master):
    """The function names of a master notebook's hidden test cases (otter's `hidden: true`)."""
    import json

    names = []
    for cell in json.loads(master.read_text())["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        config = re.search(r"# BEGIN TEST CONFIG(.*?)# END TEST CONFIG", source, re.S)
        if cell["cell_type"] == "code" and config and re.search(r"^hidden:\s*true", config[1], re.M):
            names += re.findall(r"^def (test_\w+)\(", source, re.M)
    return names


def test_no_master_hidden_test_or_autograder_is_published(html):
    """The site carries the student notebooks only: no master (solutions), no autograder zip or
    notebook, no hidden test (read from the masters themselves)."""
    masters = sorted((ROOT / "exercises").glob("[0-9][0-9]-*.ipynb"))
    assert len(masters) == 10
    hidden = {master.stem: _hidden_test_names(master) for master in masters}
    assert all(hidden.values()), f"every master has hidden tests: {hidden}"
    assert not list(html.rglob("*autograder*")), "autograder files are published"
    assert not list(html.rglob("_generated")), "exercises/_generated is published"
    for master in masters:
        assert (html / "exercises" / "student" / f"{master.stem}.html").is_file(), master.stem
        assert not list(html.rglob(f"exercises/{master.stem}.*")), f"the master {master.name} is published"
    texts = [p for p in html.rglob("*") if p.is_file()
             and p.suffix in {".html", ".ipynb", ".txt", ".js", ".json", ".py", ".md"}]
    for page in texts:
        text = page.read_text(errors="ignore")
        assert "# BEGIN SOLUTION" not in text and "# ASSIGNMENT CONFIG" not in text, page
        for slug, names in hidden.items():
            for name in names:
                assert f"def {name}(" not in text, (
                    f"hidden test {name} of {slug} is published in {page.relative_to(html)}")
