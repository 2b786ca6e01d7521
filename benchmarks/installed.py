"""Make the benchmarked booksmith start the way an installed one does."""

from __future__ import annotations

import compileall
import importlib.util
from pathlib import Path


def compile_booksmith() -> None:
    """Write booksmith's bytecode, as `pip install` does.

    An editable checkout run with PYTHONDONTWRITEBYTECODE set (as on some CI
    machines) would otherwise compile every module from source on each run,
    adding ~40 ms that no installed copy pays.
    """
    spec = importlib.util.find_spec("booksmith")
    if spec is None or spec.origin is None:
        raise SystemExit("booksmith is not installed in this Python; run pip install -e . first")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)
