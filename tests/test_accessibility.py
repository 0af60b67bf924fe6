"""Every page of the built book passes axe-core's WCAG 2.1 A and AA checks, light and dark.

axe-core (Deque's accessibility engine, the one browsers' developer tools use) runs inside a
headless Chromium on every page of the book that conftest.py builds, once with the reader's
system in light mode and once in dark mode (the book follows the system: its default mode is
"auto"). No page may have a serious or critical violation. axe's experimental check that a
control's accessible name contains its visible text (label-content-name-mismatch, WCAG 2.5.3)
runs as well.

axe-core is a test tool, not part of the book: npm installs it into a cache outside the
repository (AXE_CACHE, by default ~/.cache/nnkit-book/axe-core) the first time, and the pages
never load it from there. Without Chromium, npm or network for that first install the tests
skip, saying how to install it, except under CI=true, where they fail.

The live widgets (`.nnkit-live`, _ext/static/live/) are checked with the rest of each page.
"""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from browser_setup import require_chromium

AXE_PACKAGE = "axe-core@4.14"
AXE_CACHE = Path(os.environ.get("AXE_CACHE") or
                 Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                 / "nnkit-book" / "axe-core")
AXE_SCRIPT = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
NPM_INSTALL = ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--fetch-retries=1",
               AXE_PACKAGE, "--prefix"]  # + the folder

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXTRA_RULES = ["label-content-name-mismatch"]  # WCAG 2.5.3, tagged experimental by axe
EXCLUDED = []  # CSS selectors axe leaves out: none
FAILING_IMPACTS = {"serious", "critical"}


def missing_axe():
    """Install axe-core into the cache unless it is there; say why it cannot be, or None."""
    if AXE_SCRIPT.exists():
        return None
    if shutil.which("npm") is None:
        return "npm is missing (apt-get install npm), so axe-core cannot be installed"
    # Into a folder of this process's own, moved into place whole: pytest-xdist's workers may
    # all get here at once.
    AXE_CACHE.parent.mkdir(parents=True, exist_ok=True)
    own = Path(tempfile.mkdtemp(prefix="axe-core.", dir=AXE_CACHE.parent))
    try:
        result = subprocess.run(NPM_INSTALL + [str(own)], capture_output=True, text=True,
                                timeout=300)
        if result.returncode == 0 and not AXE_SCRIPT.exists():
            try:
                own.rename(AXE_CACHE)
            except OSError:  # another worker was first
                pass
    finally:
        shutil.rmtree(own, ignore_errors=True)
    if not AXE_SCRIPT.exists():
        command = " ".join(NPM_INSTALL + [str(AXE_CACHE)])
        output = (result.stderr or result.stdout).splitlines()
        said = [line for line in output if line.startswith("npm error")][:2] or output[-2:]
        return f"`{command}` failed (no network?): " + " ".join(said)
    return None


def require_axe():
    """Skip this module without axe-core; fail instead under CI=true (CI installs it)."""
    missing = missing_axe()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the accessibility tests: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing, allow_module_level=True)


require_chromium()  # skip here, fail under CI, before the session builds the book
require_axe()

from test_screens import book_pages  # noqa: E402  (once the module is known to run)

RUN_AXE = """([exclude, tags, extra]) => axe.run(
    {include: [document], exclude: exclude.map(selector => [selector])},
    {runOnly: {type: 'tag', values: tags},
     rules: Object.fromEntries(extra.map(rule => [rule, {enabled: true}])),
     resultTypes: ['violations']})
  .then(results => results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('')}))})))"""


def describe(name, violation):
    nodes = violation["nodes"]
    where = "; ".join(f"{n['target']} ({n['summary'].strip()})" for n in nodes[:3])
    more = f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
    return (f"{name}: {violation['id']} ({violation['impact']}, {violation['help']}) "
            f"on {len(nodes)} element(s): {where}{more}")


@pytest.fixture(scope="module")
def axe_source():
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_has_a_serious_or_critical_axe_violation(browser, site, html, axe_source, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    pages = book_pages(html)
    failures, checked = [], 0
    try:
        for name in pages:
            page.goto(f"{site}{name}.html", wait_until="load")
            page.evaluate("() => Promise.all([window.MathJax?.startup?.promise,"
                          " document.fonts.ready])")
            mode = page.evaluate("() => document.documentElement.dataset.theme")
            assert mode == scheme, f"{name}: the page shows its {mode} mode, not {scheme}"
            page.add_script_tag(content=axe_source)
            violations = page.evaluate(RUN_AXE, [EXCLUDED, WCAG_TAGS, EXTRA_RULES])
            failures += [describe(name, v) for v in violations
                         if v["impact"] in FAILING_IMPACTS]
            checked += 1
    finally:
        context.close()
    assert checked == len(pages) > 0
    assert not failures, (f"{scheme} mode, {len(failures)} serious or critical violations:\n"
                          + "\n".join(failures))


def test_the_check_finds_what_it_is_meant_to_find(browser, axe_source):
    """A page with a known serious and a known critical fault fails the same check.
    (A check that cannot fail would prove nothing.)"""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.set_content(
            '<html lang="en"><body><main>'
            '<p style="color:#777;background:#888">faint text</p>'
            '<div role="list"><div role="doc-biblioentry">an entry</div></div>'
            '<button aria-label="Colour mode"><span>Search</span></button>'
            '</main></body></html>')
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(RUN_AXE, [EXCLUDED, WCAG_TAGS, EXTRA_RULES])
    finally:
        context.close()
    found = {v["id"]: v for v in violations}
    assert {"color-contrast", "aria-required-children",
            "label-content-name-mismatch"} <= set(found), json.dumps(violations)[:2000]
    assert found["aria-required-children"]["impact"] == "critical"
