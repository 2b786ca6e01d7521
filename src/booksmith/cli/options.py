"""Turn command-line values into the library's option dataclasses, validating choices."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from booksmith.cli import common as c
from booksmith.cli.common import fail
from booksmith.model import Metadata
from booksmith.options import (
    AUTHORS_NOTES,
    DASH_STYLES,
    FORMATS,
    NOTE_PLACEMENTS,
    PAGE_SIZES,
    PARAGRAPH_CONVENTIONS,
    PDF_ENGINES,
    PDF_VARIANTS,
    QUOTE_STYLES,
    SOURCE_FORMATS,
    BuildOptions,
    ReadOptions,
    RenderOptions,
    TypographyOptions,
)

F = TypeVar("F", bound=Callable[..., Any])


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise fail(f"{name} must be one of {', '.join(allowed)}, not '{value}'")


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    for fmt in formats:
        _choice("--format", fmt, FORMATS)
    if not formats:
        raise fail("--format needs at least one of epub, pdf, kepub")
    return formats


def _build_flags(
    formats: c.Formats = "epub,pdf",
    title: c.Title = None,
    author: c.Author = None,
    language: c.Language = None,
    series: c.Series = None,
    series_index: c.SeriesIndex = None,
    description: c.Description = None,
    encoding: c.Encoding = None,
    paragraphs: c.Paragraphs = None,
    chapter_pattern: c.ChapterPattern = None,
    scene_break_lines: c.SceneBreakLines = None,
    keep_boilerplate: c.KeepBoilerplate = False,
    authors_notes: c.AuthorsNotes = "keep",
    strip_site_lines: c.StripSiteLines = False,
    name: c.Name = None,
    source_format: c.SourceFormat = None,
    theme: c.Theme = "classic",
    scene_break: c.SceneBreak = "⁂",
    quotes: c.Quotes = "auto",
    dash_style: c.DashStyle = "auto",
    no_smart_quotes: c.NoSmartQuotes = False,
    cover: c.Cover = None,
    no_cover: c.NoCover = False,
    embed_fonts: c.EmbedFonts = False,
    page_size: c.PageSize = "a5",
    font_size: c.FontSize = None,
    pdf_variant: c.PdfVariant = None,
    pdf_engine: c.PdfEngine = "weasyprint",
    cover_page: c.CoverPage = False,
    notes_as: c.NotesAs = "footnotes",
    no_verify: c.NoVerify = False,
) -> None:
    """The flags of every command that builds books: declared once, here, in the order --help shows them."""


BUILD_FLAGS = inspect.signature(_build_flags).parameters
# The flags that change how a text is read (what `inspect` and `verify` need to read it as a build did).
READING_FLAGS = (
    "encoding",
    "paragraphs",
    "chapter_pattern",
    "scene_break_lines",
    "keep_boilerplate",
    "authors_notes",
    "strip_site_lines",
    "source_format",
)
# A command's own flags that --help lists after the build flags.
TRAILING_FLAGS = ("strict", "quiet", "verbose", "debug")


def with_build_flags(*, only: tuple[str, ...] | None = None, omit: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a command the build flags (`only` some, or all but `omit`); it receives their values as `flags`.

    Why by hand: typer has no option groups shared between commands, and each
    command repeating two dozen parameters drifted apart as flags were added.
    """
    hints = get_type_hints(_build_flags, include_extras=True)
    chosen = [
        flag.replace(annotation=hints[name], kind=inspect.Parameter.KEYWORD_ONLY)
        for name, flag in BUILD_FLAGS.items()
        if (only is None or name in only) and name not in omit
    ]
    names = {flag.name for flag in chosen}

    def decorate(command: F) -> F:
        own_hints = get_type_hints(command, include_extras=True)
        own = [
            p.replace(annotation=own_hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(command).parameters.values()
            if p.name != "flags"
        ]
        cut = next((i for i, p in enumerate(own) if p.name in TRAILING_FLAGS), len(own))
        parameters = own[:cut] + chosen + own[cut:]

        @functools.wraps(command)
        def run(**values: Any) -> Any:
            flags = {name: values.pop(name) for name in names}
            return command(**values, flags=flags)

        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run  # type: ignore[return-value]

    return decorate


def build_options(flags: dict[str, Any] | None = None, *, timestamp: int | None = None) -> BuildOptions:
    """BuildOptions from build-flag values (the defaults fill in any not given); a bad choice is one line."""
    values = {name: flag.default for name, flag in BUILD_FLAGS.items()} | (flags or {})
    return _build_options(**values, timestamp=timestamp)


def _build_options(
    *,
    formats: str,
    title: str | None,
    author: list[str] | None,
    language: str | None,
    series: str | None,
    series_index: float | None,
    description: str | None,
    encoding: str | None,
    paragraphs: str | None,
    chapter_pattern: str | None,
    scene_break_lines: int | None,
    keep_boilerplate: bool,
    authors_notes: str,
    strip_site_lines: bool,
    name: str | None,
    source_format: str | None,
    theme: str,
    scene_break: str,
    quotes: str,
    dash_style: str,
    no_smart_quotes: bool,
    cover: str | None,
    no_cover: bool,
    embed_fonts: bool,
    page_size: str,
    font_size: float | None,
    pdf_variant: str | None,
    pdf_engine: str,
    cover_page: bool,
    notes_as: str,
    no_verify: bool,
    timestamp: int | None,
) -> BuildOptions:
    """BuildOptions from the shared build flags; a bad choice is a one-line usage error."""
    _choice("--paragraphs", paragraphs, PARAGRAPH_CONVENTIONS)
    _choice("--page-size", page_size, PAGE_SIZES)
    _choice("--pdf-variant", pdf_variant, PDF_VARIANTS)
    _choice("--pdf-engine", pdf_engine, PDF_ENGINES)
    _choice("--quotes", quotes, QUOTE_STYLES)
    _choice("--dash-style", dash_style, DASH_STYLES)
    _choice("--authors-notes", authors_notes, AUTHORS_NOTES)
    if name is not None:
        from booksmith.naming import check_template

        problem = check_template(name)
        if problem:
            raise fail(f"--name {problem}")
    _choice("--notes-as", notes_as, NOTE_PLACEMENTS)
    _choice("--from", source_format, SOURCE_FORMATS)
    if cover_page and no_cover:
        raise fail("--cover-page puts the cover in the PDF, --no-cover leaves it out; keep one")
    if font_size is not None and not 4 <= font_size <= 72:
        raise fail("--font-size must be between 4 and 72 points")
    if cover and no_cover:
        raise fail("--cover and --no-cover contradict each other; keep one")
    metadata = Metadata(
        title=title,
        authors=tuple(author or ()),
        language=language,
        series=series,
        series_index=series_index,
        description=description,
    )
    return BuildOptions(
        read=ReadOptions(
            encoding=encoding,
            paragraphs=paragraphs,
            chapter_pattern=chapter_pattern,
            scene_break_lines=scene_break_lines,
            keep_boilerplate=keep_boilerplate,
            metadata=metadata,
            authors_notes=authors_notes,
            strip_site_lines=strip_site_lines,
            source_format=source_format,
        ),
        typography=TypographyOptions(smart_quotes=not no_smart_quotes, quotes=quotes, dash_style=dash_style),
        render=RenderOptions(
            theme=theme,
            scene_break=scene_break,
            page_size=page_size,
            font_size=font_size,
            timestamp=timestamp,
            cover=Path(cover) if cover else None,
            no_cover=no_cover,
            embed_fonts=embed_fonts,
            pdf_variant=pdf_variant,
            pdf_engine=pdf_engine,
            cover_page=cover_page,
            notes_as=notes_as,
        ),
        formats=parse_formats(formats),
        verify=not no_verify,
        name=name,
    )
