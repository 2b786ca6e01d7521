"""Find the titles of the poems in a book of verse that writes them as plain lines ("Before the Boats").

Titles in capitals or centred are found with the other headings; many books of
verse (Whitman's, most Gutenberg collections) print each title in ordinary
title case at the margin, set apart from the poem before it by a wider gap than
any inside a poem. In a book that is mostly verse, such a line over a poem is
its title, and the contents list it.
"""

from __future__ import annotations

import re

from booksmith.resources import data_toml
from booksmith.structure.lines import Item

# A title is a line, not a sentence: a few words, and no full stop, comma or colon at its end.
MAX_TITLE = 60
MAX_TITLE_WORDS = 10
TITLE_END = re.compile(r"[.,;:]$")
# Short words a title leaves in lower case ("Song of the Empty Moorings").
SMALL_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "o'er", "of", "on", "or", "the",
    "to", "upon", "with", "o",
}  # fmt: skip
# A book is mostly verse when it has this many poems for each paragraph of prose.
VERSE_TO_PROSE = 2


def mark_titled_poems(items: list[Item]) -> None:
    """In a book that is mostly verse, a title-case line set apart over a poem heads that poem."""
    verse = sum(1 for item in items if item.kind == "verse")
    if verse < 2:
        return
    prose = 0
    for item in items:
        # A paragraph typed on one long line (a text with a blank line between paragraphs) is prose too.
        if item.kind == "para" and not item.role and (len(item.lines) > 1 or len(item.lines[0].text) > 100):
            prose += 1
            if verse < prose * VERSE_TO_PROSE:
                return
    titled = False
    for index, item in enumerate(items[:-1]):
        following = items[index + 1]
        if following.kind == "verse" and _title_line(item) and item.gap > following.gap:
            item.kind, item.level, item.title, item.word = "heading", "chapter", item.text, "poem"
            item.own_title = None
            item.why = f"`{item.text}`: a title-case line over a poem, set apart by {item.gap} blank lines"
            titled = True
    if titled:
        _books_over_poems_are_parts(items)


def _books_over_poems_are_parts(items: list[Item]) -> None:
    """ "BOOK I. INSCRIPTIONS", taken for a chapter while no poem had a heading, is a part over its poems now.

    All the books are parts then, one shape for one level, even one that holds a
    single poem whose title is the book's own ("BOOK II" / "Starting from Paumanok").
    """
    part_words = {word.lower() for word in data_toml("headings.toml")["part_words"]}
    books = [i for i, item in enumerate(items) if item.kind == "heading" and item.word in part_words]
    if not books:
        return
    over_poems = {
        items[start].word
        for start, end in zip(books, [*books[1:], len(items)], strict=True)
        if any(item.kind == "heading" and item.word == "poem" for item in items[start:end])
    }
    for index in books:
        book = items[index]
        if book.level == "chapter" and book.word in over_poems:
            book.level = "part"
            book.why += "; poems are headed under its kind of heading, so it is a part"


def _title_line(item: Item) -> bool:
    text = item.text.strip()
    if item.kind != "para" or item.role or len(item.lines) != 1 or len(text) > MAX_TITLE or TITLE_END.search(text):
        return False
    words = [word.strip("_*“”\"‘’'()") for word in text.split()]
    if not words or len(words) > MAX_TITLE_WORDS or not words[0][:1].isupper():
        return False
    return all(word[:1].isupper() or word.lower() in SMALL_WORDS or not word[:1].isalpha() for word in words)
