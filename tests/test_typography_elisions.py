"""Quotes a typesetter tells from apostrophes by the whole paragraph: dialect elisions nothing closes,
quoted letters and numbers, elisions at a quotation's edge (issue 19)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from booksmith.model import Book, Chapter, Metadata, Paragraph
from booksmith.typography import typeset

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
EDGES = Path(__file__).parent / "fixtures" / "typography" / "edges.txt"


def curled(*paragraphs: str) -> list[str]:
    blocks = tuple(Paragraph(text, line=number) for number, text in enumerate(paragraphs, start=1))
    book = Book(Metadata(language="en"), (Chapter(None, blocks),))
    return [block.text for block in typeset(book).book.chapters[0].blocks]


@pytest.mark.parametrize(
    ("straight", "expected"),
    [
        # a dropped first letter that nothing in the paragraph closes is an apostrophe
        ("'Enry 'Iggins never paid.", "’Enry ’Iggins never paid."),
        ("He grew up in 'Bama and left.", "He grew up in ’Bama and left."),
        ("'Sh! The baby's asleep.", "’Sh! The baby’s asleep."),
        ("\"'Enry 'Iggins wants tea,\" said the maid.", "“’Enry ’Iggins wants tea,” said the maid."),
        # ... but a quotation that closes later stays a quotation
        ("'Enry,' she called.", "‘Enry,’ she called."),
        ("He said 'Bama' twice.", "He said ‘Bama’ twice."),
        # a quoted single letter
        ("She mouthed the letter 's' and nodded.", "She mouthed the letter ‘s’ and nodded."),
        ("\"With a 'k', not a 'c',\" she said.", "“With a ‘k’, not a ‘c’,” she said."),
        # an elision right after an opening quote of the same level
        ("\"Did she say ''Enry'?\" asked Liza.", "“Did she say ‘’Enry’?” asked Liza."),
        # a quoted number
        ("She scored '99'.", "She scored ‘99’."),
        ("The class of '99 met again.", "The class of ’99 met again."),
    ],
)
def test_quotes_read_from_the_whole_paragraph(straight, expected):
    assert curled(straight) == [expected]


def test_a_speech_running_on_keeps_its_open_quote():
    # British style: the speech's paragraph does not close; the next opens again.
    paragraphs = ["'Enry was the first to go, and then the rest.", "'And after that, nobody.'"]
    assert curled(*paragraphs) == ["‘Enry was the first to go, and then the rest.", "‘And after that, nobody.’"]


def test_the_self_written_edge_cases_score_as_the_benchmark_reports():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from quotes_accuracy import STRAIGHTEN, paragraphs, quote_errors, set_by_booksmith
    finally:
        sys.path.remove(str(BENCHMARKS))
    originals = paragraphs(EDGES.read_text(encoding="utf-8"))
    errors = quote_errors(originals, set_by_booksmith([text.translate(STRAIGHTEN) for text in originals]))
    # 11 of 137 before this change.
    assert errors == []
