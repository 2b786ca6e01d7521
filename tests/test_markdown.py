"""Markdown manuscripts: CommonMark read into the same model, built to EPUB and PDF with every word."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, epub_documents, epub_text, epubcheck_problems, pdf_text

from booksmith import chars
from booksmith.markdown import read_markdown
from booksmith.model import Paragraph, SceneBreak, note_ref
from booksmith.options import BuildOptions, ReadOptions, RenderOptions
from booksmith.pipeline import convert

HARBOUR = FIXTURES / "markdown" / "harbour.md"


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def manuscript_words(source: str) -> list[str]:
    """The words a reader of harbour.md sees: no front matter, no footnote definitions or labels."""
    body = source.split("---", 2)[2]
    body = re.sub(r"^\[\^\w+\]:.*$", "", body, flags=re.MULTILINE)
    body = re.sub(r"\[\^\w+\]", "", body)
    return words(body)


def in_order(needles: list[str], haystack: list[str]) -> bool:
    position = 0
    for word in needles:
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return False
    return True


def test_headings_become_parts_and_chapters_and_blocks_keep_their_kind():
    book = read_markdown(HARBOUR.read_text(encoding="utf-8")).structured.book
    outline = [(c.kind, c.depth, c.title) for c in book.chapters]
    assert outline == [
        ("part", 0, "Part One: Summer"),
        ("chapter", 1, "The Keeper"),
        ("chapter", 1, "The Storm"),
        ("part", 0, "Part Two: Winter"),
        ("chapter", 1, "The Thaw"),
    ]
    keeper = book.chapters[1]
    first = keeper.blocks[0].text
    assert f"{chars.EMPHASIS_START}hundred{chars.EMPHASIS_END}" in first
    assert f"{chars.STRONG_START}aloud{chars.STRONG_END}.{note_ref(1)}" in first
    roles = [(type(b).__name__, getattr(b, "role", None)) for b in keeper.blocks]
    assert roles == [
        ("Paragraph", None),
        ("Paragraph", "blockquote"),
        ("Paragraph", None),
        ("Paragraph", "list-item"),
        ("Paragraph", "list-item"),
        ("Paragraph", "list-item"),
        ("SceneBreak", None),
        ("Paragraph", None),
    ]
    assert isinstance(keeper.blocks[6], SceneBreak)
    assert [b.text for b in book.chapters[2].blocks[:2]] == ["1. First the wind.", "2. Then the rain."]
    assert [(n.number, n.text) for n in keeper.notes] == [(1, "One hundred and twelve, by her own count.")]
    thaw = book.chapters[4].notes[0].text
    assert thaw == f"The harbour froze for {chars.EMPHASIS_START}eleven{chars.EMPHASIS_END} days that year."


def test_front_matter_in_yaml_or_toml_is_the_books_metadata():
    metadata = read_markdown(HARBOUR.read_text(encoding="utf-8")).structured.book.metadata
    assert (metadata.title, metadata.authors, metadata.description) == (
        "The Harbour Light",
        ("Ines Marlow",),
        "A keeper, a storm and a cat.",
    )
    toml = '+++\ntitle = "Salt"\nauthors = ["A. Reed", "B. Holt"]\nseries_index = 2\n+++\n\nOne line of text.\n'
    metadata = read_markdown(toml).structured.book.metadata
    assert (metadata.title, metadata.authors, metadata.series_index) == ("Salt", ("A. Reed", "B. Holt"), 2.0)


def test_a_lone_top_heading_is_the_title_and_the_next_level_are_chapters():
    text = "# The Quiet Bay\n\n## One\n\nFirst.\n\n### A letter\n\nDear sir.\n\n## Two\n\nSecond.\n"
    book = read_markdown(text).structured.book
    assert book.metadata.title == "The Quiet Bay"
    assert [(c.kind, c.title) for c in book.chapters] == [("chapter", "One"), ("chapter", "Two")]
    # A deeper heading is a heading inside its chapter.
    assert [type(b).__name__ for b in book.chapters[0].blocks] == ["Paragraph", "Heading", "Paragraph"]
    # Headings of one level with text before them: an untitled opening, then chapters.
    book = read_markdown("Before.\n\n# One\n\nFirst.\n\n# Two\n\nSecond.\n").structured.book
    assert [(c.kind, c.title) for c in book.chapters] == [("front", None), ("chapter", "One"), ("chapter", "Two")]


def test_raw_html_is_text_never_markup():
    book = read_markdown("Some <b>bold</b> and <script>x()</script>.\n\n<div>block</div>\n").structured.book
    texts = [b.text for b in book.chapters[0].blocks if isinstance(b, Paragraph)]
    assert texts == ["Some <b>bold</b> and <script>x()</script>.", "<div>block</div>"]


@pytest.fixture(scope="module")
def harbour_books(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("harbour")
    options = BuildOptions(formats=("epub", "pdf"), render=RenderOptions(timestamp=1_700_000_000))
    return convert(HARBOUR, folder, options)


# EPUBCheck costs seconds a book; test_notes.py checks a book with notes in the default run.
@pytest.mark.slow
def test_markdown_epub_passes_epubcheck(harbour_books):
    assert epubcheck_problems(harbour_books[0]) == []


def test_markdown_builds_an_epub_with_every_word_and_real_markup(harbour_books):
    epub = harbour_books[0]
    expected = manuscript_words(HARBOUR.read_text(encoding="utf-8"))
    text = words(epub_text(epub))
    assert in_order(expected[:40], text) and set(expected) <= set(text)
    xhtml = "\n".join(epub_documents(epub).values())
    assert "<em>hundred</em>" in xhtml and "<strong>aloud</strong>" in xhtml
    assert '<p class="blockquote">' in xhtml and '<hr class="scene-break"/>' in xhtml
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xhtml and "<script" not in xhtml
    assert re.search(r'epub:type="noteref"[^>]*href="#(ch\d+-note1)"', xhtml)
    with zipfile.ZipFile(epub) as archive:
        assert "<dc:title>The Harbour Light</dc:title>" in archive.read("EPUB/content.opf").decode("utf-8")


def test_markdown_builds_a_pdf_with_every_word(harbour_books):
    pdf = harbour_books[1]
    text = words(pdf_text(pdf))
    expected = manuscript_words(HARBOUR.read_text(encoding="utf-8"))
    assert set(expected) <= set(text), sorted(set(expected) - set(text))


def test_from_markdown_reads_any_name_and_standard_input(run_cli, tmp_path):
    renamed = tmp_path / "harbour.txt"
    shutil.copy(HARBOUR, renamed)
    result = run_cli("build", str(renamed), "--from", "markdown", "-f", "epub", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert "<em>hundred</em>" in "\n".join(epub_documents(tmp_path / "out" / "harbour.epub").values())
    result = run_cli(
        "build", "-", "--from", "markdown", "-f", "epub", "-o", str(tmp_path / "in"), stdin=b"# A\n\n*Hi*\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "<em>Hi</em>" in "\n".join(epub_documents(tmp_path / "in" / "book.epub").values())


def test_markdown_read_as_text_keeps_its_marks(tmp_path):
    loaded = convert(HARBOUR, tmp_path, BuildOptions(formats=("epub",), read=ReadOptions(source_format="text")))
    text = epub_text(loaded[0])
    assert "title: The Harbour Light" in text and "[^steps]: One hundred" in text


def test_bad_front_matter_is_one_line_naming_the_file(run_cli, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    result = run_cli("build", str(story), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert str(story) in result.stderr and "front matter" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    story.write_text("---\ncolour: blue\n---\n\nText.\n", encoding="utf-8")
    result = run_cli("build", str(story), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "unknown key 'colour'" in result.stderr


def test_notes_called_from_a_heading_or_another_note_show_their_number_and_lose_no_word(tmp_path):
    story = tmp_path / "story.md"
    story.write_text(
        "# Tides[^a]\n\nLow water.[^b]\n\n[^a]: On headings.\n[^b]: See also [^a] there.\n", encoding="utf-8"
    )
    epub = convert(story, tmp_path, BuildOptions(formats=("epub",)))[0]  # the word check runs in the build
    xhtml = "\n".join(epub_documents(epub).values())
    assert "Tides[1]" in xhtml and "See also [1] there." in xhtml
    assert len(re.findall(r'epub:type="noteref"', xhtml)) == 1
