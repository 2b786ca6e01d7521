"""Set a book's punctuation as a typesetter would: Book -> Book with curled quotes and real dashes.

The passes run in this order, over each paragraph, heading and verse line:
  1. ellipses   before dashes and quotes, so `..."` is seen as an ellipsis then a quote;
  2. n_elision  `'n'` before quotes, or it pairs as a quotation;
  3. primes     `5'10"` before quotes, or the feet mark opens a quotation;
  4. year_ranges, dashes  before quotes, so a quote after a dash sees the dash;
  5. quotes     over the whole chapter, paragraph by paragraph (speech runs on);
  6. french_spacing  after quotes, for the spaces inside « » and before ; : ! ?
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from booksmith.model import Book, Chapter, Heading, Paragraph, Verse
from booksmith.options import TypographyOptions
from booksmith.resources import locale
from booksmith.typography.passes import (
    ellipses,
    french_spacing,
    make_dash_pass,
    n_elision,
    outside_urls,
    primes,
    year_ranges,
)
from booksmith.typography.quotes import QuoteSetter, QuoteStyle


@dataclass(frozen=True)
class Typeset:
    """The typeset book and the warnings about its source (unpaired quotes)."""

    book: Book
    warnings: tuple[str, ...]


def typeset(book: Book, options: TypographyOptions | None = None) -> Typeset:
    """Return the book with typeset punctuation."""
    options = options or TypographyOptions()
    conventions = locale(book.metadata.language)
    dash_style = conventions["dash"] if options.dash_style == "auto" else options.dash_style
    text_passes = [outside_urls(p) for p in (ellipses, n_elision, primes, year_ranges, make_dash_pass(dash_style))]
    after_quotes = [french_spacing] if conventions.get("space_before") else []
    quotes = (
        QuoteSetter(QuoteStyle(*conventions["quotes"]), swap_levels=options.quotes == "british")
        if options.smart_quotes
        else None
    )

    def set_text(text: str, line: int) -> str:
        for transform in text_passes:
            text = transform(text)
        if quotes is not None:
            text = quotes.paragraph(text, line)
        for transform in after_quotes:
            text = transform(text)
        return text

    chapters = []
    for chapter in book.chapters:
        blocks = []
        title = set_text(chapter.title, 0) if chapter.title else None
        subtitle = set_text(chapter.subtitle, 0) if chapter.subtitle else None
        for block in chapter.blocks:
            if isinstance(block, Paragraph | Heading):
                blocks.append(replace(block, text=set_text(block.text, block.line)))
            elif isinstance(block, Verse):
                lines = tuple(set_text(line, block.line + i) for i, line in enumerate(block.lines))
                blocks.append(replace(block, lines=lines))
            else:
                blocks.append(block)
        if quotes is not None:
            quotes.finish()
        chapters.append(Chapter(title, tuple(blocks), chapter.kind, subtitle, chapter.depth))
    warnings = tuple(quotes.warnings) if quotes is not None else ()
    metadata = replace(book.metadata, title=set_text(book.metadata.title, 0) if book.metadata.title else None)
    if quotes is not None:
        quotes.warnings.clear()
    return Typeset(Book(metadata, tuple(chapters)), warnings)
