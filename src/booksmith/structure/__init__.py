"""Turn cleaned text into a Book: paragraphs, verse, scene breaks, chapters and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from booksmith.errors import InputError
from booksmith.model import Book, Metadata, block_texts
from booksmith.options import ReadOptions
from booksmith.structure.boilerplate import (
    fanfic_header,
    strip_gutenberg,
    strip_notation_guide,
    strip_site_addresses,
    strip_site_lines,
    take_credits,
)
from booksmith.structure.breaks import drop_opening_breaks, is_break_mark
from booksmith.structure.chapters import build_chapters, numbering_warnings
from booksmith.structure.cjk import split_volume_headings
from booksmith.structure.explain import explain
from booksmith.structure.headings import mark_headings, mark_poem_titles
from booksmith.structure.language import guess_language
from booksmith.structure.lines import Line, Removal
from booksmith.structure.paragraphs import detect_convention, inline_markup, join_lines, make_items, mend_broken_words
from booksmith.structure.plays import mark_play
from booksmith.structure.titlepage import title_block

__all__ = ["Removal", "Structured", "guess_language", "inline_markup", "join_lines", "structure"]

# Markers the book shows as a caption without the brackets (the word check must not look for them).
ILLUSTRATION_MARKER = re.compile(r"\[Illustration\b:?|(?<=\[Illustration)\]", re.IGNORECASE)


# Underscores typed around words for emphasis: the book shows <em> instead.
TYPED_EMPHASIS = re.compile(r"(?<!\w)_+|_+(?!\w)")


@dataclass(frozen=True)
class Structured:
    """A book as structure understood it, with what a reader of the source should know."""

    book: Book
    convention: str
    warnings: tuple[str, ...] = ()
    # The part of the text the book's body is made from (no boilerplate, header
    # or title block): what the word check compares the rendered book against.
    body_text: str = ""
    # Text inside the body that the book does not print, and why (a site's address in a heading).
    removed: tuple[Removal, ...] = ()
    # What decided each heading, scene break and convention, and what was rejected: `inspect --explain`.
    explanations: tuple[str, ...] = ()


def structure(text: str, options: ReadOptions | None = None) -> Structured:
    """Build the book model from cleaned text."""
    options = options or ReadOptions()
    lines = [Line(i + 1, line) for i, line in enumerate(text.split("\n"))]
    found = Metadata()
    if not options.keep_boilerplate:
        lines, found = strip_gutenberg(lines)
        lines, credits = take_credits(lines)
        if credits:
            found = replace(found, credits=credits)  # the body's own lines, not the header's copy
    lines, header = fanfic_header(lines)
    found = header.over(found)
    removed, guide = strip_notation_guide(lines)
    found = found.over(guide)
    removed += strip_site_lines(lines) + strip_site_addresses(lines)
    if not any(line.text.strip() for line in lines):
        raise InputError("no text is left once the header is removed; use --keep-boilerplate")
    convention = options.paragraphs or detect_convention(lines)
    items, gaps = make_items(lines, convention, options.scene_break_lines)
    rejected = gaps.rejected
    mend_broken_words(items, text)
    items = split_volume_headings(items, removed)
    items = mark_headings(items, options.chapter_pattern)
    if options.scene_break_lines is None:
        items = drop_opening_breaks(items, rejected)
    items = mark_play(items)
    mark_poem_titles(items)
    # Dropped lines (a typed contents) leave the book before the title page is looked for.
    marked = items
    dropped = {line.number for item in marked if item.kind == "dropped" for line in item.lines}
    items, title_page = title_block([item for item in marked if item.kind != "dropped"], found)
    found = found.over(title_page)  # a header states what a title page only shows
    chapters = build_chapters(items)
    if not any(chapter.blocks or chapter.title for chapter in chapters):
        raise InputError("no text is left to convert, only scene-break marks or boilerplate")
    sample = " ".join(t for ch in chapters[:50] for b in ch.blocks[:200] for t in block_texts(b))
    guessed = Metadata(language=guess_language(sample), title=options.fallback_title or "Untitled")
    metadata = options.metadata.over(found.over(guessed))
    first = next((item.lines[0].number for item in items if item.kind not in ("consumed", "dropped")), None)
    # Dropped items (a typed contents) and scene-break marks ("oOo" is an ornament, not a word)
    # are left out of the text the word check compares with the book; "XXX" heading chapter 30 is a word.
    headed = {item.lines[0].number for item in marked if item.kind == "heading"}
    kept = []
    for line in lines:
        if first is None or line.number < first or line.number in dropped:
            continue
        if line.number not in headed and is_break_mark(line.text):
            removed.append(Removal(line.number, line.text.strip(), "a scene-break mark, drawn as the book's ornament"))
        else:
            kept.append(line.text)
    body = "\n".join(kept)
    body = ILLUSTRATION_MARKER.sub(" ", body) if "[Illustration" in body or "[illustration" in body else body
    body = TYPED_EMPHASIS.sub("", body) if "_" in body else body
    explanations = explain(marked, convention, rejected, removed)
    unsure = gaps.unsure(marked) if options.scene_break_lines is None else []
    warnings = tuple(numbering_warnings(chapters) + unsure)
    return Structured(Book(metadata, tuple(chapters)), convention, warnings, body, tuple(removed), explanations)
