"""What holds for the whole package: light imports, no global side effects, book-linked docs."""
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


@pytest.mark.skipif(os.environ.get("NNKIT_OFFLINE") != "1",
                    reason="only meaningful under .ci/offline (make test)")
def test_the_offline_wrapper_really_cuts_the_network():
    with pytest.raises(OSError):
        socket.create_connection(("pypi.org", 443), timeout=5)
