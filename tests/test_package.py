"""What holds for the whole package: light imports, no global side effects, book-linked docs."""
import ast
import importlib
import inspect
import json
import os
import pkgutil
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import nnkit

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = [getattr(nnkit, name) for name in nnkit.__all__]
WIDGET_MODULES = [importlib.import_module(f"nnkit.widgets.{info.name}")
                  for info in pkgutil.iter_modules([str(ROOT / "nnkit" / "widgets")])
                  if not info.name.startswith("_")]


def run_python(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_importing_nnkit_loads_neither_torch_nor_widgets_nor_data_libraries():
    loaded = run_python(
        "import sys, json, nnkit; "
        "print(json.dumps(sorted(m for m in ('torch', 'ipywidgets', 'sklearn', 'skimage', "
        "'mlxtend', 'scipy') if m in sys.modules)))")
    assert loaded == []


def test_importing_nnkit_changes_no_global_state():
    changed = run_python(
        "import json, numpy as np, matplotlib as mpl\n"
        "state = np.random.get_state()[1].copy(); rc = dict(mpl.rcParams)\n"
        "import nnkit\n"
        "print(json.dumps([bool((np.random.get_state()[1] != state).any()),"
        " dict(mpl.rcParams) != rc]))")
    assert changed == [False, False]


def public_functions():
    for module in CORE_MODULES + WIDGET_MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


TAUGHT_IN = re.compile(r'Taught in: chapter (\d+), "[^"]+"\s+\((chapters/[\w-]+)\)')


@pytest.mark.parametrize("name, obj", list(public_functions()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_function_says_where_the_book_teaches_it(name, obj):
    doc = inspect.getdoc(obj) or ""
    found = TAUGHT_IN.search(doc)
    assert found, f"{name}: docstring lacks 'Taught in: chapter N, \"Title\" (chapters/...)'"
    number, page = found.groups()
    assert page.startswith(f"chapters/{int(number):02d}-")
    assert any((ROOT / page).with_suffix(ext).exists() for ext in (".md", ".ipynb")), page


@pytest.mark.parametrize("name, obj", [(n, o) for n, o in public_functions() if inspect.isfunction(o)
                                       and inspect.signature(o).parameters],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_function_documents_its_parameters(name, obj):
    assert "Parameters\n----------" in (inspect.getdoc(obj) or ""), name


def public_methods():
    for class_name, cls in public_functions():
        if not inspect.isclass(cls):
            continue
        for name, member in vars(cls).items():
            function = getattr(member, "__func__", member)  # unwrap classmethods
            if not name.startswith("_") and inspect.isfunction(function):
                yield f"{class_name}.{name}", function


@pytest.mark.parametrize("name, method", list(public_methods()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_public_method_documents_its_parameters(name, method):
    arguments = [p for p in inspect.signature(method).parameters if p not in ("self", "cls")]
    doc = inspect.getdoc(method) or ""
    assert doc, f"{name} has no docstring"
    if arguments:
        assert "Parameters\n----------" in doc, f"{name} documents none of {arguments}"


def module_names(path):
    """A module file's ``__all__`` (None if it has none) and the public functions and classes
    it defines (constants may be module-internal tables, so they are not required)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    listed, defined = None, []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.append(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                listed = ast.literal_eval(node.value)
    return listed, [name for name in defined if not name.startswith("_")]


MODULE_FILES = sorted([*(ROOT / "nnkit").glob("*.py"), *(ROOT / "nnkit" / "widgets").glob("*.py"),
                       *(ROOT / "nnkit" / "pretrained").glob("*.py")])


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_lists_its_public_names_in_all(path):
    # __all__ decides what the API page (automodule) shows and what ``import *`` takes
    listed, defined = module_names(path)
    assert listed is not None, f"{path.name} has no __all__"
    assert len(set(listed)) == len(listed), f"{path.name}: __all__ repeats a name"
    assert not [name for name in defined if name not in listed], \
        f"{path.name}: public functions or classes missing from __all__"
    module = importlib.import_module(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
    assert [name for name in listed if not hasattr(module, name)] == []


def private_uses(path):
    """``obj._name`` on anything but self/cls, and ``from nnkit.x import _name``, in one file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")) \
                and not ast.unparse(node).startswith("nn.modules."):  # torch's own base classes
            yield ast.unparse(node)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("nnkit"):
            yield from (f"from {node.module} import {alias.name}" for alias in node.names
                        if alias.name.startswith("_"))


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_uses_another_modules_private_names(path):
    """Modules talk through public, documented names (the private helper modules _validation,
    _progress and _extras are shared on purpose: their names are public within them)."""
    found = sorted(set(private_uses(path)))
    assert not found, f"{path.relative_to(ROOT)} uses private names of other objects: {found}"


@pytest.mark.skipif(os.environ.get("NNKIT_OFFLINE") != "1",
                    reason="only meaningful under .ci/offline (make test)")
def test_the_offline_wrapper_really_cuts_the_network():
    with pytest.raises(OSError):
        socket.create_connection(("pypi.org", 443), timeout=5)


# --- Packaging: the distribution name, extras, licences and the reader's (Binder) environment ---

def pyproject():
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def canonical(requirement):
    """The distribution a requirement line names, normalised ("Scikit_Learn>=1" -> scikit-learn)."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    """(option and requirement) lines of a pip requirements file, following ``-r`` includes."""
    lines = []
    for line in path.read_text().splitlines():
        line = line.split(" #")[0].strip()
        if line.startswith("-r"):
            lines += requirement_lines(path.parent / line.removeprefix("-r").strip())
        elif line and not line.startswith("#"):
            lines.append(line)
    return lines


def test_the_distribution_has_a_name_of_our_own_and_keeps_the_import_name():
    from nnkit import _extras

    assert pyproject()["project"]["name"] == _extras.DISTRIBUTION == "nnkit-book"
    assert pyproject()["tool"]["setuptools"]["packages"]["find"]["include"] == ["nnkit*"]


# `nnkit[...]` on PyPI is someone else's package: nothing may tell a reader to install it.
FOREIGN_INSTALL = re.compile(r"""(pip install\s+|["'])nnkit\[""")


def test_nothing_tells_a_reader_to_install_the_foreign_nnkit():
    places = [*(ROOT / "nnkit").rglob("*.py"), *(ROOT / "chapters").glob("*.ipynb"),
              *(ROOT / "binder").iterdir(), ROOT / "README.md", ROOT / "intro.md",
              *ROOT.glob("requirements*.txt")]
    offenders = [str(p.relative_to(ROOT)) for p in places
                 if FOREIGN_INSTALL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_install_hints_know_the_extras_of_pyproject_and_the_configured_repository():
    import yaml

    from nnkit import _extras

    extras = pyproject()["project"]["optional-dependencies"]
    assert {name: tuple(map(canonical, reqs)) for name, reqs in extras.items()} == _extras.EXTRAS
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    assert _extras.REPOSITORY == url


# What a chapter's code uses -> the extra of nnkit that brings it.
NEEDS = {r"\bsklearn\b|\bskimage\b|\bmlxtend\b|datasets\.load_(digits|mnist_5k|image)": "data",
         r"\bwidgets\b": "widgets", r"\bmyst_nb\b": "book",
         r"\bimport torch\b|\bnnkit\.cnn\b|\bcnn\.": "torch", r"\btransfer\.": "transfer"}


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")), ids=lambda p: p.stem)
def test_each_chapter_installs_on_colab_the_extras_its_code_needs(path):
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    install = re.search(r'%pip install --quiet "nnkit-book\[([\w,]+)\] @ git\+', cells[0].source)
    assert install, f"{path.name}: the Colab cell must install nnkit-book with its extras"
    extras = set(install.group(1).split(","))
    assert extras <= set(pyproject()["project"]["optional-dependencies"])
    assert all(extra in cells[0].source for extra in extras)  # the comment names them too
    code = "\n".join(cell.source for cell in cells[1:] if cell.cell_type == "code")
    needed = {extra for pattern, extra in NEEDS.items() if re.search(pattern, code)}
    if "transfer" in extras:
        needed.discard("torch")  # transfer brings torch
    if '"{keep_widgets}"' in cells[0].source and "enable_custom_widget_manager()" in cells[0].source:
        needed.discard("widgets")  # Colab's own ipywidgets, kept as it is (8 breaks its widgets)
    assert needed <= extras, f"{path.name} uses {sorted(needed - extras)} without installing them"


@pytest.mark.parametrize("loader, args, missing", [
    ("load_digits", (), ["sklearn", "sklearn.datasets"]),
    ("load_image", ("camera",), ["skimage", "skimage.data"]),
])
def test_a_packaged_data_set_without_its_package_names_the_data_extra(monkeypatch, loader, args,
                                                                      missing):
    from nnkit import datasets

    for module in missing:  # None in sys.modules: the import fails as if it were not installed
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ModuleNotFoundError, match=r'"data" extra') as err:
        getattr(datasets, loader)(*args)
    assert f"nnkit.datasets.{loader}" in str(err.value)
    assert 'pip install "nnkit-book[data] @ git+https://github.com/' in str(err.value)
    assert "scikit-learn, scikit-image, mlxtend" in str(err.value)


def test_every_torch_install_hint_points_at_the_cpu_index():
    from nnkit import _extras

    for extra, packages in _extras.EXTRAS.items():
        hint = _extras.install_hint(extra)
        cpu = "--extra-index-url https://download.pytorch.org/whl/cpu" in hint
        assert cpu == ("torch" in packages), hint


def test_the_code_is_mit_and_the_text_cc_by_4():
    project = pyproject()
    assert project["project"]["license"] == "MIT"  # an SPDX expression (PEP 639)
    assert "LICENSE" in project["project"]["license-files"]
    assert project["build-system"]["requires"] == ["setuptools>=77"]  # PEP 639 support
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    content = (ROOT / "LICENSE-CONTENT").read_text()
    assert "Attribution 4.0 International" in content and "Section 8 -- Interpretation." in content
    for page in ("intro.md", "README.md"):
        text = (ROOT / page).read_text()
        assert "## Licence" in text and "CC BY 4.0" in text and "MIT" in text, page


def test_the_wheel_carries_the_licence(tmp_path):
    """Built from a copy (so no build/ appears in the repository), without network."""
    import shutil
    import zipfile

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "nnkit", source / "nnkit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    code = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=source,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    wheel = tmp_path / result.stdout.split()[-1]
    assert wheel.name.startswith("nnkit_book-")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names
    assert "nnkit/__init__.py" in names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA")))
    assert b"License-Expression: MIT" in metadata and b"Name: nnkit-book" in metadata


def test_what_a_build_leaves_behind_is_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "build/" in ignored and "*.egg-info/" in ignored


def test_citation_cff_is_citation_file_format_1_2_0():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(citation)  # the fields CFF 1.2.0 requires
    assert citation["license"] == ["MIT", "CC-BY-4.0"]


# Tools that test, lint or build the book: in requirements.txt, never in Binder.
DEV_ONLY = {"pytest", "pytest-xdist", "hypothesis", "nbval", "jupyter-book", "ruff", "playwright",
            "sphinx-book-theme", "django-static-mathjax", "sphinx"}
# Import name -> distribution, where they differ.
DISTRIBUTIONS = {"sklearn": "scikit-learn", "skimage": "scikit-image", "myst_nb": "myst-nb",
                 "otter": "otter-grader"}


def notebook_imports(path):
    import nbformat

    found = set()
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            found |= set(re.findall(r"^\s*(?:from|import)\s+(\w+)", cell.source, re.M))
    return found - set(sys.stdlib_module_names)


def test_binder_installs_only_what_a_reader_runs_with_cpu_torch():
    lines = requirement_lines(ROOT / "binder" / "requirements.txt")
    names = {canonical(line) for line in lines if not line.startswith("-")}
    assert names & DEV_ONLY == set()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert "torch==2.13.0+cpu" in lines  # a CUDA build cannot satisfy it
    # what the chapters and the student notebooks import (nnkit itself: binder/postBuild)
    notebooks = [*(ROOT / "chapters").glob("*.ipynb"), *(ROOT / "exercises" / "student").glob("*.ipynb")]
    # (google.colab: only imported on Colab, by the install cell)
    imported = set().union(*map(notebook_imports, notebooks)) - {"nnkit", "google"}
    assert {canonical(DISTRIBUTIONS.get(m, m)) for m in imported} <= names
    # nnkit's own dependencies and every extra (postBuild installs nnkit with --no-deps)
    project = pyproject()["project"]
    wanted = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    assert {canonical(r) for r in wanted} <= names
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


def test_make_install_gets_the_runtime_set_plus_the_development_tools():
    own = (ROOT / "requirements.txt").read_text().splitlines()
    assert "-r requirements-runtime.txt" in own
    assert "torch==2.13.0" in own and "pytest-xdist>=3.5" in own
    names = {canonical(line) for line in requirement_lines(ROOT / "requirements.txt")
             if not line.startswith("-")}
    assert DEV_ONLY - {"sphinx"} <= names
