"""Fill an ebooklib book's package metadata from the model: Dublin Core, series, sort names, accessibility."""

from __future__ import annotations

import re

from ebooklib import epub

from booksmith import __version__
from booksmith.model import Metadata
from booksmith.render.blocks import plain

# Name particles that sort with the surname ("van Gogh, Vincent"), and suffixes that follow it.
PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "le", "la", "ter", "ten", "zu", "dos"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"}
# W3C date-time profile, which EPUBCheck expects in dc:date.
W3C_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$")
ACCESSIBILITY_SUMMARY = (
    "Reflowable text in a logical reading order, with a table of contents, headings for every chapter "
    "and landmarks for navigation; no flashing, sound or motion hazards."
)


def sort_name(name: str) -> str:
    """The library sort form of a personal name: 'Jane Austen' -> 'Austen, Jane'."""
    words = name.split()
    if len(words) < 2 or "," in name:
        return name
    suffix = []
    while len(words) > 2 and words[-1].lower().rstrip(",") in SUFFIXES:
        suffix.insert(0, words.pop())
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    surname, given = " ".join(words[start:]), " ".join(words[:start])
    return f"{surname}, {given}" + (f", {' '.join(suffix)}" if suffix else "")


def add_metadata(book: epub.EpubBook, metadata: Metadata, *, language: str, has_cover: bool) -> None:
    """Title, creators, Dublin Core fields, series (EPUB 3 and calibre forms) and accessibility."""
    book.set_title(plain(metadata.title or "Untitled"))
    book.set_language(language)
    for number, author in enumerate(metadata.authors):
        uid = f"creator{number}"
        book.add_metadata("DC", "creator", author, {"id": uid})
        book.add_metadata(None, "meta", sort_name(author), {"refines": f"#{uid}", "property": "file-as"})
        book.add_metadata(None, "meta", "aut", {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
    if metadata.description:
        book.add_metadata("DC", "description", plain(metadata.description))
    for subject in metadata.subjects:
        book.add_metadata("DC", "subject", subject)
    if metadata.publisher:
        book.add_metadata("DC", "publisher", metadata.publisher)
    if metadata.date and W3C_DATE.match(metadata.date.strip()):
        book.add_metadata("DC", "date", metadata.date.strip())
    if metadata.source:
        book.add_metadata("DC", "source", metadata.source)
    if metadata.rights:
        book.add_metadata("DC", "rights", metadata.rights)
    if metadata.series:
        _add_series(book, metadata.series, metadata.series_index)
    _add_accessibility(book, has_cover=has_cover)
    book.add_metadata(None, "meta", "", {"name": "generator", "content": f"booksmith {__version__}"})


def _add_series(book: epub.EpubBook, series: str, index: float | None) -> None:
    # EPUB 3's collection, which Apple Books and Kobo read, and calibre's own meta, which calibre,
    # KOReader and older Kobo firmware read.
    book.add_metadata(None, "meta", series, {"property": "belongs-to-collection", "id": "series"})
    book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
    if index is not None:
        book.add_metadata(None, "meta", f"{index:g}", {"refines": "#series", "property": "group-position"})
    book.add_metadata(None, "meta", "", {"name": "calibre:series", "content": series})
    if index is not None:
        book.add_metadata(None, "meta", "", {"name": "calibre:series_index", "content": f"{index:g}"})


def _add_accessibility(book: epub.EpubBook, *, has_cover: bool) -> None:
    """EPUB Accessibility 1.1 discovery metadata (schema.org terms, a reserved prefix in EPUB 3)."""
    modes = ["textual", "visual"] if has_cover else ["textual"]
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if has_cover:
        features.append("alternativeText")
    for mode in modes:
        book.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    # The cover is the only image and carries alternative text, so text alone suffices.
    book.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in features:
        book.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    book.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    book.add_metadata(None, "meta", ACCESSIBILITY_SUMMARY, {"property": "schema:accessibilitySummary"})
