"""Property tests over generated texts and bytes: never a crash, never invalid XML, never a lost word.

The default run tries a few hundred examples. The long run sets the counts, e.g.:
    BOOKSMITH_FUZZ_TEXTS=10000 BOOKSMITH_FUZZ_BYTES=100000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from booksmith.clean import clean
from booksmith.decode import DecodedText, decode
from booksmith.errors import BooksmithError
from booksmith.model import Book, Chapter, Metadata, Paragraph
from booksmith.options import BuildOptions, ReadOptions, RenderOptions
from booksmith.pipeline import load
from booksmith.render import render
from booksmith.typography import typeset
from booksmith.verify import check_words, xhtml_text
from booksmith.writers.epub import epub_bytes
from booksmith.writers.kepub import kobo_spans

TEXTS = int(os.environ.get("BOOKSMITH_FUZZ_TEXTS", "150"))
BYTES = int(os.environ.get("BOOKSMITH_FUZZ_BYTES", "300"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Characters XML 1.0 forbids; none may reach an XHTML file.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

HEADINGS = st.sampled_from(
    [
        "Chapter 1",
        "CHAPTER IV",
        "Chapter Twelve: The Fog",
        "Chapter 3.",
        "# The Harbour",
        "## Part",
        "Part One",
        "BOOK II",
        "Prologue",
        "Epilogue",
        "Afterword",
        "1.",
        "IV",
        "第一章 雾",
        "THE LIGHTHOUSE",
        "by Ines Varga",
        "Title: The Salt Road",
        "Author: Ines Varga",
        "*** START OF THE PROJECT GUTENBERG EBOOK X ***",
        "*** END OF THE PROJECT GUTENBERG EBOOK X ***",
    ]
)
MARKS = st.sampled_from(
    ['"', "'", "--", "---", "—", "–", "-", "...", "…", "“", "”", "‘", "’", "«", "»", "„", "_", "*", "**",
     "'tis", "'em", "dogs'", "5'10\"", "1914-1918", "<b>", "&amp;", "]]>", "* * *", "~", "#", "http://x.org/a'b"]
)  # fmt: skip
WORD = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=1,
    max_size=12,
)
PLAIN_WORD = st.sampled_from(["the", "keeper", "Fog", "SEA", "night", "lamp", "o", "I", "a", "l'eau", "don't"])
TOKEN = st.one_of(PLAIN_WORD, PLAIN_WORD, WORD, MARKS, MARKS)
LINE = st.one_of(
    st.builds(
        lambda indent, tokens, joiner: " " * indent + joiner.join(tokens),
        st.sampled_from([0, 0, 0, 2, 4, 12]),
        st.lists(TOKEN, min_size=1, max_size=14),
        st.sampled_from([" ", " ", "", "  ", "\t"]),
    ),
    HEADINGS,
    st.sampled_from(["", " ", "   ", "\t"]),
)
GAP = st.sampled_from(["\n", "\n", "\n\n", "\n\n", "\n\n\n", "\n\n\n\n\n", "\r\n", "\r\n\r\n", "\f", "\u2029"])
TEXT = st.builds(
    lambda pairs: "".join(line + gap for line, gap in pairs),
    st.lists(st.tuples(LINE, GAP), min_size=1, max_size=40),
)
READ_OPTIONS = st.builds(
    ReadOptions,
    paragraphs=st.sampled_from([None, None, "blank", "indent", "line", "wrapped"]),
    keep_boilerplate=st.booleans(),
)


def build_and_check(text: str, read: ReadOptions) -> None:
    """The build's contract: a BooksmithError or a book whose XHTML parses and keeps every word."""
    options = BuildOptions(read=read)
    try:
        loaded = load(text.encode("utf-8"), options, name="fuzz.txt")
    except BooksmithError as error:
        assert "\n" not in str(error)
        return
    rendered = render(loaded.book, RenderOptions(timestamp=0))
    for document in rendered.documents:
        assert not XML_INVALID.search(document.xhtml.decode("utf-8"))
    check_words(loaded.body_text, xhtml_text(d.xhtml for d in rendered.documents), name="fuzz.txt")
    # The writers' own passes: Kobo's sentence spans keep every word, and the EPUB packages.
    check_words(loaded.body_text, xhtml_text(kobo_spans(d.xhtml) for d in rendered.documents), name="fuzz.kepub")
    epub_bytes(rendered, RenderOptions(timestamp=0))
    if loaded.book.metadata.language == "en":
        # Other languages' inner marks are English outer ones (“ ” inside « » in French),
        # so a second run cannot tell which level a curled mark was: not idempotent by design.
        again = typeset(loaded.book, options.typography)
        assert again.book == loaded.book, "typography is not idempotent"


