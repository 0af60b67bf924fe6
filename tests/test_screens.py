"""The built book works on a phone, a tablet and a desktop screen.

A headless Chromium, driven by Playwright, opens the book that conftest.py builds, at 390x844
(a phone), 768x1024 (a tablet) and 1280x800 (a desktop), and uses it as a reader does: the menu
button opens the sidebar, a chapter link in it leads to that chapter, and the sidebar closes
again; the page-contents button does the same for the sections of a page, wherever the theme
shows that button. On the phone no page of the book may scroll sideways: display equations,
tables, API links and inline code that are wider than the column scroll in their own box or
wrap. On the desktop no display equation sticks out of the column unless it scrolls in its own
box. _ext/page_fixes.py makes this so. Without /usr/bin/chromium the tests skip, except under
CI=true, where they fail (CI installs it).
"""
from pathlib import Path

import pytest
from browser_setup import require_chromium
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]
TOC_PAGES = list(parse_toc_yaml(ROOT / "_toc.yml"))  # the book's own parser; root first

PHONE, TABLET, DESKTOP = (390, 844), (768, 1024), (1280, 800)
SCREENS = [pytest.param(size, id=f"{size[0]}px") for size in (PHONE, TABLET, DESKTOP)]
NARROW = 992  # below this width the themes show the sidebars as dialogs over the page

PRIMARY_NAV = "nav.bd-docs-nav"  # the book's chapters, in the primary sidebar (or its dialog)
PAGE_TOC = "#pst-page-toc-nav"  # the page's sections, in the secondary sidebar (or its dialog)
MENU_BUTTON = ".primary-toggle:visible"
CONTENTS_BUTTON = ".secondary-toggle:visible"


require_chromium()  # skip here, fail under CI, before the session builds the book

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402  (only once it exists)


class Tab:
    """One browser tab with the viewport of one screen, reused by every test of the module."""

    def __init__(self, browser, site, size):
        self.site, self.width, self.height = site, *size
        self.context = browser.new_context(viewport={"width": self.width, "height": self.height})
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def url(self, name):
        return f"{self.site}{name}.html"

    def open(self, name):
        """Load a page and wait until MathJax (where the page has math) and the fonts are done."""
        self.page.goto(self.url(name), wait_until="load")
        self.wait_for_layout()

    def wait_for_layout(self):
        self.page.evaluate(
            "() => Promise.all([window.MathJax?.startup?.promise, document.fonts.ready])")

    def wait_until(self, selector, shown, what):
        """Wait until the element is shown on the screen (or is not); fail with where it is."""
        try:
            self.page.wait_for_function(SHOWN_CHECK, arg=[selector, shown], timeout=5_000)
            self.page.evaluate(SETTLE)
        except PlaywrightTimeout:
            where = self.page.evaluate(WHERE, selector)
            state = "on the screen" if shown else "hidden"
            raise AssertionError(
                f"{self.width}px, {self.page.url}: {what} should be {state}, but {where}") from None


