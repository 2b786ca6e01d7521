"""Check that every word of the source is in the rendered book, in order, and that it parses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree

from booksmith.errors import VerificationError

WORD = re.compile(r"\w+")
# How far ahead in the book a source word may be found: the book adds words of
# its own (title page, labels) but never far from where the source has them.
LOOKAHEAD = 400
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def words(text: str) -> list[str]:
    """The words of a text, compared without case or compatibility differences."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def xhtml_text(documents: Iterable[bytes]) -> str:
    """The text content of XHTML documents; raises VerificationError if one is not well-formed."""
    parts = []
    for number, data in enumerate(documents, start=1):
        try:
            root = etree.fromstring(data, PARSER)
        except etree.XMLSyntaxError as error:
            raise VerificationError(f"document {number} of the book is not well-formed XML ({error})") from None
        body = root.find("{http://www.w3.org/1999/xhtml}body")
        parts.append(" ".join((body if body is not None else root).itertext()))
    return "\n".join(parts)


def first_missing(source: list[str], book: list[str]) -> int | None:
    """Index of the first source word not found in order in the book, or None if all are."""
    position = 0
    for index, word in enumerate(source):
        end = min(len(book), position + LOOKAHEAD)
        try:
            position = book.index(word, position, end) + 1
        except ValueError:
            return index
    return None


def check_words(source_text: str, book_text: str, *, name: str = "book") -> None:
    """Raise VerificationError naming the first passage of the source missing from the book."""
    source = words(source_text)
    missing = first_missing(source, words(book_text))
    if missing is not None:
        passage = " ".join(source[max(0, missing - 5) : missing + 6])
        raise VerificationError(
            f"{name}: the book lost words of the source near “{passage}”; please report this "
            "(or pass --no-verify to write it anyway)"
        )
