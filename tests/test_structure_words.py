"""No word is ever lost: texts assembled at random from real conventions keep every word, in order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booksmith.errors import InputError
from booksmith.model import Book
from booksmith.render import render
from booksmith.structure import structure
from booksmith.verify import check_words, xhtml_text

PIECES = [
    "Chapter 1",
    "CHAPTER II.",
    "THE TITLE OF IT",
    "Part One",
    "Contents",
    "* * *",
    "       *       *       *",
    "~*~",
    "#",
    "1.",
    "Prologue",
    "by Jane Doe",
    "[Illustration: a ship at sea]",
    "[Illustration]",
    "HAMLET.",
    "ACT I.",
    "SCENE I. A room.",
    "[_Exit._]",
    "Title: A Story",
    "Author: someone",
    "Produced by Volunteers",
    "    An indented line of a poem,\n    and the next line of it.",
    "The boats came in one by one while she\nwaited on the harbour wall, watching.",
    "She didn’t know what to say, so she said _nothing_ and *waited*.",
    "The example was long, an exam-\nple of it, and a well-\nknown one.",
    "“Yes,” he said.",
    "                                   Yours truly,\n                                        ELIZA.",
    "snake_case __strong__ **bold** 2 * 3",
    "Chapter 1: The Start",
    "Chapter Three\nThe Title On the Next Line",
    "I.",
    "2.",
    "EPILOGUE",
    "BOOK ONE",
    "Dramatis Personae",
    "  Ber. Who's there?\n  Fran. Nay, answer me.",
    "Title: X\nAuthor: Y\nSummary: Z",
    "第一章 归来",
    "Глава первая",
    "~ Chapter 9 ~",
    "CONTENTS\n  Chapter 1\n  Chapter 2",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=25),
    st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\n\n\n\n"]), min_size=25, max_size=25),
)
def test_no_word_is_lost(pieces, gaps):
    text = "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=False)).strip()
    if not any(ch.isalpha() for ch in text):
        return
    try:
        structured = structure(text)
    except InputError as error:  # only the "nothing left after the header" refusal is allowed
        assert "no text is left" in str(error)
        return
    book: Book = structured.book
    rendered = xhtml_text(d.xhtml for d in render(book).documents)
    check_words(structured.body_text, rendered)