# The sidebars slide in and out: wait for the end of every transition before the next step.
SETTLE = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null)))"""

# Shown: rendered, not transparent or visibility:hidden, and horizontally inside the viewport
# (sidebars hide by moving off the left or right edge, so their left and right edges tell).
SHOWN_CHECK = """([selector, want]) => {
    const el = document.querySelector(selector);
    const shown = !!el && el.checkVisibility({opacityProperty: true, visibilityProperty: true})
        && (r => r.width > 0 && r.left >= -1 && r.right <= innerWidth + 1
                 && r.top < innerHeight && r.bottom > 0)(el.getBoundingClientRect());
    return shown === want;
}"""
WHERE = """selector => {
    const el = document.querySelector(selector);
    if (!el) return 'it is not on the page';
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return `its box is x ${Math.round(r.left)}..${Math.round(r.right)} of ${innerWidth}px, ` +
        `visibility ${s.visibility}, visible ${el.checkVisibility({visibilityProperty: true})}`;
}"""

# What sticks out past the right edge of the viewport with no ancestor to clip or scroll it:
# the outermost such elements and text, for the failure message of a page that scrolls sideways.
STICKING_OUT = """() => {
    const found = [], right = innerWidth + 0.5;
    const unclipped = el => {  // and not fixed to the viewport, which the page cannot scroll
        if (getComputedStyle(el).position === 'fixed') return false;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (style.overflowX !== 'visible' || style.position === 'fixed'
                || a.getBoundingClientRect().right > right)
                return false;
        }
        return true;
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        Array.from(el.classList).slice(0, 2).map(c => '.' + c).join('');
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > right && unclipped(el))
            found.push(`${name(el)} to ${Math.round(r.right)}px: ` +
                       JSON.stringify((el.textContent || '').trim().slice(0, 50)));
    }
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), range = document.createRange();
    while (texts.nextNode()) {
        const text = texts.currentNode;
        range.selectNodeContents(text);
        const r = range.getBoundingClientRect();
        if (r.right > right && getComputedStyle(text.parentElement).overflowX === 'visible'
            && text.parentElement.getBoundingClientRect().right <= right && unclipped(text.parentElement))
            found.push(`text in ${name(text.parentElement)} to ${Math.round(r.right)}px: ` +
                       JSON.stringify(text.textContent.trim().slice(0, 50)));
    }
    return found.slice(0, 6);
}"""

# Display equations that stick out of what their parent shows (its box, cut by every ancestor
# that clips and by the article column) and do not scroll in their own box. A container that
# scrolls must itself stay inside; its formula may be wider, the reader scrolls to see the rest.
CLIPPED_EQUATIONS = """() => Array.from(document.querySelectorAll('mjx-container[display="true"]')).flatMap(eq => {
    let visible = eq.parentElement.getBoundingClientRect().right;
    for (let a = eq.parentElement.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible')
            visible = Math.min(visible, a.getBoundingClientRect().right);
    }
    const column = eq.closest('article.bd-article');
    if (column) visible = Math.min(visible, column.getBoundingClientRect().right);
    const box = eq.getBoundingClientRect();
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(eq).overflowX);
    const formula = Math.max(box.right, ...Array.from(eq.children, c => c.getBoundingClientRect().right));
    const edge = scrolls ? box.right : formula;
    const tex = (eq.querySelector('mjx-assistive-mml')?.textContent || eq.textContent).trim();
    return edge > visible + 1 ? [`equation ${JSON.stringify(tex.slice(0, 40))} reaches ` +
        `${Math.round(edge)}px, its parent shows up to ${Math.round(visible)}px` +
        (scrolls ? '' : ' and it does not scroll')] : [];
})"""


@pytest.fixture(scope="module")
def tabs(browser, site):
    """tabs(size): the module's tab for that screen size, opened on first use."""
    opened = {}

    def tab(size):
        if size not in opened:
            opened[size] = Tab(browser, site, size)
        opened[size].errors.clear()  # each test answers for the errors of its own steps
        return opened[size]

    yield tab
    for tab_ in opened.values():
        tab_.context.close()


def book_pages(html):
    """Every page of the built book (the chapters, the API and its source, the indexes...)."""
    pages = []
    for path in sorted(html.rglob("*.html")):
        relative = path.relative_to(html)
        if relative.parts[0] == "_static":
            continue
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8")[:2000]:
            continue  # index.html only sends the browser on to the root page
        pages.append(relative.with_suffix("").as_posix())
    return pages


def click_outside(tab, selector):
    """Tap the page beside the open sidebar dialog (on its backdrop), as a reader closes it."""
    box = tab.page.locator(f"dialog[open]:has({selector})").bounding_box()
    left, right = box["x"], box["x"] + box["width"]
    x = left / 2 if left > tab.width - right else (right + tab.width) / 2  # the wider gap
    tab.page.mouse.click(x, tab.height / 2)


def closes_by_escape_and_by_a_tap_beside(tab, button, panel, what):
    """Open `panel` with `button`, close it with Escape; open it again, close it by a tap beside."""
    button.click()
    tab.wait_until(panel, True, f"{what}, opened again")
    tab.page.keyboard.press("Escape")
    tab.wait_until(panel, False, f"{what} after Escape")
    button.click()
    tab.wait_until(panel, True, f"{what}, opened once more")
    click_outside(tab, panel)
    tab.wait_until(panel, False, f"{what} after a tap beside it")


