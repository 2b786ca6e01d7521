"""Awkward but valid input converts to a well-formed EPUB that keeps every word.

Each case has a small version in the default run; the full-size ones (50 MB, a 5 MB line,
200,000 lines, 10,000 chapters) are marked slow. Timings live in benchmarks/limits.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import epub_documents, epub_text, epubcheck_problems
from lxml import etree

from booksmith.options import BuildOptions
from booksmith.pipeline import convert
from booksmith.verify import check_words

XHTML = "{http://www.w3.org/1999/xhtml}"
SENTENCES = (
    "The keeper climbed the stairs at dusk.",
    "Fog came in over the harbour, thick as wool.",
    "“Nobody sails tonight,” she said -- and nobody did.",
    "By morning the gulls were back on the rail...",
)


def build(tmp_path: Path, text: str, name: str = "story") -> Path:
    """Build an EPUB (the build's own word check included) and check every XHTML file parses."""
    source = tmp_path / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    book = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))[0]
    for document in epub_documents(book).values():
        etree.fromstring(document.encode("utf-8"))
    return book


def prose(megabytes: float) -> str:
    size = int(megabytes * 1024 * 1024)
    paragraphs, total, n = [], 0, 0
    while total < size:
        if n % 300 == 0:
            paragraphs.append(f"Chapter {n // 300 + 1}")
        paragraph = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
        n += 1
    return "\n\n".join(paragraphs) + "\n"


def chapters(count: int) -> str:
    return "\n\n".join(f"Chapter {n}\n\n{SENTENCES[n % len(SENTENCES)]} Night {n}." for n in range(1, count + 1))


def test_a_megabyte_of_prose(tmp_path):
    book = build(tmp_path, prose(1))
    assert "Chapter 12" in epub_text(book)


@pytest.mark.slow
def test_fifty_megabytes_of_prose(tmp_path):
    build(tmp_path, prose(50))


@pytest.mark.parametrize("length", [200_000, pytest.param(5 * 1024 * 1024, marks=pytest.mark.slow)])
def test_one_long_line_without_a_newline(length, tmp_path):
    text = (" ".join(SENTENCES) + " ") * (length // 160)
    book = build(tmp_path, text.strip())
    check_words(text, epub_text(book))


@pytest.mark.parametrize("count", [5_000, pytest.param(200_000, marks=pytest.mark.slow)])
def test_one_word_per_line(count, tmp_path):
    words = ["harbour", "lamp", "fog", "gull", "rope", "tide", "keeper"]
    text = "\n".join(f"{words[n % len(words)]}{n}" for n in range(count)) + "\n"
    book = build(tmp_path, text)
    assert f"{words[(count - 1) % 7]}{count - 1}" in epub_text(book)
    check_words(text, epub_text(book))


@pytest.mark.parametrize("count", [300, pytest.param(10_000, marks=pytest.mark.slow)])
def test_many_chapters(count, tmp_path):
    book = build(tmp_path, chapters(count))
    documents = epub_documents(book)
    assert f"EPUB/chapter-{count:03d}.xhtml" in documents
    assert f"Night {count}." in documents[f"EPUB/chapter-{count:03d}.xhtml"]


@pytest.mark.parametrize(
    "text",
    [
        "1914 -- 1918\n\n42. 17. 3.14159\n\n2024-01-01\n",
        "... !!! ???\n\n* * *\n\n--- --- ---\n\n()[]{}\n",
        "“” ‘’ «» — – …\n\n\"'\"'\n",
    ],
    ids=["numbers", "punctuation", "quotes"],
)
def test_text_without_letters(text, tmp_path):
    book = build(tmp_path, text)
    check_words(text, epub_text(book))


def test_emoji_and_astral_plane_characters(tmp_path):
    text = "The 🐋 surfaced 🌊🌊 near the 🏝️.\n\n𝔗𝔥𝔢 𝔨𝔢𝔢𝔭𝔢𝔯 wrote 𠀀𠀁 in the log 👨‍👩‍👧.\n"
    book = build(tmp_path, text)
    body = epub_text(book)
    for fragment in ("🐋", "🌊🌊", "𝔗𝔥𝔢", "𠀀𠀁", "👨\u200d👩\u200d👧"[0]):
        assert fragment in body


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("كان حارس المنارة يصعد الدرج كل مساء.\n\nجاء الضباب من البحر وغطى الميناء.\n" * 3, "ar"),
        ("שומר המגדלור עלה במדרגות בכל ערב.\n\nהערפל הגיע מן הים וכיסה את הנמל.\n" * 3, "he"),
    ],
)
def test_right_to_left_text_sets_dir(text, language, tmp_path):
    book = build(tmp_path, text)
    chapter = epub_documents(book)["EPUB/chapter-001.xhtml"]
    root = etree.fromstring(chapter.encode("utf-8"))
    assert root.get("dir") == "rtl"
    assert root.get("lang") == language
    check_words(text, epub_text(book))


