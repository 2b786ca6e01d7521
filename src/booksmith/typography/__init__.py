"""Set a book's punctuation as a typesetter would: Book -> Typeset (the book with curled quotes and real dashes).

The passes run in this order, over each paragraph, heading and verse block:
  1. ellipses   before dashes and quotes, so `..."` is seen as an ellipsis then a quote;
  2. n_elision  `'n'` before quotes, or it pairs as a quotation;
  3. primes     `5'10"` before quotes, or the feet mark opens a quotation;
  4. year_ranges, dashes  before quotes, so a quote after a dash sees the dash;
  5. quotes     over a whole chapter at once, so a speech may run on over paragraphs
                (in Italian, `perche'` and `citta'` are accents typed in ASCII: apostrophes, letters unchanged);
  6. french_spacing  after quotes, for the spaces inside « » and before ; : ! ?
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from booksmith.model import Book, Heading, Paragraph, SceneBreak, Verse
from booksmith.options import TypographyOptions
from booksmith.resources import locale
from booksmith.typography.passes import (
    Pass,
    ellipses,
    french_spacing,
    make_dash_pass,
    n_elision,
    outside_urls,
    primes,
    year_ranges,
)
from booksmith.typography.quotes import QuoteSetter, QuoteStyle, Unit

__all__ = ["Typeset", "quote_style", "typeset"]

ENGLISH = QuoteStyle("“", "”", "‘", "’")
BRITISH = QuoteStyle("‘", "’", "“", "”")
# German books set either „…“ or »…«; a text that already uses the second keeps it.
GUILLEMETS_INWARD = QuoteStyle("»", "«", "›", "‹")


@dataclass(frozen=True)
class Typeset:
    """The typeset book and the warnings about its source (unpaired quotes)."""

    book: Book
    warnings: tuple[str, ...]


def typeset(book: Book, options: TypographyOptions | None = None) -> Typeset:
    """Return the book with typeset punctuation, and warnings about quotes that could not be paired."""
    options = options or TypographyOptions()
    conventions = locale(book.metadata.language)
    dash_style = conventions["dash"] if options.dash_style == "auto" else options.dash_style
    before = outside_urls(_in_order(ellipses, n_elision, primes, year_ranges, make_dash_pass(dash_style)))
    after: list[Pass] = [outside_urls(french_spacing)] if conventions.get("space_before") else []
    setter = None
    if options.smart_quotes:
        style = quote_style(book, options.quotes)
        setter = QuoteSetter(style, by_depth=options.quotes in ("american", "british"), language=book.metadata.language)

    def set_units(units: list[Unit]) -> list[str]:
        for unit in units:
            unit.text = before(unit.text)
        texts = setter.run(units) if setter is not None else [unit.text for unit in units]
        for transform in after:
            texts = [transform(text) for text in texts]
        return texts

    def set_one(text: str | None) -> str | None:
        return set_units([Unit(text)])[0] if text else text

    chapters = []
    for chapter in book.chapters:
        units: list[list[Unit]] = [[]]  # runs of blocks a quotation may run on through
        for block in chapter.blocks:
            if isinstance(block, SceneBreak):
                units.append([])
            elif isinstance(block, Verse):
                units[-1].append(Unit("\n".join(block.lines), block.line, verse=True))
            else:
                units[-1].append(Unit(block.text, block.line))
        texts = iter([text for run in units for text in set_units(run)])
        blocks = []
        for block in chapter.blocks:
            # Most blocks come back unchanged; dataclasses.replace on each took a tenth of the stage.
            if isinstance(block, Paragraph | Heading):
                text = next(texts)
                blocks.append(block if text == block.text else replace(block, text=text))
            elif isinstance(block, Verse):
                blocks.append(replace(block, lines=tuple(next(texts).split("\n"))))
            else:
                blocks.append(block)
        title, subtitle = set_one(chapter.title), set_one(chapter.subtitle)
        notes = tuple(replace(note, text=set_one(note.text)) for note in chapter.notes)
        chapters.append(replace(chapter, title=title, subtitle=subtitle, blocks=tuple(blocks), notes=notes))
    metadata = replace(book.metadata, title=set_one(book.metadata.title))
    # Every warning is returned; the command line shows the first ones and counts the rest.
    warnings = tuple(setter.warnings) if setter is not None else ()
    return Typeset(Book(metadata, tuple(chapters)), warnings)


def _in_order(*passes: Pass) -> Pass:
    """One pass that runs `passes` in order (so URLs are looked for once, not once a pass)."""

    def chain(text: str) -> str:
        for transform in passes:
            text = transform(text)
        return text

    return chain


def quote_style(book: Book, choice: str = "auto") -> QuoteStyle:
    """The quotation marks for a book: its language's, English ones, or the inward guillemets it already uses."""
    if choice == "american":
        return ENGLISH
    if choice == "british":
        return BRITISH
    conventions = locale(book.metadata.language)
    style = QuoteStyle(*conventions["quotes"])
    if style.outer_open == "„" and _uses_inward_guillemets(book):
        return GUILLEMETS_INWARD
    return style


def _uses_inward_guillemets(book: Book) -> bool:
    inward = low = 0
    for chapter in book.chapters:
        for block in chapter.blocks:
            for text in (block.text,) if isinstance(block, Paragraph | Heading) else ():
                inward += text.count("»")
                low += text.count("„")
    return inward > low
