"""Properties of the typography stage on any text: idempotent, and only punctuation changes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from booksmith.model import Book, Chapter, Metadata, Paragraph
from booksmith.options import TypographyOptions
from booksmith.typography import typeset

PIECES = [
    "word",
    "Tom",
    "don't",
    "'em",
    "'Tis",
    "goin'",
    "dogs'",
    "'90s",
    "1914-1918",
    "5'10\"",
    '12"',
    "well-known",
    "--",
    "---",
    " - ",
    "-",
    "...",
    ". . .",
    "…",
    "—",
    '"',
    "'",
    "“",
    "”",
    "‘",
    "’",
    "«",
    "»",
    "„",
    ",",
    ".",
    "!",
    "?",
    ":",
    ";",
    "(",
    ")",
    "\ue000",
    "\ue001",
    "https://example.com/a'b--c",
]
text_piece = st.sampled_from(PIECES) | st.text(alphabet="ab '\"-.", min_size=1, max_size=3)
paragraph = st.lists(st.tuples(text_piece, st.sampled_from(["", " "])), max_size=25).map(
    lambda parts: "".join(p + s for p, s in parts).strip()
)
book_texts = st.lists(paragraph.filter(bool), min_size=1, max_size=5)
languages = st.sampled_from(["en", "fr", "de", "sv", "ru", "pl"])
option_sets = st.sampled_from(
    [
        TypographyOptions(),
        TypographyOptions(quotes="british"),
        TypographyOptions(smart_quotes=False),
        TypographyOptions(dash_style="spaced"),
        TypographyOptions(dash_style="keep"),
    ]
)


def set_texts(texts: list[str], language: str, options: TypographyOptions) -> list[str]:
    blocks = tuple(Paragraph(text, line=i + 1) for i, text in enumerate(texts))
    book = Book(Metadata(language=language), (Chapter(None, blocks),))
    return [b.text for b in typeset(book, options).book.chapters[0].blocks]


QUOTES = "\"'“”‘’«»„‚‹›′″"
# Spaces around quotes, dashes and French high punctuation may be set; other spaces stay.
AROUND = re.compile(r"[ \u202f]*([" + QUOTES + r"]|[-–—]+|[;:!?])[ \u202f]*")


def skeleton(text: str) -> str:
    """The text without what typography may change: quotes, dash forms, dot forms, spaces around those."""
    text = re.sub(r"(?<=\.) (?=\.)", "", text.replace("…", "..."))
    text = AROUND.sub(lambda m: "" if m[1] in QUOTES else "-" if m[1][0] in "-–—" else m[1], text)
    return re.sub("-+", "-", text)


@settings(max_examples=300, deadline=None)
@given(book_texts, languages, option_sets)
def test_typesetting_twice_changes_nothing(texts: list[str], language: str, options: TypographyOptions) -> None:
    once = set_texts(texts, language, options)
    assert set_texts(once, language, options) == once


@settings(max_examples=300, deadline=None)
@given(book_texts, languages, option_sets)
def test_only_quotes_dashes_and_ellipses_change(texts: list[str], language: str, options: TypographyOptions) -> None:
    for before, after in zip(texts, set_texts(texts, language, options), strict=True):
        assert skeleton(after) == skeleton(before)