def test_mixed_scripts(tmp_path):
    text = (
        "The keeper said «Привет» and then 你好, then γειά σου, then こんにちは.\n\n"
        "Ο φύλακας -- the keeper -- शुभ रात्रि, 안녕히 주무세요, مرحبا, שלום.\n"
    )
    book = build(tmp_path, text)
    body = epub_text(book)
    for word in ("Привет", "你好", "γειά", "こんにちは", "रात्रि", "안녕히", "مرحبا", "שלום"):
        assert word in body


def test_letter_scene_break_marks_are_not_lost_words(tmp_path):
    # Regression: "oOo" and "xXx" became scene breaks and the word check called them lost.
    book = build(tmp_path, "The keeper slept.\n\noOo\n\nThe fog lifted.\n\nxXx\n\nThe end.\n")
    assert "scene-break" in epub_documents(book)["EPUB/chapter-001.xhtml"]


def test_a_heading_with_nothing_after_it(tmp_path):
    book = build(tmp_path, "Chapter 1\n\nThe tide turned.\n\nChapter 2\n")
    assert "Chapter 2" in epub_text(book)


def test_a_text_that_is_only_headings(tmp_path):
    book = build(tmp_path, "Chapter 1\n\nChapter 2\n\nChapter 3\n\nEpilogue\n")
    body = epub_text(book)
    for heading in ("Chapter 1", "Chapter 2", "Chapter 3", "Epilogue"):
        assert heading in body


def test_lines_with_thousands_of_spaces(tmp_path):
    text = (
        "The keeper"
        + " " * 5000
        + "climbed the stairs.\n\n"
        + " " * 3000
        + "Far off, a bell.\n\n"
        + " " * 4000
        + "\n\n"
        + "Then\t\t\t"
        + "\t" * 2000
        + "silence.\n"
    )
    book = build(tmp_path, text)
    check_words(text, epub_text(book))


MARKUP = """<script>alert("gotcha")</script>

<?xml version="1.0"?> <!DOCTYPE html [<!ENTITY boom "boom">]> &boom; &amp; &nbsp; &#0; &#x1F600;

<![CDATA[ raw ]]> and ]]> alone, <!-- not a comment -->

<p class="x">Not a paragraph</p> <b>bold?</b> <img src=x onerror=alert(1)>

Tom & Jerry < 3 > 2; "quotes" and 'apostrophes'.
"""


def test_markup_in_the_text_is_shown_as_text(tmp_path):
    book = build(tmp_path, MARKUP)
    body = epub_text(book)
    # "--" becomes a dash like anywhere else in the text, so the comment is no comment at all.
    for literal in ("<script>", "</script>", "<![CDATA[", "]]>", "not a comment—>", "&boom;", "&#0;", "<img"):
        assert literal in body, literal
    for name, document in epub_documents(book).items():
        root = etree.fromstring(document.encode("utf-8"))
        images = [] if name.endswith("cover.xhtml") else root.findall(f".//{XHTML}img")  # the cover's own image
        assert not root.findall(f".//{XHTML}script") and not images
        assert not root.findall(f".//{XHTML}b")


