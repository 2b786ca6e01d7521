"""Turn raw .txt stories into EPUB, Kobo KEPUB and typeset PDF ebooks.

The public API is what this package exposes in __all__. Names are imported
lazily, so `import booksmith` (and `booksmith --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Book",
    "BuildOptions",
    "ReadOptions",
    "RenderOptions",
    "TypographyOptions",
    "__version__",
    "convert",
    "load_book",
]

_LAZY = {
    "Book": "booksmith.model",
    "BuildOptions": "booksmith.options",
    "ReadOptions": "booksmith.options",
    "RenderOptions": "booksmith.options",
    "TypographyOptions": "booksmith.options",
    "convert": "booksmith.pipeline",
    "load_book": "booksmith.pipeline",
}

if TYPE_CHECKING:
    from booksmith.model import Book
    from booksmith.options import BuildOptions, ReadOptions, RenderOptions, TypographyOptions
    from booksmith.pipeline import convert, load_book


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'booksmith' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
