"""`booksmith verify`: check that an EPUB holds every word of its source text, in order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.options import READING_FLAGS, build_options, with_build_flags


@with_build_flags(only=READING_FLAGS)
def verify(
    book: Annotated[str, typer.Argument(help="The EPUB (or KEPUB) file to check.", show_default=False)],
    source: Annotated[str, typer.Argument(help="The text file it was built from.", show_default=False)],
    quiet: c.Quiet = False,
    debug: c.Debug = False,
    flags: dict | None = None,
) -> None:
    """Check that every word of SOURCE is in BOOK, in order; exit 1 naming the first missing passage."""
    from booksmith.verify import verify_epub

    options = build_options(flags)
    verified = c.guarded(lambda: verify_epub(Path(book), Path(source), options), debug=debug)
    if not quiet:
        typer.echo(f"{book}: all {verified.words} words of {source} are in the book, in order")
        for removal in verified.removed:
            typer.echo(f"  left out, line {removal.line}: {removal.text} ({removal.reason})")
