"""Point the book at your fork: ``make repository URL=https://github.com/you/your-book``.

The repository URL appears in three places that must agree: ``_config.yml`` (launch, edit and
issue buttons), the Colab install cell at the top of every chapter notebook (Colab installs
nnkit, distribution "nnkit-book", from there) and ``nnkit/_extras.py`` (the install hints of
nnkit's error messages). tests/test_book.py and tests/test_package.py check that they agree.
"""
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+")


def main(url):
    if not re.fullmatch(URL.pattern, url):
        sys.exit(f"URL must look like https://github.com/OWNER/REPO, got {url!r}")
    config = ROOT / "_config.yml"
    text = config.read_text()
    config.write_text(re.sub(r"(repository:\n  url: )\S+", rf"\g<1>{url}", text, count=1))
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0]
        if "google.colab" in first.source:
            first.source = URL.sub(url, first.source)
            nbformat.write(nb, path)
    extras = ROOT / "nnkit" / "_extras.py"
    extras.write_text(re.sub(r'^(REPOSITORY = ")[^"]+"', rf'\g<1>{url}"', extras.read_text(),
                             count=1, flags=re.M))
    print(f"_config.yml, the chapters' Colab cells and nnkit's install hints now name {url}")


if __name__ == "__main__":
    main(*sys.argv[1:2] or ["missing"])
