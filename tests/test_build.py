"""End to end: a story typed as people paste them becomes a valid EPUB and a typeset PDF."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, epub_documents, epub_text, epubcheck_problems, pdf_text

from booksmith.verify import first_missing, words

STORY = FIXTURES / "harbour-bakery.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    from booksmith.cli import main

    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(STORY), "-o", str(out), "-q"]) == 0
    return {"epub": out / "harbour-bakery.epub", "pdf": out / "harbour-bakery.pdf", "dir": out}


def test_build_writes_both_formats_and_nothing_else(built):
    assert sorted(p.name for p in built["dir"].iterdir()) == ["harbour-bakery.epub", "harbour-bakery.pdf"]


def test_epub_passes_epubcheck_without_errors_or_warnings(built):
    assert epubcheck_problems(built["epub"]) == []


def test_scene_breaks_from_extra_blank_lines_are_kept(built):
    chapters = "".join(epub_documents(built["epub"]).values())
    assert chapters.count('<hr class="scene-break"/>') == 2
    assert chapters.count("<hr") == 2  # hr is used for nothing else


def test_quotes_are_curled(built):
    text = epub_text(built["epub"])
    assert "‘final’" in text
    assert "“We should close,” Owen said" in text
    assert "Rock ’n’ roll" in text
    assert "'" not in text and '"' not in text


def test_every_word_of_the_story_is_in_the_epub_in_order(built):
    source = words(STORY.read_text(encoding="utf-8"))
    assert first_missing(source, words(epub_text(built["epub"]))) is None


def test_epub_metadata_and_stable_identifier(built, tmp_path):
    from booksmith.cli import main

    def opf(path: Path) -> str:
        with zipfile.ZipFile(path) as archive:
            return archive.read("EPUB/content.opf").decode("utf-8")

    first = opf(built["epub"])
    assert "<dc:title>Harbour Bakery</dc:title>" in first
    assert "<dc:language>en</dc:language>" in first
    assert re.search(r'property="dcterms:modified">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<', first)
    assert main(["build", str(STORY), "-o", str(tmp_path), "-f", "epub", "-q"]) == 0
    identifier = re.compile(r"<dc:identifier[^>]*>(urn:uuid:[0-9a-f-]{36})</dc:identifier>")
    assert identifier.search(first)[1] == identifier.search(opf(tmp_path / "harbour-bakery.epub"))[1]


def test_epub_has_nav_and_ncx_and_one_file_per_chapter(built):
    with zipfile.ZipFile(built["epub"]) as archive:
        names = archive.namelist()
        assert names[0] == "mimetype"
        assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert "EPUB/nav.xhtml" in names and "EPUB/toc.ncx" in names
        for name in names:
            if name.endswith(".xhtml"):
                assert archive.read(name).startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_pdf_has_metadata_embedded_fonts_outline_and_all_words(built):
    from pypdf import PdfReader

    reader = PdfReader(str(built["pdf"]))
    assert reader.metadata.title == "Harbour Bakery"
    assert len(reader.pages) >= 2
    assert len(reader.outline) >= 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (420, 595)  # A5 in points
    fonts = _font_files(reader)
    assert fonts and all(fonts.values()), f"fonts not embedded: {fonts}"
    # Line-end hyphenation splits words in the extracted text; join those back.
    text = re.sub(r"(\w)[-\u2010\u00ad]\n(\w)", r"\1\2", pdf_text(built["pdf"]))
    source = words(STORY.read_text(encoding="utf-8"))
    assert first_missing(source, words(text)) is None


def _font_files(reader) -> dict[str, bool]:
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return fonts


def test_inspect_reports_encoding_chapter_and_scene_breaks(run_cli):
    result = run_cli("inspect", STORY, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encoding"] == "utf-8"
    assert report["title"] == "Harbour Bakery"
    assert report["language"] == "en"
    assert len(report["chapters"]) == 1
    chapter = report["chapters"][0]
    assert set(chapter) >= {"title", "kind", "words", "paragraphs", "scene_breaks"}
    assert chapter["kind"] == "chapter" and chapter["scene_breaks"] == 2
    assert chapter["paragraphs"] == 13
    assert report["warnings"] == []