@pytest.mark.parametrize("size", SCREENS)
def test_the_menu_opens_leads_to_a_chapter_and_closes(tabs, size):
    tab = tabs(size)
    start, target = TOC_PAGES[1], TOC_PAGES[-1]  # the last chapter: far down the menu
    tab.open(start)
    menu = tab.page.locator(MENU_BUTTON)
    assert menu.count() == 1, f"{size[0]}px: {menu.count()} menu buttons on the screen"

    if tab.width < NARROW:  # closed until the reader opens it
        tab.wait_until(PRIMARY_NAV, False, "the menu of a page just opened")
        menu.click()
        tab.wait_until(PRIMARY_NAV, True, "the menu after a click on the menu button")
    else:  # open beside the page; the button hides it and shows it again
        tab.wait_until(PRIMARY_NAV, True, "the sidebar of a page just opened")
        menu.click()
        tab.wait_until(PRIMARY_NAV, False, "the sidebar after a click on the menu button")
        menu.click()
        tab.wait_until(PRIMARY_NAV, True, "the sidebar after a second click on the menu button")

    links = tab.page.locator(f"{PRIMARY_NAV} a.reference.internal")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert tab.url(target) in hrefs, f"the menu has no link to {target}"
    links.nth(hrefs.index(tab.url(target))).click()
    tab.page.wait_for_url(tab.url(target))
    assert tab.page.url == tab.url(target) != tab.url(start)
    tab.wait_for_layout()

    menu = tab.page.locator(MENU_BUTTON)
    if tab.width < NARROW:  # a reader closes the menu with Escape or by tapping beside it
        tab.wait_until(PRIMARY_NAV, False, "the menu on the chapter the menu led to")
        closes_by_escape_and_by_a_tap_beside(tab, menu, PRIMARY_NAV, "the menu")
    else:
        menu.click()
        tab.wait_until(PRIMARY_NAV, False, "the sidebar of the chapter after a click on the menu")
    assert tab.errors == []


@pytest.mark.parametrize("size", SCREENS)
def test_the_page_contents_open_lead_to_a_section_and_close(tabs, size):
    tab = tabs(size)
    name = "chapters/02-perceptron"
    tab.open(name)
    contents = tab.page.locator(CONTENTS_BUTTON)
    if tab.width >= NARROW and contents.count() == 0:
        # The theme shows no button here: the contents are beside the page instead.
        tab.wait_until(PAGE_TOC, True, "the page contents (no contents button on this screen)")
        return
    assert contents.count() == 1, f"{size[0]}px: {contents.count()} contents buttons"

    tab.wait_until(PAGE_TOC, False, "the page contents of a page just opened")
    contents.click()
    tab.wait_until(PAGE_TOC, True, "the page contents after a click on the contents button")
    section = tab.page.locator(f"{PAGE_TOC} a[href^='#']").nth(1)
    fragment = section.get_attribute("href")
    section.click()
    tab.page.wait_for_url(tab.url(name) + fragment)
    tab.wait_until(PAGE_TOC, False, "the page contents once a section was chosen")
    assert tab.page.locator(fragment).evaluate(
        "h => h.getBoundingClientRect().top < innerHeight && h.getBoundingClientRect().bottom > 0")

    closes_by_escape_and_by_a_tap_beside(tab, contents, PAGE_TOC, "the page contents")
    assert tab.errors == []


def test_no_page_scrolls_sideways_on_a_phone(tabs, html):
    tab = tabs(PHONE)
    pages = book_pages(html)
    assert set(TOC_PAGES) <= set(pages)
    failures = []
    for name in pages:
        tab.open(name)
        scroll_width, width = tab.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > width:
            failures.append(f"{name}: {scroll_width}px wide on a {width}px screen; sticking out: "
                            + "; ".join(tab.page.evaluate(STICKING_OUT)))
        failures += [f"{name}: {problem}" for problem in tab.page.evaluate(CLIPPED_EQUATIONS)]
    assert not failures, f"{len(failures)} of {len(pages)} pages:\n" + "\n".join(failures)
    assert tab.errors == []


def test_display_equations_stay_inside_the_column_on_a_desktop(tabs, html):
    tab = tabs(DESKTOP)
    # MathJax is only loaded, from the book's own copy, by pages that have math.
    pages = [name for name in book_pages(html)
             if "_static/mathjax/startup.js" in (html / f"{name}.html").read_text(encoding="utf-8")]
    assert pages, "no page has math"
    failures, equations = [], 0
    for name in pages:
        tab.open(name)
        equations += tab.page.locator('mjx-container[display="true"]').count()
        failures += [f"{name}: {problem}" for problem in tab.page.evaluate(CLIPPED_EQUATIONS)]
    assert equations > 0, "no display equation was typeset"
    assert not failures, "\n".join(failures)
