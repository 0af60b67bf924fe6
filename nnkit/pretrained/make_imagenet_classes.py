"""Write ``imagenet_classes.txt``: the 1000 ImageNet class names, one a line, in class order.

The names are not typed by hand: they are read from torchvision's source file
``torchvision/models/_meta.py`` (its list ``_IMAGENET_CATEGORIES``), either from an installed
torchvision (found without importing it: a CPU-only torch may refuse to import torchvision) or
from a torchvision wheel given on the command line. Python's ``ast`` reads the list, so no
torchvision code runs.

    python -m nnkit.pretrained.make_imagenet_classes [--wheel torchvision-*.whl]
"""
import argparse
import ast
import importlib.util
import zipfile
from pathlib import Path

__all__ = ["read_meta_source", "imagenet_categories", "main"]

HERE = Path(__file__).resolve().parent
META = "torchvision/models/_meta.py"


def read_meta_source(wheel=None):
    """Return the text of torchvision's ``models/_meta.py`` from a wheel or an installation."""
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(META).decode("utf-8")
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("torchvision is not installed; pass --wheel PATH to a torchvision wheel")
    return (Path(list(spec.submodule_search_locations)[0]) / "models" / "_meta.py").read_text()


def imagenet_categories(source):
    """Return the list ``_IMAGENET_CATEGORIES`` defined in ``source`` (read with ``ast``)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, "id", None) == "_IMAGENET_CATEGORIES" for t in node.targets):
            names = ast.literal_eval(node.value)
            if len(names) != 1000:
                raise SystemExit(f"expected 1000 ImageNet classes, found {len(names)}")
            return names
    raise SystemExit("_IMAGENET_CATEGORIES not found in torchvision's models/_meta.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="a torchvision wheel to read the names from")
    parser.add_argument("--out", default=str(HERE / "imagenet_classes.txt"))
    args = parser.parse_args(argv)
    names = imagenet_categories(read_meta_source(args.wheel))
    Path(args.out).write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} class names to {args.out}")


if __name__ == "__main__":
    main()
