"""`booksmith verify`: check that an EPUB holds every word of its source text, in order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from booksmith.cli import common as c
from booksmith.cli.options import build_options


def verify(
    book: Annotated[str, typer.Argument(help="The EPUB (or KEPUB) file to check.", show_default=False)],
    source: Annotated[str, typer.Argument(help="The text file it was built from.", show_default=False)],
    encoding: c.Encoding = None,
    paragraphs: c.Paragraphs = None,
    chapter_pattern: c.ChapterPattern = None,
    keep_boilerplate: c.KeepBoilerplate = False,
    quiet: c.Quiet = False,
    debug: c.Debug = False,
) -> None:
    """Check that every word of SOURCE is in BOOK, in order; exit 1 naming the first missing passage."""
    from booksmith.verify import verify_epub

    options = build_options(
        formats="epub",
        title=None,
        author=None,
        language=None,
        encoding=encoding,
        theme="classic",
        paragraphs=paragraphs,
        chapter_pattern=chapter_pattern,
        keep_boilerplate=keep_boilerplate,
        scene_break="⁂",
        page_size="a5",
        font_size=None,
        quotes="auto",
        dash_style="auto",
        no_smart_quotes=False,
        no_verify=False,
        timestamp=None,
    )
    verified = c.guarded(lambda: verify_epub(Path(book), Path(source), options), debug=debug)
    if not quiet:
        typer.echo(f"{book}: all {verified.words} words of {source} are in the book, in order")
