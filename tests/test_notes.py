"""Footnotes and endnotes: recognised in text, linked in EPUB, at the foot of the page in the PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, epubcheck_problems
from lxml import etree

from booksmith.errors import VerificationError
from booksmith.model import note_ref
from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert, load, write_books
from booksmith.structure import structure
from booksmith.structure.notes import find_notes

KEEPER = FIXTURES / "notes" / "keeper.txt"
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
# Each note of keeper.txt, by the chapter and number the book gives it.
KEEPER_NOTES = {
    ("ch001", 1): "The tower was rebuilt in the spring after the great storm.",
    ("ch001", 2): "She never lost count, or so she claimed.",
    ("ch001", 3): "The log survives in the harbour museum.",
    ("ch001", 4): "Twelve letters in all, tied with green ribbon.",
    ("ch002", 1): "Herring gulls, mostly, and one cormorant.",
    ("ch002", 2): "The ferry ran twice a week in summer.",
    ("ch003", 1): "The harbour froze for eleven days that year.",
    ("ch003", 2): "A grey tabby called Pilot.",
    ("ch004", 1): "The ledger listed every candle since the tower opened.",
}


def noted(text: str):
    structured = structure(text)
    return find_notes(structured.book, structured.body_text)


@pytest.mark.parametrize(
    ("marker", "note"),
    [("[1]", "[1]"), ("[12]", "[12]"), ("(*)", "(*)"), ("*", "*"), ("†", "†"), ("¹", "¹"), ("²³", "²³")],
)
def test_each_marker_form_pairs_with_a_note_after_the_paragraph(marker, note):
    found = noted(f"The boat left at dawn{marker} with six aboard.\n\n{note} The tide turned at five.\n")
    (chapter,) = found.book.chapters
    assert [b.text for b in chapter.blocks] == [f"The boat left at dawn{note_ref(1)} with six aboard."]
    assert [(n.number, n.text) for n in chapter.notes] == [(1, "The tide turned at five.")]
    assert "tide" not in found.body_text and found.notes_text == "The tide turned at five."


def test_project_gutenberg_footnotes_in_one_paragraph_pair_and_longer_ones_stay_text():
    text = (
        "The ship sailed at dawn.[1] Later[2] it rained.\n\n[Footnote 1: In March, that is.]\n\n"
        "[Footnote 2: A note over\n\ntwo paragraphs.]\n"
    )
    found = noted(text)
    chapter = found.book.chapters[0]
    assert chapter.blocks[0].text == f"The ship sailed at dawn.{note_ref(1)} Later[2] it rained."
    assert [n.text for n in chapter.notes] == ["In March, that is."]
    assert "Footnote 1" not in found.body_text and "Footnote 2" in found.body_text


def test_a_marker_without_a_note_and_a_note_without_a_marker_stay_text():
    text = "A stray [4] mark and no star.\n\n[5] A line that looks like a note.\n\n* A list item.\n"
    found = noted(text)
    texts = [b.text for b in found.book.chapters[0].blocks]
    assert texts == ["A stray [4] mark and no star.", "[5] A line that looks like a note.", "* A list item."]
    assert found.book.chapters[0].notes == () and found.notes_text == ""


def test_notes_at_the_end_of_the_book_go_to_each_chapter_in_turn():
    found = noted(KEEPER.read_text(encoding="utf-8"))
    titles = [c.title for c in found.book.chapters]
    assert titles == ["Chapter One", "Chapter Two", "Chapter Three", "Chapter Four"]  # the NOTES chapter is gone
    notes = {(f"ch{i:03d}", n.number): n.text for i, c in enumerate(found.book.chapters, 1) for n in c.notes}
    assert notes == KEEPER_NOTES
    # The FOOTNOTES: heading went with its notes; the unpaired [9] stayed.
    chapter_two = [b.text for b in found.book.chapters[1].blocks]
    assert not any("FOOTNOTES" in t for t in chapter_two)
    assert any("[9]" in t for t in chapter_two)


@pytest.fixture(scope="module")
def keeper_books(tmp_path_factory) -> dict[str, list[Path]]:
    books = {}
    for placement, formats in (("footnotes", ("epub", "pdf")), ("endnotes", ("epub",))):
        folder = tmp_path_factory.mktemp(placement)
        options = BuildOptions(formats=formats, render=RenderOptions(timestamp=1_700_000_000, notes_as=placement))
        books[placement] = convert(KEEPER, folder, options)
    return books


def chapter_documents(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if re.search(r"chapter-\d+\.xhtml$", name)
        }


# EPUBCheck costs seconds a book: the default run checks the footnotes; -m slow the endnotes too.
@pytest.mark.parametrize("placement", ["footnotes", pytest.param("endnotes", marks=pytest.mark.slow)])
def test_books_with_notes_pass_epubcheck(keeper_books, placement):
    assert epubcheck_problems(keeper_books[placement][0]) == []


@pytest.mark.parametrize("placement", ["footnotes", "endnotes"])
def test_every_noteref_links_to_a_note_in_its_own_document_and_back(keeper_books, placement):
    epub = keeper_books[placement][0]
    seen = {}
    for root in chapter_documents(epub).values():
        ids = {e.get("id"): e for e in root.iter() if e.get("id")}
        for ref in root.iterfind(".//x:a[@epub:type='noteref']", NS):
            target = ids[ref.get("href").removeprefix("#")]
            assert target.get(EPUB_TYPE) == ("footnote" if placement == "footnotes" else "endnote")
            back = target.find(".//x:a[@role='doc-backlink']", NS)
            assert back.get("href") == f"#{ref.get('id')}"
            anchor = ref.get("id").split("-")[0]
            seen[(anchor, int(ref.text))] = " ".join("".join(target.itertext()).split()[1:])
    assert seen == KEEPER_NOTES


def test_pdf_sets_each_note_at_the_foot_of_the_page_that_calls_it(keeper_books):
    from pypdf import PdfReader

    pdf = keeper_books["footnotes"][1]
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages]
    for body_words, note in (
        ("a very long face", KEEPER_NOTES[("ch004", 1)]),
        ("slept by the stove", KEEPER_NOTES[("ch003", 2)]),
        ("kept them in a tin", KEEPER_NOTES[("ch001", 4)]),
    ):
        (flat,) = [p for p in pages if body_words in p]
        assert note in flat, note
        # Below the text: after the chapter's last words on that page, numbered per chapter.
        assert flat.index(note) > flat.index(body_words)
    chapter_four = next(p for p in pages if "a very long face" in p)
    assert "1. " + KEEPER_NOTES[("ch004", 1)] in chapter_four


def test_the_word_check_counts_each_note_once_and_misses_a_lost_one(tmp_path):
    loaded = load(KEEPER)
    assert loaded.notes_text.count("cormorant") == 1 and "cormorant" not in loaded.body_text
    chapters = list(loaded.book.chapters)
    # A renderer that lost a note: the check must say so.
    lost = chapters[1].__class__(**{**chapters[1].__dict__, "notes": chapters[1].notes[:1]})
    chapters[1] = lost
    broken = loaded.__class__(**{**loaded.__dict__, "book": loaded.book.with_chapters(tuple(chapters))})
    with pytest.raises(VerificationError, match="ferry ran twice"):
        write_books(broken, KEEPER, tmp_path, BuildOptions(formats=("epub",)))


def test_verify_command_accepts_a_book_with_notes(keeper_books, run_cli):
    result = run_cli("verify", str(keeper_books["footnotes"][0]), str(KEEPER))
    assert result.exit_code == 0, result.stderr


def test_an_unknown_notes_placement_is_one_line(run_cli, tmp_path):
    result = run_cli("build", str(KEEPER), "-o", str(tmp_path), "--notes-as", "sidenotes")
    assert result.exit_code == 1
    assert "--notes-as must be one of footnotes, endnotes" in result.stderr
    assert "Traceback" not in result.stderr and list(tmp_path.iterdir()) == []


PROSE = ["The tide came in", "gulls[1]", "rope*", "stone†", "wind¹", "boat(*)", "night[2]", "sea", "lamp.", "x[12]"]
NOTE_LINES = [
    "[1] A first note.",
    "[2] Second note here.",
    "* Star note.",
    "† Dagger note.",
    "¹ Sup note.",
    "(*) Paren note.",
    "[12] Twelve.",
    "NOTES",
    "FOOTNOTES:",
    "Chapter 2",
    "[Footnote 1: Gut note.]",
]


def test_any_arrangement_of_markers_and_notes_keeps_every_word_once():
    import random

    from booksmith.render import render
    from booksmith.verify import check_words, xhtml_text, xhtml_text_and_notes

    chosen = random.Random(19)
    for _ in range(150):
        paragraphs = [
            chosen.choice(NOTE_LINES)
            if chosen.random() < 0.4
            else " ".join(chosen.choice(PROSE) for _ in range(chosen.randint(1, 8))) + "."
            for _ in range(chosen.randint(2, 12))
        ]
        text = "Opening words.\n\n" + "\n\n".join(paragraphs) + "\n"
        loaded = load(text.encode("utf-8"))
        documents = [d.xhtml for d in render(loaded.book).documents]
        if loaded.notes_text:
            book_text, notes = xhtml_text_and_notes(documents)
            check_words(loaded.body_text, book_text, name=text)
            check_words(loaded.notes_text, notes, name=text)
        else:
            check_words(loaded.body_text, xhtml_text(documents), name=text)
