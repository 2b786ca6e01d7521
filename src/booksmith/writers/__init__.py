"""Map output format names to writers; each writer turns a rendered book into one file."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from booksmith.errors import UnknownFormatError

if TYPE_CHECKING:
    from booksmith.options import RenderOptions
    from booksmith.render import Rendered

Writer = Callable[["Rendered", Path, "RenderOptions"], Path]

# Format name -> (module, file suffix). Modules are imported on use: the PDF
# writer pulls in WeasyPrint, which takes a second to import.
WRITERS: dict[str, tuple[str, str]] = {
    "epub": ("booksmith.writers.epub", ".epub"),
    "kepub": ("booksmith.writers.kepub", ".kepub.epub"),
    "pdf": ("booksmith.writers.pdf", ".pdf"),
}


def get_writer(name: str) -> Writer:
    """The `write` function of a format, or UnknownFormatError naming the known ones."""
    if name not in WRITERS:
        raise UnknownFormatError(f"unknown format '{name}'; choose from {', '.join(WRITERS)}")
    return importlib.import_module(WRITERS[name][0]).write


def suffix(name: str) -> str:
    """The file-name ending of a format (`.kepub.epub` for kepub)."""
    if name not in WRITERS:
        raise UnknownFormatError(f"unknown format '{name}'; choose from {', '.join(WRITERS)}")
    return WRITERS[name][1]
