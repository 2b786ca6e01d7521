"""Check what a reader sees on the PDF's pages: heads and folios by side, the drop cap, the line grid,
the measure at each page size, right-to-left sides, and the fonts CJK and Arabic text is set in."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_pdf import SENTENCES, novel, outline_items

from booksmith.model import Metadata
from booksmith.options import BuildOptions, ReadOptions, RenderOptions
from booksmith.pipeline import convert
from booksmith.writers.pdf.html import OPENING_LETTER

# WeasyPrint draws in CSS pixels from the page's top; folios are drawn by booksmith in points.
PX = 0.75


def build(tmp: Path, text: str, name: str = "book", read: ReadOptions | None = None, **render) -> Path:
    source = tmp / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    options = BuildOptions(
        formats=("pdf",), read=read or ReadOptions(), render=RenderOptions(timestamp=1_700_000_000, **render)
    )
    (path,) = convert(source, tmp / "out", options)
    return path


def runs(page) -> list[tuple[float, float, str, str]]:
    """The page's text as drawn: (x, y from the top in points, font name, text) per text-showing run."""
    found = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        name = str(font.get("/BaseFont", "")) if font else ""
        if cm[3] < 0:  # WeasyPrint's content: y flipped, in CSS pixels
            x, y = tm[4] * PX, tm[5] * PX
        else:  # booksmith's folios: PDF points from the foot
            x, y = tm[4], float(page.mediabox.height) - tm[5]
        found.append((x, y, name, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def fonts_of(path: Path, pattern: str) -> set[str]:
    """The fonts of the runs whose text matches `pattern`, over the whole book."""
    return {name for page in PdfReader(path).pages for _, _, name, text in runs(page) if re.search(pattern, text)}


def system_fonts(language: str) -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    listing = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True, text=True).stdout
    return [family for line in listing.splitlines() for family in line.split(",") if family.strip()]


@pytest.fixture(scope="module")
def modern(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("modern"), novel(), theme="modern", pdf_workers=1)


@pytest.fixture(scope="module")
def classic(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("classic"), novel(), pdf_workers=1)


def head_fonts(path: Path) -> set[str]:
    """Fonts of the running heads: text at the top of body pages above the first line of text."""
    reader = PdfReader(path)
    found = set()
    for page in reader.pages:
        drawn = sorted(runs(page), key=lambda run: run[1])
        if len(drawn) > 3 and "page marker" in page.extract_text():
            top = drawn[0]
            if re.fullmatch(r"(?i)the salt ledger|chapter \d", top[3]):
                found.add(top[2])
    return found


def test_modern_running_heads_are_in_the_sans_face_and_classic_ones_in_the_serif(classic, modern):
    assert head_fonts(modern) and all("Sans" in name for name in head_fonts(modern)), head_fonts(modern)
    assert head_fonts(classic) and all("Garamond" in name for name in head_fonts(classic)), head_fonts(classic)


def test_modern_drop_cap_sinks_two_lines_and_the_third_is_not_indented(modern):
    reader = PdfReader(modern)
    chapter = next(item for item in outline_items(reader.outline) if item.title == "Chapter 1")
    opener = reader.get_destination_page_number(chapter)
    drawn = [run for run in runs(reader.pages[opener]) if run[1] > 0]
    cap = next(run for run in drawn if len(run[3]) == 1 and run[3].isupper())
    after = sorted((run for run in drawn if run[1] > cap[1] - 40 and run is not cap), key=lambda run: run[1])
    lines = sorted({round(run[1], 1) for run in after})
    first, second, third = (min(run[0] for run in after if round(run[1], 1) == y) for y in lines[:3])
    assert first > cap[0] + 10 and second > cap[0] + 10, "the first two lines run beside the initial"
    assert abs(third - cap[0]) < 1, "the third line starts at the margin, under the initial"
    assert abs(cap[1] - lines[1]) < 0.5, "the initial stands on the second line's baseline"


def test_part_title_pages_have_no_folio(classic):
    for page in PdfReader(classic).pages:
        text = page.extract_text()
        if text.strip().startswith("Part") and "page marker" not in text:
            assert not re.search(r"^\s*\d+\s*$", text, re.M), f"a part title page has a folio: {text!r}"


def test_blank_pages_are_blank_in_the_single_pass(tmp_path):
    path = build(tmp_path, novel(), pdf_variant="pdf/ua-1")
    for number, page in enumerate(PdfReader(path).pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        if any(line.isdigit() for line in lines):
            rest = [
                line for line in lines if not line.isdigit() and not re.fullmatch(r"The Salt Ledger|Chapter \d", line)
            ]
            assert rest, f"page {number} holds only a running head and a folio: {lines}"


def grid_text() -> str:
    """Long chapters of my own with scene breaks and verse every few paragraphs."""
    lines = ["The Salt Ledger", "", "by Ada Fenwick", ""]
    verse = [
        "The tide goes out at Harrow Point",
        "and leaves the stones to stand,",
        "and every stone remembers one",
        "who walked upon the sand.",
    ]
    for number in (1, 2):
        lines += [f"Chapter {number}", ""]
        for index in range(70):
            count = 1 + (index * 7 + number) % 5
            lines += [" ".join(SENTENCES[(index + k) % len(SENTENCES)] for k in range(count)), ""]
            if index % 9 == 4:
                lines += ["* * *", ""]
            if index % 13 == 6:
                lines += ["\n".join(verse), ""]
    return "\n".join(lines)


def test_full_pages_end_on_the_same_line_grid(tmp_path):
    """Scene breaks and verse take whole lines, so every full page's last line sits on one grid."""
    path = build(tmp_path, grid_text(), pdf_workers=1)
    reader = PdfReader(path)
    openers = {reader.get_destination_page_number(item) for item in outline_items(reader.outline)}
    first_body = min(openers)
    bottoms = []
    for index in range(first_body, len(reader.pages) - 1):
        if index in openers or index + 1 in openers or not reader.pages[index + 1].extract_text().strip():
            continue  # an opener, or a chapter's last page
        text_lines = [run for run in runs(reader.pages[index]) if not run[3].isdigit() and "⁂" not in run[3]]
        bottoms.append(max(run[1] for run in text_lines))
    assert len(bottoms) >= 8
    line = 10.5 * 1.3
    deepest = max(bottoms)
    for bottom in bottoms:
        lines = (deepest - bottom) / line
        # A page may end a few lines short (no widow, no lone ornament), but never between two lines.
        assert abs(lines - round(lines)) < 0.05, bottoms


@pytest.mark.parametrize("size", ["a5", "a4", "letter", "trade", "pocket", "ereader"])
def test_every_page_size_sets_a_book_measure(tmp_path, size):
    path = build(tmp_path, novel(parts=1, chapters_per_part=1, paragraphs=30), page_size=size, pdf_workers=1)
    lengths = [
        len(line)
        for page in PdfReader(path).pages
        for line in page.extract_text().splitlines()
        if len(line) > 30 and "page marker" not in line
    ]
    median = statistics.median(lengths)
    low, high = (45, 65) if size in ("ereader", "pocket") else (65, 85)
    assert low <= median <= high, f"{size}: {median} characters a line"


def assert_folios_centred(path: Path) -> None:
    """Each folio is centred under the text block of its own page, whose margins mirror (A5: 15 and 19 mm)."""
    mm = 72 / 25.4
    reader = PdfReader(path)
    checked = 0
    for page in reader.pages:
        drawn = runs(page)
        width = float(page.mediabox.width)
        folio = [run for run in drawn if run[3].isdigit() and run[1] > float(page.mediabox.height) - 60]
        body = [run for run in drawn if len(run[3]) > 40]
        if len(folio) != 1 or len(body) < 5:
            continue
        # Justified lines reach both margins: the leftmost start is the left margin.
        left = min(run[0] for run in body)
        right = 15 * mm if abs(left - 19 * mm) < 2 else 19 * mm
        assert abs(left - 15 * mm) < 2 or abs(left - 19 * mm) < 2, left
        centre = (left + width - right) / 2
        digits = len(folio[0][3]) * 0.5 * 10.5 * 0.85  # about half an em a digit
        assert abs(folio[0][0] + digits / 2 - centre) < 3, f"folio {folio[0][3]} at {folio[0][0]}, centre {centre}"
        checked += 1
    assert checked >= 4


def test_folios_are_centred_under_the_text_on_both_sides(classic):
    assert_folios_centred(classic)


ARABIC = [
    "كان البحر هادئا في ذلك الصباح، وكانت القوارب تعود ببطء إلى الميناء.",
    "جلست الفتاة على الرصيف تنتظر أخاها الذي غاب سنوات طويلة.",
    "في المساء أضاءت المنارة، ورأت الضوء يدور فوق الماء الداكن.",
]


def arabic_book(chapters: int = 3, paragraphs: int = 20) -> str:
    lines = []
    for number in range(1, chapters + 1):
        lines += [f"فصل {number}", ""]
        for index in range(paragraphs):
            lines += [" ".join(ARABIC[(index + k) % 3] for k in range(1 + index % 3)), ""]
    return "\n".join(lines)


ARABIC_READ = ReadOptions(chapter_pattern=r"فصل \d+", metadata=Metadata(title="رسائل الميناء"))


@pytest.mark.skipif(not system_fonts("ar"), reason="no font with Arabic letters is installed")
@pytest.mark.parametrize("variant", [None, "pdf/ua-1"])
def test_right_to_left_chapters_open_on_rectos_with_heads_on_the_right_sides(tmp_path, variant):
    path = build(tmp_path, arabic_book(), read=ARABIC_READ, pdf_variant=variant, pdf_workers=1)
    reader = PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]
    # Rectos are the odd pages, left-hand ones in a right-to-left book: half-title, title page, contents.
    assert "الميناء" in texts[0] and "الميناء" in texts[2], "the title page is on the second recto"
    openers = [reader.get_destination_page_number(item) for item in outline_items(reader.outline)]
    assert len(openers) == 3
    assert all(index % 2 == 0 for index in openers), f"a chapter opens on a verso: {openers}"
    verso = openers[0] + 1
    head = min(runs(reader.pages[verso]), key=lambda run: run[1])[3]
    assert "رسائل" in head or "الميناء" in head, f"the verso's head is not the book's title: {head}"
    if variant is None:
        assert_folios_centred(path)


@pytest.mark.skipif(not system_fonts("ar"), reason="no font with Arabic letters is installed")
def test_arabic_is_set_in_one_font_without_an_initial(tmp_path):
    path = build(tmp_path, arabic_book(chapters=2, paragraphs=6), read=ARABIC_READ, theme="modern")
    fonts = fonts_of(path, "[\u0600-\u06ff]")
    families = {name.split("+", 1)[-1].split("-")[0] for name in fonts}
    assert len(families) == 1, fonts
    assert not any(s in name for name in fonts for s in ("Garamond", "Italic", "Oblique", "Small-Caps")), fonts
    assert not OPENING_LETTER.search("</h2>\n<p>" + ARABIC[0])


CHINESE = [
    "那天早上，海面很平静，渔船一艘接一艘地回到港口。",
    "她坐在码头上，等待着多年未见的哥哥。",
    "老人说：“这里没有什么东西会一直不变，连石头也会改变。”",
]
JAPANESE = [
    "その朝、海はとても静かで、漁船が一隻ずつ港に戻ってきた。",
    "彼女は桟橋に座って、何年も会っていない兄を待っていた。",
]


def cjk_book(sentences: list[str]) -> str:
    lines = []
    for number in ("一", "二"):
        lines += [f"第{number}章", "", ""]
        for index in range(12):
            lines += ["".join(sentences[(index + k) % len(sentences)] for k in range(1 + index % 3)), ""]
    return "\n".join(lines)


@pytest.mark.skipif(not system_fonts("zh-cn"), reason="no font with Chinese characters is installed")
def test_chinese_is_set_in_a_cjk_font_not_as_missing_glyphs(tmp_path):
    path = build(tmp_path, cjk_book(CHINESE), name="gangkou")
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "渔船一艘接一艘地回到港口" in text
    assert "目录" in text, "the contents are headed in Chinese"
    fonts = fonts_of(path, "[\u4e00-\u9fff]")
    installed = {family.replace(" ", "").lower() for family in system_fonts("zh-cn")}
    for name in fonts:
        family = name.split("+", 1)[-1].replace("-", "").lower()
        assert any(family.startswith(f) or f.startswith(family) for f in installed) or "cjk" in family, name
        assert not any(s in name for s in ("Garamond", "DejaVu", "Oblique", "Italic")), name
    if shutil.which("pdftoppm"):
        _assert_inked(path, tmp_path)


@pytest.mark.skipif(not any("CJK JP" in family for family in system_fonts("ja")), reason="Noto CJK JP is not installed")
def test_japanese_takes_the_japanese_glyph_forms(tmp_path):
    path = build(tmp_path, cjk_book(JAPANESE), name="minato")
    fonts = fonts_of(path, "[\u3040-\u30ff\u4e00-\u9fff]")
    assert fonts and all("CJK-JP" in name for name in fonts), fonts


def _assert_inked(path: Path, tmp_path: Path) -> None:
    from PIL import Image

    reader = PdfReader(path)
    opener = reader.get_destination_page_number(next(iter(outline_items(reader.outline)))) + 1
    target = tmp_path / "page"
    command = ["pdftoppm", "-r", "30", "-f", str(opener), "-l", str(opener), "-png", "-singlefile"]
    subprocess.run([*command, str(path), str(target)], check=True)
    grey = Image.open(f"{target}.png").convert("L")
    assert sum(grey.histogram()[:200]) > 0.01 * grey.width * grey.height


def test_the_initial_opens_titled_and_untitled_chapters():
    from booksmith.pipeline import load_book
    from booksmith.render import render
    from booksmith.writers.pdf.html import body, chapters

    story = "A Short Story\n\nby Ada Fenwick\n\n" + "\n\n".join(SENTENCES)
    for text in (story, novel(parts=1, chapters_per_part=1, paragraphs=2)):
        rendered = render(load_book(text.encode("utf-8")), RenderOptions(theme="modern"))
        html = body([d for d in chapters(rendered) if d.kind == "chapter"][:1])
        assert re.search(r'<p><span class="initial">[A-Z]</span>', html), html[:300]


@pytest.mark.parametrize(
    ("language", "face"),
    [
        ("zh", "Noto Serif CJK SC"),
        ("zh-Hans", "Noto Serif CJK SC"),
        ("zh-TW", "Noto Serif CJK TC"),
        ("zh-Hant-TW", "Noto Serif CJK TC"),
        ("zh-HK", "Noto Serif CJK HK"),
        ("yi", "Noto Serif Hebrew"),
        ("ur", "Noto Nastaliq Urdu"),
        ("en", None),
    ],
)
def test_language_tags_find_their_scripts_fonts(language, face):
    from booksmith.writers.pdf.html import _language_style

    css = _language_style(language)
    assert (css.split("font-family: ", 1)[1].split('"')[1] if css else None) == face
    assert css is None or "$" not in css