@fuzz(TEXTS)
@given(text=TEXT, read=READ_OPTIONS)
# Regressions found by this test:
@example(text="Prologue\n", read=ReadOptions())  # a lone front-matter heading lost its title
@example(text="o 0 0\n", read=ReadOptions())  # a scene-break mark counted as lost words
@example(text="# \n## \n### x\n#\n", read=ReadOptions())  # only marks: a book without chapters
@example(text="» - the\n", read=ReadOptions())  # the dash after » was set only on a second run
@example(text="- ‹a\n", read=ReadOptions())  # likewise for a dash opening before ‹
@example(text="a......\n", read=ReadOptions())  # six dots: one ellipsis per run
@example(text="http://x.y/'a»--?\n", read=ReadOptions())  # a URL ended elsewhere once » was curled
def test_generated_texts_build_valid_books_that_keep_every_word(text, read):
    build_and_check(text, read)


@fuzz(max(20, TEXTS // 5))
@given(text=st.text(min_size=1, max_size=400))
def test_arbitrary_unicode_builds_or_fails_cleanly(text):
    build_and_check(text, ReadOptions())


@fuzz(max(20, TEXTS // 5))
@given(text=st.text(min_size=1, max_size=300))
def test_cleaning_is_idempotent_and_leaves_nothing_invalid_in_xml(text):
    once = clean(text)
    assert clean(once) == once
    assert not XML_INVALID.search(once)
    assert "\r" not in once


@fuzz(BYTES)
@given(data=st.binary(min_size=0, max_size=600))
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b"\xff\xfe\x00")
@example(data=b"\xff\xfe\x00\x00\x00\xd8\x00\x00")
@example(data=b"\x00a\x00b\x00c\x00\xd8")
def test_decode_takes_any_bytes(data):
    try:
        decoded = decode(data, name="fuzz.txt")
    except BooksmithError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(decoded, DecodedText) and decoded.text.strip()
    assert not XML_INVALID.search(clean(decoded.text))


@fuzz(max(20, BYTES // 10))
@given(
    data=st.binary(min_size=1, max_size=300),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "cp1252", "latin-1", "shift_jis", "koi8-r", "utf-8-sig"]),
)
def test_decode_with_a_forced_encoding_takes_any_bytes(data, encoding):
    try:
        decode(data, encoding=encoding, name="fuzz.txt")
    except BooksmithError as error:
        assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("language", "typed", "typeset_text"),
    [
        # Found by the idempotence property: German closing “ was read as an opening mark.
        ("de", "„Hallo“, sagte er. „Und ‚du‘?“", "„Hallo“, sagte er. „Und ‚du‘?“"),
        ("de", '"Hallo", sagte er.', "„Hallo“, sagte er."),
        # ... and French « » typed with spaces got a second space inside.
        ("fr", "« Bonjour », dit-il.", "«\u202fBonjour\u202f», dit-il."),
        ("fr", '"Bonjour", dit-il.', "«\u202fBonjour\u202f», dit-il."),
        ("sv", "”Hej”, sa han.", "”Hej”, sa han."),
        ("en", "“Hello,” he said.", "“Hello,” he said."),
    ],
)
def test_quotes_already_typed_in_the_languages_style_stay(language, typed, typeset_text):
    book = Book(Metadata(language=language, title="T"), (Chapter(None, (Paragraph(typed),)),))
    once = typeset(book).book
    assert once.chapters[0].blocks[0].text == typeset_text
    assert typeset(once).book == once
