"""The book, built once per test session and shared by test_book.py and test_browser.py."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def html(tmp_path_factory):
    """Build the book with warnings as errors into a temporary folder; return its HTML folder."""
    jupyter_book = shutil.which("jupyter-book", path=str(Path(sys.executable).parent))
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [jupyter_book, "build", "--warningiserror", "--nitpick", "--keep-going", "--all",
         "--path-output", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    return out / "_build" / "html"