def test_characters_invalid_in_xml_are_removed(tmp_path):
    text = "Bell\x00 rang\x07 twice\x1b[0m.\n\nThe\ufffe keeper\uffff slept\x85.\n\n" + "The night was long. " * 40
    book = build(tmp_path, text)
    body = epub_text(book)
    assert "Bell rang twice" in body and "The keeper slept" in body


def test_awkward_cases_together_pass_epubcheck(tmp_path):
    text = MARKUP + "\n\n" + "🐋 𠀀 «Привет» 你好\n\nChapter 1\n\nChapter 2\n\nThe " + " " * 2000 + "end.\n"
    assert epubcheck_problems(build(tmp_path, text)) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        chapters(10_000),
        "\n".join(f"word{n}" for n in range(200_000)),
        "كان حارس المنارة يصعد الدرج كل مساء.\n\n" * 50,
        "Chapter 1\n\nChapter 2\n\nChapter 3\n",
    ],
    ids=["10000-chapters", "200000-lines", "rtl", "only-headings"],
)
def test_big_awkward_books_pass_epubcheck(text, tmp_path):
    assert epubcheck_problems(build(tmp_path, text)) == []


def test_a_run_of_spaces_inside_a_line_is_linear(tmp_path):
    # Regression: clean's trailing-space pattern retried from every space of a
    # run, so 200,000 spaces between two words took minutes.
    book = build(tmp_path, "The keeper" + " " * 200_000 + "slept.\n")
    assert "The keeper slept." in " ".join(epub_text(book).split())


def test_a_paragraph_of_many_single_quotes_is_linear(tmp_path):
    # Regression: pairing single quotes copied and rescanned the paragraph's
    # earlier quotes for each one, so 80,000 quotes in a paragraph took 5 s.
    text = "The keeper said " + "'" * 100_000 + " and o' 'tis the dogs' " * 2_000 + "\n"
    build(tmp_path, text)


def test_utf8_with_a_passage_pasted_in_cp1252(tmp_path):
    # Regression: one cp1252 "Café" in a UTF-8 text made the whole file "binary data".
    utf8 = "The keeper said “fog” -- and meant it.\n\n" * 20
    source = tmp_path / "pasted.txt"
    source.write_bytes(utf8.encode() + "Café crème, s’il vous plaît.\n\n".encode("cp1252") + utf8.encode())
    book = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))[0]
    assert "Café crème, s’il vous plaît." in epub_text(book)
    assert "“fog”" in epub_text(book)


def test_a_utf16_file_cut_off_mid_character(tmp_path):
    # Regression: a UTF-16 file with its last byte missing was refused as binary data.
    import codecs

    text = "The keeper wrote in the log every night.\n\n" * 10
    source = tmp_path / "cut.txt"
    source.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le")[:-1])
    book = convert(source, tmp_path / "out", BuildOptions(formats=("epub",)))[0]
    assert epub_text(book).count("every night") == 10


def test_the_ncx_nests_chapters_under_parts(tmp_path):
    # The NCX is written by booksmith (ebooklib's builder is quadratic in chapters).
    import zipfile

    book = build(
        tmp_path, "Part One\n\nChapter 1\n\nOne.\n\nChapter 2\n\nTwo & <more>.\n\nPart Two\n\nChapter 3\n\nThree.\n"
    )
    with zipfile.ZipFile(book) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    parts = ncx.findall("n:navMap/n:navPoint", ns)
    assert [p.findtext("n:navLabel/n:text", namespaces=ns) for p in parts] == ["Part One", "Part Two"]
    assert [c.findtext("n:navLabel/n:text", namespaces=ns) for c in parts[0].findall("n:navPoint", ns)] == [
        "Chapter 1",
        "Chapter 2",
    ]
    assert parts[1].find("n:navPoint/n:content", ns).get("src") == "chapter-005.xhtml"
