"""Serve MathJax from the book itself, so that pages render their mathematics offline, and keep
each page light (issue 18: a chapter with all its assets at most 3 MiB).

Sphinx loads MathJax from a CDN by default. The ``django-static-mathjax`` wheel (installed from
requirements.txt; no Django needed) carries MathJax 3.2.2's browser build, as separate
components. This extension copies only the ones the book uses into ``_static/mathjax/``:

- ``startup.js``, which loads the rest on demand (``MATHJAX_LOAD``): the TeX input with the
  packages of MathJax's standard TeX build (base, ams, newcommand, require, autoload, ...), the
  CommonHTML output and assistive MathML for screen readers. CommonHTML draws with web fonts,
  so a page downloads only the few font files its formulas use (tex-svg-full.js carried the
  outlines of every glyph of every font in one 2.2 MiB file).
- the TeX extensions, which ``autoload`` fetches when a formula needs one (``\\boldsymbol``);
  a page without such a macro downloads none of them.

The one thing left out is MathJax's right-click menu (ui/menu.js, 0.4 MiB).

Font Awesome: pydata-sphinx-theme 0.17 loads Font Awesome twice, as a 1.4 MiB script that swaps
every ``<i class="fa-...">`` for an inline SVG and as web fonts in its stylesheet, which draw the
same icons from the same classes. The pages keep the web fonts and drop the script (its tag is
removed from the theme's template ``static/webpack-macros.html`` as it is loaded). Of the fonts'
2,000 icons the book shows about twenty: the stylesheet keeps the rules of the icons that a page
or a script of the book names, and points at copies of the fonts cut down to those icons
(fontTools, which matplotlib installs; WOFF, as WOFF2 would need brotli): 270 KiB less a page.

Search index: the theme loads the whole search index (160 KiB) on every page for its
search-as-you-type option, which this book leaves off; the search page still loads it.
"""
import re
import shutil
from pathlib import Path

MATHJAX_DIR = "mathjax"  # under _static/
MATHJAX_FILES = [  # relative to MathJax's es5/ folder; folders are copied whole
    "startup.js",
    "core.js",
    "input/tex.js",
    "input/tex/extensions",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "output/chtml/fonts/woff-v2",
    "a11y/assistive-mml.js",
]
MATHJAX_LOAD = ["input/tex", "output/chtml", "a11y/assistive-mml"]
MATHJAX_PATH = f"{MATHJAX_DIR}/startup.js"

# What the theme's templates load that the book does not use: removed as they are loaded.
TEMPLATE_CUTS = [
    re.compile(r'[ \t]*<script[^>]*scripts/fontawesome\.js[^>]*></script>\n?'),
    re.compile(r"[ \t]*<script src=\"\{\{ pathto\('searchindex\.js', 1\) \| e \}\}\"></script>\n?"),
]

FONTAWESOME_CSS = "styles/pydata-sphinx-theme.css"  # under the theme's and the book's _static
FONTAWESOME_RULE = re.compile(
    r'((?:\.fa-[a-z0-9-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]+)"\}')
FONTAWESOME_FONT = re.compile(r"url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\)"
                              r' format\("woff2"\),url\([^)]*\.ttf\) format\("truetype"\)')
ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+")
CSS_CODEPOINT = re.compile(r'content:"\\([0-9a-f]{4})"')


def mathjax_source():
    import mathjax  # the django-static-mathjax package

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def _use_local_mathjax(app, config):
    config.mathjax_path = MATHJAX_PATH
    settings = dict(config.mathjax3_config or {})
    settings["loader"] = {**settings.get("loader", {}), "load": MATHJAX_LOAD}
    config.mathjax3_config = settings


def copy_mathjax(app, exception):
    if exception or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / MATHJAX_DIR
    for name in MATHJAX_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
        else:
            shutil.copyfile(source / name, target / name)


class _TemplateCutter:
    """A Jinja loader that serves the theme's templates without the lines of TEMPLATE_CUTS
    (and leaves every other template to the loaders after it)."""

    def __init__(self, templates):
        self.templates = templates

    def get_source(self, environment, template):
        from jinja2 import TemplateNotFound

        for loader in self.templates.loaders:
            if loader is self:
                continue
            try:
                text, filename, uptodate = loader.get_source(environment, template)
            except TemplateNotFound:
                continue
            cut = text
            for pattern in TEMPLATE_CUTS:
                cut = pattern.sub("", cut)
            if cut == text:
                break
            return cut, filename, uptodate
        raise TemplateNotFound(template)


def _cut_templates(app):
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "loaders"):
        templates.loaders.insert(0, _TemplateCutter(templates))


def icons_in_use(outdir):
    """The Font Awesome class names that the book's pages and scripts use."""
    names = set()
    for path in Path(outdir).rglob("*"):
        relative = path.relative_to(outdir)
        if path.suffix == ".html" and relative.parts[0] != "_static" or (
                path.suffix == ".js" and path.name != "fontawesome.js"):
            names |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def subset_fontawesome(app, exception):
    """Keep the icon rules of the icons in use, and fonts with only their glyphs."""
    if exception or app.builder.format != "html":
        return
    import pydata_sphinx_theme
    from fontTools import subset

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    static = Path(app.outdir) / "_static"
    used, codepoints = icons_in_use(app.outdir), set()

    def keep_if_used(rule):
        if used & set(re.findall(r"\.(fa-[a-z0-9-]+):", rule.group(1))):
            codepoints.add(int(rule.group(2), 16))
            return rule.group(0)
        return ""

    css = FONTAWESOME_RULE.sub(keep_if_used, (theme / FONTAWESOME_CSS).read_text(encoding="utf-8"))
    for sheet in static.rglob("*.css"):  # icons that style sheets draw themselves (\f107)
        text = css if sheet == static / FONTAWESOME_CSS else sheet.read_text(encoding="utf-8")
        codepoints |= {int(code, 16) for code in CSS_CODEPOINT.findall(text)}

    fonts = theme / "vendor" / "fontawesome" / "webfonts"
    for name in set(FONTAWESOME_FONT.findall(css)):
        options = subset.Options()
        options.flavor = "woff"
        font = subset.load_font(str(fonts / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        target = static / "vendor" / "fontawesome" / "webfonts" / f"{name}.subset.woff"
        target.parent.mkdir(parents=True, exist_ok=True)
        subset.save_font(font, str(target), options)
    css = FONTAWESOME_FONT.sub(
        r'url(../vendor/fontawesome/webfonts/\1.subset.woff) format("woff")', css)
    (static / FONTAWESOME_CSS).write_text(css, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _use_local_mathjax)
    app.connect("builder-inited", _cut_templates)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", subset_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
