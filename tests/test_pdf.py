"""Read the PDFs booksmith typesets back: pages, fonts, metadata, outline, words, layout rules."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from booksmith.options import BuildOptions, RenderOptions
from booksmith.pipeline import convert

ORNAMENT = "⁂"
SENTENCES = [
    "The keeper climbed the stair before the light was lit and counted every step aloud.",
    "Nobody in the village remembered a winter so long, nor a harbour so quiet under the snow.",
    "She folded the letter twice, then opened it again, as though the words might have changed.",
    "Wind pressed against the shutters; somewhere below, a boat knocked patiently at its mooring.",
    "They spoke about the weather, which was *easier* than speaking about **anything** that mattered.",
]


def novel(parts: int = 2, chapters_per_part: int = 2, paragraphs: int = 14) -> str:
    """A small book of my own: parts holding chapters, scene breaks, a verse and an italic word."""
    lines = ["The Salt Ledger", "", "by Ada Fenwick", ""]
    number = 0
    for part in range(1, parts + 1):
        lines += [f"Part {part}", ""]
        for _ in range(chapters_per_part):
            number += 1
            lines += [f"Chapter {number}", ""]
            for index in range(paragraphs):
                sentence = SENTENCES[(index + number) % len(SENTENCES)]
                lines += [
                    f"{sentence} {SENTENCES[(index * 3 + part) % len(SENTENCES)]} (page marker {number}-{index}).",
                    "",
                ]
                if index == paragraphs // 2:
                    lines += ["* * *", ""]
    return "\n".join(lines)


def build(tmp: Path, text: str, **render) -> Path:
    source = tmp / "salt-ledger.txt"
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(formats=("pdf",), render=RenderOptions(timestamp=1_700_000_000, **render))
    (path,) = convert(source, tmp / "out", options)
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    """The chunked path: chapters laid out by two worker processes, then joined."""
    return build(tmp_path_factory.mktemp("chunked"), novel(), pdf_workers=2)


@pytest.fixture(scope="module")
def single_book(tmp_path_factory) -> Path:
    """The single-pass path (PDF/UA asks for WeasyPrint's tagging)."""
    return build(tmp_path_factory.mktemp("single"), novel(), pdf_variant="pdf/ua-1")


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def words(text: str) -> list[str]:
    # A word hyphenated at a line end comes back as "vil‐\nlage" (or with "-"): join it first.
    joined = re.sub(r"(\w)[\u2010\-\u00ad]\s*\n\s*(\w)", r"\1\2", text)
    return re.findall(r"\w+", joined)


def test_page_size_is_a5_by_default(book):
    box = PdfReader(book).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)


def test_every_font_is_embedded_subset_and_embedded_once(book):
    reader = PdfReader(book)
    fonts = {}
    for page in reader.pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            font = reference.get_object()
            fonts.setdefault(str(font["/BaseFont"]), set()).add(reference.idnum)
    assert fonts, "no fonts found"
    for name, objects in fonts.items():
        assert len(objects) == 1, f"{name} is embedded {len(objects)} times"
        assert re.match(r"/?[A-Z]{6}\+", name), f"{name} is not a subset"
        descriptor = font_descriptor(reader, next(iter(objects)))
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"
    files = {name: font_file_id(reader, next(iter(o))) for name, o in fonts.items()}
    # One embedded program per font file: the regular face, its small caps and the folios share one.
    regular = {files[n] for n in files if re.search(r"\+(Booksmith|EB)-Garamond(-Small-Caps|-Folio)?$", n)}
    assert len(regular) == 1, files
    assert len(set(files.values())) <= 5, files


