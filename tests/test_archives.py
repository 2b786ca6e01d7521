"""Fan-fiction archives: each layout's metadata, chapters and author's notes, and site lines.

The texts under fixtures/archives/ are written for these tests in the shape each archive
or download tool gives (field names and order, spacing, separators); the story is ours.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from booksmith.model import Paragraph
from booksmith.options import BuildOptions, ReadOptions
from booksmith.pipeline import load
from tests.conftest import EXAMPLES, FIXTURES, epub_documents, epub_text, epubcheck_problems, pdf_text

ARCHIVES = FIXTURES / "archives"
TITLE = "The Keeper’s Daughter"
SUMMARY = "Mara has kept the lamp lit for nine winters. The tenth winter brings a ship that should not exist."
CHAPTERS = [("Chapter 1", "The Lamp"), ("Chapter 2", "The Ship")]
AO3_TAGS = {"Harbour Lights (Web Series)", "Mara Quell & Old Tam", "Mara Quell", "Old Tam", "Lighthouses", "Storms"}
REWRITTEN = "This chapter was rewritten twice, and the second time it rained the whole week."

# Per layout: authors, series and index, tags that must be among the subjects, dates, source,
# and the author's notes (their first words) in reading order.
LAYOUTS = {
    "ao3-page": dict(
        authors=("Wren Halloway",),
        series=("The Lantern Keepers", 2.0),
        tags=AO3_TAGS,
        dates=("2023-02-11", "2023-04-02"),
        source=None,
        notes=["Written for the Harbour", "This chapter was rewritten", "Next chapter: the ship", "Thank you for"],
    ),
    "ao3-download": dict(
        authors=("Wren Halloway",),
        series=("The Lantern Keepers", 2.0),
        tags=AO3_TAGS,
        dates=("2023-02-11", "2023-04-02"),
        source="https://archiveofourown.org/works/40000001",
        notes=["This chapter was rewritten", "Next chapter: the ship", "Thank you for"],
    ),
    "ffn": dict(
        authors=("Wren Halloway",),
        series=(None, None),
        tags={"Adventure", "Family", "Mara Q.", "Old Tam"},
        dates=("2023-02-11", "2023-04-02"),
        source="https://www.fanfiction.net/s/14200001/1/",
        notes=["Disclaimer: Harbour Lights", "A/N: This chapter", "A/N: Next chapter", "(A/N: yes"],
    ),
    "fanficfare": dict(
        authors=("Wren Halloway",),
        series=("The Lantern Keepers", 2.0),
        tags={"Harbour Lights (Web Series)", "Found Family", "Mara Quell", "Old Tam"},
        dates=("2023-02-11", "2023-04-02"),
        source="https://archiveofourown.org/works/40000001",
        notes=["This chapter was rewritten"],
    ),
    "fichub": dict(
        authors=("Wren Halloway",),
        series=(None, None),
        tags=set(),
        dates=(None, None),
        source="https://archiveofourown.org/works/40000001",
        notes=[],
    ),
    "wattpad": dict(
        authors=("wrenhalloway",),
        series=(None, None),
        tags={"lighthouse", "foundfamily", "storms"},
        dates=(None, None),
        source=None,
        notes=[],
    ),
    "royalroad": dict(
        authors=("Wren Halloway",),
        series=(None, None),
        tags=set(),
        dates=(None, None),
        source=None,
        notes=["Welcome aboard!", "Thanks for reading."],
    ),
}


def _load(name: str, **read):
    return load(ARCHIVES / f"{name}.txt", BuildOptions(read=ReadOptions(**read)))


def _notes(book) -> list[str]:
    return [b.text for c in book.chapters for b in c.blocks if isinstance(b, Paragraph) and b.role == "authors-note"]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_gives_metadata_chapters_and_notes(name):
    expected = LAYOUTS[name]
    loaded = _load(name, strip_site_lines=True)
    metadata = loaded.book.metadata
    assert metadata.title == TITLE
    assert metadata.authors == expected["authors"]
    assert (metadata.series, metadata.series_index) == expected["series"]
    assert expected["tags"] <= set(metadata.subjects)
    assert (metadata.date, metadata.modified) == expected["dates"]
    assert metadata.source == expected["source"]
    if name != "royalroad":  # a chapter page has no summary
        assert metadata.description == SUMMARY
    assert metadata.language == "en"
    titles = [(c.title, c.subtitle) for c in loaded.book.chapters if c.title]
    # Notes before the first heading stay an untitled front section (not in the contents).
    assert all(c.kind == "front" for c in loaded.book.chapters if not c.title)
    if name == "wattpad":  # Wattpad calls its chapters parts
        assert titles == [("Part 1", "The Lamp"), ("Part 2", "The Ship")]
    else:
        assert titles == CHAPTERS
    notes = _notes(loaded.book)
    assert len(notes) == len(expected["notes"])
    for note, start in zip(notes, expected["notes"], strict=True):
        assert note.startswith(start.replace("'", "’"))
    # No archive label, site line or note is left as story text.
    story = " ".join(b.text for c in loaded.book.chapters for b in c.blocks if isinstance(b, Paragraph))
    for chrome in ("Chapter Text", "Notes:", "End Notes", "next chapter", "Next Chapter", "reads", "End file"):
        assert chrome not in story
    assert story.count("The lamp at the top of the tower") == 1


def test_values_on_the_label_line_and_below_it_read_alike():
    page = _load("ao3-page").book.metadata
    download = _load("ao3-download").book.metadata
    for field in ("title", "authors", "series", "series_index", "language", "date", "modified", "description"):
        assert getattr(page, field) == getattr(download, field)
    assert set(page.subjects) == set(download.subjects)


def test_notes_are_styled_not_listed_and_the_package_has_the_archive_fields(tmp_path, run_cli):
    result = run_cli("build", ARCHIVES / "ao3-download.txt", "-o", tmp_path, "-f", "epub")
    assert result.exit_code == 0, result.stderr
    book = tmp_path / "ao3-download.epub"
    documents = epub_documents(book)
    chapters = "".join(text for name, text in documents.items() if "nav" not in name and "title" not in name)
    assert f'<p class="authors-note">{REWRITTEN}</p>' in chapters
    nav = next(text for name, text in documents.items() if name.endswith("nav.xhtml"))
    entries = re.findall(r"<a [^>]*>(.*?)</a>", nav)
    assert not any("Note" in entry for entry in entries)
    assert sum("Chapter" in entry for entry in entries) == 2
    # The summary is on the title page; the archive's fields are in the package.
    title_page = next(text for name, text in documents.items() if "titlepage" in name)
    assert f'<p class="summary">{SUMMARY}</p>' in title_page
    with zipfile.ZipFile(book) as archive:
        opf = archive.read(next(n for n in archive.namelist() if n.endswith(".opf"))).decode()
    assert "<dc:source>https://archiveofourown.org/works/40000001</dc:source>" in opf
    assert "<dc:date>2023-02-11</dc:date>" in opf
    assert '<meta property="dcterms:modified">2023-04-02T00:00:00Z</meta>' in opf
    assert 'content="The Lantern Keepers" name="calibre:series"' in opf or (
        'name="calibre:series" content="The Lantern Keepers"' in opf
    )
    assert '<meta refines="#series" property="group-position">2</meta>' in opf
    for tag in ("Lighthouses", "Harbour Lights (Web Series)", "Mara Quell &amp; Old Tam"):
        assert f"<dc:subject>{tag}</dc:subject>" in opf


def _chapter_one(book: Path) -> str:
    text = epub_text(book)
    return text[text.index("The Lamp") : text.index("The Ship")]


def test_authors_notes_end_gathers_them_after_the_chapter(tmp_path, run_cli):
    result = run_cli("build", ARCHIVES / "ffn.txt", "-o", tmp_path, "-f", "epub", "--authors-notes", "end")
    assert result.exit_code == 0, result.stderr
    chapter = _chapter_one(tmp_path / "ffn.epub")
    story_end = chapter.index("remembered by the sea")
    for note in ("Disclaimer: Harbour Lights", "A/N: This chapter was rewritten", "A/N: Next chapter"):
        assert chapter.index(note) > story_end
    # The disclaimer still comes before the chapter's other notes.
    assert chapter.index("Disclaimer") < chapter.index("A/N: This chapter") < chapter.index("A/N: Next chapter")


def test_authors_notes_drop_leaves_them_out_and_verify_says_so(tmp_path, run_cli):
    source = ARCHIVES / "ao3-page.txt"
    result = run_cli("build", source, "-o", tmp_path, "-f", "epub", "--authors-notes", "drop")
    assert result.exit_code == 0, result.stderr  # the word check was told what was dropped
    book = tmp_path / "ao3-page.epub"
    text = epub_text(book)
    assert "rewritten twice" not in text and "Comments keep the lamp" not in text
    assert "The lamp at the top of the tower" in text
    checked = run_cli("verify", book, source, "--authors-notes", "drop")
    assert checked.exit_code == 0, checked.stderr
    dropped = next(line for line in checked.stdout.splitlines() if "author's notes left out" in line)
    assert ", 54," in dropped and REWRITTEN[:30] in dropped
    # Read without --authors-notes drop, the text has words the book lacks.
    assert run_cli("verify", book, source).exit_code == 1


def test_a_bad_authors_notes_value_is_one_line(run_cli):
    result = run_cli("build", ARCHIVES / "ffn.txt", "--authors-notes", "later")
    assert result.exit_code == 1
    assert result.stderr.strip() == "booksmith: error: --authors-notes must be one of keep, end, drop, not 'later'"


def test_site_lines_are_reported_then_stripped(tmp_path, run_cli):
    source = ARCHIVES / "royalroad.txt"
    report = json.loads(run_cli("inspect", source, "--json").stdout)
    found = {s["text"]: s["count"] for s in report["site_lines"]}
    assert found == {
        "This narrative has been lifted without the author's consent. Report any sightings on Amazon.": 1,
        'Support "The Keeper\'s Daughter"': 2,
        "Previous Chapter": 2,
        "Next Chapter": 2,
    }
    assert [n["text"] for n in report["authors_notes"]] == [
        "Welcome aboard! New chapters come every Friday.",
        "Thanks for reading. Ratings help more than you know.",
    ]
    kept = run_cli("build", source, "-o", tmp_path / "kept", "-f", "epub")
    assert kept.exit_code == 0 and "Next Chapter" in epub_text(tmp_path / "kept" / "royalroad.epub")
    stripped = run_cli("build", source, "-o", tmp_path, "-f", "epub", "--strip-site-lines")
    assert stripped.exit_code == 0, stripped.stderr
    text = epub_text(tmp_path / "royalroad.epub")
    assert "Next Chapter" not in text and "Amazon" not in text and "Support" not in text
    assert "Mara counted the lanterns" in text
    checked = run_cli("verify", tmp_path / "royalroad.epub", source, "--strip-site-lines")
    assert checked.exit_code == 0
    site = next(line for line in checked.stdout.splitlines() if "(web site lines)" in line)
    assert site.startswith("  removed 7 lines") and ", 36:" in site and "`Previous Chapter`" in site


def test_a_lone_next_chapter_sentence_is_not_a_site_line(tmp_path):
    text = "Chapter 1\n\nShe turned the page.\n\nNext chapter\n\nThat was all the note said.\n"
    path = tmp_path / "story.txt"
    path.write_text(text)
    assert load(path).site_lines == ()


def test_plain_text_with_an_a_n_paragraph_marks_only_that_paragraph(tmp_path):
    text = (
        "Chapter 1\n\nA/N: Thanks for waiting.\n\nThe bell rang twice.\n\n"
        "Notes: the bell is real.\n\nChapter 2\n\nThe bell rang again.\n"
    )
    path = tmp_path / "story.txt"
    path.write_text(text)
    book = load(path).book
    assert _notes(book) == ["A/N: Thanks for waiting.", "Notes: the bell is real."]
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]


def test_the_readme_example_builds_as_the_readme_says(tmp_path, run_cli):
    source = tmp_path / "the-tide-clock-ao3.txt"
    source.write_bytes((EXAMPLES / "the-tide-clock-ao3.txt").read_bytes())
    result = run_cli("build", source, "--name", "{author} - {title}", "--authors-notes", "end")
    assert result.exit_code == 0, result.stderr
    epub, pdf = tmp_path / "Ines Mora - The Tide Clock.epub", tmp_path / "Ines Mora - The Tide Clock.pdf"
    assert result.stdout.split("\n")[:2] == [str(epub), str(pdf)]
    assert epubcheck_problems(epub) == []
    book = load(source, BuildOptions(read=ReadOptions(authors_notes="end"))).book
    metadata = book.metadata
    assert (metadata.title, metadata.authors) == ("The Tide Clock", ("Ines Mora",))
    assert (metadata.series, metadata.series_index, metadata.date) == ("Tales of Gull Rock", 3.0, "2024-06-02")
    assert {"Gull Rock Chronicles (Original Work)", "Ines Mora & Pell", "Pell", "Clockwork"} <= set(metadata.subjects)
    assert [(c.title, c.subtitle) for c in book.chapters] == [
        ("Chapter 1", "Low Water"),
        ("Chapter 2", "The Keeper’s Ledger"),
        ("Chapter 3", "High Water"),
    ]
    for chapter in (book.chapters[0], book.chapters[2]):  # chapter 2 has no notes
        roles = [b.role for b in chapter.blocks if isinstance(b, Paragraph)]
        assert roles[-1] == "authors-note" and roles[0] is None
        assert roles == sorted(roles, key=lambda role: role is not None)  # every note after the story
    # Read back from the PDF: the summary on the title page, a note after its chapter's last line.
    text = " ".join(pdf_text(pdf).split())
    assert "The clock in the harbour tower tells the tides, not the hours." in text
    assert text.index("someone to wind it who knew it could stop") < text.index("Last chapter! I cried a little")


@pytest.mark.parametrize("mode", ["keep", "end", "drop"])
def test_every_layout_builds_with_every_word_in_each_notes_mode(tmp_path, run_cli, mode):
    names = [ARCHIVES / f"{name}.txt" for name in sorted(LAYOUTS)]
    result = run_cli("build", *names, "-o", tmp_path, "-f", "epub", "--authors-notes", mode, "--strip-site-lines")
    assert result.exit_code == 0, result.stderr  # each book passed the word check
    fanfiction = epub_text(tmp_path / "ffn.epub")
    assert ("A/N: This chapter was rewritten" in fanfiction) == (mode != "drop")


def test_a_downloaders_header_starting_with_ao3_names_is_read_as_key_value(tmp_path):
    path = tmp_path / "net.txt"
    path.write_text(
        "Rating: T\nCategory: Gen\nTitle: The Net\nAuthor: Ada Reyes\nSeries: Nets [3]\n"
        "Summary: A net is mended.\n\nChapter 1\n\nShe mended it.\n"
    )
    metadata = load(path).book.metadata
    assert (metadata.title, metadata.authors, metadata.description) == ("The Net", ("Ada Reyes",), "A net is mended.")
    assert (metadata.series, metadata.series_index, metadata.subjects) == ("Nets", 3.0, ("T", "Gen"))


def test_a_one_chapter_ao3_work_with_stats_run_together(tmp_path):
    path = tmp_path / "oneshot.txt"
    path.write_text(
        "Rating:\tGeneral Audiences\nFandom:\tHarbour Lights (Web Series)\nAdditional Tags:\tOne Shot\n"
        "Language:\tEnglish\nStats:\tPublished:2024-01-05Updated:2024-01-09Words:310Chapters:1/1Hits:12\n"
        "Lamp Oil\nWren Halloway\nSummary:\nA short one about oil.\nNotes:\nFor my sister.\n"
        "Work Text:\nThe oil came in barrels.\n\nMara rolled them up the hill.\nNotes:\nThanks for reading!\n"
    )
    book = load(path).book
    metadata = book.metadata
    assert (metadata.title, metadata.authors, metadata.description) == (
        "Lamp Oil",
        ("Wren Halloway",),
        "A short one about oil.",
    )
    assert (metadata.date, metadata.modified) == ("2024-01-05", "2024-01-09")
    assert {"One Shot", "Harbour Lights (Web Series)"} <= set(metadata.subjects)
    assert _notes(book) == ["For my sister.", "Thanks for reading!"]
    story = [b.text for c in book.chapters for b in c.blocks if isinstance(b, Paragraph) and b.role is None]
    assert story == ["The oil came in barrels.", "Mara rolled them up the hill."]


def test_batch_takes_the_notes_and_site_line_options(tmp_path, run_cli):
    for name in ("ffn", "royalroad"):
        (tmp_path / f"{name}.txt").write_bytes((ARCHIVES / f"{name}.txt").read_bytes())
    result = run_cli("batch", tmp_path, "-f", "epub", "--authors-notes", "drop", "--strip-site-lines", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["converted"] == 2
    for name, note in (("ffn", "A/N: This chapter"), ("royalroad", "Welcome aboard")):
        text = epub_text(tmp_path / f"{name}.epub")
        assert note not in text and "Next Chapter" not in text and "< Prev" not in text
        assert "Mara counted the lanterns" in text


def test_notes_before_chapter_one_are_not_in_the_pdf_contents(tmp_path, run_cli):
    result = run_cli("build", ARCHIVES / "ffn.txt", "-o", tmp_path, "-f", "pdf", "--strip-site-lines")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(tmp_path / "ffn.pdf")
    contents = text[text.index("Contents") : text.index("Disclaimer")]
    # Entries are the lines with dotted leaders; the untitled notes section has none.
    assert [line.split(" .")[0] for line in contents.splitlines() if ". ." in line or ".." in line] == [
        "Chapter 1: The Lamp",
        "Chapter 2: The Ship",
    ]
