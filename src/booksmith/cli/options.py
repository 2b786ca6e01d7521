"""Turn command-line values into the library's option dataclasses, validating choices."""

from __future__ import annotations

from pathlib import Path

from booksmith.cli.common import fail
from booksmith.model import Metadata
from booksmith.options import (
    DASH_STYLES,
    FORMATS,
    PAGE_SIZES,
    PARAGRAPH_CONVENTIONS,
    PDF_VARIANTS,
    QUOTE_STYLES,
    BuildOptions,
    ReadOptions,
    RenderOptions,
    TypographyOptions,
)


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


def build_options(
    *,
    formats: str,
    title: str | None,
    author: list[str] | None,
    language: str | None,
    encoding: str | None,
    theme: str,
    paragraphs: str | None,
    chapter_pattern: str | None,
    keep_boilerplate: bool,
    scene_break: str,
    page_size: str,
    font_size: float | None,
    quotes: str,
    dash_style: str,
    no_smart_quotes: bool,
    no_verify: bool,
    timestamp: int | None,
    cover: str | None = None,
    no_cover: bool = False,
    embed_fonts: bool = False,
    series: str | None = None,
    series_index: float | None = None,
    description: str | None = None,
    pdf_variant: str | None = None,
    cover_page: bool = False,
) -> BuildOptions:
    """BuildOptions from the shared build flags; a bad choice is a one-line usage error."""
    _choice("--paragraphs", paragraphs, PARAGRAPH_CONVENTIONS)
    _choice("--page-size", page_size, PAGE_SIZES)
    _choice("--pdf-variant", pdf_variant, PDF_VARIANTS)
    _choice("--quotes", quotes, QUOTE_STYLES)
    _choice("--dash-style", dash_style, DASH_STYLES)
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
            keep_boilerplate=keep_boilerplate,
            metadata=metadata,
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
            cover_page=cover_page,
        ),
        formats=parse_formats(formats),
        verify=not no_verify,
    )
