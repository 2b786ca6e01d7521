"""The EPUB writer: validity, navigation, metadata, localisation, long chapters, reproducibility."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, epub_documents, epub_text, epubcheck_problems
from lxml import etree

from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert

BOOKS = FIXTURES / "epub"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPOCH = 1_700_000_000


def build(source: Path, folder: Path, *, formats=("epub",), **render) -> list[Path]:
    from booksmith.pipeline import convert

    options = BuildOptions(formats=formats, render=RenderOptions(timestamp=EPOCH, **render))
    return convert(source, folder, options)


def opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("EPUB/content.opf"))


def member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


@pytest.fixture(scope="module")
def salt_road(tmp_path_factory) -> Path:
    """A novel in two parts with a sidecar (series, ISBN, description), its fonts embedded."""
    folder = tmp_path_factory.mktemp("salt")
    return build(BOOKS / "salt-road.txt", folder, formats=("epub", "kepub"), embed_fonts=True)[0]


@pytest.fixture(scope="module")
def arabic(tmp_path_factory) -> Path:
    return build(BOOKS / "bahr.txt", tmp_path_factory.mktemp("ar"), no_cover=True)[0]


def test_fixture_book_passes_epubcheck(salt_road):
    # EPUBCheck costs seconds a book: the default run checks the richest fixture; -m slow checks the rest.
    for path in (salt_road, salt_road.with_name("salt-road.kepub.epub")):
        assert epubcheck_problems(path) == [], path.name


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lettre.txt", "tides.txt", "bahr.txt", "lamp.txt"])
@pytest.mark.parametrize("theme", ["classic", "modern"])
def test_every_fixture_passes_epubcheck_in_both_forms(tmp_path, name, theme):
    for path in build(BOOKS / name, tmp_path, formats=("epub", "kepub"), theme=theme):
        assert epubcheck_problems(path) == [], path.name


def test_metadata_reads_back(salt_road):
    package = opf(salt_road)
    meta = package.find("opf:metadata", OPF)

    def text(xpath: str) -> list[str]:
        return [e.text for e in meta.xpath(xpath, namespaces=OPF)]

    assert package.get("version") == "3.0"
    assert text("dc:title") == ["The Salt Road"]
    assert text("dc:creator") == ["Mara Vell"]
    creator_id = meta.find("dc:creator", OPF).get("id")
    assert text(f"opf:meta[@refines='#{creator_id}'][@property='file-as']") == ["Vell, Mara"]
    assert text("dc:identifier") == ["urn:isbn:9783161484100"]
    assert text("dc:language") == ["en"]
    assert text("dc:description") == ["A caravan, a missing camel & a city."]
    assert text("dc:subject") == ["Adventure", "Desert"]
    assert text("dc:publisher") == ["Quill Press"]
    assert text("dc:date") == ["2024-05-01"]
    assert text("dc:rights") == ["CC BY 4.0"]
    collection = meta.find("opf:meta[@property='belongs-to-collection']", OPF)
    assert collection.text == "Desert Tales"
    assert text(f"opf:meta[@refines='#{collection.get('id')}'][@property='group-position']") == ["2"]
    calibre = {m.get("name"): m.get("content") for m in meta.findall("opf:meta[@name]", OPF)}
    assert calibre["calibre:series"] == "Desert Tales"
    assert calibre["calibre:series_index"] == "2"
    assert text("opf:meta[@property='schema:accessMode']") == ["textual", "visual"]
    assert text("opf:meta[@property='schema:accessModeSufficient']") == ["textual"]
    assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(
        text("opf:meta[@property='schema:accessibilityFeature']")
    )
    assert text("opf:meta[@property='schema:accessibilityHazard']") == ["none"]
    assert text("opf:meta[@property='schema:accessibilitySummary']")[0]


def test_cover_is_marked_and_first_in_spine(salt_road):
    package = opf(salt_road)
    cover = package.find("opf:manifest/opf:item[@properties='cover-image']", OPF)
    assert cover.get("media-type") == "image/jpeg"
    assert package.find("opf:metadata/opf:meta[@name='cover']", OPF).get("content") == cover.get("id")
    first = package.find("opf:spine/opf:itemref", OPF)
    assert first.get("linear") in (None, "yes")
    page = package.find(f"opf:manifest/opf:item[@id='{first.get('idref')}']", OPF).get("href")
    xhtml = etree.fromstring(member(salt_road, f"EPUB/{page}"))
    image = xhtml.find(".//{http://www.w3.org/2000/svg}image")
    assert image.get("{http://www.w3.org/1999/xlink}href") == cover.get("href")
    # The guide names the cover page, so calibre and Kindle conversions do not print it after their own cover.
    assert package.find("opf:guide/opf:reference[@type='cover']", OPF).get("href") == page


def test_no_cover_leaves_no_image(arabic):
    names = zipfile.ZipFile(arabic).namelist()
    assert not any(n.startswith("EPUB/images/") for n in names)
    assert "EPUB/cover.xhtml" not in names


def test_nav_nests_chapters_under_parts_and_has_landmarks(salt_road):
    nav = etree.fromstring(member(salt_road, "EPUB/nav.xhtml"))
    toc = nav.find(".//x:nav[@epub:type='toc']", XHTML)
    top = [li.find("x:a", XHTML).text for li in toc.findall("x:ol/x:li", XHTML)]
    assert top == ["Part One", "Part Two", "Epilogue"]
    nested = [a.text for a in toc.findall("x:ol/x:li[1]/x:ol/x:li/x:a", XHTML)]
    assert nested == ["Chapter 1", "Chapter 2"]
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", XHTML)
    kinds = [a.get("{http://www.idpf.org/2007/ops}type") for a in landmarks.iter("{http://www.w3.org/1999/xhtml}a")]
    assert kinds == ["cover", "titlepage", "toc", "bodymatter"]
    ncx = etree.fromstring(member(salt_road, "EPUB/toc.ncx"))
    points = ncx.findall(
        ".//{http://www.daisy.org/z3986/2005/ncx/}navPoint/{http://www.daisy.org/z3986/2005/ncx/}navPoint"
    )
    assert len(points) == 3  # chapters 1-3 under their parts; the epilogue stands at the top level


def test_sections_carry_semantics(salt_road):
    documents = epub_documents(salt_road)
    assert 'epub:type="part"' in documents["EPUB/chapter-001.xhtml"]
    assert 'epub:type="chapter"' in documents["EPUB/chapter-002.xhtml"]
    epilogue = documents["EPUB/chapter-006.xhtml"]
    assert 'epub:type="epilogue"' in epilogue and '<body class="back" epub:type="bodymatter">' in epilogue
    assert 'epub:type="frontmatter"' in documents["EPUB/titlepage.xhtml"]


def test_every_xhtml_declares_encoding_and_language(salt_road, arabic):
    for path, language in ((salt_road, "en"), (arabic, "ar")):
        for name, text in epub_documents(path).items():
            assert text.startswith('<?xml version="1.0" encoding="utf-8"?>'), name
            assert f'xml:lang="{language}" lang="{language}"' in text, name


def test_right_to_left_book(arabic):
    assert all('dir="rtl"' in text for text in epub_documents(arabic).values())
    assert opf(arabic).find("opf:spine", OPF).get("page-progression-direction") == "rtl"


def test_generated_words_follow_the_language(tmp_path):
    book = build(BOOKS / "lettre.txt", tmp_path, embed_fonts=True)[0]
    documents = epub_documents(book)
    assert "<h1>Table des matières</h1>" in documents["EPUB/nav.xhtml"]
    assert ">Couverture</a>" in documents["EPUB/nav.xhtml"]
    assert "<title>Page de titre</title>" in documents["EPUB/titlepage.xhtml"]
    assert "<title>Colophon</title>" in documents["EPUB/colophon.xhtml"]


@pytest.mark.parametrize(
    ("language", "contents", "title_page"),
    [
        ("zh", "目录", "书名页"),
        ("zh-CN", "目录", "书名页"),
        ("zh-Hans-TW", "目录", "书名页"),  # Simplified script whatever the region
        ("zh-Hant", "目錄", "書名頁"),
        ("zh-TW", "目錄", "書名頁"),
        ("zh-hk", "目錄", "書名頁"),
        ("zh-Hant-HK", "目錄", "書名頁"),
        ("de-AT", "Inhalt", "Titelseite"),  # a region without words of its own takes its language's
    ],
)
def test_generated_words_follow_the_full_language_tag(language, contents, title_page):
    from booksmith.model import Book, Chapter, Metadata, Paragraph
    from booksmith.render import render
    from booksmith.writers.epub.nav import nav_xhtml

    chapters = tuple(Chapter(title, (Paragraph("文字。"),)) for title in ("一", "二"))
    rendered = render(Book(Metadata(title="书", language=language), chapters))
    nav = nav_xhtml(rendered, rendered.documents, has_cover=False).decode()
    assert f"<h1>{contents}</h1>" in nav
    assert f">{title_page}</a>" in nav


def test_fonts_embedded_only_on_request(salt_road, arabic):
    names = zipfile.ZipFile(salt_road).namelist()
    assert "EPUB/fonts/EBGaramond12-Regular.otf" in names
    assert "SIL OPEN FONT LICENSE" in member(salt_road, "EPUB/colophon.xhtml").decode()
    assert "@font-face" in member(salt_road, "EPUB/style.css").decode()
    assert not any("fonts/" in n for n in zipfile.ZipFile(arabic).namelist())
    assert "@font-face" not in member(arabic, "EPUB/style.css").decode()


def test_rebuild_is_byte_identical(tmp_path):
    first = build(BOOKS / "salt-road.txt", tmp_path / "a", formats=("epub", "kepub"))
    second = build(BOOKS / "salt-road.txt", tmp_path / "b", formats=("epub", "kepub"))
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    with zipfile.ZipFile(first[0]) as archive:
        info = archive.infolist()
    assert info[0].filename == "mimetype" and info[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in info} == {(2023, 11, 14, 22, 13, 20)}


def test_timestamp_follows_source_date_epoch_else_the_input_mtime(tmp_path, run_cli, monkeypatch):
    source = tmp_path / "story.txt"
    source.write_bytes((BOOKS / "lettre.txt").read_bytes())
    import os

    os.utime(source, (1_600_000_000, 1_600_000_000))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path / "m").exit_code == 0
    modified = b'<meta property="dcterms:modified">2020-09-13T12:26:40Z</meta>'
    assert modified in member(tmp_path / "m" / "story.epub", "EPUB/content.opf")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert run_cli("build", source, "-f", "epub", "-o", tmp_path / "s").exit_code == 0
    assert b"2023-11-14T22:13:20Z" in member(tmp_path / "s" / "story.epub", "EPUB/content.opf")


def test_identifier_derives_from_the_content(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("Alpha\n\nOne short tale.\n", encoding="utf-8")
    first = opf(build(source, tmp_path / "1")[0]).findtext("opf:metadata/dc:identifier", namespaces=OPF)
    again = opf(build(source, tmp_path / "2")[0]).findtext("opf:metadata/dc:identifier", namespaces=OPF)
    source.write_text("Alpha\n\nAnother short tale.\n", encoding="utf-8")
    changed = opf(build(source, tmp_path / "3")[0]).findtext("opf:metadata/dc:identifier", namespaces=OPF)
    assert first == again != changed and first.startswith("urn:uuid:")


def long_novel(folder: Path) -> Path:
    """A chapter of ~700 KB of paragraphs, then one with a single ~400 KB paragraph."""
    sentence = "The tide came in over the flats and the gulls rose crying into the wind. "
    paragraphs = "\n\n".join(sentence * 12 for _ in range(800))
    giant = "Words without end " * 2 + " ".join(f"wave{n} came and went." for n in range(20_000))
    source = folder / "long.txt"
    source.write_text(f"Long Water\n\nChapter 1\n\n{paragraphs}\n\nChapter 2\n\n{giant}\n", encoding="utf-8")
    return source


def test_long_chapters_are_split_under_250_kb_with_text_intact(tmp_path):
    source = long_novel(tmp_path)
    epub, kepub = build(source, tmp_path, formats=("epub", "kepub"))
    for path in (epub, kepub):
        with zipfile.ZipFile(path) as archive:
            sizes = {i.filename: i.file_size for i in archive.infolist() if i.filename.endswith(".xhtml")}
        assert max(sizes.values()) < 250_000, sizes
        assert len([n for n in sizes if n.startswith("EPUB/chapter-002")]) > 1
    words = re.findall(r"\w+", source.read_text(encoding="utf-8").split("Chapter 1", 1)[1])
    assert re.findall(r"\w+", epub_text(epub).split("Chapter 1", 1)[1]) == words
    nav = member(epub, "EPUB/nav.xhtml").decode()
    assert "chapter-002-2.xhtml" not in nav and "chapter-002.xhtml" in nav


@pytest.mark.slow
def test_long_chapters_pass_epubcheck(tmp_path):
    for path in build(long_novel(tmp_path), tmp_path, formats=("epub", "kepub")):
        assert epubcheck_problems(path) == [], path.name


def test_themes_css_for_real_readers():
    from booksmith.resources import styles_path

    for name in ("base", "classic", "modern"):
        css = styles_path(f"{name}.css").read_text(encoding="utf-8")
        outside_supports = re.sub(r"@supports[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
        outside_supports = re.sub(r"/\*.*?\*/", "", outside_supports, flags=re.DOTALL)
        for forbidden in (r"\brem\b", r"\d+rem", r"var\(", r"calc\(", r"min\(", r"max\(", r"background", r"\d+px\b"):
            if forbidden == r"\d+px\b":
                # Only hairline rules may use pixels.
                assert set(re.findall(r"(\S+)\s*\d+px", outside_supports)) <= {"border-top:"}, name
                continue
            assert not re.search(forbidden, outside_supports), (name, forbidden)
    base = styles_path("base.css").read_text(encoding="utf-8")
    assert "hr.scene-break" in base and "page-break-after: avoid" in base


def test_themes_differ(tmp_path):
    classic = build(BOOKS / "tides.txt", tmp_path / "c", theme="classic")[0]
    modern = build(BOOKS / "tides.txt", tmp_path / "m", theme="modern")[0]
    assert b"serif" in member(classic, "EPUB/style.css")
    assert b"sans-serif" in member(modern, "EPUB/style.css")
    assert member(classic, "EPUB/images/cover.jpg") != member(modern, "EPUB/images/cover.jpg")


@pytest.mark.parametrize(
    ("name", "sort"),
    [
        ("Jane Austen", "Austen, Jane"),
        ("Vincent van Gogh", "van Gogh, Vincent"),
        ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
        ("Homer", "Homer"),
        ("Austen, Jane", "Austen, Jane"),
    ],
)
def test_sort_names(name, sort):
    from booksmith.writers.epub.metadata import sort_name

    assert sort_name(name) == sort


def test_kindle_check_passes_a_good_book(salt_road):
    from booksmith.writers.epub.kindle import kindle_problems

    assert kindle_problems(salt_road) == []


def test_kindle_check_flags_a_book_over_the_size_limit(salt_road, monkeypatch):
    from booksmith.writers.epub import kindle

    rules = {**kindle.data_toml("kindle.toml"), "max_bytes": 1000}
    monkeypatch.setattr(kindle, "data_toml", lambda name: rules)
    assert [p for p in kindle.kindle_problems(salt_road) if "MB; Send to Kindle takes at most" in p]


def test_untitled_front_matter_stays_out_of_the_contents(tmp_path):
    book = build(BOOKS / "lamp.txt", tmp_path)[0]
    nav = etree.fromstring(member(book, "EPUB/nav.xhtml"))
    labels = [a.text for a in nav.find(".//x:nav[@epub:type='toc']", XHTML).iter(f"{{{XHTML['x']}}}a")]
    assert "—" not in labels and "Scene 1" in labels
    start = nav.find(".//x:nav[@epub:type='landmarks']//x:a[@epub:type='bodymatter']", XHTML).get("href")
    assert 'epub:type="chapter"' in member(book, f"EPUB/{start}").decode()


def test_kindle_check_names_each_problem_of_a_bad_epub(tmp_path, salt_road):
    from booksmith.writers.epub.kindle import kindle_problems

    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(salt_road) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"<dc:language>en</dc:language>", b"<dc:language>tlh</dc:language>")
            if info.filename == "EPUB/chapter-002.xhtml":
                data = data.split(b"\n", 1)[1].replace(b"<p>", b'<!-- old -- note --><img src="" alt=""/><p>', 1)
            target.writestr(info, data)
    problems = kindle_problems(bad)
    assert any("'tlh'" in p for p in problems)
    assert any(p.startswith("EPUB/chapter-002.xhtml: does not start with an XML declaration") for p in problems)
    assert any("'--' inside a comment" in p for p in problems)
    assert any("<img> without a src" in p for p in problems)
    assert len(problems) == 4


def test_cli_prints_kindle_warnings(tmp_path, run_cli):
    result = run_cli("build", BOOKS / "lettre.txt", "-f", "epub", "--language", "tlh", "-o", tmp_path)
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "Send to Kindle" in result.stderr and "'tlh'" in result.stderr
    clean = run_cli("build", BOOKS / "lettre.txt", "-f", "epub", "-o", tmp_path / "ok")
    assert "Send to Kindle" not in clean.stderr


def test_series_flags_reach_the_package(tmp_path, run_cli):
    result = run_cli(
        "build",
        BOOKS / "tides.txt",
        "-f",
        "epub",
        "-o",
        tmp_path,
        "--series",
        "Shore",
        "--series-index",
        "3",
        "--description",
        "Two poems.",
        "--no-cover",
    )
    assert result.exit_code == 0, result.stderr
    meta = opf(tmp_path / "tides.epub").find("opf:metadata", OPF)
    assert meta.find("opf:meta[@property='belongs-to-collection']", OPF).text == "Shore"
    assert meta.find("opf:meta[@property='group-position']", OPF).text == "3"
    assert meta.findtext("dc:description", namespaces=OPF) == "Two poems."
    assert meta.find("opf:meta[@name='cover']", OPF) is None


def test_split_documents_leave_the_rendered_book_alone():
    """The PDF writer reads Rendered.documents: one per chapter, whatever the EPUB cuts."""
    from booksmith.model import Book, Chapter, Metadata, Paragraph
    from booksmith.render import render, split_documents

    chapter = Chapter("One", tuple(Paragraph("word " * 400) for _ in range(200)))
    rendered = render(Book(Metadata(title="T"), (chapter,)))
    pieces = split_documents(rendered, 50_000)
    assert len(rendered.documents) == 2
    assert len(pieces) > 3 and all(len(p.xhtml) <= 50_000 for p in pieces)
    assert [p.part_of for p in pieces[2:]] == ["chapter-001.xhtml"] * (len(pieces) - 2)
    assert replace(pieces[1], xhtml=b"").part_of is None


@pytest.mark.slow
def test_three_megabyte_novel_passes_epubcheck_in_both_forms(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from epub_speed import novel

    source = tmp_path / "novel.txt"
    source.write_text(novel(3.0), encoding="utf-8")
    for path in build(source, tmp_path, formats=("epub", "kepub")):
        assert epubcheck_problems(path) == [], path.name


def test_a_last_part_without_chapters_has_no_empty_list_in_the_nav(tmp_path):
    prose = "The tide came in over the flats and the birds lifted all at once, crying. " * 4
    source = tmp_path / "parts.txt"
    source.write_text(f"Part One\n\nChapter 1\n\n{prose}\n\nChapter 2\n\n{prose}\n\nPart Two\n\n{prose}\n")
    (book,) = convert(source, tmp_path, BuildOptions(formats=("epub",)))
    nav = epub_documents(book)["EPUB/nav.xhtml"]
    assert re.search(r"<ol>\s*</ol>", nav) is None
    assert epubcheck_problems(book) == []
