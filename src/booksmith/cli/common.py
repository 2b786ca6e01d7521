"""Options shared by the commands that build books, and the error handling every command uses."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

import typer

from booksmith.errors import BooksmithError
from booksmith.files import printable_path

T = TypeVar("T")

Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="DIR",
        help="Folder for the books (created if missing); default: beside each input. With --join: the book file.",
    ),
]
Formats = Annotated[
    str, typer.Option("--format", "-f", metavar="LIST", help="Comma-separated formats: epub, pdf, kepub.")
]
Title = Annotated[
    str | None, typer.Option("--title", metavar="TEXT", help="Book title (default: from the text, else the file name).")
]
Author = Annotated[list[str] | None, typer.Option("--author", metavar="NAME", help="Author; repeat for several.")]
Language = Annotated[
    str | None,
    typer.Option("--language", metavar="TAG", help="BCP 47 language tag, e.g. en, fr, pt-BR (default: guessed)."),
]
Encoding = Annotated[
    str | None,
    typer.Option("--encoding", metavar="NAME", help="Read the input in this encoding instead of detecting it."),
]
Theme = Annotated[str, typer.Option("--theme", metavar="NAME", help="Look of the book: classic or modern.")]
Paragraphs = Annotated[
    str | None,
    typer.Option(
        "--paragraphs",
        metavar="STYLE",
        help="How the text marks paragraphs: blank, indent, line or wrapped (default: detected).",
    ),
]
ChapterPattern = Annotated[
    str | None,
    typer.Option("--chapter-pattern", metavar="REGEX", help="Regular expression matching whole chapter-heading lines."),
]
SceneBreakLines = Annotated[
    int | None,
    typer.Option(
        "--scene-break-lines",
        metavar="N",
        min=0,
        help="N blank lines in a row mark a scene break; 0: blank lines never do (default: decided from the text).",
    ),
]
KeepBoilerplate = Annotated[
    bool, typer.Option("--keep-boilerplate", help="Keep Project Gutenberg headers and licences.")
]
AuthorsNotes = Annotated[
    str,
    typer.Option(
        "--authors-notes",
        metavar="HOW",
        help="Author's notes (A/N:, an archive's Notes:): keep where they stand, end of their chapter, or drop.",
    ),
]
StripSiteLines = Annotated[
    bool,
    typer.Option(
        "--strip-site-lines",
        help="Take out the navigation and advertising lines a site repeats (Next chapter, Read more at …).",
    ),
]
Name = Annotated[
    str | None,
    typer.Option(
        "--name",
        metavar="TEMPLATE",
        help="Name the books' files, e.g. '{author} - {title}' "
        "(fields: title, author, series, series_index, stem, language); default: the text's file name.",
    ),
]
SceneBreak = Annotated[str, typer.Option("--scene-break", metavar="TEXT", help="Ornament drawn for scene breaks.")]
PageSize = Annotated[
    str, typer.Option("--page-size", metavar="SIZE", help="PDF page: a5, a4, letter, trade, pocket or ereader.")
]
FontSize = Annotated[float | None, typer.Option("--font-size", metavar="PT", help="PDF body font size in points.")]
Quotes = Annotated[
    str, typer.Option("--quotes", metavar="STYLE", help="Quotation style: auto (the language's), american or british.")
]
PdfVariant = Annotated[
    str | None,
    typer.Option("--pdf-variant", metavar="NAME", help="PDF standard: pdf/ua-1 (tagged) or pdf/a-3b (archival)."),
]
PdfEngine = Annotated[
    str,
    typer.Option("--pdf-engine", metavar="NAME", help="What sets the PDF: weasyprint or typst (many times faster)."),
]
NotesAs = Annotated[
    str,
    typer.Option(
        "--notes-as",
        metavar="PLACE",
        help="Notes: footnotes (pop-ups in EPUB, foot of the page in PDF) or endnotes (end of each chapter).",
    ),
]
SourceFormat = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="FORMAT", help="Read the input as text or markdown (default: by its name, .md is Markdown)."
    ),
]
CoverPage = Annotated[
    bool,
    typer.Option("--cover-page", help="Put the cover (--cover, else a generated one) on the first PDF page."),
]
DashStyle = Annotated[
    str,
    typer.Option(
        "--dash-style", metavar="STYLE", help="Dashes: auto, closed (a—b), spaced (a — b), en-spaced (a – b) or keep."
    ),
]
NoSmartQuotes = Annotated[bool, typer.Option("--no-smart-quotes", help="Leave straight quotes as typed.")]
NoVerify = Annotated[
    bool, typer.Option("--no-verify", help="Skip the check that every word of the input is in the book.")
]
Cover = Annotated[
    str | None,
    typer.Option("--cover", metavar="IMAGE", help="JPEG or PNG cover image (default: a generated typographic cover)."),
]
NoCover = Annotated[bool, typer.Option("--no-cover", help="Make the EPUB without a cover image.")]
EmbedFonts = Annotated[
    bool, typer.Option("--embed-fonts", help="Put the shipped OFL fonts, and their licence, inside the EPUB.")
]
Series = Annotated[str | None, typer.Option("--series", metavar="NAME", help="Series the book belongs to.")]
SeriesIndex = Annotated[
    float | None, typer.Option("--series-index", metavar="N", help="The book's number in its series.")
]
Description = Annotated[
    str | None, typer.Option("--description", metavar="TEXT", help="Short description (blurb) of the book.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Also print what was detected (encoding, paragraphs, chapters).")
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings (unpaired quotes, numbering gaps) as errors.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show the Python traceback when something fails.")]


def fail(message: str) -> typer.Exit:
    """Print one error line on stderr and return the exit to raise."""
    typer.echo(f"booksmith: error: {printable_path(message)}", err=True)
    return typer.Exit(1)


def warn(message: str) -> None:
    typer.echo(f"booksmith: warning: {printable_path(message)}", err=True)


# A text with thousands of stray quotes would otherwise bury the output in warnings.
MAX_WARNINGS = 20


def warn_about(name: object, warnings: Sequence[str]) -> None:
    """Print a file's warnings, the first MAX_WARNINGS of them, then how many more there are."""
    for warning in warnings[:MAX_WARNINGS]:
        warn(f"{name}: {warning}")
    if len(warnings) > MAX_WARNINGS:
        warn(f"{name}: {len(warnings) - MAX_WARNINGS} more warnings not shown")


def guarded(action: Callable[[], T], *, debug: bool) -> T:
    """Run a library call; its errors become one line and exit code 1, never a traceback."""
    try:
        return action()
    except BooksmithError as error:
        if debug:
            traceback.print_exc()
        raise fail(str(error)) from None
    except KeyboardInterrupt:
        raise fail("interrupted; no partial output was left") from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:  # a bug: still one line, unless --debug asks for more
        if debug:
            traceback.print_exc()
        raise fail(f"internal error ({type(error).__name__}: {error}); rerun with --debug and report it") from None


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, the reproducible-builds convention for output timestamps."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise fail(f"SOURCE_DATE_EPOCH is '{value}', not a number of seconds") from None


def read_stdin() -> bytes:
    return sys.stdin.buffer.read()
