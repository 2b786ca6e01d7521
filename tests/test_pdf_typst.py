"""Read back the PDFs the Typst engine (`--pdf-engine typst`) sets: fonts, words, outline, metadata, pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_pdf import ORNAMENT, PAGE_POINTS, novel, outline_items, page_texts, words

from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert

# Every character Typst markup gives a meaning, in a story of my own.
HOSTILE = (
    "The Hash and the Dollar\n\n"
    "Chapter 1\n\n"
    "Invoice #42 cost $17 and $3, a #let x = 1 line, and #emph[not emphasis].\n\n"
    "She wrote @keeper <label> [bracketed] and a back\\slash, a \\u{41} escape and C:\\temp\\new.\n\n"
    "Stars 2*3*4 and snake_case_name with under_scores, a // comment and /* block */ too.\n\n"
    "= not a heading, - not a list, + nor this, 1. nor this, \"straight\" and 'single' quotes -- two ... dots.\n\n"
    "Ends with a trailing backslash \\\n\n"
    "Chapter 2\n\n"
    "Braces {x} ~tilde~ `tick` and a url https://example.org/a_b*c#d end.\n"
)


def build(tmp: Path, text: str, **render) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    source = tmp / "salt-ledger.txt"
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(
        formats=("pdf",), render=RenderOptions(timestamp=1_700_000_000, pdf_engine="typst", **render)
    )
    (path,) = convert(source, tmp / "out", options)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("typst"), novel())


def fonts_of(path: Path) -> dict[str, set[int]]:
    fonts: dict[str, set[int]] = {}
    for page in PdfReader(path).pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            fonts.setdefault(str(reference.get_object()["/BaseFont"]), set()).add(reference.idnum)
    return fonts


def test_fonts_are_the_shipped_garamond_embedded_as_subsets(book):
    reader = PdfReader(book)
    fonts = fonts_of(book)
    assert any("Garamond" in name for name in fonts), fonts
    for name, objects in fonts.items():
        assert re.match(r"/?[A-Z]{6}\+", name), f"{name} is not a subset"
        font = reader.get_object(next(iter(objects)))
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


def test_every_word_is_present_in_order(book):
    text = novel()
    expected = words(text[text.index("Part 1") :])
    found = words("\n".join(page_texts(book)))
    position = 0
    for word in expected:
        try:
            position = found.index(word, position) + 1
        except ValueError:
            pytest.fail(f"'{word}' missing or out of order after word {position}")


def test_outline_nests_chapters_under_parts(book):
    outline = PdfReader(book).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    nested = [[child.title for child in item] for item in outline if isinstance(item, list)]
    assert top == ["Part 1", "Part 2"]
    assert nested == [["Chapter 1", "Chapter 2"], ["Chapter 3", "Chapter 4"]]


def test_metadata(book):
    reader = PdfReader(book)
    info = reader.metadata
    assert (info.title, info.author) == ("The Salt Ledger", "Ada Fenwick")
    assert info["/CreationDate"].startswith("D:20231114")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_front_matter_is_unnumbered_and_chapters_open_on_rectos_from_page_one(book):
    reader = PdfReader(book)
    labels = reader.page_labels
    first_body = labels.index("1")
    assert all(re.fullmatch(r"[ivxl]+", label) for label in labels[:first_body])
    openers = [reader.get_destination_page_number(item) for item in outline_items(reader.outline)]
    assert openers[0] == first_body
    for index in openers:
        assert index % 2 == 0, f"a chapter opens on physical page {index + 1}, a left-hand page"
        assert int(labels[index]) % 2 == 1


def test_running_heads_left_title_right_chapter_none_on_openers(book):
    reader = PdfReader(book)
    openers = {reader.get_destination_page_number(item) for item in outline_items(reader.outline)}
    checked = 0
    for index, text in enumerate(page_texts(book)):
        if "page marker" not in text:
            continue
        lines = [line.strip().lower() for line in text.splitlines()]
        heads = [line for line in lines if line == "the salt ledger" or re.fullmatch(r"chapter \d", line)]
        if index in openers:
            assert len(heads) == 1, f"page {index + 1} is a chapter opener with a running head: {heads}"
        elif int(reader.page_labels[index]) % 2 == 0:
            assert heads == ["the salt ledger"], f"left page {index + 1}: {heads}"
            checked += 1
        else:
            assert len(heads) == 1 and heads[0].startswith("chapter"), f"right page {index + 1}: {heads}"
            checked += 1
        assert labels_folio(text, reader.page_labels[index]), f"page {index + 1} has no folio"
    assert checked, "no page between openers to check"


def labels_folio(text: str, label: str) -> bool:
    return label in [line.strip() for line in text.splitlines()]


def test_contents_lists_chapters_with_their_folios(book):
    reader = PdfReader(book)
    texts = page_texts(book)
    contents = next(text for text in texts if "Contents" in text)
    entries = re.findall(r"(Chapter \d)[ .]*?(\d+)\s*$", contents, re.M)
    assert [title for title, _ in entries] == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]
    for title, folio in entries:
        assert title in texts[reader.page_labels.index(folio)]


def test_scene_breaks_draw_the_ornament(book):
    assert "\n".join(page_texts(book)).count(ORNAMENT) == 4


@pytest.mark.parametrize(("size", "points"), PAGE_POINTS)
def test_page_sizes(tmp_path, size, points):
    path = build(tmp_path, novel(parts=1, chapters_per_part=1, paragraphs=3), page_size=size, font_size=11)
    for page in PdfReader(path).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points


def test_ereader_chapters_open_on_the_next_page_without_blanks(tmp_path):
    path = build(tmp_path, novel(parts=1, chapters_per_part=3, paragraphs=3), page_size="ereader")
    assert all(text.strip() for text in page_texts(path)), "an e-reader book has no blank pages"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
@pytest.mark.parametrize("theme", ["classic", "modern"])
def test_rendered_pages_are_not_blank(tmp_path, theme):
    from PIL import Image

    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=10), theme=theme)
    count = len(PdfReader(path).pages)
    subprocess.run(["pdftoppm", "-r", "30", "-f", str(count - 2), "-png", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 3
    for image in images:
        grey = Image.open(image).convert("L")
        inked = sum(grey.histogram()[:200])
        assert inked > 0.01 * grey.width * grey.height, f"{image.name} looks blank"


def test_modern_theme_sets_headings_in_the_sans_face(tmp_path):
    classic = fonts_of(build(tmp_path / "c", novel(parts=1, chapters_per_part=2, paragraphs=2)))
    modern = fonts_of(build(tmp_path / "m", novel(parts=1, chapters_per_part=2, paragraphs=2), theme="modern"))
    assert not any("Sans" in name for name in classic), classic
    assert any("DejaVuSans" in name for name in modern), modern


def test_text_with_typst_markup_characters_is_set_as_written(tmp_path):
    path = build(tmp_path, HOSTILE)
    text = "\n".join(page_texts(path))
    flat = re.sub(r"\s+", " ", re.sub(r"(\S)[\u2010-]\n(\S)", r"\1\2", text))
    for fragment in [
        "Invoice #42 cost $17 and $3",
        "#let x = 1",
        "#emph[not emphasis]",
        "@keeper <label> [bracketed]",
        "back\\slash",
        "\\u{41}",
        "C:\\temp\\new",
        "2*3*4",
        "snake_case_name",
        "// comment",
        "/* block */",
        "= not a heading",
        "Braces {x} ~tilde~ `tick`",
        "https://example.org/a_b*c#d",
        "trailing backslash \\",
    ]:
        assert fragment in flat, f"{fragment!r} not in the PDF: {flat}"
    assert "Chapter 2" in [item.title for item in outline_items(PdfReader(path).outline)]


def test_bold_words_use_the_bold_face(tmp_path):
    path = build(tmp_path, "Ein Buch\n\nΚαλημέρα κόσμε.\n\nДобрый вечер, сказал **смотритель** маяка.\n")
    fonts = fonts_of(path)
    assert all("Garamond" in name for name in fonts), fonts
    assert any("Bold" in name for name in fonts), fonts
    assert "Καλημέρα" in "".join(page_texts(path))


def test_pdf_ua_is_tagged(tmp_path):
    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=2), pdf_variant="pdf/ua-1")
    root = PdfReader(path).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()


def test_pdf_ua_takes_a_cover_and_an_untitled_story(tmp_path):
    from PIL import Image

    cover = tmp_path / "cover.png"
    Image.new("RGB", (60, 90), (20, 60, 120)).save(cover)
    story = "A Short One\n\nOne paragraph of # text with a [bracket] and $5.\n"
    path = build(tmp_path, story, pdf_variant="pdf/ua-1", cover_page=True, cover=cover)
    reader = PdfReader(path)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    # The untitled story's bookmark is the book's title.
    assert [item.title for item in outline_items(reader.outline)] == [reader.metadata.title]
    assert "# text with a [bracket] and $5." in "".join(page_texts(path))


def test_pdf_a_has_an_output_intent_and_xmp_metadata(tmp_path):
    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=2), pdf_variant="pdf/a-3b")
    root = PdfReader(path).trailer["/Root"]
    assert "/OutputIntents" in root
    assert b"pdfaid" in root["/Metadata"].get_object().get_data()


def test_cover_page_is_the_first_page(tmp_path):
    from PIL import Image

    cover = tmp_path / "cover.png"
    Image.new("RGB", (60, 90), (20, 60, 120)).save(cover)
    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=2), cover_page=True, cover=cover)
    first = PdfReader(path).pages[0]
    images = [o for o in first["/Resources"].get("/XObject", {}).values() if o.get_object()["/Subtype"] == "/Image"]
    assert images
    assert not (first.extract_text() or "").strip()


def test_every_kind_of_block_is_set(tmp_path):
    from booksmith.model import Book, Chapter, Heading, Metadata, Paragraph, SceneBreak, Verse
    from booksmith.render import render
    from booksmith.writers.typst import write_pdf

    blocks = (
        Paragraph("HAMLET", role="speaker"),
        Paragraph("Enters, reading a #hashtag.", role="stage-direction"),
        Paragraph("A lighthouse at dusk [plate 3].", role="caption"),
        Heading("Tuesday, the 4th"),
        Verse(("The lamp is lit,", "the *sea* is dark."), align="right"),
        SceneBreak(),
        Paragraph("Signed, the keeper.", align="right"),
        Paragraph("Centred words.", align="center"),
        Paragraph("No indent here.", align="noindent"),
    )
    book = Book(Metadata(title="Blocks", language="en"), (Chapter("Act One", blocks),))
    target = tmp_path / "blocks.pdf"
    write_pdf(render(book), RenderOptions(pdf_engine="typst"), target)
    text = re.sub(r"\s+", " ", "\n".join(page_texts(target)))
    for expected in [
        "HAMLET",
        "Enters, reading a #hashtag.",
        "A lighthouse at dusk [plate 3].",
        "Tuesday, the 4th",
        "The lamp is lit, the *sea* is dark.",
        ORNAMENT,
        "Signed, the keeper.",
        "Centred words.",
        "No indent here.",
    ]:
        assert expected.lower() in text.lower(), f"{expected!r} not in {text!r}"


def test_hyphenation_follows_the_book_language(tmp_path):
    from booksmith.model import Book, Chapter, Metadata, Paragraph
    from booksmith.render import render
    from booksmith.writers.typst import typst_source

    book = Book(Metadata(title="Salz", language="de-AT"), (Chapter("Eins", (Paragraph("Ein Satz."),)),))
    source = typst_source(render(book), RenderOptions(pdf_engine="typst"))
    assert 'lang: "de", region: "AT"' in source


def test_an_unknown_engine_is_a_one_line_error(run_cli, tmp_path):
    source = tmp_path / "story.txt"
    source.write_text(novel(parts=1, chapters_per_part=1, paragraphs=2), encoding="utf-8")
    result = run_cli("build", source, "-f", "pdf", "-o", tmp_path / "out", "--pdf-engine", "latex")
    assert result.exit_code == 1
    assert "--pdf-engine must be one of" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_notes_are_footnotes_at_the_foot_of_the_page(tmp_path):
    source = Path(__file__).parent / "fixtures" / "notes" / "keeper.txt"
    options = BuildOptions(formats=("pdf",), render=RenderOptions(pdf_engine="typst"))
    (pdf,) = convert(source, tmp_path, options)
    page = next(p.extract_text() for p in PdfReader(pdf).pages if "Chapter One\n" in p.extract_text())
    body, _, foot = page.partition("The tower was rebuilt")
    assert "the tower1 every evening" in body.replace("\n", " ")
    assert foot and "She never lost count" in foot
