"""Books as reading systems draw them: epub.js and foliate-js in Debian's Chromium, and calibre's engine.

EPUBCheck says a book is valid, not that it looks right. These tests build books
from the texts in fixtures/render (prose with verse, a play, Chinese, Russian,
Arabic), open them in real reading systems and check what is on the screen (or
in calibre's PDF), not the XHTML: the cover fits, the chapter's first words show,
the scene-break ornament is in the text colour, verse is indented, CJK text is
upright with a two-character indent, Arabic runs right to left.

`.ci/run` installs Chromium, Node.js, the readers (tools/readers/install.sh) and
calibre; where one is missing here, its tests skip and say why.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from browser import chromium

from booksmith.cli import main as booksmith

TEXTS = Path(__file__).parent / "fixtures" / "render"
READERS = Path(__file__).parent.parent / "tools" / "readers"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORT = {"width": 800, "height": 1000}
# Each book: its text and the options a user would give.
BOOKS = {
    "prose": ("prose-and-verse.txt", ()),
    "play": ("play.txt", ()),
    "chinese": ("chinese.txt", ()),
    "russian": ("russian.txt", ()),
    "arabic": ("arabic.txt", ("--title", "بيت على البحر", "--author", "سلمى حداد", "--language", "ar")),
}
# Where a book's pages are: the cover, the title page, the contents, the first chapter.
COVER, TITLE_PAGE, CONTENTS, FIRST_CHAPTER = "cover.xhtml", "titlepage.xhtml", "nav.xhtml", "chapter-001.xhtml"


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> Path:
    """The test texts built as EPUBs, each also unzipped (epub.js opens a folder) beside it."""
    folder = tmp_path_factory.mktemp("render-books")
    for name, (text, options) in BOOKS.items():
        source = folder / f"{name}.txt"
        shutil.copy(TEXTS / text, source)
        assert booksmith(["build", str(source), "-o", str(folder), "-f", "epub", "-q", *options]) == 0
        with zipfile.ZipFile(folder / f"{name}.epub") as archive:
            archive.extractall(folder / name)
    return folder


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: $BOOKSMITH_RENDER_SHOTS (.ci/run sets out/render-shots), else a temporary folder."""
    folder = Path(os.environ.get("BOOKSMITH_RENDER_SHOTS") or tmp_path_factory.mktemp("render-shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def site(books) -> str:
    """A local web server for the readers' pages and the books (readers fetch books over HTTP)."""
    if not (READERS / "node_modules" / "epubjs").is_dir():
        pytest.skip("the reading systems are not installed: run tools/readers/install.sh (.ci/run does)")
    root = books / "site"
    root.mkdir(exist_ok=True)
    for name in ("epubjs.html", "foliate.html", "node_modules"):
        if not (root / name).exists():
            (root / name).symlink_to(READERS / name)
    if not (root / "books").exists():
        (root / "books").symlink_to(books)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".xhtml": "application/xhtml+xml",
        ".js": "text/javascript",
    }

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium for this module (Playwright's own download is not reachable here).

    Module-scoped: Playwright's sync API runs one instance per thread at a time, and
    tests/test_serve_browser.py starts its own after this module.
    """
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    pytest.importorskip("playwright.sync_api")
    with chromium() as found:
        yield found


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def opened(browser, site):
    """`opened(reader, book)`: a page with `book` open in `reader` (epubjs or foliate), opened once per session."""
    pages = {}

    def open_book(reader: str, book: str):
        if (reader, book) not in pages:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            target = f"books/{book}/" if reader == "epubjs" else f"books/{book}.epub"
            page.goto(f"{site}/{reader}.html?book={target}")
            page.evaluate("window.ready")
            pages[reader, book] = page
        return pages[reader, book]

    yield open_book
    for page in pages.values():
        page.context.close()


def show(page, href: str | int) -> None:
    page.evaluate("(href) => window.show(href)", href)


def on_screen(page, script: str, argument=None):
    """Evaluate `script` (a function of the document on screen and `argument`) in the reader's page."""
    return page.evaluate(f"([argument]) => ({script})(window.currentDocument(), argument)", [argument])


READERS_UNDER_TEST = ("epubjs", "foliate")


# -- The cover fits the page ---------------------------------------------------------------------------------------


def test_cover_fits_the_window_of_a_browser_that_sizes_nothing_itself(page, site, shots):
    """Plain Chromium, as engines that do not size images themselves: the whole cover on one screen."""
    page.goto(f"{site}/books/prose/EPUB/{COVER}")
    box = page.evaluate(
        "() => { const r = document.querySelector('section.cover svg, section.cover img').getBoundingClientRect();"
        " return {width: r.width, height: r.height, bottom: r.bottom, right: r.right}; }"
    )
    page.screenshot(path=shots / "chromium-cover.png")
    assert box["height"] > VIEWPORT["height"] * 0.8, box  # the cover is not a thumbnail
    assert box["bottom"] <= VIEWPORT["height"] + 1 and box["right"] <= VIEWPORT["width"] + 1, box


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
def test_cover_fits_the_page_in_each_reader(opened, shots, reader):
    page = opened(reader, "prose")
    show(page, COVER)
    size = on_screen(
        page,
        "(doc) => { const r = doc.querySelector('section.cover svg, section.cover img').getBoundingClientRect();"
        " const view = doc.defaultView; return {width: r.width, height: r.height,"
        " frameWidth: view.innerWidth, frameHeight: view.innerHeight}; }",
    )
    page.screenshot(path=shots / f"{reader}-cover.png")
    assert size["height"] <= size["frameHeight"] + 1, size
    assert size["height"] > size["frameHeight"] * 0.6, size


# -- Title page, contents, the first chapter -----------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
@pytest.mark.parametrize(
    ("book", "words"),
    [
        ("prose", "Anka waited on the pier"),
        ("play", "A street corner at dusk"),
        ("chinese", "海风吹过小屋的窗户"),
        ("russian", "Утро было холодным"),
        ("arabic", "كان الصباح هادئا"),
    ],
)
def test_the_first_chapter_s_first_words_are_on_screen(opened, reader, book, words):
    page = opened(reader, book)
    chapter = "chapter-002.xhtml" if book == "play" else FIRST_CHAPTER
    show(page, chapter)
    visible = on_screen(
        page,
        "(doc, words) => { const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);"
        " for (let node; (node = walker.nextNode());) { const at = node.data.indexOf(words); if (at < 0) continue;"
        " const range = doc.createRange(); range.setStart(node, at); range.setEnd(node, at + words.length);"
        " const r = range.getBoundingClientRect(); const view = doc.defaultView;"
        # foliate-js scrolls its frame sideways to the page: compare with the visible part of the frame.
        " const left = view.scrollX, top = view.scrollY;"
        " return r.width > 0 && r.right - left > 0 && r.left - left < view.innerWidth"
        " && r.bottom - top > 0 && r.top - top < view.innerHeight; } return null; }",
        words,
    )
    assert visible is True, f"{words!r} not on screen in {reader} ({visible})"


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
def test_title_page_and_contents_show_the_book(opened, reader):
    page = opened(reader, "russian")
    show(page, TITLE_PAGE)
    assert "Тихая гавань" in on_screen(page, "(doc) => doc.body.innerText")
    show(page, CONTENTS)
    contents = on_screen(page, "(doc) => doc.body.innerText")
    assert "Глава 1" in contents and "Глава 2" in contents


def test_arabic_runs_right_to_left(opened, shots):
    page = opened("epubjs", "arabic")
    show(page, FIRST_CHAPTER)
    layout = on_screen(
        page,
        "(doc) => { const p = doc.querySelector('section p'); const range = doc.createRange();"
        " range.selectNodeContents(p); const lines = [...range.getClientRects()];"
        " const box = p.getBoundingClientRect(); const last = lines[lines.length - 1];"
        " return {direction: getComputedStyle(p).direction, right: lines[0].right, boxRight: box.right,"
        " lastLeft: last.left, boxLeft: box.left}; }",
    )
    # The first line starts at the right edge; the paragraph's last line ends short of the left edge.
    assert layout["direction"] == "rtl", layout
    assert abs(layout["right"] - layout["boxRight"]) < 40 and layout["lastLeft"] > layout["boxLeft"] + 5, layout
    page.screenshot(path=shots / "epubjs-arabic.png")


# -- Scene breaks: the ornament in the text colour ----------------------------------------------------------------

ORNAMENT = """(doc) => {
  const mark = doc.querySelector('.scene-break');
  const before = getComputedStyle(mark, '::before');
  // The ornament is the element's text, or (in older books) its generated content.
  const carrier = mark.textContent.trim() ? getComputedStyle(mark) : before;
  const text = mark.textContent.trim() || before.content.replace(/^"|"$/g, '');
  const paragraph = getComputedStyle(doc.querySelector('section p'));
  return {ornament: text, colour: carrier.color, opacity: carrier.opacity, text_colour: paragraph.color,
          height: mark.getBoundingClientRect().height};
}"""


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
@pytest.mark.parametrize("book", ["prose", "chinese"])
def test_scene_break_ornament_is_drawn_in_the_text_colour(opened, shots, reader, book):
    page = opened(reader, book)
    show(page, FIRST_CHAPTER)
    mark = on_screen(page, ORNAMENT)
    page.screenshot(path=shots / f"{reader}-{book}-chapter.png")
    assert mark["ornament"] == "⁂" and mark["height"] > 0, mark
    assert mark["colour"] == mark["text_colour"] and mark["opacity"] == "1", mark


# -- Verse -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
def test_verse_is_indented_relative_to_prose(opened, reader):
    page = opened(reader, "prose")
    show(page, FIRST_CHAPTER)
    lefts = on_screen(
        page,
        "(doc) => { const left = (p) => { const r = doc.createRange(); r.selectNodeContents(p);"
        " return Math.min(...[...r.getClientRects()].map((b) => b.left)); };"
        " return {verse: [...doc.querySelectorAll('.verse p')].map(left),"
        " prose: [...doc.querySelectorAll('section > p')].map(left)}; }",
    )
    # A prose paragraph's leftmost line is flush with the text block; every verse line starts to its right.
    assert min(lefts["verse"]) > min(lefts["prose"]) + 10, lefts


# -- Chinese, Japanese and Korean typography ---------------------------------------------------------------------


@pytest.mark.parametrize("reader", READERS_UNDER_TEST)
def test_chinese_is_upright_in_a_cjk_font_with_a_two_character_indent(opened, reader):
    page = opened(reader, "chinese")
    show(page, FIRST_CHAPTER)
    style = on_screen(
        page,
        "(doc) => { const slanted = [...doc.body.querySelectorAll('*')].filter((e) =>"
        " e.textContent.trim() && getComputedStyle(e).fontStyle !== 'normal').map((e) => e.outerHTML.slice(0, 80));"
        " const p = doc.querySelector('section h2 + p ~ p'); const css = getComputedStyle(p);"
        " return {slanted, indent: parseFloat(css.textIndent), size: parseFloat(css.fontSize),"
        " font: css.fontFamily, spacing: getComputedStyle(doc.querySelector('h2')).letterSpacing}; }",
    )
    assert style["slanted"] == [], style
    assert abs(style["indent"] - 2 * style["size"]) < 0.5, style
    first_font = style["font"].split(",")[0].strip().strip('"')
    assert "CJK" in first_font or "SC" in first_font.split() or "Song" in first_font, style


# -- calibre's engine (ebook-convert to PDF, as people convert for Kindle) ----------------------------------------


@pytest.fixture(scope="session")
def calibre_pdf(books) -> Path:
    """The prose book converted by calibre with its default options (its "remove fake margins" included)."""
    if shutil.which("ebook-convert") is None:
        pytest.skip("calibre is not installed (Debian's calibre; .ci/run installs it)")
    pdf = books / "prose-calibre.pdf"
    # calibre's Qt WebEngine refuses to run as root without this (CI runs as root).
    env = {**os.environ, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox", "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        ["ebook-convert", str(books / "prose.epub"), str(pdf)], capture_output=True, text=True, env=env, timeout=180
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return pdf


def test_calibre_puts_the_cover_on_one_page(calibre_pdf):
    import pdfplumber

    with pdfplumber.open(calibre_pdf) as pdf:
        pages = [(bool(page.images), page.extract_text() or "") for page in pdf.pages]
    title_page = next(number for number, (_, text) in enumerate(pages) if "Salt Road Ballad" in text)
    assert [number for number, (image, _) in enumerate(pages) if image] == [0], "the cover is cut over pages"
    assert title_page == 1, f"the title page is page {title_page + 1}"


def test_calibre_keeps_verse_indented_relative_to_prose(calibre_pdf):
    import pdfplumber

    with pdfplumber.open(calibre_pdf) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text_lines()]
    verse = [line["x0"] for line in lines if line["text"].startswith(("The salt road runs", "And home is far"))]
    prose = [line["x0"] for line in lines if line["text"].startswith(("The water was black", "hummed it now"))]
    assert len(verse) == 2 and len(prose) == 2
    assert min(verse) > max(prose) + 10, (verse, prose)


def test_calibre_draws_the_scene_break_ornament_in_the_text_colour(calibre_pdf):
    import pdfplumber

    with pdfplumber.open(calibre_pdf) as pdf:
        chars = [char for page in pdf.pages for char in page.chars]
    ornaments = [char for char in chars if char["text"] == "⁂"]
    text_colour = next(char for char in chars if char["text"] == "A")["non_stroking_color"]
    assert len(ornaments) == 1, "calibre shows no ornament"
    assert ornaments[0]["non_stroking_color"] == text_colour