def font_descriptor(reader, idnum):
    return reader.get_object(idnum)["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def font_file_id(reader, idnum):
    descriptor = font_descriptor(reader, idnum)
    return next(descriptor.raw_get(k).idnum for k in ("/FontFile3", "/FontFile2", "/FontFile") if k in descriptor)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler's pdffonts is not installed")
def test_pdffonts_lists_each_font_once_embedded(book):
    listing = subprocess.run(["pdffonts", str(book)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), listing
    assert all(row[-5] == "yes" and row[-4] == "yes" for row in rows), listing


def test_metadata(book):
    info = PdfReader(book).metadata
    assert info.title == "The Salt Ledger"
    assert info.author == "Ada Fenwick"
    assert info["/CreationDate"].startswith("D:20231114")
    assert PdfReader(book).trailer["/Root"]["/Lang"] == "en"


def test_outline_nests_chapters_under_parts(book):
    outline = PdfReader(book).outline
    top = [item.title for item in outline if not isinstance(item, list)]
    nested = [[child.title for child in item] for item in outline if isinstance(item, list)]
    assert top == ["Part 1", "Part 2"]
    assert nested == [["Chapter 1", "Chapter 2"], ["Chapter 3", "Chapter 4"]]


def test_single_pass_outline_has_the_same_entries(single_book):
    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert list(titles(PdfReader(single_book).outline)) == [
        "Part 1",
        "Chapter 1",
        "Chapter 2",
        "Part 2",
        "Chapter 3",
        "Chapter 4",
    ]


def test_every_word_is_present_in_order(book, single_book):
    text = novel()
    expected = words(text[text.index("Part 1") :])
    for path in (book, single_book):
        found = words("\n".join(page_texts(path)))
        position = 0
        for word in expected:
            try:
                position = found.index(word, position) + 1
            except ValueError:
                pytest.fail(f"{path.name}: '{word}' missing or out of order after word {position}")


def test_chapters_open_on_right_hand_pages_with_folios_from_one(book):
    reader = PdfReader(book)
    labels = reader.page_labels
    texts = page_texts(book)
    openers = [i for i, text in enumerate(texts) if re.search(r"^Chapter \d+$", text, re.M) and "page marker" in text]
    assert len(openers) == 4
    for index in openers:
        assert index % 2 == 0, f"a chapter opens on physical page {index + 1}, a left-hand page"
        assert int(labels[index]) % 2 == 1
    first_body = next(i for i, label in enumerate(labels) if label == "1")
    assert all(re.fullmatch(r"[ivxl]+", label) for label in labels[:first_body])
    lines = texts[first_body + 2].strip().splitlines()
    assert "3" in (lines[0], lines[-1]), "the folio of the third body page"


def test_running_heads_left_title_right_chapter_none_on_openers(book):
    reader = PdfReader(book)
    openers = {reader.get_destination_page_number(item) for item in outline_items(reader.outline)}
    for index, text in enumerate(page_texts(book)):
        if "page marker" not in text:
            continue
        lines = [line.strip().lower() for line in text.splitlines()]
        heads = [line for line in lines if line == "the salt ledger" or re.fullmatch(r"chapter \d", line)]
        if index in openers:
            assert len(heads) == 1, f"page {index + 1} is a chapter opener with a running head: {heads}"
        elif int(reader.page_labels[index]) % 2 == 0:
            assert heads == ["the salt ledger"], f"left page {index + 1}: {heads}"
        else:
            assert len(heads) == 1 and heads[0].startswith("chapter"), f"right page {index + 1}: {heads}"


def outline_items(items):
    for item in items:
        yield from outline_items(item) if isinstance(item, list) else [item]


def test_no_page_holds_only_an_ornament_or_a_running_head(book, single_book):
    for path in (book, single_book):
        for number, text in enumerate(page_texts(path), start=1):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            content = [line for line in lines if not line.isdigit()]
            assert content != [ORNAMENT], f"{path.name} page {number} holds only the ornament"
            if lines and "page marker" not in text and ORNAMENT not in text:
                continue
            if len(content) >= 1 and ORNAMENT in content:
                body = [line for line in content[1:] if line != ORNAMENT]
                assert body, f"{path.name} page {number}: the ornament is alone under the running head"


def test_ornament_is_never_first_or_last_on_a_page(book):
    for number, text in enumerate(page_texts(book), start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().isdigit()]
        if ORNAMENT in lines:
            position = lines.index(ORNAMENT)
            assert 1 < position < len(lines) - 1, f"page {number}: ornament at the edge: {lines}"


def test_contents_lists_chapters_with_their_folios(book):
    reader = PdfReader(book)
    texts = page_texts(book)
    contents = next(text for text in texts if "Contents" in text)
    for match in re.finditer(r"(Chapter \d)[ .]*?(\d+)\s*$", contents, re.M):
        title, folio = match.groups()
        page = reader.page_labels.index(folio)
        assert title in texts[page]


def test_pdf_ua_is_tagged(single_book):
    root = PdfReader(single_book).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root


# Each page size and its width and height in points, as printers give them.
PAGE_POINTS = [
    ("a5", (420, 595)),
    ("a4", (595, 842)),
    ("letter", (612, 792)),
    ("trade", (432, 648)),
    ("pocket", (306, 495)),
    ("ereader", (255, 340)),
]


@pytest.mark.parametrize(("size", "points"), PAGE_POINTS)
def test_page_sizes(tmp_path, size, points):
    path = build(tmp_path, novel(parts=1, chapters_per_part=1, paragraphs=3), page_size=size, font_size=11)
    box = PdfReader(path).pages[-1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler's pdftoppm is not installed")
def test_rendered_pages_are_not_blank(book, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "30", "-f", "9", "-l", "11", "-png", str(book), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 3
    for image in images:
        grey = Image.open(image).convert("L")
        inked = sum(grey.histogram()[:200])
        assert inked > 0.01 * grey.width * grey.height, f"{image.name} looks blank"


def test_cover_page_is_the_first_page(tmp_path):
    from PIL import Image

    cover = tmp_path / "cover.png"
    Image.new("RGB", (60, 90), (20, 60, 120)).save(cover)
    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=2), cover_page=True, cover=cover)
    first = PdfReader(path).pages[0]
    images = [o for o in first["/Resources"].get("/XObject", {}).values() if o.get_object()["/Subtype"] == "/Image"]
    assert images
    assert not (first.extract_text() or "").strip()


def test_greek_and_cyrillic_use_the_book_font(tmp_path):
    text = "Ein Buch\n\nΚαλημέρα κόσμε, είπε ο φύλακας.\n\nДобрый вечер, сказал **смотритель** маяка.\n"
    path = build(tmp_path, text, scene_break="*")
    fonts = {
        str(o.get_object()["/BaseFont"])
        for p in PdfReader(path).pages
        for o in p["/Resources"].get("/Font", {}).values()
    }
    assert all("Garamond" in name for name in fonts), fonts
    assert any("Bold" in name for name in fonts), "the bold word is not in the bold face"
    assert "Καλημέρα" in "".join(page_texts(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--page-size", "b6"], "--page-size must be one of"),
        (["--pdf-variant", "pdf/x-4"], "--pdf-variant must be one of"),
        (["--cover-page", "--no-cover"], "--cover-page puts the cover in the PDF"),
    ],
)
def test_bad_pdf_options_are_one_line_errors(run_cli, tmp_path, args, message):
    source = tmp_path / "story.txt"
    source.write_text(novel(parts=1, chapters_per_part=1, paragraphs=2), encoding="utf-8")
    result = run_cli("build", source, "-f", "pdf", "-o", tmp_path / "out", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_weasyprint_is_imported_only_for_pdfs(tmp_path):
    source = tmp_path / "story.txt"
    source.write_text(novel(parts=1, chapters_per_part=1, paragraphs=2), encoding="utf-8")
    code = (
        "import sys; from booksmith.pipeline import convert; from booksmith.options import BuildOptions;"
        f"convert({str(source)!r}, {str(tmp_path)!r}, BuildOptions(formats=('epub',)));"
        "print('weasyprint' in sys.modules, 'booksmith.writers.pdf' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_single_pass_carries_the_same_metadata(single_book):
    info = PdfReader(single_book).metadata
    assert (info.title, info.author) == ("The Salt Ledger", "Ada Fenwick")
    assert info["/CreationDate"].startswith("D:20231114")


def test_pdf_a_has_an_output_intent_and_xmp_metadata(tmp_path):
    path = build(tmp_path, novel(parts=1, chapters_per_part=2, paragraphs=2), pdf_variant="pdf/a-3b")
    root = PdfReader(path).trailer["/Root"]
    assert "/OutputIntents" in root
    assert b"pdfaid" in root["/Metadata"].get_object().get_data()


def test_ereader_chapters_open_on_the_next_page_without_blanks(tmp_path):
    path = build(tmp_path, novel(), page_size="ereader", pdf_workers=1)
    texts = page_texts(path)
    assert all(text.strip() for text in texts), "an e-reader book has no blank pages"
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (255, 340)


def test_contents_links_go_to_the_chapters(book):
    reader = PdfReader(book)
    openers = {reader.get_destination_page_number(item) for item in outline_items(reader.outline)}
    targets = set()
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            destination = annotation.get_object().get("/Dest")
            if destination is not None:
                targets.add(reader.get_page_number(destination[0].get_object()))
    assert targets == openers


@pytest.mark.parametrize(
    ("counts", "facing", "expected"),
    [
        # A chapter ending on a right-hand page gets a blank left page (folio counted, not printed).
        ([3, 2, 1], True, [(1, True), (5, False), (7, False)]),
        ([2, 2], True, [(1, False), (3, False)]),
        ([3, 2, 1], False, [(1, False), (4, False), (6, False)]),
        # The last chapter is never followed by a blank page.
        ([2, 3], True, [(1, False), (3, False)]),
    ],
)
def test_pagination_places_blank_pages_before_right_hand_openers(counts, facing, expected):
    from booksmith.writers.pdf.join import Pagination

    pagination = Pagination(facing)
    assert [pagination.chapter(n, last=i == len(counts) - 1) for i, n in enumerate(counts)] == expected


def test_workers_are_forked_only_from_a_single_threaded_process():
    import threading

    from booksmith.writers.pdf.chunked import _start_method

    assert _start_method() in ("fork", "spawn")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        # A lock held by another thread (in Pango, fontconfig) would stay held forever in a forked worker.
        assert _start_method() == "spawn"
    finally:
        release.set()
        other.join()


@pytest.mark.parametrize(
    ("language", "credit"),
    [
        ("en", "Typeset with booksmith"),
        ("de", "Gesetzt mit booksmith"),
        ("fr", "Composé avec booksmith"),
        ("da", "Sat med booksmith"),  # a language whose other words are English
        ("zh-TW", "排版：booksmith"),
    ],
)
def test_the_colophon_credit_is_in_the_book_language(language, credit):
    from booksmith.model import Book, Chapter, Metadata, Paragraph
    from booksmith.render import render
    from booksmith.writers.pdf.html import front_matter

    book = Book(Metadata(title="Salt", language=language), (Chapter("One", (Paragraph("A line."),)),))
    colophon = front_matter(render(book), RenderOptions())
    assert f'<p class="typeset">{credit}</p>' in colophon


@pytest.mark.parametrize(("rights", "shown"), [(None, None), ("Licensed CC BY 4.0", "Licensed CC BY 4.0")])
def test_copyright_page_states_only_the_rights_given(rights, shown):
    from booksmith.model import Metadata
    from booksmith.options import ReadOptions
    from booksmith.pipeline import load
    from booksmith.render import render
    from booksmith.writers.pdf.html import front_matter

    metadata = Metadata(authors=("Ada Marsh",), rights=rights)
    options = BuildOptions(read=ReadOptions(metadata=metadata))
    book = load(b"The Tide Book\n\nChapter 1\n\nThe tide came in.\n\nChapter 2\n\nIt went out.\n", options).book
    colophon = front_matter(render(book), RenderOptions(), None).split('class="colophon"')[1]
    assert "Ada Marsh" in colophon
    if shown:
        assert shown in colophon
    else:
        assert "©" not in colophon and 'class="rights"' not in colophon
